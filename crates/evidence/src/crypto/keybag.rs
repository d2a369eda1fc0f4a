//! The backup keybag: `Manifest.plist` → `BackupKeyBag` (binary data, iOS 4 and later).
//!
//! A flat list of tag–length–value records: a 4-byte ASCII tag, a 4-byte big-endian length and
//! the value; 4-byte values are big-endian integers. The header comes first (`VERS`, `TYPE` = 1
//! for backup, `UUID`, `HMCK`, `WRAP`, `SALT`, `ITER`, and since iOS 10.2 `DPWT`, `DPIC`,
//! `DPSL`); each class key then starts with its own `UUID`, followed by `CLAS`, `WRAP`, `KTYP`,
//! `WPKY` (the RFC 3394-wrapped class key, 40 bytes) and, for asymmetric classes, `PBKY`.
//! Tags we do not use (`HMCK`, `DPWT`, `PBKY`, `SIGN`…) are skipped. Reference: Apple Platform
//! Security guide, "Keybags for Data Protection"; The iPhone Wiki, "Keybag".
//!
//! Everything here is hostile input: lengths are checked before slicing, iteration counts are
//! bounded (a keybag asking for 2^32 rounds would otherwise hang the check).

/// `WRAP` bit: the class key is wrapped with the password-derived key.
pub const WRAP_PASSCODE: u32 = 2;
/// Most `DPIC` (PBKDF2-SHA256) rounds we accept; iOS writes 10,000,000.
pub const MAX_DPIC: u32 = 100_000_000;
/// Most `ITER` (PBKDF2-SHA1) rounds we accept; iOS writes 10,000 (and did before iOS 10.2).
pub const MAX_ITER: u32 = 50_000_000;
/// Most class keys we accept in one keybag (iOS writes about a dozen).
const MAX_CLASS_KEYS: usize = 64;

/// One class key of the keybag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassKey {
    /// Protection class (`CLAS`): 1–4 for files, 5–11 for keychain items.
    pub class: u32,
    /// How it is wrapped (`WRAP`): bit 1 = device key, bit 2 = password-derived key.
    pub wrap: u32,
    /// Key type (`KTYP`): 0 AES, 1 Curve25519 (asymmetric classes).
    pub key_type: u32,
    /// The wrapped key (`WPKY`).
    pub wrapped: Vec<u8>,
}

/// The second PBKDF2 stage added in iOS 10.2 ("double protection").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoubleProtection {
    /// `DPSL`: salt of the PBKDF2-HMAC-SHA256 stage.
    pub salt: Vec<u8>,
    /// `DPIC`: its iteration count.
    pub iterations: u32,
}

/// A parsed backup keybag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keybag {
    /// `VERS`.
    pub version: Option<u32>,
    /// `TYPE` (1 = backup).
    pub kind: Option<u32>,
    /// `SALT`: salt of the PBKDF2-HMAC-SHA1 stage.
    pub salt: Vec<u8>,
    /// `ITER`: its iteration count.
    pub iterations: u32,
    /// `DPSL`/`DPIC`, when the keybag uses the iOS 10.2+ two-stage derivation.
    pub double_protection: Option<DoubleProtection>,
    /// The class keys, in keybag order.
    pub class_keys: Vec<ClassKey>,
}

/// The records of a TLV blob; an `Err` item ends the walk.
fn records(data: &[u8]) -> impl Iterator<Item = Result<([u8; 4], &[u8]), String>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= data.len() {
            return None;
        }
        let rest = &data[pos..];
        let (Some(tag), Some(len)) = (rest.get(0..4), rest.get(4..8)) else {
            failed = true;
            return Some(Err(format!(
                "truncated record at byte {pos} ({} bytes left)",
                rest.len()
            )));
        };
        let mut t = [0u8; 4];
        t.copy_from_slice(tag);
        let mut l = [0u8; 4];
        l.copy_from_slice(len);
        let len = u32::from_be_bytes(l) as usize;
        let Some(value) = rest.get(8..).and_then(|v| v.get(..len)) else {
            failed = true;
            return Some(Err(format!(
                "record {} at byte {pos} claims {len} bytes, only {} left",
                tag_name(&t),
                rest.len().saturating_sub(8)
            )));
        };
        pos += 8 + len;
        Some(Ok((t, value)))
    })
}

