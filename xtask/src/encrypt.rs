//! `encrypt-ios-backup`: writes the encrypted twin of a plain backup, as an iPhone writes it
//! when "Encrypt local backup" is on (iOS 10.2 and later; `--legacy` for the older keybag).
//!
//! - `Manifest.plist` gains `IsEncrypted` = true, `BackupKeyBag` (TLV: `VERS` 4, `TYPE` 1
//!   (backup), `UUID`, `HMCK`, `WRAP` 0, `SALT`, `ITER`, `DPWT` 1, `DPIC`, `DPSL`, then for each
//!   protection class 1–11 `UUID`, `CLAS`, `WRAP` 2 (password), `KTYP` (1 and a `PBKY` for the
//!   asymmetric class 2, else 0) and `WPKY`, the class key RFC 3394-wrapped with the password
//!   key) and `ManifestKey` (class 4 as 4 little-endian bytes, then the wrapped key of
//!   `Manifest.db`).
//! - The password key is `PBKDF2-HMAC-SHA1(PBKDF2-HMAC-SHA256(password, DPSL, DPIC), SALT,
//!   ITER)`, or the SHA-1 stage alone on the password with `--legacy`.
//! - Each file gets its own key: AES-256-CBC, zero IV, PKCS#7 padding; its `MBFile`
//!   `EncryptionKey` becomes the protection class (4 bytes, little-endian) + the file key wrapped
//!   with that class key. `Manifest.db` (header left in WAL mode, like the device's) is encrypted
//!   whole the same way with the manifest key.
//! - `Info.plist` and `Status.plist` are copied unchanged.
//!
//! Keys come from the seeded generator so fixtures are reproducible: this is for test data,
//! never for protecting anything real.

use crate::rng::Rng;
use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
use aes_kw::KekAes256;
use anyhow::{bail, ensure, Context, Result};
use plist::{Dictionary, Value};
use rusqlite::{Connection, MAIN_DB};
use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// What to encrypt, and how.
#[derive(Clone, Debug)]
pub struct EncryptOptions {
    pub from: PathBuf,
    pub out: PathBuf,
    pub password: String,
    /// `DPIC`: PBKDF2-HMAC-SHA256 rounds (iOS: 10,000,000).
    pub iterations: u32,
    /// `ITER`: PBKDF2-HMAC-SHA1 rounds (iOS: 10,000).
    pub sha1_iterations: u32,
    /// The keybag of iOS before 10.2: no `DPSL`/`DPIC`, SHA-1 stage only.
    pub legacy: bool,
    pub seed: u64,
}

fn tlv(out: &mut Vec<u8>, tag: &[u8; 4], value: &[u8]) {
    out.extend_from_slice(tag);
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
}

fn wrap(kek: &[u8; 32], key: &[u8; 32]) -> Result<[u8; 40]> {
    let mut out = [0u8; 40];
    KekAes256::from(*kek)
        .wrap(key, &mut out)
        .map_err(|e| anyhow::anyhow!("key wrap: {e:?}"))?;
    Ok(out)
}

fn key32(rng: &mut Rng) -> [u8; 32] {
    let mut k = [0u8; 32];
    k.copy_from_slice(&rng.bytes(32));
    k
}

