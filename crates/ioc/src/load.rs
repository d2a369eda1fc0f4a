//! Loading indicator files: STIX2 bundles from paths, from bytes, or compiled in.
//!
//! A path is a file, or a folder searched recursively for `*.stix2` and `*.json` files (hidden
//! entries skipped, sorted by name). Each file becomes a [`Source`] with its SHA-256, per-kind
//! counts and warnings. The five bundles published by Amnesty International's Security Lab
//! (<https://github.com/AmnestyTech/investigations>, CC-BY 4.0, see `NOTICE`) are compiled in and
//! available through [`IndicatorSet::bundled`].
//!
//! Loading is linear in the size of the bundle: collections are resolved through hash maps (see
//! `bundle.rs`) and duplicates through a hash set (see `source.rs`).

use crate::error::IocError;
use crate::source::{parse_source, Source};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracehound_core::matcher::{IndicatorRef, IocKind};

/// Largest indicator file accepted, in bytes (512 MiB).
pub const MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// Name of the collection for indicators tied to no malware and no report.
pub const DEFAULT_COLLECTION: &str = "Default collection";

/// Environment variable listing extra indicator files or folders (see [`env_paths`]).
pub const ENV_VAR: &str = "TRACEHOUND_IOCS";

const BUNDLED: [(&str, &[u8]); 5] = [
    ("cytrox.stix2", include_bytes!("../data/cytrox.stix2")),
    ("malware.stix2", include_bytes!("../data/malware.stix2")),
    ("novispy.stix2", include_bytes!("../data/novispy.stix2")),
    ("pegasus.stix2", include_bytes!("../data/pegasus.stix2")),
    (
        "wintego_helios.stix2",
        include_bytes!("../data/wintego_helios.stix2"),
    ),
];

/// All the indicators loaded for a run, per source file.
#[derive(Clone, Debug, Default)]
pub struct IndicatorSet {
    sources: Vec<Source>,
    duplicates: Vec<String>,
}

impl IndicatorSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads every path: a file, or a folder searched recursively for `*.stix2` and `*.json`.
    pub fn load_paths(paths: &[PathBuf]) -> Result<Self, IocError> {
        let mut set = Self::new();
        for path in paths {
            set.add_path(path)?;
        }
        Ok(set)
    }

    /// Loads one bundle from memory; `name` stands for its path in messages and results.
    pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Self, IocError> {
        let mut set = Self::new();
        set.add_bytes(name, bytes)?;
        Ok(set)
    }

    /// The bundles compiled into the binary (Amnesty International Security Lab, CC-BY 4.0).
    pub fn bundled() -> Result<Self, IocError> {
        let mut set = Self::new();
        for (name, bytes) in BUNDLED {
            set.add_bytes(name, bytes)?;
        }
        Ok(set)
    }

    /// Adds a file or every indicator file under a folder; returns the number of files read.
    pub fn add_path(&mut self, path: &Path) -> Result<usize, IocError> {
        let meta = std::fs::metadata(path).map_err(|source| IocError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            self.add_file(path)?;
            return Ok(1);
        }
        let files = find_indicator_files(path)?;
        if files.is_empty() {
            return Err(IocError::NoIndicatorFiles {
                path: path.to_path_buf(),
            });
        }
        for file in &files {
            self.add_file(file)?;
        }
        Ok(files.len())
    }

    fn add_file(&mut self, path: &Path) -> Result<(), IocError> {
        let name = path.display().to_string();
        let io = |source| IocError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_FILE_SIZE {
            return Err(too_large(&name, size));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        self.add_bytes(&name, &bytes)
    }

    /// Adds one bundle from memory. A bundle whose bytes equal an already loaded one is skipped
    /// (see [`IndicatorSet::duplicates`]).
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), IocError> {
        let source = parse_source(name, bytes)?;
        if let Some(first) = self.sources.iter().find(|s| s.sha256 == source.sha256) {
            self.duplicates
                .push(format!("{name} (same content as {})", first.path));
            return Ok(());
        }
        self.sources.push(source);
        Ok(())
    }

    /// Appends another set's sources (skipping files already loaded).
    pub fn extend(&mut self, other: IndicatorSet) {
        self.duplicates.extend(other.duplicates);
        for source in other.sources {
            if let Some(first) = self.sources.iter().find(|s| s.sha256 == source.sha256) {
                self.duplicates
                    .push(format!("{} (same content as {})", source.path, first.path));
            } else {
                self.sources.push(source);
            }
        }
    }

    /// The loaded files, in load order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Files not loaded because an identical file already was.
    pub fn duplicates(&self) -> &[String] {
        &self.duplicates
    }

    /// Every indicator, source by source.
    pub fn indicators(&self) -> impl Iterator<Item = &Arc<IndicatorRef>> {
        self.sources.iter().flat_map(|s| s.indicators.iter())
    }

    /// Total number of indicators.
    pub fn len(&self) -> usize {
        self.sources.iter().map(Source::len).sum()
    }

    /// True when no indicator is loaded.
    pub fn is_empty(&self) -> bool {
        self.sources.iter().all(Source::is_empty)
    }

    /// Number of indicators per kind over all sources.
    pub fn counts(&self) -> BTreeMap<IocKind, usize> {
        let mut total = BTreeMap::new();
        for (kind, n) in self.sources.iter().flat_map(|s| &s.counts) {
            *total.entry(*kind).or_insert(0) += n;
        }
        total
    }
}

/// The paths listed in `TRACEHOUND_IOCS` (separated as `PATH` is), empty entries dropped.
pub fn env_paths() -> Vec<PathBuf> {
    std::env::var_os(ENV_VAR)
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn too_large(file: &str, size: u64) -> IocError {
    IocError::TooLarge {
        file: file.to_string(),
        size,
        limit: MAX_FILE_SIZE,
    }
}

/// `*.stix2` and `*.json` files under `dir`, sorted, skipping hidden files and folders.
fn find_indicator_files(dir: &Path) -> Result<Vec<PathBuf>, IocError> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| IocError::Walk {
            path: e.path().unwrap_or(dir).to_path_buf(),
            message: e.to_string(),
        })?;
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("stix2") || e.eq_ignore_ascii_case("json"));
        if wanted && path.is_file() {
            files.push(path.to_path_buf());
        }
    }
    files.sort();
    Ok(files)
}
