//! Modules over an `adb backup`: a `.ab` file (plain or password-protected; see [`ab`]), its
//! unpacked folder (`apps/…`), or the `backup.ab` of an androidqf acquisition. The tar inside is
//! read in memory, within the archive limits.

pub mod ab;
mod sms;

pub use sms::Sms;

use crate::{AndroidAcquisition, AndroidModule, BackupDecoder};
use std::path::Path;
use tracehound_core::AcquisitionKind;
use tracehound_evidence::archive::{Limits, Tree};
use tracehound_evidence::EvidenceError;
use zeroize::Zeroizing;

/// The backup modules, in MVT's order.
pub static MODULES: &[&AndroidModule] = &[&Sms];

/// Decodes `.ab` files, with the backup password when one was given.
#[derive(Default)]
pub struct AbDecoder {
    password: Option<Zeroizing<Vec<u8>>>,
}

impl AbDecoder {
    /// A decoder that can open encrypted backups with `password`.
    pub fn with_password(password: Zeroizing<Vec<u8>>) -> Self {
        AbDecoder {
            password: Some(password),
        }
    }
}

impl BackupDecoder for AbDecoder {
    fn decode(&self, name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Tree, EvidenceError> {
        let tar = ab::decode(
            name,
            bytes,
            self.password.as_ref().map(|p| p.as_slice()),
            &limits,
        )?;
        Tree::from_bytes(name, tar, limits)
    }
}

/// Whether the file at `path` is an `.ab` backup that needs a password (`None` when it is not
/// an `.ab` file at all or cannot be read).
pub fn ab_needs_password(path: &Path) -> Option<bool> {
    let mut head = vec![0u8; 256];
    let n = std::io::Read::read(&mut std::fs::File::open(path).ok()?, &mut head).ok()?;
    head.truncate(n);
    ab::parse_header(&path.display().to_string(), &head)
        .ok()
        .map(|h| h.encrypted())
}

/// Opens an `adb backup`: a `.ab` file (decoded in memory with `decoder`) or an unpacked folder.
pub fn open_backup(
    path: &Path,
    decoder: &AbDecoder,
    limits: Limits,
) -> Result<AndroidAcquisition, EvidenceError> {
    let shown = path.display().to_string();
    let io = |source| EvidenceError::Io {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let tree = if meta.is_dir() {
        Tree::open(path, limits)?
    } else {
        if meta.len() > limits.max_entry_size {
            return Err(EvidenceError::TooLarge {
                path: shown,
                size: meta.len(),
                limit: limits.max_entry_size,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        decoder.decode(&shown, bytes, limits)?
    };
    Ok(AndroidAcquisition::from_tree(
        AcquisitionKind::AndroidBackup,
        tree,
        "",
    ))
}