/// AES-256-CBC, zero IV, PKCS#7.
pub fn encrypt_cbc(key: &[u8; 32], plain: &[u8]) -> Result<Vec<u8>> {
    let mut buf = plain.to_vec();
    buf.resize(plain.len() / 16 * 16 + 16, 0);
    let enc = cbc::Encryptor::<aes::Aes256>::new(key.into(), &[0u8; 16].into());
    let n = enc
        .encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .map_err(|e| anyhow::anyhow!("padding: {e:?}"))?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// The keybag and its unwrapped class keys.
struct Keys {
    keybag: Vec<u8>,
    classes: BTreeMap<u32, [u8; 32]>,
}

fn make_keys(o: &EncryptOptions, rng: &mut Rng) -> Result<Keys> {
    let salt = rng.bytes(20);
    let dpsl = rng.bytes(20);
    let mut derived = [0u8; 32];
    if o.legacy {
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
            o.password.as_bytes(),
            &salt,
            o.sha1_iterations,
            &mut derived,
        );
    } else {
        let mut stage1 = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            o.password.as_bytes(),
            &dpsl,
            o.iterations,
            &mut stage1,
        );
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&stage1, &salt, o.sha1_iterations, &mut derived);
    }
    let mut kb = Vec::new();
    tlv(&mut kb, b"VERS", &4u32.to_be_bytes());
    tlv(&mut kb, b"TYPE", &1u32.to_be_bytes());
    tlv(&mut kb, b"UUID", &rng.bytes(16));
    tlv(&mut kb, b"HMCK", &rng.bytes(40));
    tlv(&mut kb, b"WRAP", &0u32.to_be_bytes());
    tlv(&mut kb, b"SALT", &salt);
    tlv(&mut kb, b"ITER", &o.sha1_iterations.to_be_bytes());
    if !o.legacy {
        tlv(&mut kb, b"DPWT", &1u32.to_be_bytes());
        tlv(&mut kb, b"DPIC", &o.iterations.to_be_bytes());
        tlv(&mut kb, b"DPSL", &dpsl);
    }
    let mut classes = BTreeMap::new();
    for class in 1u32..=11 {
        let key = key32(rng);
        tlv(&mut kb, b"UUID", &rng.bytes(16));
        tlv(&mut kb, b"CLAS", &class.to_be_bytes());
        tlv(&mut kb, b"WRAP", &2u32.to_be_bytes());
        tlv(&mut kb, b"KTYP", &u32::from(class == 2).to_be_bytes());
        tlv(&mut kb, b"WPKY", &wrap(&derived, &key)?);
        if class == 2 {
            tlv(&mut kb, b"PBKY", &rng.bytes(32));
        }
        classes.insert(class, key);
    }
    Ok(Keys {
        keybag: kb,
        classes,
    })
}

/// `class` (4 bytes, little-endian) + `key` wrapped with that class key.
fn tagged_key(keys: &Keys, class: u32, key: &[u8; 32]) -> Result<Vec<u8>> {
    let kek = keys
        .classes
        .get(&class)
        .with_context(|| format!("no class {class} key"))?;
    let mut out = class.to_le_bytes().to_vec();
    out.extend(wrap(kek, key)?);
    Ok(out)
}

/// Replaces the `EncryptionKey` data of an `MBFile` blob; returns the new blob and the
/// protection class.
fn rekey_blob(blob: &[u8], keys: &Keys, file_key: &[u8; 32]) -> Result<Vec<u8>> {
    let mut v = Value::from_reader(Cursor::new(blob))?;
    let d = v
        .as_dictionary_mut()
        .context("MBFile is not a dictionary")?;
    let root_uid = d
        .get("$top")
        .and_then(Value::as_dictionary)
        .and_then(|t| t.get("root"))
        .and_then(Value::as_uid)
        .context("no $top.root")?
        .get() as usize;
    let objects = d
        .get_mut("$objects")
        .and_then(Value::as_array_mut)
        .context("no $objects")?;
    let root = objects
        .get(root_uid)
        .and_then(Value::as_dictionary)
        .context("no root object")?;
    let class = root
        .get("ProtectionClass")
        .and_then(Value::as_unsigned_integer)
        .context("no ProtectionClass")? as u32;
    ensure!((1..=11).contains(&class), "ProtectionClass {class}");
    let key_uid = root
        .get("EncryptionKey")
        .and_then(Value::as_uid)
        .context("no EncryptionKey")?
        .get() as usize;
    let tagged = tagged_key(keys, class, file_key)?;
    let data = objects
        .get_mut(key_uid)
        .and_then(Value::as_dictionary_mut)
        .context("EncryptionKey is not an NSData object")?;
    data.insert("NS.data".into(), Value::Data(tagged));
    let mut out = Vec::with_capacity(blob.len() + 16);
    v.to_writer_binary(&mut out)?;
    Ok(out)
}

fn stored(root: &Path, id: &str) -> PathBuf {
    root.join(id.get(..2).unwrap_or("")).join(id)
}

