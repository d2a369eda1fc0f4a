//! What Android modules see of an acquisition, whatever its container: an androidqf folder or
//! zip, a bugreport zip, or the tar inside an `adb backup`; and the acquisitions nested in an
//! androidqf one (`bugreport.zip`, `backup.ab`), opened lazily, in memory.

use std::path::Path;
use std::sync::{Arc, OnceLock};
use tracehound_core::{AcquisitionKind, InputFile, Timestamp};
use tracehound_evidence::android::androidqf_root;
use tracehound_evidence::archive::{glob_match, Limits, Tree, TreeFormat};
use tracehound_evidence::read_log::ReadLog;
use tracehound_evidence::EvidenceError;

/// One file of the acquisition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoundEntry {
    /// Path relative to the acquisition's root (`getprop.txt`, `logs/main.log`).
    pub path: String,
    /// Size in bytes, as the container declares it.
    pub size: u64,
    /// Last modification time, when the container records one.
    pub modified: Option<Timestamp>,
}

/// A read-only Android acquisition, as modules see it.
pub trait AndroidSource: Sync {
    /// Which kind of acquisition this is.
    fn kind(&self) -> AcquisitionKind;
    /// Files whose path relative to the acquisition root matches `pattern` (`*` within a
    /// component, `**` across components), sorted by path.
    fn find(&self, pattern: &str) -> Vec<FoundEntry>;
    /// Reads a whole file into memory (size-bounded; see [`Limits`]).
    fn read(&self, entry: &FoundEntry) -> Result<Vec<u8>, EvidenceError>;
    /// Every file read so far, nested acquisitions included.
    fn inputs(&self) -> Vec<InputFile>;
    /// SHA-256 (hex) of the bytes read for the input at `path` (an [`InputFile::path`] of
    /// [`AndroidSource::inputs`]), hashed as it was read: an entry of a zip or of a nested
    /// acquisition as well as a file of a folder.
    fn input_sha256(&self, path: &str) -> Option<String> {
        let _ = path;
        None
    }
    /// Entries refused while listing (links, traversal names, duplicates…).
    fn warnings(&self) -> Vec<String>;
    /// The bugreport: this acquisition itself when it is one, the `bugreport.zip` inside an
    /// androidqf acquisition, or `None`.
    fn bugreport(&self) -> Result<Option<&(dyn AndroidSource + 'static)>, EvidenceError>;
    /// The `adb backup` contents: this acquisition itself when it is one, the decoded
    /// `backup.ab` inside an androidqf acquisition, or `None`.
    fn backup(&self) -> Result<Option<&(dyn AndroidSource + 'static)>, EvidenceError>;
    /// The container the files come from, when known: a folder's times are instants (UTC), a
    /// zip's are the device's wall clock.
    fn container(&self) -> Option<TreeFormat> {
        None
    }
}

/// Turns the bytes of an `adb backup` file into the tree of files it holds (implemented where
/// `.ab` decoding lives; it may need a password).
pub trait BackupDecoder: Send + Sync {
    /// Decodes `bytes` (the file `name`) into a tree.
    fn decode(&self, name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Tree, EvidenceError>;
}

type Nested = OnceLock<Result<Option<Box<AndroidAcquisition>>, EvidenceError>>;

/// An acquisition read through an archive [`Tree`] (folder, zip, tar), rooted at a prefix.
pub struct AndroidAcquisition {
    kind: AcquisitionKind,
    tree: Tree,
    root: String,
    /// Prefix for [`InputFile::path`] (`bugreport.zip!/` for a nested acquisition).
    label: String,
    /// Files read, hashed as read.
    reads: ReadLog,
    bugreport: Nested,
    backup: Nested,
    decoder: Option<Arc<dyn BackupDecoder>>,
}

impl AndroidAcquisition {
    /// An acquisition over `tree`, whose files start at `root` (`""` or `dir/`).
    pub fn from_tree(kind: AcquisitionKind, tree: Tree, root: impl Into<String>) -> Self {
        AndroidAcquisition {
            kind,
            tree,
            root: root.into(),
            label: String::new(),
            reads: ReadLog::new(),
            bugreport: OnceLock::new(),
            backup: OnceLock::new(),
            decoder: None,
        }
    }

    /// Opens an androidqf acquisition: a folder or a zip, whose files sit at its top or in a
    /// single top-level folder.
    pub fn open_androidqf(path: &Path, limits: Limits) -> Result<Self, EvidenceError> {
        let tree = Tree::open(path, limits)?;
        Self::androidqf_in(tree, &path.display().to_string())
    }

    /// Opens an androidqf zip held in memory (`name` names it in messages).
    pub fn open_androidqf_bytes(
        name: &str,
        bytes: Vec<u8>,
        limits: Limits,
    ) -> Result<Self, EvidenceError> {
        let tree = Tree::from_bytes(name, bytes, limits)?;
        Self::androidqf_in(tree, name)
    }

    fn androidqf_in(tree: Tree, name: &str) -> Result<Self, EvidenceError> {
        let root = androidqf_root(&tree).ok_or_else(|| EvidenceError::Corrupt {
            path: name.to_string(),
            reason: "no androidqf files (getprop.txt, packages.json, ps.txt, …) at its top or \
                     in a top-level folder"
                .into(),
        })?;
        Ok(Self::from_tree(AcquisitionKind::AndroidQf, tree, root))
    }

    /// Sets how a nested `backup.ab` is decoded.
    pub fn with_backup_decoder(mut self, decoder: Arc<dyn BackupDecoder>) -> Self {
        self.decoder = Some(decoder);
        self
    }

    /// The underlying tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Where the acquisition starts inside the tree (`""` or `dir/`).
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The first file (shallowest, then by path) whose name ends with `suffix`.
    fn find_suffix(&self, suffix: &str) -> Option<FoundEntry> {
        let mut all = self.find("**");
        all.retain(|e| e.path.ends_with(suffix));
        all.sort_by_key(|e| (e.path.matches('/').count(), e.path.clone()));
        all.into_iter().next()
    }

    fn nested<'a>(
        &'a self,
        cell: &'a Nested,
        open: impl FnOnce() -> Result<Option<AndroidAcquisition>, EvidenceError>,
    ) -> Result<Option<&'a (dyn AndroidSource + 'static)>, EvidenceError> {
        match cell.get_or_init(|| open().map(|o| o.map(Box::new))) {
            Ok(Some(a)) => Ok(Some(a.as_ref() as &(dyn AndroidSource + 'static))),
            Ok(None) => Ok(None),
            Err(e) => Err(copy_error(e)),
        }
    }
}

/// A copy of a cached error (keeping the variants callers act on).
fn copy_error(e: &EvidenceError) -> EvidenceError {
    match e {
        EvidenceError::Encrypted { path } => EvidenceError::Encrypted { path: path.clone() },
        other => EvidenceError::Corrupt {
            path: String::new(),
            reason: other.to_string(),
        },
    }
}

impl AndroidSource for AndroidAcquisition {
    fn kind(&self) -> AcquisitionKind {
        self.kind
    }

    fn find(&self, pattern: &str) -> Vec<FoundEntry> {
        self.tree
            .entries()
            .iter()
            .filter(|e| !e.is_dir)
            .filter_map(|e| {
                let rel = e.path.strip_prefix(self.root.as_str())?;
                glob_match(pattern, rel).then(|| FoundEntry {
                    path: rel.to_string(),
                    size: e.size,
                    modified: e.modified,
                })
            })
            .collect()
    }

    fn read(&self, entry: &FoundEntry) -> Result<Vec<u8>, EvidenceError> {
        let full = format!("{}{}", self.root, entry.path);
        let data = self.tree.read(&full)?;
        let input = InputFile {
            path: format!("{}{full}", self.label),
            artifact: Some(entry.path.clone()),
        };
        self.reads.record(input, &data);
        Ok(data)
    }

    fn input_sha256(&self, path: &str) -> Option<String> {
        if let Some(h) = self.reads.sha256(path) {
            return Some(h);
        }
        [&self.bugreport, &self.backup]
            .into_iter()
            .filter_map(|cell| match cell.get() {
                Some(Ok(Some(n))) => n.input_sha256(path),
                _ => None,
            })
            .next()
    }

    fn inputs(&self) -> Vec<InputFile> {
        let mut out = self.reads.inputs();
        for cell in [&self.bugreport, &self.backup] {
            if let Some(Ok(Some(n))) = cell.get() {
                out.extend(n.inputs());
            }
        }
        out
    }

    fn warnings(&self) -> Vec<String> {
        self.tree.warnings().to_vec()
    }

    fn container(&self) -> Option<TreeFormat> {
        Some(self.tree.format())
    }

    fn bugreport(&self) -> Result<Option<&(dyn AndroidSource + 'static)>, EvidenceError> {
        match self.kind {
            AcquisitionKind::AndroidBugreport => return Ok(Some(self)),
            AcquisitionKind::AndroidQf => {}
            _ => return Ok(None),
        }
        self.nested(&self.bugreport, || {
            let Some(entry) = self.find_suffix("bugreport.zip") else {
                return Ok(None);
            };
            let full = format!("{}{}", self.root, entry.path);
            let tree = self.tree.open_nested(&full)?;
            let mut nested =
                AndroidAcquisition::from_tree(AcquisitionKind::AndroidBugreport, tree, "");
            nested.label = format!("{}{full}!/", self.label);
            Ok(Some(nested))
        })
    }

    fn backup(&self) -> Result<Option<&(dyn AndroidSource + 'static)>, EvidenceError> {
        match self.kind {
            AcquisitionKind::AndroidBackup => return Ok(Some(self)),
            AcquisitionKind::AndroidQf => {}
            _ => return Ok(None),
        }
        self.nested(&self.backup, || {
            let Some(entry) = self.find_suffix("backup.ab") else {
                return Ok(None);
            };
            let full = format!("{}{}", self.root, entry.path);
            let Some(decoder) = &self.decoder else {
                return Err(EvidenceError::Refused {
                    path: full,
                    reason: "no adb backup decoder configured".into(),
                });
            };
            let bytes = self.read(&entry)?;
            let tree = decoder.decode(&full, bytes, *self.tree.limits())?;
            let mut nested =
                AndroidAcquisition::from_tree(AcquisitionKind::AndroidBackup, tree, "");
            nested.label = format!("{}{full}!/", self.label);
            Ok(Some(nested))
        })
    }
}
