//! Read-only views of phone acquisitions.
//!
//! Evidence is never modified: files are read, never opened for writing; SQLite databases are
//! loaded into memory with their write-ahead logs replayed by us ([`wal`]), so SQLite never
//! opens an evidence file; symbolic links inside an acquisition are not followed; every size
//! read is bounded.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod android;
pub mod android_detect;
pub mod archive;
pub mod backup;
pub mod bplist;
pub mod crypto;
pub mod detect;
pub mod fsdump;
pub mod ios;
pub mod plist_util;
pub mod rawrow;
pub mod read_log;
mod rooted;
pub mod sqlite;
pub mod sysdiagnose;
pub mod wal;

pub use backup::IosBackup;
pub use fsdump::IosFsDump;
pub use ios::{Artifact, FoundFile, FsEntry, IosSource};
pub use sqlite::{Db, SqliteError};
pub use sysdiagnose::IosSysdiagnose;

use std::path::Path;
use thiserror::Error;
use tracehound_core::ModuleError;

/// Why evidence could not be read.
#[derive(Debug, Error)]
pub enum EvidenceError {
    /// The path is not an acquisition of the expected kind.
    #[error("{path} is not an iOS backup: {reason}")]
    NotABackup {
        /// The path given.
        path: String,
        /// What is missing.
        reason: String,
    },
    /// The backup is encrypted and no password or key was given.
    #[error("{path} is an encrypted backup: its password (or a key from extract-key) is needed")]
    Encrypted {
        /// The backup folder.
        path: String,
    },
    /// The password or key does not unlock the backup's keys.
    #[error("wrong {what}: it does not unlock the encrypted backup {path}")]
    WrongPassword {
        /// The backup folder.
        path: String,
        /// `password` or `key`.
        what: &'static str,
    },
    /// The keybag or `ManifestKey` in `Manifest.plist` cannot be used.
    #[error("{path}: the encryption keys in Manifest.plist are damaged: {reason}")]
    Keybag {
        /// The backup folder.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// An I/O error on a file of the acquisition.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A database that could not be read.
    #[error(transparent)]
    Sqlite(#[from] SqliteError),
    /// A property list that could not be parsed.
    #[error("{name}: invalid property list: {detail}")]
    Plist {
        /// The file.
        name: String,
        /// What the parser said.
        detail: String,
    },
    /// A structurally damaged artefact.
    #[error("{path}: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Input we refuse to follow (links, traversal, invalid names).
    #[error("{path}: refused: {reason}")]
    Refused {
        /// The entry.
        path: String,
        /// Why.
        reason: String,
    },
    /// A file over the size we are prepared to read.
    #[error("{path}: {size} bytes is over the {limit}-byte limit")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A lock was poisoned by a panic elsewhere.
    #[error("internal error: evidence lock poisoned")]
    Poisoned,
}

impl EvidenceError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        EvidenceError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<EvidenceError> for ModuleError {
    fn from(e: EvidenceError) -> Self {
        match e {
            EvidenceError::Encrypted { path } => ModuleError::Encrypted(path),
            EvidenceError::Io {
                ref source,
                ref path,
            } if source.kind() == std::io::ErrorKind::NotFound => {
                ModuleError::NotFound(path.clone())
            }
            EvidenceError::Sqlite(SqliteError::Corrupt { name, detail }) => {
                ModuleError::Corrupted {
                    path: name,
                    reason: format!("not a readable SQLite database ({detail})"),
                }
            }
            // The message already names the file.
            other => ModuleError::Corrupted {
                path: String::new(),
                reason: other.to_string(),
            },
        }
    }
}
