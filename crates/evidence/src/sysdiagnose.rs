//! iOS sysdiagnose archives: the `sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_iPhone-OS_<model>_<build>`
//! folder iOS writes when the volume and side buttons are held (Settings → Privacy → Analytics
//! → Analytics Data, or a Mac's Finder), as the `.tar.gz` the phone produces or unpacked to a
//! folder. Read in place through [`crate::archive::Tree`]: nothing is extracted, and entries
//! with `..`, absolute names or links are refused and listed in [`IosSysdiagnose::warnings`].
//!
//! The sysdiagnose root is the folder holding `ps.txt`, `taskinfo.txt`, `sysdiagnose.log`,
//! `remotectl_dumpstate.txt`…, found at the top of the archive or one folder down (Apple's
//! archives hold one folder named like the archive). Modules see paths relative to that root
//! (`ps.txt`, `crashes_and_spins/JetsamEvent-….ips`,
//! `system_logs.logarchive/Extra/shutdown.log`) and find them with the `fs` patterns of their
//! [`Artifact`]s.

mod detect;

pub use detect::{is_sysdiagnose_archive, looks_like_sysdiagnose};

use crate::archive::{glob_match, Limits, Tree, TreeEntry};
use crate::ios::{Artifact, FoundFile, FsEntry, IosSource};
use crate::rooted::RootedTree;
use crate::sqlite::Db;
use crate::EvidenceError;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use tracehound_core::{AcquisitionKind, InputFile};

/// Files only a sysdiagnose has at its root.
pub(crate) const MARKER_FILES: &[&str] = &[
    "ps.txt",
    "taskinfo.txt",
    "sysdiagnose.log",
    "remotectl_dumpstate.txt",
    "spindump-nosymbols.txt",
    "ps_thread.txt",
];

/// Folders a sysdiagnose has at its root; with a `sysdiagnose_*` name they identify one too.
pub(crate) const MARKER_FOLDERS: &[&str] = &["logs", "crashes_and_spins", "system_logs.logarchive"];

/// Largest file kept in memory while a `.tar.gz` is listed, and most bytes kept in all.
const MAX_CACHED_FILE: u64 = 64 << 20;
const MAX_CACHED_TOTAL: u64 = 1 << 30;

/// An opened sysdiagnose.
pub struct IosSysdiagnose {
    path: PathBuf,
    /// The tree, its root and what was read.
    files: RootedTree,
    /// Indexes of the tree entries under the root.
    range: Range<usize>,
    warnings: Vec<String>,
}

impl IosSysdiagnose {
    /// Opens the sysdiagnose at `path` (a folder, `.tar.gz`, `.tar` or `.zip`) and finds its
    /// root.
    pub fn open(path: &Path) -> Result<IosSysdiagnose, EvidenceError> {
        let mut used = 0u64;
        let mut keep = |p: &str, size: u64, _: &[u8]| {
            let wanted = size <= MAX_CACHED_FILE
                && used.saturating_add(size) <= MAX_CACHED_TOTAL
                && is_text_artefact(p);
            if wanted {
                used += size;
            }
            wanted
        };
        let tree = Tree::open_caching(path, Limits::default(), &mut keep)?;
        let shown = path.display().to_string();
        let root = find_root(&tree, &shown)?;
        let entries = tree.entries();
        let start = entries.partition_point(|e| e.path.as_str() < root.as_str());
        let len = entries
            .get(start..)
            .unwrap_or_default()
            .partition_point(|e| e.path.starts_with(root.as_str()));
        let mut warnings = tree.warnings().to_vec();
        if !root.is_empty() {
            warnings.insert(
                0,
                format!(
                    "the sysdiagnose is the archive's {:?}",
                    root.trim_end_matches('/')
                ),
            );
        }
        Ok(IosSysdiagnose {
            path: path.to_path_buf(),
            files: RootedTree::new(tree, root, "sysdiagnose"),
            range: start..start + len,
            warnings,
        })
    }

    /// The path given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The root inside the folder or archive: `""` or `"sysdiagnose_…/"`.
    pub fn root(&self) -> &str {
        &self.files.root
    }

