//! The results of re-checking a results folder against new indicators
//! (`tracehound check-iocs`): the records that matched, and the folder written for them.
//!
//! # Re-check folder
//! - `alerts.json`, `alerts_timeline.csv`, `<module>_detected.json`: as in a results folder
//!   (see the crate documentation); each alert's `event` is the matching record as the original
//!   folder holds it, and its record index is the record's position in `<module>.json` there.
//! - `info.json`: see [`RecheckInfo`]: both indicator sets, the original run as its own
//!   `info.json` describes it, and each module file's outcome.
//! - `command.log`: the run's log lines.
//!
//! No `<module>.json` or `timeline.csv` is written: the records and their timeline are the
//! original folder's.

use crate::info::{IndicatorSourceInfo, ModuleInfo};
use crate::output::{OutputDir, OutputError};
use crate::stored::OriginalIndicator;
use crate::writers::{write_alerts, write_detected};
use serde::Serialize;
use serde_json::Value;
use std::any::Any;
use std::collections::BTreeMap;
use std::io::{self, Write};
use tracehound_core::record::write_pretty_json;
use tracehound_core::runner::ModuleReport;
use tracehound_core::{Observable, RecordSet, TimelineEvent, Timestamp};

/// The records of a module file that matched, by their index in the file. Only these are
/// kept; [`RecordSet::len`] is the number of records the file held.
#[derive(Debug, Default)]
pub struct StoredRecords {
    /// Records in the file.
    pub total: usize,
    /// `(index in the file, record, its time)` of the records kept, by index.
    pub matched: Vec<(usize, Value, Option<Timestamp>)>,
}

impl StoredRecords {
    fn get(&self, i: usize) -> Option<&(usize, Value, Option<Timestamp>)> {
        let at = self.matched.binary_search_by_key(&i, |m| m.0).ok()?;
        self.matched.get(at)
    }
}

impl RecordSet for StoredRecords {
    fn len(&self) -> usize {
        self.total
    }
    fn observables<'a>(&'a self, _: usize, _: &mut Vec<Observable<'a>>) {}
    fn timeline(&self, _: usize, _: &mut Vec<TimelineEvent>) {}
    fn event_time(&self, i: usize) -> Option<Timestamp> {
        self.get(i).and_then(|m| m.2)
    }
    fn record_json(&self, i: usize) -> Value {
        self.get(i).map_or(Value::Null, |m| m.1.clone())
    }
    /// Writes the records kept (those that matched).
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let kept: Vec<&Value> = self.matched.iter().map(|m| &m.1).collect();
        write_pretty_json(out, &kept)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The run that wrote the folder re-checked, as its `info.json` says (ours or MVT's).
#[derive(Debug, Clone, Default, Serialize)]
pub struct OriginalRun {
    /// `tracehound`, `mvt`, or `null` when the folder has no `info.json`.
    pub tool: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// When it ran.
    pub started: Option<String>,
    /// What it checked.
    pub target_path: Option<String>,
    /// The acquisition kind (ours only).
    pub acquisition: Option<String>,
    /// The indicator files it used.
    pub indicators: Vec<OriginalIndicator>,
}

/// `info.json` of a re-check.
#[derive(Debug, Clone, Serialize)]
pub struct RecheckInfo {
    /// `tracehound`.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// `check-iocs`.
    pub command_name: &'static str,
    /// The command line, as given.
    pub command: Vec<String>,
    /// When the re-check started (UTC).
    pub started: String,
    /// When it finished (UTC).
    pub finished: String,
    /// The results folder re-checked.
    pub results_path: String,
    /// The run that wrote it, with its indicator set.
    pub original: OriginalRun,
    /// The indicator files of this re-check.
    pub indicators: Vec<IndicatorSourceInfo>,
    /// Per module file: status, records read (`parse.ok`), detections.
    pub modules: Vec<ModuleInfo>,
    /// Files of the folder not re-checked, with why.
    pub skipped: Vec<String>,
    /// SHA-256 of the files read (`info.json` and the module files re-checked).
    pub hashes: Vec<crate::FileHash>,
    /// Alerts per level over all modules.
    pub detections: BTreeMap<&'static str, usize>,
}

/// Writes the re-check files into `out`'s staging folder ([`OutputDir::commit`] then moves
/// it into place).
pub fn write_recheck(
    out: &OutputDir,
    reports: &[ModuleReport],
    info: &RecheckInfo,
    log: &str,
) -> Result<(), OutputError> {
    for r in reports {
        write_detected(out, r)?;
    }
    write_alerts(out, reports)?;
    out.write("info.json", |w| write_pretty_json(w, info))?;
    out.write("command.log", |w| w.write_all(log.as_bytes()))
}
