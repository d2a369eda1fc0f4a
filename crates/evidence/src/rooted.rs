//! The reading side shared by the tree-backed iOS acquisitions (filesystem dumps and
//! sysdiagnoses): a [`Tree`] with the root the acquisition starts at, reads held to that root,
//! databases opened with the `-wal` beside them, and every file read recorded for `info.json`
//! with its SHA-256, hashed as read (an archive is not read a second time to hash it).

use crate::archive::Tree;
use crate::ios::FoundFile;
use crate::read_log::ReadLog;
use crate::sqlite::Db;
use crate::EvidenceError;
use sha2::{Digest, Sha256};
use tracehound_core::InputFile;

/// A tree read from `root` on (`""` or `"folder/"`), recording what is read.
pub(crate) struct RootedTree {
    pub(crate) tree: Tree,
    /// Tree path of the root: `""` or `"folder/"`.
    pub(crate) root: String,
    /// What the acquisition is called in errors ("dump", "sysdiagnose").
    what: &'static str,
    reads: ReadLog,
}

impl RootedTree {
    pub(crate) fn new(tree: Tree, root: String, what: &'static str) -> RootedTree {
        RootedTree {
            tree,
            root,
            what,
            reads: ReadLog::new(),
        }
    }

    /// Reads a file found under the root; a path outside it is refused.
    pub(crate) fn read(&self, file: &FoundFile) -> Result<Vec<u8>, EvidenceError> {
        self.check_path(&file.path)?;
        let bytes = self.tree.read(&file.path)?;
        self.record_read(&file.path, &file.relative_path, &bytes);
        Ok(bytes)
    }

    /// Opens a database from its bytes, with the `-wal` that sits beside it applied.
    pub(crate) fn open_sqlite(&self, file: &FoundFile) -> Result<Db, EvidenceError> {
        let image = self.read(file)?;
        let wal_path = format!("{}-wal", file.path);
        let wal = match self.tree.get(&wal_path) {
            Some(e) if !e.is_dir && e.size > 0 => {
                let wal = self.tree.read(&wal_path)?;
                self.record_read(&wal_path, &format!("{}-wal", file.relative_path), &wal);
                Some(wal)
            }
            _ => None,
        };
        Ok(Db::from_bytes(&file.path, image, wal.as_deref())?)
    }

    /// Every file read so far.
    pub(crate) fn inputs(&self) -> Vec<InputFile> {
        self.reads.inputs()
    }

    /// SHA-256 (hex) of the file at tree path `path`: as it was read, else read now.
    pub(crate) fn sha256(&self, path: &str) -> Result<String, EvidenceError> {
        match self.reads.sha256(path) {
            Some(h) => Ok(h),
            None => Ok(hex::encode(Sha256::digest(self.tree.read(path)?))),
        }
    }

    fn record_read(&self, path: &str, artifact: &str, bytes: &[u8]) {
        let input = InputFile {
            path: path.to_string(),
            artifact: Some(artifact.to_string()),
        };
        self.reads.record(input, bytes);
    }

    /// Refuses paths outside the root (a `FoundFile` not made by the acquisition's `find`).
    fn check_path(&self, path: &str) -> Result<(), EvidenceError> {
        if path.starts_with(self.root.as_str()) && path.len() > self.root.len() {
            return Ok(());
        }
        Err(EvidenceError::Refused {
            path: path.to_string(),
            reason: format!("not a file of this {}", self.what),
        })
    }
}
