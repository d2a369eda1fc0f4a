//! Keys of an encrypted backup: the password-derived key, the class keys it unwraps, and the
//! per-file keys those unwrap.
//!
//! Derivation (iOS 10.2 and later): `PBKDF2-HMAC-SHA256(password, DPSL, DPIC, 32)`, then
//! `PBKDF2-HMAC-SHA1(that, SALT, ITER, 32)`. Earlier backups have no `DPSL`/`DPIC` and use the
//! SHA-1 stage alone on the password. The result unwraps (RFC 3394 AES key wrap) every class key
//! whose `WRAP` has the password bit; a failed integrity check there is how a wrong password
//! shows. `ManifestKey` and each file's `EncryptionKey` are a 4-byte little-endian protection
//! class followed by a 40-byte key wrapped with that class key.
//!
//! Every key lives in a [`Zeroizing`] buffer, wiped when dropped.

use super::keybag::{Keybag, WRAP_PASSCODE};
use aes_kw::KekAes256;
use sha1::Sha1;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;
use zeroize::Zeroizing;

/// Length of every key here (AES-256).
pub const KEY_LEN: usize = 32;
/// Length of a wrapped 32-byte key (RFC 3394 adds 8 bytes).
pub const WRAPPED_LEN: usize = KEY_LEN + 8;

/// A 256-bit key, wiped on drop.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    /// The key bytes.
    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn zero() -> Key {
        Key(Zeroizing::new([0u8; KEY_LEN]))
    }

    /// Lower-case hex (the key-file format, as MVT's `extract-key` writes it).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    /// Reads 64 hex digits (surrounding whitespace allowed).
    pub fn from_hex(text: &str) -> Result<Key, String> {
        let text = text.trim();
        if text.len() != 2 * KEY_LEN {
            return Err(format!(
                "expected {} hex digits, found {} characters",
                2 * KEY_LEN,
                text.len()
            ));
        }
        let mut key = Key::zero();
        hex::decode_to_slice(text, &mut key.0[..]).map_err(|_| "not hexadecimal".to_string())?;
        Ok(key)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(..)")
    }
}

/// What unlocks a backup.
pub enum Secret {
    /// The backup password, as UTF-8 bytes.
    Password(Zeroizing<Vec<u8>>),
    /// The password-derived key (from `extract-key`), which skips the slow derivation.
    DerivedKey(Key),
}

impl Secret {
    /// A password secret.
    pub fn password(bytes: Vec<u8>) -> Secret {
        Secret::Password(Zeroizing::new(bytes))
    }
}

/// Derives the password key as the keybag says (one or two PBKDF2 stages).
pub fn derive_key(password: &[u8], keybag: &Keybag) -> Key {
    let mut out = Key::zero();
    match &keybag.double_protection {
        Some(dp) => {
            let mut stage1 = Zeroizing::new([0u8; KEY_LEN]);
            pbkdf2::pbkdf2_hmac::<Sha256>(password, &dp.salt, dp.iterations, &mut stage1[..]);
            pbkdf2::pbkdf2_hmac::<Sha1>(
                &stage1[..],
                &keybag.salt,
                keybag.iterations,
                &mut out.0[..],
            );
        }
        None => {
            pbkdf2::pbkdf2_hmac::<Sha1>(password, &keybag.salt, keybag.iterations, &mut out.0[..])
        }
    }
    out
}

/// RFC 3394-unwraps a 40-byte wrapped key. `None` when the integrity check fails.
pub fn unwrap_key(kek: &Key, wrapped: &[u8]) -> Option<Key> {
    if wrapped.len() != WRAPPED_LEN {
        return None;
    }
    let kek = KekAes256::from(*kek.bytes());
    let mut out = Key::zero();
    kek.unwrap(wrapped, &mut out.0[..]).ok()?;
    Some(out)
}

/// Why the class keys could not be unlocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockError {
    /// A password-protected class key failed its integrity check: wrong password or key.
    Wrong,
    /// The keybag is structurally wrong (a wrapped key of the wrong size…).
    Damaged(String),
}

/// The unwrapped class keys of a backup keybag.
pub struct ClassKeys {
    keys: BTreeMap<u32, Key>,
}

impl ClassKeys {
    /// Unwraps every password-protected class key with `derived`.
    pub fn unlock(keybag: &Keybag, derived: &Key) -> Result<ClassKeys, UnlockError> {
        let mut keys = BTreeMap::new();
        for ck in keybag
            .class_keys
            .iter()
            .filter(|k| k.wrap & WRAP_PASSCODE != 0)
        {
            if ck.wrapped.len() != WRAPPED_LEN {
                return Err(UnlockError::Damaged(format!(
                    "class {} key is {} bytes, expected {WRAPPED_LEN}",
                    ck.class,
                    ck.wrapped.len()
                )));
            }
            let key = unwrap_key(derived, &ck.wrapped).ok_or(UnlockError::Wrong)?;
            keys.insert(ck.class, key);
        }
        Ok(ClassKeys { keys })
    }