fn tag_name(t: &[u8; 4]) -> String {
    t.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect()
}

fn int(tag: &[u8; 4], v: &[u8]) -> Result<u32, String> {
    <[u8; 4]>::try_from(v)
        .map(u32::from_be_bytes)
        .map_err(|_| format!("{} is {} bytes, expected 4", tag_name(tag), v.len()))
}

/// A class key being read; fields are checked when it ends.
#[derive(Default)]
struct PartialKey {
    class: Option<u32>,
    wrap: Option<u32>,
    key_type: Option<u32>,
    wrapped: Option<Vec<u8>>,
}

impl PartialKey {
    fn finish(self, n: usize) -> Result<ClassKey, String> {
        let class = self
            .class
            .ok_or_else(|| format!("class key {n} has no CLAS"))?;
        Ok(ClassKey {
            class,
            wrap: self.wrap.unwrap_or(0),
            key_type: self.key_type.unwrap_or(0),
            wrapped: self
                .wrapped
                .ok_or_else(|| format!("class key {n} (class {class}) has no WPKY"))?,
        })
    }
}

impl Keybag {
    /// Parses a keybag blob. The error says what is wrong and where.
    pub fn parse(data: &[u8]) -> Result<Keybag, String> {
        let mut version = None;
        let mut kind = None;
        let mut salt = None;
        let mut iterations = None;
        let mut dp_salt = None;
        let mut dp_iterations = None;
        let mut seen_uuid = false;
        let mut current: Option<PartialKey> = None;
        let mut class_keys = Vec::new();
        for rec in records(data) {
            let (tag, v) = rec?;
            if let Some(key) = current.as_mut() {
                match &tag {
                    b"UUID" => {
                        if let Some(done) = current.take() {
                            class_keys.push(done.finish(class_keys.len() + 1)?);
                        }
                        if class_keys.len() >= MAX_CLASS_KEYS {
                            return Err(format!("more than {MAX_CLASS_KEYS} class keys"));
                        }
                        current = Some(PartialKey::default());
                    }
                    b"CLAS" => key.class = Some(int(&tag, v)?),
                    b"WRAP" => key.wrap = Some(int(&tag, v)?),
                    b"KTYP" => key.key_type = Some(int(&tag, v)?),
                    b"WPKY" => key.wrapped = Some(v.to_vec()),
                    _ => {}
                }
                continue;
            }
            match &tag {
                // The first UUID is the keybag's; the next one opens the first class key.
                b"UUID" if seen_uuid => current = Some(PartialKey::default()),
                b"UUID" => seen_uuid = true,
                b"VERS" => version = Some(int(&tag, v)?),
                b"TYPE" => kind = Some(int(&tag, v)?),
                b"SALT" => salt = Some(v.to_vec()),
                b"ITER" => iterations = Some(int(&tag, v)?),
                b"DPSL" => dp_salt = Some(v.to_vec()),
                b"DPIC" => dp_iterations = Some(int(&tag, v)?),
                _ => {}
            }
        }
        if let Some(done) = current.take() {
            class_keys.push(done.finish(class_keys.len() + 1)?);
        }
        let salt = salt.filter(|s| !s.is_empty()).ok_or("no SALT")?;
        let iterations = iterations.ok_or("no ITER")?;
        check_rounds("ITER", iterations, MAX_ITER)?;
        let double_protection = match (dp_salt, dp_iterations) {
            (None, None) => None,
            (Some(salt), Some(iterations)) if !salt.is_empty() => {
                check_rounds("DPIC", iterations, MAX_DPIC)?;
                Some(DoubleProtection { salt, iterations })
            }
            (Some(_), Some(_)) => return Err("DPSL is empty".into()),
            (Some(_), None) => return Err("DPSL without DPIC".into()),
            (None, Some(_)) => return Err("DPIC without DPSL".into()),
        };
        if !class_keys.iter().any(|k| k.wrap & WRAP_PASSCODE != 0) {
            return Err("no class key is protected by the backup password".into());
        }
        Ok(Keybag {
            version,
            kind,
            salt,
            iterations,
            double_protection,
            class_keys,
        })
    }
}

