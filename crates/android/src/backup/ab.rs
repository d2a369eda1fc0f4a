//! `adb backup` files (`.ab`, Android 4.0–11; still written by androidqf): a text header, then
//! a tar stream, zlib-compressed when the header says so, AES-256-CBC-encrypted when a backup
//! password was set.
//!
//! ```text
//! ANDROID BACKUP\n <version>\n <compressed 0|1>\n <none|AES-256>\n
//! [AES-256: <user salt hex>\n <checksum salt hex>\n <PBKDF2 rounds>\n <user IV hex>\n
//!           <master key blob hex>\n]  <data>
//! ```
//!
//! The password (UTF-8) gives, by PBKDF2-HMAC-SHA1 over the user salt, the key that decrypts the
//! master key blob (`len iv | len key | len checksum`). The checksum — PBKDF2 of the master key
//! (from version 2 on, its bytes as Java's broken UTF-8 encoding of signed bytes makes them)
//! over the checksum salt — tells a right password from a wrong one before any data is touched.
//! Everything happens in memory, within [`Limits`]; key material is zeroized on drop.

use aes::Aes256;
use cbc::cipher::{block_padding::NoPadding, block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use std::io::Read;
use tracehound_evidence::archive::Limits;
use tracehound_evidence::EvidenceError;
use zeroize::Zeroizing;

/// The magic first line.
pub const MAGIC: &[u8] = b"ANDROID BACKUP\n";
/// Most PBKDF2 rounds accepted (adb writes 10,000; more would only slow a hostile file down).
const MAX_ROUNDS: u32 = 10_000_000;

/// An `.ab` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbHeader {
    /// Format version (1–5).
    pub version: u32,
    /// Whether the tar is zlib-compressed.
    pub compressed: bool,
    /// `none` or `AES-256`.
    pub encryption: String,
    /// Offset of what follows the header.
    pub data_offset: usize,
}

impl AbHeader {
    /// Whether the backup is password-protected.
    pub fn encrypted(&self) -> bool {
        self.encryption != "none"
    }
}

