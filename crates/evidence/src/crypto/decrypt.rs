//! AES-256-CBC decryption of `Manifest.db` and of each backed-up file, in memory.
//!
//! Both are encrypted whole with a zero IV and PKCS#7 padding (so a file's stored size is its
//! real size rounded up to the next multiple of 16, plus a full block when already aligned).
//! The real size is the one the padding gives; when the padding is not valid PKCS#7 we fall back
//! to the `Size` of the file's `MBFile` record when that lies within the last block. Anything
//! else (a length that is not whole blocks, a size past the end) is damage, reported as such.
//! Decryption happens in place in the buffer read from the file: no second copy, nothing
//! written anywhere.

use super::keys::Key;
use aes::cipher::{BlockDecryptMut, KeyIvInit};
use aes::Aes256;

const BLOCK: usize = 16;

type Decryptor = cbc::Decryptor<Aes256>;

/// The length of valid PKCS#7 padding at the end of `data`, if there is one.
fn padding_len(data: &[u8]) -> Option<usize> {
    let n = usize::from(*data.last()?);
    if n == 0 || n > BLOCK || n > data.len() {
        return None;
    }
    let pad = data.get(data.len() - n..)?;
    pad.iter().all(|&b| usize::from(b) == n).then_some(n)
}

/// Decrypts `data` in place and trims it to the real size. `size` is the size the manifest
/// records, when known. The error says what is wrong, for a message naming the file.
pub fn decrypt_in_place(
    key: &Key,
    mut data: Vec<u8>,
    size: Option<u64>,
) -> Result<Vec<u8>, String> {
    if data.is_empty() {
        // Empty files are stored empty.
        return match size {
            None | Some(0) => Ok(data),
            Some(n) => Err(format!("is empty but its manifest record says {n} bytes")),
        };
    }
    if !data.chunks_exact(BLOCK).remainder().is_empty() {
        return Err(format!(
            "{} bytes is not a whole number of AES blocks: the file is truncated or damaged",
            data.len()
        ));
    }
    let mut dec = Decryptor::new(key.bytes().into(), &[0u8; BLOCK].into());
    let (blocks, rest) = aes::cipher::inout::InOutBuf::from(&mut data[..]).into_chunks();
    debug_assert!(rest.is_empty());
    dec.decrypt_blocks_inout_mut(blocks);
    let len = data.len();
    let real = match (padding_len(&data), size) {
        (Some(n), _) => len - n,
        (None, Some(s)) if s <= len as u64 && s + BLOCK as u64 > len as u64 => s as usize,
        (None, Some(s)) if s > len as u64 => {
            return Err(format!(
                "decrypts to {len} bytes, fewer than the {s} its manifest record says: \
                 the file is truncated"
            ))
        }
        _ => {
            return Err(
                "does not decrypt to valid data (bad padding): wrong key or damaged file".into(),
            )
        }
    };
    data.truncate(real);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut};

    fn key() -> Key {
        Key::from_hex(&"11".repeat(32)).unwrap()
    }

    fn encrypt(plain: &[u8]) -> Vec<u8> {
        let enc = cbc::Encryptor::<Aes256>::new(key().bytes().into(), &[0u8; 16].into());
        let mut buf = plain.to_vec();
        buf.resize(plain.len() / 16 * 16 + 16, 0);
        enc.encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
            .unwrap()
            .to_vec()
    }

    #[test]
    fn round_trips_every_length_around_a_block() {
        for n in 0..50usize {
            let plain: Vec<u8> = (0..n as u8).collect();
            let ct = encrypt(&plain);
            assert_eq!(ct.len(), (n / 16 + 1) * 16);
            assert_eq!(decrypt_in_place(&key(), ct.clone(), None).unwrap(), plain);
            assert_eq!(decrypt_in_place(&key(), ct, Some(n as u64)).unwrap(), plain);
        }
    }

    #[test]
    fn damage_is_named() {
        let ct = encrypt(b"SQLite format 3\0 and some more bytes");
        let e = decrypt_in_place(&key(), ct[..ct.len() - 5].to_vec(), None).unwrap_err();
        assert!(e.contains("not a whole number of AES blocks"), "{e}");
        let e = decrypt_in_place(&key(), ct[..16].to_vec(), Some(37)).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        let wrong = Key::from_hex(&"22".repeat(32)).unwrap();
        // A wrong key gives random padding: almost always an error, never a panic.
        let _ = decrypt_in_place(&wrong, ct.clone(), None);
        assert!(decrypt_in_place(&key(), Vec::new(), Some(3)).is_err());
        assert!(decrypt_in_place(&key(), Vec::new(), Some(0))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn unpadded_data_falls_back_to_the_recorded_size() {
        // 32 bytes encrypted without padding whose last byte is not a valid pad.
        let mut plain = [0u8; 32];
        plain[31] = 0xee;
        let enc = cbc::Encryptor::<Aes256>::new(key().bytes().into(), &[0u8; 16].into());
        let mut buf = plain;
        let ct = enc
            .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut buf, 32)
            .unwrap()
            .to_vec();
        assert_eq!(
            decrypt_in_place(&key(), ct.clone(), Some(32)).unwrap(),
            plain
        );
        assert!(decrypt_in_place(&key(), ct, None).is_err());
    }
}
