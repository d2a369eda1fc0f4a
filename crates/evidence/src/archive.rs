//! Read-only trees of files: a folder, a `.zip`, a `.tar` or `.tar.gz`, or a zip/tar held in
//! memory (an archive nested in another). Used for androidqf acquisitions (folder or zip, with a
//! nested `bugreport.zip`), bugreports, the tar inside an `adb backup`, and later iOS
//! full-filesystem dumps.
//!
//! Nothing is ever extracted to disk. Evidence is hostile input, so:
//! - entries whose names are absolute (`/x`, `C:\x`) or contain `..` are refused, listed as
//!   warnings, and cannot be read; backslashes count as separators;
//! - links are never followed: symlink and hard-link entries of archives, and symbolic links in
//!   folders (wherever they point), are refused and listed as warnings;
//! - every read is bounded: per entry ([`Limits::max_entry_size`]), in total over the tree's life
//!   (shared with the trees nested in it), and by compression ratio, so a zip bomb is refused
//!   with an error naming the entry before it is inflated.

mod folder;
mod names;
mod tarfile;
mod zipfile;

pub(crate) use names::clean_path;
pub use names::glob_match;

use crate::EvidenceError;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tracehound_core::Timestamp;

/// What a tree may cost to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest entry read into memory, in bytes (uncompressed).
    pub max_entry_size: u64,
    /// Most bytes read out of the tree, over its life, nested trees included.
    pub max_total_read: u64,
    /// Largest accepted ratio of uncompressed to compressed size (deflate tops out near
    /// 1,000:1; real text rarely passes 30:1).
    pub max_ratio: u64,
    /// Entries up to this uncompressed size are not ratio-checked (a few KiB of zeros is fine).
    pub ratio_exempt_size: u64,
    /// Most entries listed.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry_size: 1 << 30,
            max_total_read: 16 << 30,
            max_ratio: 200,
            ratio_exempt_size: 1 << 20,
            max_entries: 2_000_000,
        }
    }
}

impl Limits {
    /// Whether `size` bytes stored as `compressed` bytes is an acceptable ratio.
    fn ratio_ok(&self, size: u64, compressed: u64) -> bool {
        size <= self.ratio_exempt_size || size <= compressed.saturating_mul(self.max_ratio)
    }
}

/// The container a tree reads from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeFormat {
    /// A folder on disk.
    Folder,
    /// A zip archive.
    Zip,
    /// An uncompressed tar archive.
    Tar,
    /// A gzip-compressed tar archive.
    TarGz,
}

/// One file or folder of a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// Path relative to the tree's root, `/`-separated, without `.`/`..` or empty components.
    pub path: String,
    /// Uncompressed size in bytes, as the container declares it.
    pub size: u64,
    /// A folder.
    pub is_dir: bool,
    /// Last modification time, when recorded (zip times have no zone and are taken as UTC).
    pub modified: Option<Timestamp>,
}

/// A read-only tree of files.
pub struct Tree {
    name: String,
    format: TreeFormat,
    entries: Vec<TreeEntry>,
    index: HashMap<String, usize>,
    warnings: Vec<String>,
    limits: Limits,
    budget: Arc<AtomicU64>,
    backend: Backend,
}

enum Backend {
    Folder(folder::FolderBackend),
    Zip(zipfile::ZipBackend),
    Tar(tarfile::TarBackend),
}

/// What a backend hands over when a tree is opened.
struct Listing {
    entries: Vec<TreeEntry>,
    warnings: Vec<String>,
}

impl Tree {
    /// Opens a folder, a `.zip`, a `.tar` or a `.tar.gz` (recognised by content, not name).
    pub fn open(path: &Path, limits: Limits) -> Result<Tree, EvidenceError> {
        Tree::open_caching(path, limits, &mut |_, _, _| false)
    }