fn corrupt(path: &str, reason: impl Into<String>) -> EvidenceError {
    EvidenceError::Corrupt {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// Splits `n` `\n`-terminated fields off the front of `data`.
fn fields(data: &[u8], n: usize) -> Option<(Vec<&[u8]>, usize)> {
    let mut out = Vec::with_capacity(n);
    let mut at = 0;
    for _ in 0..n {
        let rest = data.get(at..)?;
        // Header fields are short; a missing newline in the first KiB is not a header.
        let end = memchr::memchr(b'\n', rest.get(..rest.len().min(4096))?)?;
        out.push(rest.get(..end)?);
        at += end + 1;
    }
    Some((out, at))
}

/// Parses the header of an `.ab` file (`path` names it in errors).
pub fn parse_header(path: &str, data: &[u8]) -> Result<AbHeader, EvidenceError> {
    if !data.starts_with(MAGIC) {
        return Err(corrupt(
            path,
            "not an Android backup: it does not start with \"ANDROID BACKUP\"",
        ));
    }
    let bad = || corrupt(path, "damaged Android backup header");
    let (f, at) = fields(&data[MAGIC.len()..], 3).ok_or_else(bad)?;
    let version: u32 = std::str::from_utf8(f[0])
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(bad)?;
    let compressed = match f[1] {
        b"0" => false,
        b"1" => true,
        _ => return Err(bad()),
    };
    let encryption = std::str::from_utf8(f[2]).map_err(|_| bad())?.to_string();
    Ok(AbHeader {
        version,
        compressed,
        encryption,
        data_offset: MAGIC.len() + at,
    })
}

fn hex_field(path: &str, f: &[u8], what: &str) -> Result<Vec<u8>, EvidenceError> {
    std::str::from_utf8(f)
        .ok()
        .and_then(|s| hex::decode(s.trim()).ok())
        .ok_or_else(|| {
            corrupt(
                path,
                format!("damaged encryption header ({what} is not hex)"),
            )
        })
}

/// Java's encoding of a byte array passed as a `char[]` (each byte sign-extended, then UTF-8).
fn java_utf8(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b < 0x80 {
            out.push(b);
        } else {
            out.extend([0xef, 0xbc | ((b >> 6) & 0x3f), 0x80 | (b & 0x3f)]);
        }
    }
    out
}

fn pbkdf2(secret: &[u8], salt: &[u8], rounds: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(secret, salt, rounds, key.as_mut());
    key
}

/// The master key and IV of an encrypted backup, and where its data starts in `body`.
struct Unlocked {
    key: Zeroizing<Vec<u8>>,
    iv: Vec<u8>,
    data_at: usize,
}

/// Derives the master key from `password`, checking it against the backup's checksum.
fn unlock(
    path: &str,
    header: &AbHeader,
    body: &[u8],
    password: &[u8],
) -> Result<Unlocked, EvidenceError> {
    if header.encryption != "AES-256" {
        return Err(corrupt(
            path,
            format!(
                "unsupported encryption {:?} (adb writes AES-256)",
                header.encryption
            ),
        ));
    }
    let (f, at) = fields(body, 5).ok_or_else(|| corrupt(path, "damaged encryption header"))?;
    let user_salt = hex_field(path, f[0], "user salt")?;
    let check_salt = hex_field(path, f[1], "checksum salt")?;
    let rounds: u32 = std::str::from_utf8(f[2])
        .ok()
        .and_then(|r| r.trim().parse().ok())
        .filter(|r| (1..=MAX_ROUNDS).contains(r))
        .ok_or_else(|| corrupt(path, "damaged encryption header (PBKDF2 rounds)"))?;
    let user_iv = hex_field(path, f[3], "IV")?;
    let mut blob = Zeroizing::new(hex_field(path, f[4], "master key")?);
    let user_key = pbkdf2(password, &user_salt, rounds);
    let wrong = || EvidenceError::WrongPassword {
        path: path.to_string(),
        what: "password",
    };
    if blob.len() % 16 != 0 || user_iv.len() != 16 {
        return Err(corrupt(path, "damaged encryption header (key blob size)"));
    }
    cbc::Decryptor::<Aes256>::new_from_slices(user_key.as_ref(), &user_iv)
        .map_err(|_| corrupt(path, "damaged encryption header (IV)"))?
        .decrypt_padded_mut::<NoPadding>(&mut blob)
        .map_err(|_| wrong())?;
    // len iv | iv | len key | key | len checksum | checksum
    let mut pos = 0;
    let mut take = |blob: &[u8]| -> Option<Vec<u8>> {
        let n = usize::from(*blob.get(pos)?);
        let v = blob.get(pos + 1..pos + 1 + n)?.to_vec();
        pos += 1 + n;
        Some(v)
    };
    let iv = take(&blob).ok_or_else(wrong)?;
    let key = Zeroizing::new(take(&blob).ok_or_else(wrong)?);
    let checksum = take(&blob).ok_or_else(wrong)?;
    let check_input = Zeroizing::new(if header.version > 1 {
        java_utf8(&key)
    } else {
        key.to_vec()
    });
    if pbkdf2(&check_input, &check_salt, rounds).as_ref() != checksum.as_slice() {
        return Err(wrong());
    }
    Ok(Unlocked {
        key,
        iv,
        data_at: at,
    })
}

/// Checks `password` against an encrypted backup without decrypting its data (`Ok` for a
/// backup that is not encrypted).
pub fn check_password(path: &str, data: &[u8], password: &[u8]) -> Result<(), EvidenceError> {
    let header = parse_header(path, data)?;
    if !header.encrypted() {
        return Ok(());
    }
    let body = data.get(header.data_offset..).unwrap_or_default();
    unlock(path, &header, body, password).map(|_| ())
}

/// Decrypts the data of an encrypted backup in place; returns where the plaintext starts in
/// `body` and its length.
fn decrypt(
    path: &str,
    header: &AbHeader,
    body: &mut [u8],
    password: &[u8],
) -> Result<(usize, usize), EvidenceError> {
    let u = unlock(path, header, body, password)?;
    let data = body.get_mut(u.data_at..).unwrap_or_default();
    let plain = cbc::Decryptor::<Aes256>::new_from_slices(&u.key, &u.iv)
        .map_err(|_| corrupt(path, "master key or IV of the wrong size"))?
        .decrypt_padded_mut::<Pkcs7>(data)
        .map_err(|_| corrupt(path, "encrypted data damaged or cut short (bad padding)"))?
        .len();
    Ok((u.data_at, plain))
}

/// Decodes a whole `.ab` file into its tar stream, decrypting with `password` when needed.
/// Errors: [`EvidenceError::Encrypted`] without a password, [`EvidenceError::WrongPassword`],
/// [`EvidenceError::Corrupt`] for a damaged file, [`EvidenceError::Refused`] past the limits.
pub fn decode(
    path: &str,
    mut bytes: Vec<u8>,
    password: Option<&[u8]>,
    limits: &Limits,
) -> Result<Vec<u8>, EvidenceError> {
    let header = parse_header(path, &bytes)?;
    let body = bytes.get_mut(header.data_offset..).unwrap_or_default();
    let (start, len) = if header.encrypted() {
        let password = password.ok_or_else(|| EvidenceError::Encrypted {
            path: path.to_string(),
        })?;
        decrypt(path, &header, body, password)?
    } else {
        (0, body.len())
    };
    let data = body.get(start..start + len).unwrap_or_default();
    if !header.compressed {
        return Ok(data.to_vec());
    }
    let cap = limits.max_entry_size.min(
        (data.len() as u64)
            .saturating_mul(limits.max_ratio)
            .max(limits.ratio_exempt_size),
    );
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| corrupt(path, format!("compressed data damaged or cut short ({e})")))?;
    if out.len() as u64 > cap {
        return Err(EvidenceError::Refused {
            path: path.to_string(),
            reason: format!(
                "inflates past {cap} bytes (the size or compression-ratio limit; zip bomb?)"
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let h = parse_header("x", b"ANDROID BACKUP\n5\n1\nnone\nDATA").unwrap();
        assert_eq!(
            (h.version, h.compressed, h.encrypted(), h.data_offset),
            (5, true, false, 24)
        );
        for bad in [
            &b"ANDROID BACKUP\n5\n"[..],
            b"ANDROID BACKUP\nx\n1\nnone\n",
            b"PK\x03\x04",
            b"",
        ] {
            assert!(matches!(
                parse_header("x", bad),
                Err(EvidenceError::Corrupt { .. })
            ));
        }
        assert_eq!(
            java_utf8(&[0x41, 0xff, 0x80]),
            [0x41, 0xef, 0xbf, 0xbf, 0xef, 0xbe, 0x80]
        );
    }

    #[test]
    fn plain_and_errors() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, b"tar bytes").unwrap();
        let mut ab = b"ANDROID BACKUP\n1\n1\nnone\n".to_vec();
        ab.extend(z.finish().unwrap());
        assert_eq!(
            decode("x", ab.clone(), None, &Limits::default()).unwrap(),
            b"tar bytes"
        );
        ab.truncate(ab.len() - 4);
        assert!(matches!(
            decode("x", ab, None, &Limits::default()),
            Err(EvidenceError::Corrupt { .. })
        ));
        let enc = b"ANDROID BACKUP\n5\n0\nAES-256\n00\n00\n1\n00\n00\n".to_vec();
        assert!(matches!(
            decode("x", enc.clone(), None, &Limits::default()),
            Err(EvidenceError::Encrypted { .. })
        ));
        assert!(decode("x", enc, Some(b"pw"), &Limits::default()).is_err());
    }
}
