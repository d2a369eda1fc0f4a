//! Full-filesystem dumps of iPhones (checkm8-era jailbreak tools, commercial extractors, `tar`
//! over SSH): a folder, or a `.tar`, `.tar.gz` or `.zip` read in place through
//! [`crate::archive::Tree`] — nothing is extracted to disk, and entries with `..`, absolute
//! names or links are refused and listed in [`IosFsDump::warnings`].
//!
//! Dumps differ in where the device's `/` sits: at the top (`private/var/...`), one folder
//! down (`filesystem/private/var/...`), or the dump holds `/private` only (`var/mobile/...`).
//! The root is found by looking for `private/var` (or `var/mobile`, `var/root`,
//! `var/containers` for a `/private` dump); modules always see device paths relative to `/`
//! (`private/var/mobile/Library/SMS/sms.db`). The tree's sorted listing is the path index:
//! a pattern is answered from the range of paths sharing its literal prefix, or from an index
//! of entries sorted by file name when its last component is more selective, never by
//! rescanning the dump. Archives often omit folder entries; folders implied by their contents
//! are listed all the same (without a time).

mod index;
mod root;

use index::{implied_folders, name_index, name_of};
pub use root::looks_like_dump;

use crate::archive::{glob_match, Limits, Tree, TreeEntry};
use crate::ios::{Artifact, FoundFile, FsEntry, IosSource};
use crate::rooted::RootedTree;
use crate::sqlite::Db;
use crate::EvidenceError;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use tracehound_core::{AcquisitionKind, InputFile};

/// Most entries a dump may list (a full iPhone has a few hundred thousand to a couple of
/// million files and folders).
const MAX_ENTRIES: usize = 5_000_000;

/// An opened full-filesystem dump.
pub struct IosFsDump {
    path: PathBuf,
    /// The tree, its root and what was read.
    files: RootedTree,
    /// What the root stands for on the device: `""` (`/`) or `"private/"` (`/private`).
    mount: &'static str,
    /// Indexes of the tree entries under the root (a contiguous run of the sorted listing).
    range: Range<usize>,
    /// Tree paths of folders implied by their contents but not listed, sorted.
    implied: Vec<String>,
    /// Indexes of the entries in `range`, sorted by file name (then path).
    by_name: Vec<u32>,
    warnings: Vec<String>,
}

/// A listed item: a tree entry, or an implied folder.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    Entry(usize),
    Implied(usize),
}

impl IosFsDump {
    /// Opens the dump at `path` (folder or archive) and finds its root.
    pub fn open(path: &Path) -> Result<IosFsDump, EvidenceError> {
        let limits = Limits {
            max_entries: MAX_ENTRIES,
            ..Limits::default()
        };
        let mut keep = root::CacheBudget::default();
        let tree = Tree::open_caching(path, limits, &mut |p, size, head| keep.keep(p, size, head))?;
        let shown = path.display().to_string();
        let (root, mount) = root::find_root(&tree, &shown)?;
        let entries = tree.entries();
        let start = entries.partition_point(|e| e.path.as_str() < root.as_str());
        let len = entries
            .get(start..)
            .unwrap_or_default()
            .partition_point(|e| e.path.starts_with(root.as_str()));
        let range = start..start + len;
        let implied = implied_folders(&tree, range.clone(), &root);
        let by_name = name_index(entries, range.clone());
        let mut warnings = tree.warnings().to_vec();
        if !root.is_empty() || !mount.is_empty() {
            warnings.insert(
                0,
                format!(
                    "the device's /{mount} is the dump's {:?}",
                    root.trim_end_matches('/')
                ),
            );
        }
        let root_folder = usize::from(tree.get(root.trim_end_matches('/')).is_some());
        let outside = entries.len().saturating_sub(range.len() + root_folder);
        if outside > 0 {
            warnings.push(format!(
                "{outside} entries outside the dump's root are not part of the device's \
                 filesystem and are not checked"
            ));
        }
        Ok(IosFsDump {
            path: path.to_path_buf(),
            files: RootedTree::new(tree, root, "dump"),
            mount,
            range,
            implied,
            by_name,
            warnings,
        })
    }

