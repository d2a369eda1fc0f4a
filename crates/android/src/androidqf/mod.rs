//! Modules over an androidqf acquisition: the outputs androidqf collects over adb, as files at
//! the top of a folder or zip (`packages.json`, `ps.txt`, `getprop.txt`, `settings_*.txt`,
//! `files.json`, `root_binaries.json`, `mounts.json`, `logs/`, `dumpsys.txt`, and the nested
//! `bugreport.zip` and `backup.ab`). Any Android version androidqf supports (5+).

mod files;
mod getprop;
mod log_timestamps;
mod mounts;
mod packages;
mod processes;
mod root_binaries;
mod settings;

pub use files::AqfFiles;
pub use getprop::AqfGetProp;
pub use log_timestamps::{AqfLogTimestamps, LogTimestamp};
pub use mounts::Mounts;
pub use packages::AqfPackages;
pub use processes::AqfProcesses;
pub use root_binaries::RootBinaries;
pub use settings::AqfSettings;

use crate::parsers::json::{self, array_items, RawItem};
use crate::parsers::Parsed;
use crate::{AndroidModule, AndroidSource, FoundEntry};
use tracehound_core::{Alert, InputFile, ModuleError, ModuleOutput, Record, Timestamp};

/// The androidqf modules, in MVT's order.
pub static MODULES: &[&AndroidModule] = &[
    &AqfPackages,
    &AqfProcesses,
    &AqfGetProp,
    &AqfSettings,
    &AqfFiles,
    &AqfLogTimestamps,
    &RootBinaries,
    &Mounts,
];

/// The file `name` at the top of the acquisition, or `NotFound`.
fn top_file(ev: &dyn AndroidSource, name: &str) -> Result<FoundEntry, ModuleError> {
    ev.find(name)
        .into_iter()
        .next()
        .ok_or_else(|| ModuleError::NotFound(name.to_string()))
}

/// Reads a file as text (invalid UTF-8 replaced, never dropped).
fn read_text(ev: &dyn AndroidSource, entry: &FoundEntry) -> Result<String, ModuleError> {
    let bytes = ev.read(entry)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn input(entry: &FoundEntry) -> InputFile {
    InputFile {
        path: entry.path.clone(),
        artifact: None,
    }
}

/// Builds a module's output from what its parser made of `files`: records, their alerts, the
/// not-understood count and its descriptions (prefixed with the file).
fn output<R: Record>(
    parsed: Vec<(FoundEntry, Parsed<R>)>,
    check: impl FnOnce(&[R]) -> Vec<Alert>,
) -> ModuleOutput {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    let mut failed = 0;
    let mut inputs = Vec::new();
    for (entry, p) in parsed {
        failed += p.failed;
        if p.failed > 0 {
            warnings.push(format!(
                "{}: {} lines or entries not understood",
                entry.path, p.failed
            ));
        }
        warnings.extend(p.warnings.iter().map(|w| format!("{}: {w}", entry.path)));
        records.extend(p.records);
        inputs.push(input(&entry));
    }
    let alerts = check(&records);
    let mut out = ModuleOutput::new(records).with_inputs(inputs);
    out.alerts = alerts;
    out.warnings = warnings;
    out.stats.failed = failed;
    out
}

/// When the acquisition started (`acquisition.json`'s `started`), if recorded.
/// A module over one of androidqf's JSON arrays (`packages.json`, `files.json`, …): the file
/// split into items (an item that is not JSON counts as not understood), parsed with `parse`,
/// checked with `check`.
fn json_array_module<R: Record>(
    ev: &dyn AndroidSource,
    name: &str,
    parse: impl FnOnce(Vec<RawItem>) -> Parsed<R>,
    check: impl FnOnce(&[R]) -> Vec<Alert>,
) -> Result<ModuleOutput, ModuleError> {
    let entry = top_file(ev, name)?;
    let items = array_items(&read_text(ev, &entry)?);
    let mut parsed = parse(items.records);
    parsed.failed += items.failed;
    parsed.warnings.splice(0..0, items.warnings);
    Ok(output(vec![(entry, parsed)], check))
}

/// The items as JSON values, for parsers that take values.
fn values(items: &[RawItem]) -> Vec<serde_json::Value> {
    items.iter().map(|r| json::value(r)).collect()
}

fn acquisition_time(ev: &dyn AndroidSource) -> Option<Timestamp> {
    let entry = ev.find("acquisition.json").into_iter().next()?;
    let bytes = ev.read(&entry).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Timestamp::parse(v.get("started")?.as_str()?)
}
