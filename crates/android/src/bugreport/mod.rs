//! Modules over a bugreport: an `adb bugreport` zip (Android 7+) or its unpacked folder, or the
//! `bugreport.zip` of an androidqf acquisition. Most read one section of the main dumpstate
//! file, which is found as MVT finds it: the file named by `main_entry.txt`, else
//! `dumpState_*.log`, else a `dumpsys.txt` in a sub-folder. The others read `FS/`.
//!
//! Sections are read line by line with bounded memory (see [`crate::parsers::dumpstate`]);
//! a missing section is "not found" (the check could not run), never an empty result.

mod adb_state;
mod dumpsys;
mod fs_timestamps;
mod tombstones;

pub use adb_state::DumpsysAdbState;
pub use dumpsys::{
    DumpsysAccessibility, DumpsysActivities, DumpsysAppops, DumpsysBatteryDaily,
    DumpsysBatteryHistory, DumpsysDbInfo, DumpsysGetProp, DumpsysPackages, DumpsysPlatformCompat,
    DumpsysReceivers,
};
pub use fs_timestamps::{BugreportTimestamps, FileTimestamp};
pub use tombstones::{Tombstone, Tombstones};

use crate::parsers::dumpstate::{extract_section, Heading, Section};
use crate::parsers::Parsed;
use crate::{AndroidAcquisition, AndroidModule, AndroidSource, FoundEntry};
use std::path::Path;
use tracehound_core::{AcquisitionKind, Alert, InputFile, ModuleError, ModuleOutput, Record};
use tracehound_evidence::archive::{Limits, Tree};
use tracehound_evidence::EvidenceError;

/// The bugreport modules, in MVT's order.
pub static MODULES: &[&AndroidModule] = &[
    &DumpsysAccessibility,
    &DumpsysActivities,
    &DumpsysAppops,
    &DumpsysBatteryDaily,
    &DumpsysBatteryHistory,
    &DumpsysDbInfo,
    &DumpsysGetProp,
    &DumpsysPackages,
    &DumpsysPlatformCompat,
    &DumpsysReceivers,
    &DumpsysAdbState,
    &BugreportTimestamps,
    &Tombstones,
];

/// Acquisition kinds the bugreport modules run on.
pub(crate) const KINDS: &[AcquisitionKind] = &[
    AcquisitionKind::AndroidBugreport,
    AcquisitionKind::AndroidQf,
];

/// The files through which a bugreport is entered, in the order they are tried.
pub const ENTRY_POINTS: &[&str] = &["main_entry.txt", "dumpState_*.log", "**/dumpsys.txt"];

fn has_entry_point(tree: &Tree, root: &str) -> bool {
    tree.entries().iter().any(|e| {
        e.path.strip_prefix(root).is_some_and(|rel| {
            rel == "main_entry.txt"
                || tracehound_evidence::archive::glob_match("dumpState_*.log", rel)
                || (rel.ends_with("/dumpsys.txt"))
        })
    })
}

/// Opens an `adb bugreport` zip or folder. A folder or zip whose files sit in one top-level
/// folder is entered; an OEM wrapper zip (MIUI/HyperOS) holding the real bugreport zip is
/// descended into once.
pub fn open_bugreport(path: &Path, limits: Limits) -> Result<AndroidAcquisition, EvidenceError> {
    let tree = Tree::open(path, limits)?;
    if has_entry_point(&tree, "") {
        return Ok(AndroidAcquisition::from_tree(
            AcquisitionKind::AndroidBugreport,
            tree,
            "",
        ));
    }
    let mut tops: Vec<String> = tree
        .entries()
        .iter()
        .filter_map(|e| e.path.split_once('/').map(|(t, _)| format!("{t}/")))
        .collect();
    tops.dedup();
    if let Some(top) = tops.into_iter().find(|t| has_entry_point(&tree, t)) {
        return Ok(AndroidAcquisition::from_tree(
            AcquisitionKind::AndroidBugreport,
            tree,
            top,
        ));
    }
    let mut zips: Vec<String> = tree
        .find("**/*.zip")
        .iter()
        .map(|e| e.path.clone())
        .collect();
    zips.sort_by_key(|n| {
        let l = n.to_lowercase();
        !(l.contains("bugreport") || l.contains("dumpstate"))
    });
    for name in zips {
        if let Ok(inner) = tree.open_nested(&name) {
            if has_entry_point(&inner, "") {
                return Ok(AndroidAcquisition::from_tree(
                    AcquisitionKind::AndroidBugreport,
                    inner,
                    "",
                ));
            }
        }
    }
    Err(EvidenceError::Corrupt {
        path: path.display().to_string(),
        reason: "not a bugreport: no main_entry.txt, dumpState_*.log or dumpsys.txt in it (nor \
                 in a zip inside it)"
            .into(),
    })
}

