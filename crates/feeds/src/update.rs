//! `tracehound iocs update`: fetch the index, then each bundle it lists, into the data folder.
//!
//! Each bundle is streamed to a hidden temporary file in the indicators folder, read back and
//! parsed as a STIX2 bundle ([`IndicatorSet::load_bytes`]), synced, and only then renamed over
//! the installed copy; rename within one folder is atomic, so the installed file is always the
//! old one or the new one, whole. A bundle that fails (HTTP error, timeout, cut off, over the
//! size cap, not a bundle) keeps its previous copy and manifest record, with `last_error` set.
//! Files whose entries left the index are removed. An index that cannot be fetched or parsed,
//! or that lists no usable entry, changes nothing.

use crate::datadir::DataDir;
use crate::error::FeedError;
use crate::fetch::{Fetcher, MAX_BUNDLE_SIZE, MAX_INDEX_SIZE};
use crate::index::{parse_index, FeedEntry};
use crate::manifest::{temp_path, Manifest};
use std::fs;
use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;
use tracehound_core::Timestamp;
use tracehound_ioc::IndicatorSet;

/// What to update from.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// The index URL.
    pub index_url: String,
    /// Base URL for `github` entries.
    pub github_base: String,
    /// Limit on each download.
    pub timeout: Duration,
    /// Largest bundle accepted (bytes).
    pub max_bundle: u64,
}

impl UpdateOptions {
    /// Options for `index_url` with the default limits and the GitHub base from the
    /// environment.
    pub fn new(index_url: impl Into<String>) -> Self {
        UpdateOptions {
            index_url: index_url.into(),
            github_base: crate::datadir::github_raw_base(),
            timeout: crate::fetch::DEFAULT_TIMEOUT,
            max_bundle: MAX_BUNDLE_SIZE,
        }
    }
}

/// How one bundle's update ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    /// Installed for the first time, with this many indicators.
    New(usize),
    /// Replaced by a different version.
    Updated(usize),
    /// Downloaded again, identical to the installed copy.
    Unchanged(usize),
    /// Failed; `kept` is the download date of the copy still installed, if any.
    Failed {
        /// Why.
        reason: String,
        /// Download date of the copy kept.
        kept: Option<String>,
    },
}

/// One bundle's result.
#[derive(Clone, Debug)]
pub struct FileResult {
    /// Title in the index.
    pub name: String,
    /// Where it came from.
    pub url: String,
    /// Local file name.
    pub file: String,
    /// How it ended.
    pub outcome: FileOutcome,
}

/// What an update did.
#[derive(Clone, Debug, Default)]
pub struct UpdateReport {
    /// Each bundle listed, in index order.
    pub files: Vec<FileResult>,
    /// Index entries that could not be used, with why.
    pub skipped: Vec<String>,
    /// Files removed because the index no longer lists them.
    pub removed: Vec<String>,
}

impl UpdateReport {
    /// Bundles that failed.
    pub fn failed(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
            .count()
    }
}