    /// Like [`Tree::open`], but while a `.tar.gz` is listed (its one full inflation) the files
    /// for which `keep(path, size, first bytes)` says so are kept in memory, so reading them
    /// later does not inflate the stream again. `keep` sees at most the first 16 bytes; it is
    /// not called for other formats, which read entries directly.
    pub fn open_caching(
        path: &Path,
        limits: Limits,
        keep: &mut dyn FnMut(&str, u64, &[u8]) -> bool,
    ) -> Result<Tree, EvidenceError> {
        let meta = fs::metadata(path).map_err(|e| EvidenceError::io(path, e))?;
        let name = path.display().to_string();
        let budget = Arc::new(AtomicU64::new(0));
        if meta.is_dir() {
            let (b, listing) = folder::FolderBackend::open(path, &limits)?;
            return Ok(Tree::new(
                name,
                TreeFormat::Folder,
                listing,
                limits,
                budget,
                Backend::Folder(b),
            ));
        }
        let mut head = [0u8; 512];
        let n = read_head(path, &mut head)?;
        let head = head.get(..n).unwrap_or_default();
        let source = Source::File(path.to_path_buf());
        Tree::from_source(name, source, head, meta.len(), limits, budget, keep)
    }

    /// Opens a zip or (gzip-compressed) tar held in memory.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: Vec<u8>,
        limits: Limits,
    ) -> Result<Tree, EvidenceError> {
        Tree::from_memory(
            name.into(),
            bytes.into(),
            limits,
            Arc::new(AtomicU64::new(0)),
        )
    }

    fn from_memory(
        name: String,
        bytes: Arc<[u8]>,
        limits: Limits,
        budget: Arc<AtomicU64>,
    ) -> Result<Tree, EvidenceError> {
        let head: Vec<u8> = bytes.iter().take(512).copied().collect();
        let len = bytes.len() as u64;
        let keep = &mut |_: &str, _: u64, _: &[u8]| false;
        Tree::from_source(
            name,
            Source::Memory(bytes),
            &head,
            len,
            limits,
            budget,
            keep,
        )
    }

    fn from_source(
        name: String,
        source: Source,
        head: &[u8],
        len: u64,
        limits: Limits,
        budget: Arc<AtomicU64>,
        keep: &mut dyn FnMut(&str, u64, &[u8]) -> bool,
    ) -> Result<Tree, EvidenceError> {
        let (format, backend, listing) = match sniff(head) {
            Some(TreeFormat::Zip) => {
                let (b, l) = zipfile::ZipBackend::open(&name, source, &limits)?;
                (TreeFormat::Zip, Backend::Zip(b), l)
            }
            Some(f @ (TreeFormat::Tar | TreeFormat::TarGz)) => {
                let gz = f == TreeFormat::TarGz;
                let (b, l) = tarfile::TarBackend::open(&name, source, gz, len, &limits, keep)?;
                (f, Backend::Tar(b), l)
            }
            _ => {
                return Err(EvidenceError::Corrupt {
                    path: name,
                    reason: "not a folder, zip or tar archive".into(),
                })
            }
        };
        Ok(Tree::new(name, format, listing, limits, budget, backend))
    }

    fn new(
        name: String,
        format: TreeFormat,
        listing: Listing,
        limits: Limits,
        budget: Arc<AtomicU64>,
        backend: Backend,
    ) -> Tree {
        let Listing {
            mut entries,
            warnings,
        } = listing;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.clone(), i))
            .collect();
        Tree {
            name,
            format,
            entries,
            index,
            warnings,
            limits,
            budget,
            backend,
        }
    }

    /// The tree's name: the path given, or `outer!/inner` for nested archives.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The container format.
    pub fn format(&self) -> TreeFormat {
        self.format
    }

    /// Every entry, files and folders, sorted by path.
    pub fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    /// Entries refused or skipped while listing (links, traversal, duplicates, oddities).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The entry at `path`, if listed.
    pub fn get(&self, path: &str) -> Option<&TreeEntry> {
        self.index.get(path).and_then(|&i| self.entries.get(i))
    }

    /// Files whose path matches `pattern` (see [`glob_match`]), sorted by path.
    pub fn find(&self, pattern: &str) -> Vec<&TreeEntry> {
        self.entries
            .iter()
            .filter(|e| !e.is_dir && glob_match(pattern, &e.path))
            .collect()
    }

    /// Reads the file at `path` into memory, within the limits.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, EvidenceError> {
        let shown = format!("{}!/{path}", self.name);
        let entry = self.get(path).ok_or_else(|| EvidenceError::Io {
            path: shown.clone(),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        if entry.is_dir {
            return Err(EvidenceError::Corrupt {
                path: shown,
                reason: "is a folder".into(),
            });
        }
        if entry.size > self.limits.max_entry_size {
            return Err(EvidenceError::TooLarge {
                path: shown,
                size: entry.size,
                limit: self.limits.max_entry_size,
            });
        }
        self.charge(&shown, entry.size)?;
        let mut sink = Vec::new();
        let data = match &self.backend {
            Backend::Folder(b) => b.read(path, &shown, &self.limits, &mut sink),
            Backend::Zip(b) => b.read(path, &shown, entry.size, &self.limits, &mut sink),
            Backend::Tar(b) => b.read(path, &shown, entry.size, &self.limits, &mut sink),
        };
        data.map(|()| sink)
    }

    /// Opens the zip or tar stored at `path` as a tree of its own, read from memory; it shares
    /// this tree's total-read budget.
    pub fn open_nested(&self, path: &str) -> Result<Tree, EvidenceError> {
        let bytes = self.read(path)?;
        Tree::from_memory(
            format!("{}!/{path}", self.name),
            bytes.into(),
            self.limits,
            self.budget.clone(),
        )
    }

    /// Accounts `size` bytes against the total-read budget.
    fn charge(&self, shown: &str, size: u64) -> Result<(), EvidenceError> {
        let before = self.budget.fetch_add(size, Ordering::Relaxed);
        if before.saturating_add(size) > self.limits.max_total_read {
            return Err(EvidenceError::Refused {
                path: shown.to_string(),
                reason: format!(
                    "reading it would take the total read from this acquisition over the \
                     {}-byte limit",
                    self.limits.max_total_read
                ),
            });
        }
        Ok(())
    }
}