/// The bugreport of `ev` (itself, or the one nested in an androidqf acquisition).
pub(crate) fn bugreport(ev: &dyn AndroidSource) -> Result<&dyn AndroidSource, ModuleError> {
    ev.bugreport()?
        .ok_or_else(|| ModuleError::NotFound("bugreport (no bugreport.zip)".into()))
}

/// Locates the main dumpstate file of a bugreport, as MVT does.
pub(crate) fn dumpstate_entry(br: &dyn AndroidSource) -> Result<FoundEntry, ModuleError> {
    if let Some(main) = br.find("main_entry.txt").into_iter().next() {
        let name = String::from_utf8_lossy(&br.read(&main)?).trim().to_string();
        return br
            .find(&name)
            .into_iter()
            .find(|e| e.path == name)
            .ok_or_else(|| {
                ModuleError::NotFound(format!("{name} (the dumpstate named by main_entry.txt)"))
            });
    }
    if let Some(e) = br.find("dumpState_*.log").into_iter().next() {
        return Ok(e);
    }
    br.find("**/dumpsys.txt")
        .into_iter()
        .find(|e| e.path.contains('/'))
        .ok_or_else(|| {
            ModuleError::NotFound(
                "dumpstate (main_entry.txt, dumpState_*.log, */dumpsys.txt)".into(),
            )
        })
}

/// A section of the bugreport's dumpstate, with the file it came from.
pub(crate) struct Found {
    pub section: Section,
    pub entry: FoundEntry,
}

/// Reads `heading` from the dumpstate of `ev`'s bugreport; `NotFound` when it has none.
pub(crate) fn section(ev: &dyn AndroidSource, heading: Heading<'_>) -> Result<Found, ModuleError> {
    let br = bugreport(ev)?;
    let entry = dumpstate_entry(br)?;
    let bytes = br.read(&entry)?;
    let section =
        extract_section(&mut bytes.as_slice(), heading).map_err(|e| ModuleError::Corrupted {
            path: entry.path.clone(),
            reason: format!("read failed: {e}"),
        })?;
    if !section.found {
        let h = match heading {
            Heading::Service(h) | Heading::Command(h) => h,
        };
        return Err(ModuleError::NotFound(format!(
            "{} has no `{h}` section",
            entry.path
        )));
    }
    Ok(Found { section, entry })
}

/// A module's output from a parsed section: records, alerts, not-understood counts (the
/// parser's and the lines the section reader could not keep) and their descriptions.
pub(crate) fn output<R: Record>(
    found: &Found,
    parsed: Parsed<R>,
    alerts: Vec<Alert>,
) -> ModuleOutput {
    let path = &found.entry.path;
    let mut warnings: Vec<String> = parsed
        .warnings
        .iter()
        .map(|w| format!("{path}: {w}"))
        .collect();
    let s = &found.section;
    if s.too_long > 0 {
        warnings.push(format!(
            "{path}: {} lines longer than {} bytes skipped",
            s.too_long,
            crate::parsers::dumpstate::MAX_LINE
        ));
    }
    if s.dropped > 0 {
        warnings.push(format!(
            "{path}: section cut at {} bytes; {} lines not read",
            crate::parsers::dumpstate::MAX_SECTION,
            s.dropped
        ));
    }
    let failed = parsed.failed + s.lost();
    let mut out = ModuleOutput::new(parsed.records).with_inputs(vec![InputFile {
        path: path.clone(),
        artifact: Some("dumpstate".into()),
    }]);
    out.alerts = alerts;
    out.warnings = warnings;
    out.stats.failed = failed;
    out
}