    /// The path given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The dump's root inside the folder or archive (`""` or `"folder/"`), and what it stands
    /// for on the device (`""` for `/`, `"private/"` for `/private`).
    pub fn root(&self) -> (&str, &str) {
        (&self.files.root, self.mount)
    }

    /// Number of files and folders under the root (implied folders included).
    pub fn len(&self) -> usize {
        self.range.len() + self.implied.len()
    }

    /// Whether the dump lists nothing under its root.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the analyst should know about the dump: where its root is, entries refused
    /// (traversal, absolute names, links) or skipped while listing.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// SHA-256 (hex) of the file at `path` (as in [`FoundFile::path`]), read from the dump.
    pub fn sha256(&self, path: &str) -> Result<String, EvidenceError> {
        self.files.sha256(path)
    }

    /// The device path of a tree path under the root.
    fn device<'a>(&self, tree_path: &'a str) -> Cow<'a, str> {
        let rest = tree_path.get(self.files.root.len()..).unwrap_or_default();
        if self.mount.is_empty() {
            Cow::Borrowed(rest)
        } else {
            Cow::Owned(format!("{}{rest}", self.mount))
        }
    }

    /// The tree path of a device path, if the dump can hold it.
    fn tree_path(&self, device: &str) -> Option<String> {
        let rest = device.strip_prefix(self.mount)?;
        Some(format!("{}{rest}", self.files.root))
    }

    fn tree_path_of(&self, item: Item) -> &str {
        match item {
            Item::Entry(i) => self.entries().get(i).map_or("", |e| e.path.as_str()),
            Item::Implied(i) => self.implied.get(i).map_or("", String::as_str),
        }
    }

    fn entries(&self) -> &[TreeEntry] {
        self.files.tree.entries()
    }

    fn visit(&self, item: Item, f: &mut dyn FnMut(&FsEntry<'_>)) {
        let tree_path = self.tree_path_of(item);
        let path = self.device(tree_path);
        let entry = match item {
            Item::Entry(i) => self.entries().get(i).map(|e| FsEntry {
                path: &path,
                is_dir: e.is_dir,
                size: e.size,
                modified: e.modified,
            }),
            Item::Implied(_) => Some(FsEntry {
                path: &path,
                is_dir: true,
                size: 0,
                modified: None,
            }),
        };
        if let Some(e) = entry {
            f(&e);
        }
    }

    /// Every item under the root, sorted by path.
    fn all_items(&self) -> impl Iterator<Item = Item> + '_ {
        let mut entries = self.range.clone().peekable();
        let mut implied = (0..self.implied.len()).peekable();
        std::iter::from_fn(move || match (entries.peek(), implied.peek()) {
            (Some(&e), Some(&d)) => {
                let ep = self.tree_path_of(Item::Entry(e));
                if ep < self.tree_path_of(Item::Implied(d)) {
                    entries.next().map(Item::Entry)
                } else {
                    implied.next().map(Item::Implied)
                }
            }
            (Some(_), None) => entries.next().map(Item::Entry),
            (None, Some(_)) => implied.next().map(Item::Implied),
            (None, None) => None,
        })
    }

    /// The items whose device path matches `pattern`, sorted by path.
    fn matching(&self, pattern: &str) -> Vec<Item> {
        let pattern = pattern.trim_start_matches('/');
        let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
        let pattern = parts.join("/");
        let wild = |p: &str| p.contains('*') || p.contains('?');
        let literal = parts.iter().take_while(|p| !wild(p)).count();
        if literal == parts.len() {
            return self.exact(&pattern).into_iter().collect();
        }
        let matches = |item: Item| glob_match(&pattern, &self.device(self.tree_path_of(item)));
        let mut out: Vec<Item> = Vec::new();
        // Candidates from the literal folder prefix...
        let prefix = parts.get(..literal).unwrap_or_default().join("/");
        let by_prefix = self.prefix_range(&prefix);
        // ...or from the file-name index, whichever is smaller.
        let last = parts.last().copied().unwrap_or_default();
        let name_prefix = &last[..last.find(['*', '?']).unwrap_or(last.len())];
        let by_name = (!name_prefix.is_empty()).then(|| self.name_range(name_prefix, !wild(last)));
        match by_name {
            Some(names) if names.len() < by_prefix.len() => {
                out.extend(
                    names
                        .iter()
                        .filter_map(|&i| usize::try_from(i).ok())
                        .map(Item::Entry)
                        .filter(|&it| matches(it)),
                );
                out.sort_by(|&a, &b| self.tree_path_of(a).cmp(self.tree_path_of(b)));
            }
            _ => out.extend(by_prefix.map(Item::Entry).filter(|&it| matches(it))),
        }
        let implied = (0..self.implied.len())
            .map(Item::Implied)
            .filter(|&it| matches(it));
        let implied: Vec<Item> = implied.collect();
        if !implied.is_empty() {
            out.extend(implied);
            out.sort_by(|&a, &b| self.tree_path_of(a).cmp(self.tree_path_of(b)));
        }
        out
    }

    /// The item at exactly `device` path.
    fn exact(&self, device: &str) -> Option<Item> {
        let t = self.tree_path(device)?;
        let entries = self.entries();
        let i = entries.partition_point(|e| e.path < t);
        if entries.get(i).is_some_and(|e| e.path == t) && self.range.contains(&i) {
            return Some(Item::Entry(i));
        }
        self.implied.binary_search(&t).ok().map(Item::Implied)
    }

    /// Indexes of the entries whose device path starts with the folder `prefix` (all when
    /// empty).
    fn prefix_range(&self, prefix: &str) -> Range<usize> {
        if prefix.is_empty() || self.mount.starts_with(&format!("{prefix}/")) {
            return self.range.clone();
        }
        let Some(t) = self.tree_path(&format!("{prefix}/")) else {
            return 0..0;
        };
        let all = self.entries();
        let Some(entries) = all.get(self.range.clone()) else {
            return 0..0;
        };
        let lo = entries.partition_point(|e| e.path < t);
        let n = entries
            .get(lo..)
            .unwrap_or_default()
            .partition_point(|e| e.path.starts_with(&t));
        self.range.start + lo..self.range.start + lo + n
    }

    /// Entries whose file name equals `name` (`exact`) or starts with it.
    fn name_range(&self, name: &str, exact: bool) -> &[u32] {
        let entries = self.entries();
        let lo = self
            .by_name
            .partition_point(|&i| name_of(entries, i) < name);
        let rest = self.by_name.get(lo..).unwrap_or_default();
        let n = rest.partition_point(|&i| {
            let n = name_of(entries, i);
            if exact {
                n == name
            } else {
                n.starts_with(name)
            }
        });
        rest.get(..n).unwrap_or_default()
    }
}

impl IosSource for IosFsDump {
    fn kind(&self) -> AcquisitionKind {
        AcquisitionKind::IosFilesystem
    }

    fn find(&self, artifact: &Artifact) -> Result<Vec<FoundFile>, EvidenceError> {
        let mut found = BTreeSet::new();
        for pattern in artifact.fs {
            for item in self.matching(pattern) {
                let Item::Entry(i) = item else { continue };
                let Some(e) = self.entries().get(i) else {
                    continue;
                };
                if e.is_dir {
                    continue;
                }
                found.insert(FoundFile {
                    path: e.path.clone(),
                    domain: None,
                    relative_path: self.device(&e.path).into_owned(),
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
        for item in self.all_items() {
            self.visit(item, f);
        }
        Ok(())
    }

    fn list_matching(
        &self,
        pattern: &str,
        f: &mut dyn FnMut(&FsEntry<'_>),
    ) -> Result<(), EvidenceError> {
        for item in self.matching(pattern) {
            self.visit(item, f);
        }
        Ok(())
    }
}