    /// Unwraps a `ManifestKey` or `EncryptionKey` value: 4-byte little-endian class, 40-byte key.
    pub fn unwrap_tagged(&self, value: &[u8]) -> Result<Key, String> {
        let (Some(class), Some(wrapped)) = (value.get(..4), value.get(4..)) else {
            return Err(format!("key is {} bytes, too short", value.len()));
        };
        let mut c = [0u8; 4];
        c.copy_from_slice(class);
        let class = u32::from_le_bytes(c);
        if wrapped.len() != WRAPPED_LEN {
            return Err(format!(
                "wrapped key is {} bytes, expected {WRAPPED_LEN}",
                wrapped.len()
            ));
        }
        let kek = self
            .keys
            .get(&class)
            .ok_or_else(|| format!("protection class {class} has no key in the keybag"))?;
        unwrap_key(kek, wrapped)
            .ok_or_else(|| format!("its key does not unwrap with the class {class} key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keybag::{ClassKey, DoubleProtection};

    fn keybag(double: bool) -> Keybag {
        Keybag {
            version: Some(4),
            kind: Some(1),
            salt: b"salt-salt-salt-salt!".to_vec(),
            iterations: 3,
            double_protection: double.then(|| DoubleProtection {
                salt: b"dpsl-dpsl-dpsl-dpsl!".to_vec(),
                iterations: 5,
            }),
            class_keys: Vec::new(),
        }
    }

    #[test]
    fn pbkdf2_stages_match_known_vectors() {
        // RFC 6070: PBKDF2-HMAC-SHA1("password", "salt", 2) = ea6c014d…
        let kb = Keybag {
            salt: b"salt".to_vec(),
            iterations: 2,
            ..keybag(false)
        };
        let k = derive_key(b"password", &kb);
        assert_eq!(
            &k.to_hex()[..40],
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        // The two-stage key is the SHA-1 stage over the SHA-256 stage's output.
        let two = derive_key(b"pw", &keybag(true));
        let mut s1 = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"pw", b"dpsl-dpsl-dpsl-dpsl!", 5, &mut s1);
        let manual = derive_key(&s1, &keybag(false));
        assert_eq!(*two.to_hex(), *manual.to_hex());
    }

    #[test]
    fn wrong_key_is_wrong_and_short_keys_are_damage() {
        let kek = Key(Zeroizing::new([7; 32]));
        let mut wrapped = [0u8; 40];
        KekAes256::from([7u8; 32])
            .wrap(&[9u8; 32], &mut wrapped)
            .unwrap();
        let mut kb = keybag(false);
        kb.class_keys.push(ClassKey {
            class: 3,
            wrap: 2,
            key_type: 0,
            wrapped: wrapped.to_vec(),
        });
        let ck = ClassKeys::unlock(&kb, &kek).unwrap();
        assert_eq!(ck.keys[&3].bytes(), &[9u8; 32]);
        let other = Key(Zeroizing::new([8; 32]));
        assert_eq!(
            ClassKeys::unlock(&kb, &other).err(),
            Some(UnlockError::Wrong)
        );
        kb.class_keys[0].wrapped.pop();
        assert!(matches!(
            ClassKeys::unlock(&kb, &kek),
            Err(UnlockError::Damaged(_))
        ));
        assert!(ck.unwrap_tagged(&[3, 0, 0]).unwrap_err().contains("short"));
        let mut file_key = [0u8; 40];
        KekAes256::from([9u8; 32])
            .wrap(&[1u8; 32], &mut file_key)
            .unwrap();
        let mut tagged = vec![4, 0, 0, 0];
        tagged.extend(file_key);
        assert!(ck.unwrap_tagged(&tagged).unwrap_err().contains("class 4"));
        tagged[0] = 3;
        assert_eq!(ck.unwrap_tagged(&tagged).unwrap().bytes(), &[1u8; 32]);
        tagged[9] ^= 1;
        assert!(ck
            .unwrap_tagged(&tagged)
            .unwrap_err()
            .contains("does not unwrap"));
    }

    #[test]
    fn key_hex_round_trips() {
        let k = Key::from_hex(&format!(" {}\n", "ab".repeat(32))).unwrap();
        assert_eq!(k.bytes(), &[0xab; 32]);
        assert!(Key::from_hex("abc").is_err());
        assert!(Key::from_hex(&"zz".repeat(32)).is_err());
        assert_eq!(format!("{k:?}"), "Key(..)");
    }
}
