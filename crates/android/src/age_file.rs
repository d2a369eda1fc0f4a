//! androidqf acquisitions encrypted with age: androidqf can zip its acquisition and encrypt it
//! to the recipient in `key.txt`, leaving a `<uuid>.zip.age` file. It is decrypted here into
//! memory only (bounded by [`Limits::max_entry_size`]), never to disk, and opened as a zip.

use crate::source::AndroidAcquisition;
use age::secrecy::SecretString;
use age::{DecryptError, Decryptor, Identity};
use std::io::Read;
use std::path::Path;
use tracehound_evidence::archive::Limits;
use tracehound_evidence::EvidenceError;
use zeroize::Zeroizing;

pub use tracehound_evidence::android_detect::{age_in_folder, is_age_file};

/// What decrypts an age file: X25519 identities (`AGE-SECRET-KEY-1…`) or a passphrase.
pub enum AgeKey {
    /// The identities read from an identity file.
    Identities(Vec<age::x25519::Identity>),
    /// A passphrase (for files encrypted with `age -p`).
    Passphrase(SecretString),
}

impl AgeKey {
    /// Reads the X25519 identities of an age identity file (`AGE-SECRET-KEY-1…` lines; `#`
    /// comments and blank lines are skipped).
    pub fn from_identity_text(text: &str, shown: &str) -> Result<Self, EvidenceError> {
        let mut ids = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let id = line
                .parse::<age::x25519::Identity>()
                .map_err(|_| EvidenceError::Corrupt {
                    path: shown.to_string(),
                    reason: format!(
                        "line {} is not an age X25519 identity (AGE-SECRET-KEY-1…)",
                        n + 1
                    ),
                })?;
            ids.push(id);
        }
        if ids.is_empty() {
            return Err(EvidenceError::Corrupt {
                path: shown.to_string(),
                reason: "holds no age identity (AGE-SECRET-KEY-1…)".into(),
            });
        }
        Ok(AgeKey::Identities(ids))
    }

    /// Reads an identity file.
    pub fn from_identity_file(path: &Path) -> Result<Self, EvidenceError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| io_err(path, e))?);
        Self::from_identity_text(&text, &path.display().to_string())
    }

    /// A passphrase (UTF-8).
    pub fn from_passphrase(pass: &[u8]) -> Result<Self, EvidenceError> {
        let s = std::str::from_utf8(pass).map_err(|_| EvidenceError::Refused {
            path: String::new(),
            reason: "an age passphrase must be valid UTF-8".into(),
        })?;
        Ok(AgeKey::Passphrase(SecretString::from(s.to_string())))
    }
}

/// Whether the age file at `path` is encrypted with a passphrase rather than to a recipient.
pub fn age_needs_passphrase(path: &Path) -> Result<bool, EvidenceError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let d = Decryptor::new_buffered(std::io::BufReader::new(file))
        .map_err(|e| age_error(&path.display().to_string(), e))?;
    Ok(d.is_scrypt())
}

fn io_err(path: &Path, source: std::io::Error) -> EvidenceError {
    EvidenceError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn age_error(shown: &str, e: DecryptError) -> EvidenceError {
    let reason = match e {
        DecryptError::NoMatchingKeys => {
            "the age identity given does not decrypt it (it was encrypted to another key: use \
             the key.txt androidqf wrote beside it)"
                .to_string()
        }
        DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed => {
            "wrong passphrase, or the file is damaged".to_string()
        }
        DecryptError::ExcessiveWork { required, .. } => {
            format!("its passphrase work factor (2^{required}) is too high to try")
        }
        DecryptError::InvalidHeader | DecryptError::UnknownFormat => {
            "damaged age file: its header cannot be read".to_string()
        }
        DecryptError::InvalidMac => "damaged age file: its header MAC does not match".to_string(),
        DecryptError::Io(e) => format!("damaged or truncated age file: {e}"),
    };
    EvidenceError::Corrupt {
        path: shown.to_string(),
        reason,
    }
}

/// Decrypts the age file at `path` into memory, at most `limit` bytes.
pub fn decrypt_age(
    path: &Path,
    key: &AgeKey,
    limit: u64,
) -> Result<Zeroizing<Vec<u8>>, EvidenceError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let decryptor =
        Decryptor::new_buffered(std::io::BufReader::new(file)).map_err(|e| age_error(&shown, e))?;
    let scrypt;
    let reader = match key {
        AgeKey::Identities(ids) => {
            if decryptor.is_scrypt() {
                return Err(EvidenceError::Refused {
                    path: shown,
                    reason: "it is encrypted with a passphrase, not to an identity: give the \
                             passphrase with --password-file FILE or TRACEHOUND_BACKUP_PASSWORD"
                        .into(),
                });
            }
            decryptor.decrypt(ids.iter().map(|i| i as &dyn Identity))
        }
        AgeKey::Passphrase(p) => {
            scrypt = age::scrypt::Identity::new(p.clone());
            decryptor.decrypt(std::iter::once(&scrypt as &dyn Identity))
        }
    };
    let reader = reader.map_err(|e| age_error(&shown, e))?;
    let mut out = Zeroizing::new(Vec::new());
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| age_error(&shown, DecryptError::Io(e)))?;
    if out.len() as u64 > limit {
        return Err(EvidenceError::TooLarge {
            path: shown,
            size: out.len() as u64,
            limit,
        });
    }
    Ok(out)
}

impl AndroidAcquisition {
    /// Opens an androidqf acquisition encrypted with age (`<uuid>.zip.age`): decrypted into
    /// memory with `key`, then read as the zip it holds.
    pub fn open_androidqf_age(
        path: &Path,
        key: &AgeKey,
        limits: Limits,
    ) -> Result<Self, EvidenceError> {
        let mut bytes = decrypt_age(path, key, limits.max_entry_size)?;
        let bytes = std::mem::take(&mut *bytes);
        Self::open_androidqf_bytes(&path.display().to_string(), bytes, limits)
    }
}
