//! Encrypted backups at the library level, on tiny backups built here: both key-derivation
//! schemes, a pre-iOS 10.2 backup (no `ManifestKey`, plain `Manifest.db`), unlocking with the
//! derived key, the errors for a wrong password and a file record without a key, and mutated
//! keybags that must give errors, never panics.

use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
use aes_kw::KekAes256;
use plist::{Dictionary, Uid, Value};
use std::fs;
use std::path::Path;
use tracehound_evidence::crypto::{Key, Secret};
use tracehound_evidence::{EvidenceError, FoundFile, IosBackup, IosSource};

const FILE_ID: &str = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
const PLAIN: &[u8] = b"a file of the phone, 37 bytes long..";

fn tlv(out: &mut Vec<u8>, tag: &[u8; 4], v: &[u8]) {
    out.extend_from_slice(tag);
    out.extend_from_slice(&(v.len() as u32).to_be_bytes());
    out.extend_from_slice(v);
}

fn wrap(kek: &[u8; 32], key: &[u8; 32]) -> Vec<u8> {
    let mut out = [0u8; 40];
    KekAes256::from(*kek).wrap(key, &mut out).unwrap();
    out.to_vec()
}

fn cbc(key: &[u8; 32], plain: &[u8]) -> Vec<u8> {
    let mut buf = plain.to_vec();
    buf.resize(plain.len() / 16 * 16 + 16, 0);
    let enc = cbc::Encryptor::<aes::Aes256>::new(key.into(), &[0u8; 16].into());
    enc.encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .unwrap()
        .to_vec()
}

fn mbfile(size: usize, encryption_key: Option<Vec<u8>>) -> Vec<u8> {
    let mut root = Dictionary::new();
    root.insert("Size".into(), Value::from(size as u64));
    root.insert("ProtectionClass".into(), Value::from(3u64));
    let mut objects = vec![Value::String("$null".into()), Value::Boolean(false)];
    if let Some(k) = encryption_key {
        root.insert("EncryptionKey".into(), Value::Uid(Uid::new(2)));
        let mut d = Dictionary::new();
        d.insert("NS.data".into(), Value::Data(k));
        objects.push(Value::Dictionary(d));
    }
    objects[1] = Value::Dictionary(root);
    let mut top = Dictionary::new();
    top.insert("root".into(), Value::Uid(Uid::new(1)));
    let mut a = Dictionary::new();
    a.insert("$top".into(), Value::Dictionary(top));
    a.insert("$objects".into(), Value::Array(objects));
    let mut out = Vec::new();
    Value::Dictionary(a).to_writer_binary(&mut out).unwrap();
    out
}

fn manifest_db(dir: &Path, blob: &[u8]) -> Vec<u8> {
    let path = dir.join("scratch.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, \
         flags INTEGER, file BLOB);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO Files VALUES (?1, 'HomeDomain', 'Library/SMS/sms.db', 1, ?2)",
        (FILE_ID, blob),
    )
    .unwrap();
    drop(conn);
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    bytes
}

struct Made {
    dir: tempfile::TempDir,
    derived: [u8; 32],
}