/// Updates the data folder from the index; `progress` sees each bundle's result as it ends.
pub fn update(
    dir: &DataDir,
    opts: &UpdateOptions,
    progress: &mut dyn FnMut(&FileResult),
) -> Result<UpdateReport, FeedError> {
    let fetcher = Fetcher::new(opts.timeout);
    let index_bytes = fetcher.get_bytes(&opts.index_url, MAX_INDEX_SIZE)?;
    let index_err = |reason: String| FeedError::Index {
        url: opts.index_url.clone(),
        reason,
    };
    let text = String::from_utf8(index_bytes).map_err(|_| index_err("not UTF-8 text".into()))?;
    let index = parse_index(&text, &opts.github_base).map_err(index_err)?;
    if index.entries.is_empty() {
        return Err(index_err(format!(
            "no usable entry ({})",
            index.skipped.join("; ")
        )));
    }
    let folder = dir.indicators();
    fs::create_dir_all(&folder).map_err(FeedError::io(&folder))?;
    let manifest_path = dir.manifest_path();
    let old = Manifest::read(&manifest_path)?;
    let mut report = UpdateReport {
        skipped: index.skipped,
        ..UpdateReport::default()
    };
    let mut manifest = Manifest {
        index_url: opts.index_url.clone(),
        last_update: None,
        files: Vec::new(),
    };
    for entry in &index.entries {
        let previous = old.file(&entry.file).filter(|f| f.sha256.is_some());
        let mut record = previous.cloned().unwrap_or_default();
        record.name.clone_from(&entry.name);
        record.sources.clone_from(&entry.sources);
        record.references.clone_from(&entry.references);
        record.file.clone_from(&entry.file);
        let outcome = match install(&fetcher, &folder, entry, opts.max_bundle) {
            Ok(got) => {
                let outcome = match previous.and_then(|p| p.sha256.as_deref()) {
                    None => FileOutcome::New(got.indicators),
                    Some(sha) if sha == got.sha256 && record.url == entry.url => {
                        FileOutcome::Unchanged(got.indicators)
                    }
                    Some(_) => FileOutcome::Updated(got.indicators),
                };
                record.sha256 = Some(got.sha256);
                record.size = Some(got.size);
                record.indicators = Some(got.indicators);
                record.downloaded = Some(Timestamp::now().to_rfc3339());
                record.last_error = None;
                outcome
            }
            Err(reason) => {
                record.last_error = Some(reason.clone());
                FileOutcome::Failed {
                    reason,
                    kept: record.downloaded.clone().filter(|_| previous.is_some()),
                }
            }
        };
        record.url.clone_from(&entry.url);
        manifest.files.push(record);
        let result = FileResult {
            name: entry.name.clone(),
            url: entry.url.clone(),
            file: entry.file.clone(),
            outcome,
        };
        progress(&result);
        report.files.push(result);
    }
    for gone in old
        .files
        .iter()
        .filter(|f| manifest.file(&f.file).is_none())
    {
        let path = folder.join(&gone.file);
        match fs::remove_file(&path) {
            Ok(()) => report.removed.push(gone.file.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(FeedError::io(path)(e)),
        }
    }
    manifest.last_update = Some(Timestamp::now().to_rfc3339());
    manifest.write(&manifest_path)?;
    Ok(report)
}

/// A bundle installed.
struct Installed {
    sha256: String,
    size: u64,
    indicators: usize,
}

/// Downloads, verifies and installs one bundle; on any failure the installed copy is left
/// alone and the temporary file removed.
fn install(
    fetcher: &Fetcher,
    folder: &Path,
    entry: &FeedEntry,
    cap: u64,
) -> Result<Installed, String> {
    let dest = folder.join(&entry.file);
    let tmp = temp_path(&dest);
    let result = (|| {
        let io = |what: &str, e: std::io::Error| format!("{what} {}: {e}", tmp.display());
        let file = fs::File::create(&tmp).map_err(|e| io("cannot create", e))?;
        let mut w = BufWriter::new(file);
        fetcher.get(&entry.url, cap, &mut w).map_err(|e| match e {
            FeedError::Download { reason, .. } | FeedError::Url { reason, .. } => reason,
            other => other.to_string(),
        })?;
        let file = w
            .into_inner()
            .map_err(|e| io("cannot write", e.into_error()))?;
        file.sync_all().map_err(|e| io("cannot write", e))?;
        drop(file);
        let bytes = fs::read(&tmp).map_err(|e| io("cannot read back", e))?;
        let set = IndicatorSet::load_bytes(&entry.file, &bytes)
            .map_err(|e| format!("not a usable STIX2 bundle: {e}"))?;
        let sha256 = set
            .sources()
            .first()
            .map(|s| s.sha256.clone())
            .unwrap_or_default();
        fs::rename(&tmp, &dest).map_err(|e| io("cannot install", e))?;
        sync_folder(folder);
        Ok(Installed {
            sha256,
            size: bytes.len() as u64,
            indicators: set.len(),
        })
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes a rename durable where the platform allows syncing a folder.
fn sync_folder(folder: &Path) {
    if let Ok(f) = fs::File::open(folder) {
        let _ = f.sync_all();
    }
}