/// Encrypts `o.from` into `o.out`. Returns the number of files encrypted.
pub fn run(o: &EncryptOptions) -> Result<usize> {
    if o.out.exists() && fs::read_dir(&o.out)?.next().is_some() {
        bail!("output folder {} exists and is not empty", o.out.display());
    }
    ensure!(
        !o.from.join("Manifest.db-wal").exists(),
        "{}: a Manifest.db-wal is not supported",
        o.from.display()
    );
    let mut rng = Rng::derive(o.seed, "backup-encryption");
    let keys = make_keys(o, &mut rng)?;
    let manifest_key = key32(&mut rng);
    fs::create_dir_all(&o.out)?;

    let mut image = fs::read(o.from.join("Manifest.db")).context("reading Manifest.db")?;
    let journal = (image.get(18).copied(), image.get(19).copied());
    ensure!(image.len() >= 100, "Manifest.db is too short");
    image[18] = 1;
    image[19] = 1;
    let mut conn = Connection::open_in_memory()?;
    let len = image.len();
    conn.deserialize_read_exact(MAIN_DB, Cursor::new(image), len, false)?;
    let rows: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT fileID, file FROM Files WHERE flags = 1")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut n = 0;
    let tx = conn.transaction()?;
    for (id, blob) in rows {
        let src = stored(&o.from, &id);
        if !src.is_file() {
            continue;
        }
        let file_key = key32(&mut rng);
        let blob = rekey_blob(&blob, &keys, &file_key).with_context(|| format!("file {id}"))?;
        let ct = encrypt_cbc(&file_key, &fs::read(&src)?)?;
        let dest = stored(&o.out, &id);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&dest, ct).with_context(|| format!("writing {}", dest.display()))?;
        tx.execute("UPDATE Files SET file = ?1 WHERE fileID = ?2", (blob, &id))?;
        n += 1;
    }
    tx.commit()?;
    let mut plain = conn.serialize(MAIN_DB)?.to_vec();
    if let (Some(a), Some(b)) = journal {
        plain[18] = a;
        plain[19] = b;
    }
    fs::write(
        o.out.join("Manifest.db"),
        encrypt_cbc(&manifest_key, &plain)?,
    )?;

    let mut manifest: Dictionary =
        plist::from_file(o.from.join("Manifest.plist")).context("reading Manifest.plist")?;
    manifest.insert("IsEncrypted".into(), Value::Boolean(true));
    manifest.insert("BackupKeyBag".into(), Value::Data(keys.keybag.clone()));
    manifest.insert(
        "ManifestKey".into(),
        Value::Data(tagged_key(&keys, 4, &manifest_key)?),
    );
    Value::Dictionary(manifest).to_file_binary(o.out.join("Manifest.plist"))?;
    for name in ["Info.plist", "Status.plist"] {
        let src = o.from.join(name);
        if src.is_file() {
            fs::copy(&src, o.out.join(name))?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keybag_layout_matches_the_device_format() {
        let o = EncryptOptions {
            from: PathBuf::new(),
            out: PathBuf::new(),
            password: "pw".into(),
            iterations: 3,
            sha1_iterations: 2,
            legacy: false,
            seed: 1,
        };
        let keys = make_keys(&o, &mut Rng::derive(1, "t")).unwrap();
        let mut tags = Vec::new();
        let mut pos = 0;
        let kb = &keys.keybag;
        while pos + 8 <= kb.len() {
            let len = u32::from_be_bytes(kb[pos + 4..pos + 8].try_into().unwrap()) as usize;
            tags.push(String::from_utf8_lossy(&kb[pos..pos + 4]).into_owned());
            pos += 8 + len;
        }
        assert_eq!(pos, kb.len());
        assert_eq!(
            tags[..13].join(" "),
            "VERS TYPE UUID HMCK WRAP SALT ITER DPWT DPIC DPSL UUID CLAS WRAP"
        );
        assert_eq!(tags.iter().filter(|t| *t == "WPKY").count(), 11);
        assert_eq!(tags.iter().filter(|t| *t == "PBKY").count(), 1);
        let ct = encrypt_cbc(&[1; 32], &[0; 32]).unwrap();
        assert_eq!(ct.len(), 48);
    }
}