/// A one-file encrypted backup. `legacy`: single-stage keybag and no ManifestKey.
fn make(legacy: bool, password: &[u8], file_has_key: bool) -> Made {
    let dir = tempfile::tempdir().unwrap();
    let (salt, dpsl) = ([1u8; 20], [2u8; 20]);
    let mut derived = [0u8; 32];
    if legacy {
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, &salt, 7, &mut derived);
    } else {
        let mut s1 = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &dpsl, 11, &mut s1);
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&s1, &salt, 7, &mut derived);
    }
    let class3 = [3u8; 32];
    let class4 = [4u8; 32];
    let mut kb = Vec::new();
    tlv(&mut kb, b"VERS", &4u32.to_be_bytes());
    tlv(&mut kb, b"TYPE", &1u32.to_be_bytes());
    tlv(&mut kb, b"UUID", &[9; 16]);
    tlv(&mut kb, b"SALT", &salt);
    tlv(&mut kb, b"ITER", &7u32.to_be_bytes());
    if !legacy {
        tlv(&mut kb, b"DPIC", &11u32.to_be_bytes());
        tlv(&mut kb, b"DPSL", &dpsl);
    }
    for (class, key) in [(3u32, &class3), (4, &class4)] {
        tlv(&mut kb, b"UUID", &[class as u8; 16]);
        tlv(&mut kb, b"CLAS", &class.to_be_bytes());
        tlv(&mut kb, b"WRAP", &2u32.to_be_bytes());
        tlv(&mut kb, b"KTYP", &0u32.to_be_bytes());
        tlv(&mut kb, b"WPKY", &wrap(&derived, key));
    }
    let file_key = [5u8; 32];
    let mut ek = 3u32.to_le_bytes().to_vec();
    ek.extend(wrap(&class3, &file_key));
    let db = manifest_db(dir.path(), &mbfile(PLAIN.len(), file_has_key.then_some(ek)));
    let mut mp = Dictionary::new();
    mp.insert("IsEncrypted".into(), Value::Boolean(true));
    mp.insert("BackupKeyBag".into(), Value::Data(kb));
    if legacy {
        fs::write(dir.path().join("Manifest.db"), db).unwrap();
    } else {
        let mk = [6u8; 32];
        let mut tagged = 4u32.to_le_bytes().to_vec();
        tagged.extend(wrap(&class4, &mk));
        mp.insert("ManifestKey".into(), Value::Data(tagged));
        fs::write(dir.path().join("Manifest.db"), cbc(&mk, &db)).unwrap();
    }
    Value::Dictionary(mp)
        .to_file_binary(dir.path().join("Manifest.plist"))
        .unwrap();
    fs::create_dir(dir.path().join("3d")).unwrap();
    fs::write(dir.path().join("3d").join(FILE_ID), cbc(&file_key, PLAIN)).unwrap();
    Made { dir, derived }
}

fn sms() -> FoundFile {
    FoundFile {
        path: format!("3d/{FILE_ID}"),
        domain: Some("HomeDomain".into()),
        relative_path: "Library/SMS/sms.db".into(),
    }
}

#[test]
fn both_schemes_and_the_derived_key_decrypt_files() {
    for legacy in [false, true] {
        let m = make(legacy, "pässword".as_bytes(), true);
        let pw = Secret::password("pässword".as_bytes().to_vec());
        let b = IosBackup::open_with(m.dir.path(), Some(&pw)).unwrap();
        assert_eq!(b.keys().unwrap().manifest_is_encrypted(), !legacy);
        assert_eq!(b.keys().unwrap().derived_key().bytes(), &m.derived);
        assert_eq!(b.read(&sms()).unwrap(), PLAIN);
        let key = Key::from_hex(&hex::encode(m.derived)).unwrap();
        let b = IosBackup::open_with(m.dir.path(), Some(&Secret::DerivedKey(key))).unwrap();
        assert_eq!(b.read(&sms()).unwrap(), PLAIN);
    }
}

#[test]
fn wrong_password_missing_secret_and_keyless_record() {
    let m = make(false, b"right", true);
    let err = IosBackup::open_with(m.dir.path(), Some(&Secret::password(b"wrong".to_vec())))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            EvidenceError::WrongPassword {
                what: "password",
                ..
            }
        ),
        "{err}"
    );
    assert!(matches!(
        IosBackup::open(m.dir.path()).err().unwrap(),
        EvidenceError::Encrypted { .. }
    ));
    let m = make(false, b"right", false);
    let b = IosBackup::open_with(m.dir.path(), Some(&Secret::password(b"right".to_vec()))).unwrap();
    let err = b.read(&sms()).unwrap_err().to_string();
    assert!(err.contains("has no EncryptionKey"), "{err}");
}

#[test]
fn mutated_keybags_give_errors_not_panics() {
    let m = make(false, b"pw", true);
    let path = m.dir.path().join("Manifest.plist");
    let original: Dictionary = plist::from_file(&path).unwrap();
    let kb = original["BackupKeyBag"].as_data().unwrap().to_vec();
    let secret = Secret::DerivedKey(Key::from_hex(&hex::encode(m.derived)).unwrap());
    let mut outcomes = [0usize; 2];
    for i in (0..kb.len()).step_by(3) {
        for delta in [1u8, 0x80] {
            let mut bad = kb.clone();
            bad[i] ^= delta;
            let mut d = original.clone();
            d.insert("BackupKeyBag".into(), Value::Data(bad));
            Value::Dictionary(d).to_file_binary(&path).unwrap();
            let ok = IosBackup::open_with(m.dir.path(), Some(&secret)).is_ok();
            outcomes[usize::from(ok)] += 1;
        }
    }
    // Most flips break something (a tag, a length, a wrapped key); none panics.
    assert!(outcomes[0] > outcomes[1], "{outcomes:?}");
}