fn check_rounds(tag: &str, n: u32, max: u32) -> Result<(), String> {
    if n == 0 || n > max {
        return Err(format!(
            "{tag} asks for {n} PBKDF2 rounds; expected 1 to {max}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(tag: &[u8; 4], v: &[u8]) -> Vec<u8> {
        let mut out = tag.to_vec();
        out.extend((v.len() as u32).to_be_bytes());
        out.extend(v);
        out
    }

    fn sample(double: bool) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(rec(b"VERS", &4u32.to_be_bytes()));
        b.extend(rec(b"TYPE", &1u32.to_be_bytes()));
        b.extend(rec(b"UUID", &[1; 16]));
        b.extend(rec(b"HMCK", &[2; 40]));
        b.extend(rec(b"WRAP", &0u32.to_be_bytes()));
        b.extend(rec(b"SALT", &[3; 20]));
        b.extend(rec(b"ITER", &10_000u32.to_be_bytes()));
        if double {
            b.extend(rec(b"DPWT", &1u32.to_be_bytes()));
            b.extend(rec(b"DPIC", &10_000_000u32.to_be_bytes()));
            b.extend(rec(b"DPSL", &[4; 20]));
        }
        for class in [1u32, 2, 3] {
            b.extend(rec(b"UUID", &[class as u8; 16]));
            b.extend(rec(b"CLAS", &class.to_be_bytes()));
            b.extend(rec(b"WRAP", &2u32.to_be_bytes()));
            b.extend(rec(b"KTYP", &u32::from(class == 2).to_be_bytes()));
            b.extend(rec(b"WPKY", &[5; 40]));
            if class == 2 {
                b.extend(rec(b"PBKY", &[6; 32]));
            }
        }
        b
    }

    #[test]
    fn parses_both_schemes() {
        let kb = Keybag::parse(&sample(true)).unwrap();
        assert_eq!(kb.version, Some(4));
        assert_eq!(kb.kind, Some(1));
        assert_eq!(kb.iterations, 10_000);
        assert_eq!(kb.salt, vec![3; 20]);
        let dp = kb.double_protection.unwrap();
        assert_eq!((dp.iterations, dp.salt), (10_000_000, vec![4; 20]));
        let classes: Vec<(u32, u32, u32)> = kb
            .class_keys
            .iter()
            .map(|k| (k.class, k.wrap, k.key_type))
            .collect();
        assert_eq!(classes, vec![(1, 2, 0), (2, 2, 1), (3, 2, 0)]);
        let old = Keybag::parse(&sample(false)).unwrap();
        assert_eq!(old.double_protection, None);
        assert_eq!(old.class_keys.len(), 3);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let good = sample(true);
        for cut in 0..good.len() {
            let _ = Keybag::parse(&good[..cut]);
        }
        let err = Keybag::parse(&good[..good.len() - 3]).unwrap_err();
        assert!(
            err.contains("WPKY") && err.contains("claims 40 bytes"),
            "{err}"
        );
        let mut huge = good.clone();
        huge.extend(rec(b"WPKY", &[]));
        huge.truncate(huge.len() - 4);
        huge.extend(u32::MAX.to_be_bytes());
        assert!(Keybag::parse(&huge).unwrap_err().contains("claims"));
        assert_eq!(Keybag::parse(b"").unwrap_err(), "no SALT");
        let mut bad_iter = sample(false);
        bad_iter.extend(rec(b"ITER", &[0, 0, 1]));
        // A 3-byte integer after the class keys is ignored (class keys have no ITER)...
        assert!(Keybag::parse(&bad_iter).is_ok());
        // ...but in the header it is named.
        let mut hdr = rec(b"ITER", &[0, 0, 1]);
        hdr.extend(sample(false));
        assert_eq!(
            Keybag::parse(&hdr).unwrap_err(),
            "ITER is 3 bytes, expected 4"
        );
    }

    #[test]
    fn hostile_round_counts_are_refused() {
        let mut b = rec(b"DPIC", &u32::MAX.to_be_bytes());
        b.extend(rec(b"DPSL", &[1; 20]));
        b.extend(sample(false));
        let err = Keybag::parse(&b).unwrap_err();
        assert!(err.starts_with("DPIC asks for 4294967295"), "{err}");
        let mut z = rec(b"DPIC", &[1; 4]);
        z.extend(sample(false));
        assert_eq!(Keybag::parse(&z).unwrap_err(), "DPIC without DPSL");
    }
}
