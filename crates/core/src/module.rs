//! The forensic module interface.

use crate::alert::Alert;
use crate::record::RecordSet;
use serde::Serialize;
use std::collections::HashMap;
use thiserror::Error;

/// Which platform a module belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// iPhone / iPad.
    Ios,
    /// Android.
    Android,
}

/// The kinds of acquisition a module can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AcquisitionKind {
    /// An iTunes/Finder backup folder.
    IosBackup,
    /// A full-filesystem dump (folder or archive).
    IosFilesystem,
    /// A sysdiagnose archive.
    IosSysdiagnose,
    /// An androidqf acquisition (folder or zip).
    AndroidQf,
    /// An `adb bugreport` zip.
    AndroidBugreport,
    /// An `adb backup` file.
    AndroidBackup,
    /// Android 16 intrusion logs.
    AndroidIntrusionLogs,
}

/// Static facts about a module.
#[derive(Debug)]
pub struct ModuleMeta {
    /// Stable snake_case name, MVT's where MVT has the module; names the results file.
    pub slug: &'static str,
    /// Display name (MVT's class name), shown in the timeline's "Plugin" column.
    pub name: &'static str,
    /// One line for `--list-modules`.
    pub description: &'static str,
    /// Platform.
    pub platform: Platform,
    /// Acquisition kinds it supports.
    pub kinds: &'static [AcquisitionKind],
    /// The artefacts it reads, as `Domain:relative/path` (backups) or on-device paths.
    pub artifacts: &'static [&'static str],
    /// Slugs of modules whose records it needs.
    pub dependencies: &'static [&'static str],
}

/// Why a module produced no records.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ModuleError {
    /// The artefact is not in this acquisition (informational: the check could not run).
    #[error("artefact not found: {0}")]
    NotFound(String),
    /// The artefact exists but could not be parsed.
    #[error("{}", join_path(path, reason))]
    Corrupted {
        /// The file, as named in the acquisition.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// The artefact is encrypted and no key was available.
    #[error("encrypted: {0}")]
    Encrypted(String),
    /// The artefact's format or version is not supported.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

fn join_path(path: &str, reason: &str) -> String {
    if path.is_empty() {
        reason.to_string()
    } else {
        format!("{path}: {reason}")
    }
}

/// Parse outcome counts: rows read and rows that could not be understood.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParseStats {
    /// Rows, lines or entries parsed.
    pub ok: u64,
    /// Rows, lines or entries that could not be parsed (reported, never silently dropped).
    pub failed: u64,
}

/// A file of the acquisition a module read, for `info.json`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct InputFile {
    /// Path relative to the acquisition root (for backups: `xx/fileID`).
    pub path: String,
    /// What it is (`HomeDomain:Library/SMS/sms.db`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}

/// What a module returns.
pub struct ModuleOutput {
    /// Its records.
    pub records: Box<dyn RecordSet>,
    /// Heuristic alerts (indicator alerts are added by the runner).
    pub alerts: Vec<Alert>,
    /// Things the analyst should know (a table missing, a file listed but absent…).
    pub warnings: Vec<String>,
    /// Parse counts.
    pub stats: ParseStats,
    /// Files it read.
    pub inputs: Vec<InputFile>,
}

impl ModuleOutput {
    /// Output holding `records`, with `stats.ok` set to their number.
    pub fn new<R: RecordSet + 'static>(records: R) -> Self {
        let n = records.len() as u64;
        ModuleOutput {
            records: Box::new(records),
            alerts: Vec::new(),
            warnings: Vec::new(),
            stats: ParseStats { ok: n, failed: 0 },
            inputs: Vec::new(),
        }
    }

    /// Adds the files read.
    pub fn with_inputs(mut self, inputs: Vec<InputFile>) -> Self {
        self.inputs = inputs;
        self
    }
}

/// What a running module can see besides the evidence: the records of its dependencies.
pub struct ModuleContext<'a> {
    pub(crate) deps: HashMap<&'static str, &'a dyn RecordSet>,
}

impl<'a> ModuleContext<'a> {
    /// A context without dependencies (for tests).
    pub fn empty() -> Self {
        ModuleContext {
            deps: HashMap::new(),
        }
    }

    /// The records of dependency `slug`, if it ran and produced records.
    pub fn dependency(&self, slug: &str) -> Option<&'a dyn RecordSet> {
        self.deps.get(slug).copied()
    }
}

/// A forensic module over evidence of type `E`.
pub trait Module<E: ?Sized>: Send + Sync {
    /// Static description.
    fn meta(&self) -> &'static ModuleMeta;
    /// Locates, opens read-only and parses the artefact.
    fn run(&self, evidence: &E, ctx: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError>;
}
