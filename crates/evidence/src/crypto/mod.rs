//! Encrypted iTunes/Finder backups, checked in place: nothing decrypted is ever written.
//!
//! `Manifest.plist` holds the backup keybag (`BackupKeyBag`, see [`keybag`]), `IsEncrypted`
//! and, since iOS 10.2, `ManifestKey`: the key of `Manifest.db`, wrapped with a class key.
//! The password gives the class keys ([`keys`]); they give the manifest key and, from each
//! file's `MBFile` record in `Manifest.db`, that file's own key. `Manifest.db` and every file are
//! AES-256-CBC encrypted whole ([`decrypt`]). Backups from before iOS 10.2 have no `ManifestKey`
//! and a plain `Manifest.db`; their files are encrypted the same way.
//!
//! Decrypted bytes go straight from the read buffer to the in-memory SQLite loader
//! ([`crate::sqlite::Db::from_bytes`]) or to the module that asked for them; keys are wiped when
//! the backup is dropped. References: Apple Platform Security guide ("Keybags for Data
//! Protection", "Backup keybag"); RFC 3394 (AES key wrap); RFC 8018 (PBKDF2).

pub mod decrypt;
pub mod keybag;
pub mod keys;

pub use keybag::Keybag;
pub use keys::{Key, Secret};

use crate::backup::MbFile;
use crate::EvidenceError;
use keys::{ClassKeys, UnlockError};
use plist::{Dictionary, Value};

/// The unlocked keys of one backup.
pub struct BackupKeys {
    derived: Key,
    class_keys: ClassKeys,
    manifest_key: Option<Key>,
}

fn data<'a>(plist: &'a Dictionary, key: &str) -> Option<&'a [u8]> {
    match plist.get(key) {
        Some(Value::Data(d)) => Some(d),
        _ => None,
    }
}

impl BackupKeys {
    /// Unlocks the keys of the backup at `path` (named in errors) from its `Manifest.plist`.
    /// With a password this takes as long as the keybag's PBKDF2 rounds (seconds on iOS 10.2+).
    pub fn unlock(
        path: &str,
        manifest_plist: &Dictionary,
        secret: &Secret,
    ) -> Result<BackupKeys, EvidenceError> {
        let damaged = |reason: String| EvidenceError::Keybag {
            path: path.to_string(),
            reason,
        };
        let blob = data(manifest_plist, "BackupKeyBag")
            .ok_or_else(|| damaged("Manifest.plist has no BackupKeyBag".into()))?;
        let keybag = Keybag::parse(blob).map_err(|e| damaged(format!("BackupKeyBag: {e}")))?;
        let (derived, what) = match secret {
            Secret::Password(p) => (keys::derive_key(p, &keybag), "password"),
            Secret::DerivedKey(k) => (k.clone(), "key"),
        };
        let class_keys = ClassKeys::unlock(&keybag, &derived).map_err(|e| match e {
            UnlockError::Wrong => EvidenceError::WrongPassword {
                path: path.to_string(),
                what,
            },
            UnlockError::Damaged(r) => damaged(format!("BackupKeyBag: {r}")),
        })?;
        let manifest_key = match manifest_plist.get("ManifestKey") {
            None => None,
            Some(Value::Data(d)) => Some(
                class_keys
                    .unwrap_tagged(d)
                    .map_err(|e| damaged(format!("ManifestKey: {e}")))?,
            ),
            Some(_) => return Err(damaged("ManifestKey is not binary data".into())),
        };
        Ok(BackupKeys {
            derived,
            class_keys,
            manifest_key,
        })
    }

    /// The password-derived key, to save with `extract-key` and reuse instead of the password.
    pub fn derived_key(&self) -> &Key {
        &self.derived
    }

    /// Whether `Manifest.db` is encrypted (iOS 10.2 and later).
    pub fn manifest_is_encrypted(&self) -> bool {
        self.manifest_key.is_some()
    }

    /// Decrypts the bytes of `Manifest.db` (or its `-wal`), checking that a database came out.
    pub fn decrypt_manifest_db(
        &self,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Vec<u8>, EvidenceError> {
        let Some(key) = &self.manifest_key else {
            return Ok(bytes);
        };
        let corrupt = |reason: String| EvidenceError::Corrupt {
            path: name.to_string(),
            reason,
        };
        let plain = decrypt::decrypt_in_place(key, bytes, None).map_err(|e| {
            corrupt(format!(
                "does not decrypt with the backup's ManifestKey: {e}"
            ))
        })?;
        let magic: &[u8] = if name.ends_with("-wal") {
            &[0x37, 0x7f, 0x06]
        } else {
            b"SQLite format 3\0"
        };
        if !plain.is_empty() && !plain.starts_with(magic) {
            return Err(corrupt(
                "decrypted with the backup's ManifestKey but is not a SQLite file: \
                 it is damaged"
                    .into(),
            ));
        }
        Ok(plain)
    }

    /// Decrypts one backed-up file with the key from its `MBFile` record.
    pub fn decrypt_file(
        &self,
        name: &str,
        meta: &MbFile,
        bytes: Vec<u8>,
    ) -> Result<Vec<u8>, EvidenceError> {
        let corrupt = |reason: String| EvidenceError::Corrupt {
            path: name.to_string(),
            reason,
        };
        let size = meta.size.and_then(|s| u64::try_from(s).ok());
        let Some(wrapped) = &meta.encryption_key else {
            if bytes.is_empty() {
                return Ok(bytes);
            }
            return Err(corrupt(
                "its Manifest.db record has no EncryptionKey, so it cannot be decrypted".into(),
            ));
        };
        let key = self
            .class_keys
            .unwrap_tagged(wrapped)
            .map_err(|e| corrupt(format!("EncryptionKey in its Manifest.db record: {e}")))?;
        decrypt::decrypt_in_place(&key, bytes, size)
            .map_err(|e| corrupt(format!("does not decrypt: {e}")))
    }
}