    /// The name of the sysdiagnose folder (which carries its creation time and zone), or of
    /// the archive when its files are at the top.
    pub fn name(&self) -> String {
        let from_root = self.files.root.trim_end_matches('/');
        if !from_root.is_empty() {
            return from_root.to_string();
        }
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Number of files and folders under the root.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// Whether nothing is listed under the root.
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// Entries refused (traversal, absolute names, links) or skipped while listing, and where
    /// the root is.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// SHA-256 (hex) of the file at `path` (as in [`FoundFile::path`]).
    pub fn sha256(&self, path: &str) -> Result<String, EvidenceError> {
        self.files.sha256(path)
    }

    fn entries(&self) -> &[TreeEntry] {
        self.files
            .tree
            .entries()
            .get(self.range.clone())
            .unwrap_or_default()
    }

    fn relative<'a>(&self, tree_path: &'a str) -> &'a str {
        tree_path.get(self.files.root.len()..).unwrap_or_default()
    }

    fn visit(&self, e: &TreeEntry, f: &mut dyn FnMut(&FsEntry<'_>)) {
        f(&FsEntry {
            path: self.relative(&e.path),
            is_dir: e.is_dir,
            size: e.size,
            modified: e.modified,
        });
    }
}

/// Files worth keeping in memory during a `.tar.gz`'s one listing pass: the text reports,
/// logs and property lists modules read (not the log archive's binary tracev3 chunks).
fn is_text_artefact(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    [".txt", ".ips", ".log", ".plist", ".synced"]
        .iter()
        .any(|s| name.ends_with(s))
        || name.contains(".log.")
}

/// Whether the tree lists `path` (a file) or anything under it (a folder).
fn holds(tree: &Tree, path: &str) -> bool {
    if tree.get(path).is_some() {
        return true;
    }
    let p = format!("{path}/");
    let entries = tree.entries();
    let i = entries.partition_point(|e| e.path < p);
    entries.get(i).is_some_and(|e| e.path.starts_with(&p))
}

/// Whether `prefix` (`""` or `"folder/"`) is a sysdiagnose root.
fn is_root(tree: &Tree, prefix: &str) -> bool {
    let has_file = |f: &&str| tree.get(&format!("{prefix}{f}")).is_some_and(|e| !e.is_dir);
    if MARKER_FILES.iter().any(has_file) {
        return true;
    }
    let name = prefix.trim_end_matches('/');
    name.starts_with("sysdiagnose_")
        && MARKER_FOLDERS
            .iter()
            .any(|m| holds(tree, &format!("{prefix}{m}")))
}

fn find_root(tree: &Tree, shown: &str) -> Result<String, EvidenceError> {
    if is_root(tree, "") {
        return Ok(String::new());
    }
    let tops: BTreeSet<&str> = tree
        .entries()
        .iter()
        .filter_map(|e| e.path.split_once('/').map(|(top, _)| top))
        .collect();
    let mut found: Vec<String> = tops
        .iter()
        .map(|t| format!("{t}/"))
        .filter(|p| is_root(tree, p))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: "not an iOS sysdiagnose: no ps.txt, taskinfo.txt, sysdiagnose.log or \
                     sysdiagnose_* folder at its top or one folder down"
                .into(),
        }),
        _ => Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!(
                "holds several sysdiagnoses ({}); give the path of the one to check",
                found.join(", ")
            ),
        }),
    }
}

impl IosSource for IosSysdiagnose {
    fn kind(&self) -> AcquisitionKind {
        AcquisitionKind::IosSysdiagnose
    }

    fn find(&self, artifact: &Artifact) -> Result<Vec<FoundFile>, EvidenceError> {
        let mut found = BTreeSet::new();
        for e in self.entries().iter().filter(|e| !e.is_dir) {
            let rel = self.relative(&e.path);
            if artifact.fs.iter().any(|p| glob_match(p, rel)) {
                found.insert(FoundFile {
                    path: e.path.clone(),
                    domain: None,
                    relative_path: rel.to_string(),
                });
            }
        }
        Ok(found.into_iter().collect())
    }

    fn read(&self, file: &FoundFile) -> Result<Vec<u8>, EvidenceError> {
        self.files.read(file)
    }

    fn open_sqlite(&self, file: &FoundFile) -> Result<Db, EvidenceError> {
        self.files.open_sqlite(file)
    }

    fn inputs(&self) -> Vec<InputFile> {
        self.files.inputs()
    }

    fn list_all(&self, f: &mut dyn FnMut(&FsEntry<'_>)) -> Result<(), EvidenceError> {
        for e in self.entries() {
            self.visit(e, f);
        }
        Ok(())
    }

    fn list_matching(
        &self,
        pattern: &str,
        f: &mut dyn FnMut(&FsEntry<'_>),
    ) -> Result<(), EvidenceError> {
        for e in self.entries() {
            if glob_match(pattern, self.relative(&e.path)) {
                self.visit(e, f);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_files() {
        assert!(is_text_artefact("a/mobile_installation.log.0"));
        assert!(is_text_artefact("crashes_and_spins/x.ips"));
        assert!(!is_text_artefact(
            "system_logs.logarchive/Persist/0001.tracev3"
        ));
    }
}
