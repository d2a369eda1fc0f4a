//! What iOS modules see of an acquisition, whatever its kind.

use crate::sqlite::Db;
use crate::EvidenceError;
use tracehound_core::{AcquisitionKind, InputFile, Timestamp};

/// Where an artefact lives: in a backup (domain and relative path) and on the device's
/// filesystem (path from the root). Either may contain `*` wildcards.
#[derive(Debug, Clone, Copy)]
pub struct Artifact {
    /// `(domain, relativePath)` pairs in a backup's Manifest.db.
    pub backup: &'static [(&'static str, &'static str)],
    /// Paths in a full-filesystem dump, relative to its root (`private/var/mobile/...`).
    pub fs: &'static [&'static str],
}

/// One file of the acquisition that matched an [`Artifact`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoundFile {
    /// Path relative to the acquisition root (`3d/3d0d7e…` in a backup).
    pub path: String,
    /// Backup domain, for files of a backup.
    pub domain: Option<String>,
    /// Path on the device relative to its domain (or to `/` in a dump).
    pub relative_path: String,
}

impl FoundFile {
    /// `Domain:relative/path` for backups, the device path otherwise; for messages.
    pub fn artifact(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}:{}", self.relative_path),
            None => self.relative_path.clone(),
        }
    }

    /// The `InputFile` entry for results.
    pub fn input(&self) -> InputFile {
        InputFile {
            path: self.path.clone(),
            artifact: Some(self.artifact()),
        }
    }
}

/// One file or folder of a full-filesystem dump, as listed by [`IosSource::list_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FsEntry<'a> {
    /// Path on the device relative to `/` (`private/var/mobile/...`), `/`-separated.
    pub path: &'a str,
    /// A folder.
    pub is_dir: bool,
    /// Size in bytes (0 for folders).
    pub size: u64,
    /// Last modification time, when the acquisition recorded one.
    pub modified: Option<Timestamp>,
}

impl<'a> FsEntry<'a> {
    /// The last component of the path.
    pub fn name(&self) -> &'a str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// The error of sources that cannot list every file (backups list only what they back up).
fn not_listable() -> EvidenceError {
    EvidenceError::Io {
        path: "a listing of every file (only full-filesystem dumps have one)".into(),
        source: std::io::ErrorKind::NotFound.into(),
    }
}

/// A read-only iOS acquisition.
pub trait IosSource: Sync {
    /// Which kind of acquisition this is.
    fn kind(&self) -> AcquisitionKind;
    /// Files matching `artifact`, sorted by path.
    fn find(&self, artifact: &Artifact) -> Result<Vec<FoundFile>, EvidenceError>;
    /// Reads a whole file (size-bounded).
    fn read(&self, file: &FoundFile) -> Result<Vec<u8>, EvidenceError>;
    /// Opens a SQLite database with its `-wal` applied, in memory.
    fn open_sqlite(&self, file: &FoundFile) -> Result<Db, EvidenceError>;
    /// The backup itself, for modules that read backup metadata (Manifest, Info.plist).
    fn backup(&self) -> Option<&crate::backup::IosBackup> {
        None
    }
    /// Every file read so far.
    fn inputs(&self) -> Vec<InputFile>;
    /// Calls `f` on every file and folder, sorted by path. Only full-filesystem dumps can;
    /// other sources return an `Io` error of kind `NotFound` (a module's `NotFound`).
    fn list_all(&self, _f: &mut dyn FnMut(&FsEntry<'_>)) -> Result<(), EvidenceError> {
        Err(not_listable())
    }
    /// Calls `f` on every file and folder whose device path matches `pattern` (`*` and `?`
    /// within a component, `**` for any number of components; see
    /// [`crate::archive::glob_match`]), sorted by path. Like [`IosSource::list_all`], only
    /// full-filesystem dumps can.
    fn list_matching(
        &self,
        _pattern: &str,
        _f: &mut dyn FnMut(&FsEntry<'_>),
    ) -> Result<(), EvidenceError> {
        Err(not_listable())
    }
}
