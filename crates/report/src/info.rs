//! `info.json`: what ran, on what, with which indicators, and how each module ended.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;
use tracehound_core::runner::ModuleReport;
use tracehound_core::{Level, ParseStats, Timestamp};

/// An indicator file used by the run.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorSourceInfo {
    /// Path as given (or `bundled:<name>` for the compiled-in set).
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Indicators per type (`domains`, `processes`, …).
    pub counts: BTreeMap<String, usize>,
    /// Pattern types we do not support, with how many indicators had them.
    pub unknown_types: BTreeMap<String, usize>,
    /// Malware or report names in the bundle.
    pub malware: Vec<String>,
    /// Indicators skipped with the reason.
    pub warnings: Vec<String>,
}

/// SHA-256 of one input file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileHash {
    /// Path relative to the acquisition root.
    pub path: String,
    /// What the file is, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// Hex SHA-256, or `null` if it could not be read.
    pub sha256: Option<String>,
}

/// How one module ended.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleInfo {
    /// Slug.
    pub module: &'static str,
    /// `ok`, `not_found`, `failed` or `skipped`.
    pub status: &'static str,
    /// Why it did not run or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Records produced.
    pub records: usize,
    /// Alerts per level.
    pub detections: BTreeMap<&'static str, usize>,
    /// Rows parsed and rows that could not be.
    pub parse: ParseStats,
    /// Warnings the module raised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Files it read.
    pub inputs: Vec<String>,
    /// Milliseconds spent.
    pub duration_ms: u128,
}

impl ModuleInfo {
    /// Summarises a module report.
    pub fn from_report(r: &ModuleReport) -> Self {
        let mut detections = BTreeMap::new();
        for a in &r.alerts {
            *detections.entry(a.level.as_str()).or_insert(0) += 1;
        }
        let out = r.output.as_ref();
        ModuleInfo {
            module: r.meta.slug,
            status: r.status.as_str(),
            reason: r.status.reason().map(str::to_string),
            records: r.record_count(),
            detections,
            parse: out.map(|o| o.stats).unwrap_or_default(),
            warnings: out.map(|o| o.warnings.clone()).unwrap_or_default(),
            inputs: out
                .map(|o| o.inputs.iter().map(|i| i.path.clone()).collect())
                .unwrap_or_default(),
            duration_ms: r.duration.as_millis(),
        }
    }
}

/// Everything `info.json` records about a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// `tracehound`.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// The command line, as given.
    pub command: Vec<String>,
    /// When the run started (UTC).
    pub started: String,
    /// When it finished (UTC).
    pub finished: String,
    /// The acquisition checked.
    pub target_path: String,
    /// What kind of acquisition it is.
    pub acquisition: &'static str,
    /// Indicator files used.
    pub indicators: Vec<IndicatorSourceInfo>,
    /// Per-module outcome.
    pub modules: Vec<ModuleInfo>,
    /// Alerts per level over all modules.
    pub detections: BTreeMap<&'static str, usize>,
    /// SHA-256 of every input file read; `null` when `--no-hashes` declined them (written
    /// either way, so a reader sees that inputs were not hashed rather than a missing key).
    pub hashes: Option<Vec<FileHash>>,
    /// Shortened URLs resolved online (with `--resolve-short-urls`): every URL contacted and
    /// what it expanded to, or why it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_urls: Option<Vec<ShortUrlExpansion>>,
}

/// One shortened URL resolved online, as `info.json` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortUrlExpansion {
    /// The URL found in the evidence.
    pub url: String,
    /// Where it led (the last hop reached), if it redirected.
    pub expanded_url: Option<String>,
    /// Every URL requested, in order (the first is `url`).
    pub contacted: Vec<String>,
    /// Why it could not be expanded (or was not tried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl RunInfo {
    /// Totals alerts per level over `modules`.
    pub fn count_detections(modules: &[ModuleInfo]) -> BTreeMap<&'static str, usize> {
        let mut total = BTreeMap::new();
        for l in Level::ALL_DESC {
            total.insert(l.as_str(), 0);
        }
        for m in modules {
            for (k, v) in &m.detections {
                *total.entry(*k).or_insert(0) += v;
            }
        }
        total
    }

    /// Formats a timestamp as `info.json` does.
    pub fn time(t: Timestamp) -> String {
        t.to_rfc3339()
    }
}

/// SHA-256 of a file, streaming.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