/// Where an archive's bytes are.
#[derive(Clone)]
pub(crate) enum Source {
    File(std::path::PathBuf),
    Memory(Arc<[u8]>),
}

/// Reads at most `limit` bytes from `reader` into `out`; more is an error naming `shown`.
pub(crate) fn read_bounded(
    reader: &mut dyn Read,
    shown: &str,
    limit: u64,
    out: &mut Vec<u8>,
) -> Result<(), EvidenceError> {
    let mut taken = reader.take(limit.saturating_add(1));
    taken.read_to_end(out).map_err(|e| EvidenceError::Corrupt {
        path: shown.to_string(),
        reason: format!("read failed: {e}"),
    })?;
    if out.len() as u64 > limit {
        out.clear();
        return Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!("holds more than its declared or allowed {limit} bytes"),
        });
    }
    Ok(())
}

fn read_head(path: &Path, buf: &mut [u8]) -> Result<usize, EvidenceError> {
    let mut f = fs::File::open(path).map_err(|e| EvidenceError::io(path, e))?;
    let mut n = 0;
    while n < buf.len() {
        let Some(rest) = buf.get_mut(n..) else { break };
        match f.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(EvidenceError::io(path, e)),
        }
    }
    Ok(n)
}

/// Recognises an archive by its first bytes.
pub fn sniff(head: &[u8]) -> Option<TreeFormat> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Some(TreeFormat::Zip)
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Some(TreeFormat::TarGz)
    } else if head.get(257..262) == Some(b"ustar") {
        Some(TreeFormat::Tar)
    } else {
        None
    }
}
