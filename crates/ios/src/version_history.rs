//! The iOS versions a phone ran, from the analytics journals `analyticsd` writes:
//! `/private/var/db/analyticsd/Analytics-Journal-*.ips` (iOS 14 and later; not in backups).
//! Each journal starts with a JSON line whose `timestamp` (`2021-06-15 12:34:56.00 -0700`,
//! local time with its offset) and `os_version` (`iPhone OS 14.6 (18F72)`) date the version.
//! No heuristics: a timeline of updates helps date an infection against the patches that
//! closed its exploits.

use crate::common::find;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, ParseStats, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, FoundFile, IosSource};

/// Where the analytics journals live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["private/var/db/analyticsd/Analytics-Journal-*.ips"],
};

/// Longest first line read (the header line is a few hundred bytes).
const MAX_LINE: usize = 1 << 20;

/// A version recorded by a journal.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    /// When the journal was started (UTC).
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// The OS version as written (`iPhone OS 14.6 (18F72)`).
    pub os_version: String,
}

impl Record for VersionRecord {
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "ios_version",
            format!("Recorded iOS version {}", self.os_version),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// Parses `2021-06-15 12:34:56.00 -0700` (a time with its UTC offset).
pub fn parse_journal_time(s: &str) -> Option<Timestamp> {
    let (datetime, offset) = s.trim().rsplit_once(' ')?;
    let (date, time) = datetime.split_once(' ')?;
    let sign = offset.get(..1).filter(|c| *c == "+" || *c == "-")?;
    let digits = offset.get(1..)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hh, mm) = digits.split_at(2);
    Timestamp::parse(&format!("{date}T{time}{sign}{hh}:{mm}"))
}

/// The version line of a journal: its first line, as JSON.
pub fn parse_journal(bytes: &[u8]) -> Result<VersionRecord, String> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len())
        .min(MAX_LINE);
    let line = bytes.get(..end).unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("first line is not JSON ({e})"))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str());
    let os_version = field("os_version").ok_or("no os_version in its first line")?;
    Ok(VersionRecord {
        isodate: field("timestamp").and_then(parse_journal_time),
        os_version: os_version.to_string(),
    })
}

fn read_one(ev: &dyn IosSource, file: &FoundFile) -> Result<VersionRecord, ModuleError> {
    let bytes = ev.read(file)?;
    parse_journal(&bytes).map_err(|reason| ModuleError::Corrupted {
        path: file.path.clone(),
        reason,
    })
}

/// The IOSVersionHistory module.
pub struct IosVersionHistory;

static META: ModuleMeta = ModuleMeta {
    slug: "ios_version_history",
    name: "IOSVersionHistory",
    description: "iOS versions the phone ran, dated by its analytics journals",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/private/var/db/analyticsd/Analytics-Journal-*.ips"],
    dependencies: &[],
};

impl Module<dyn IosSource> for IosVersionHistory {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        let mut first_error = None;
        for file in &files {
            match read_one(ev, file) {
                Ok(r) => records.push(r),
                Err(e) => {
                    warnings.push(e.to_string());
                    first_error.get_or_insert(e);
                }
            }
        }
        if records.is_empty() {
            if let Some(e) = first_error {
                return Err(e);
            }
        }
        records.sort_by_key(|r| r.isodate);
        let failed = warnings.len() as u64;
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed,
        };
        out.warnings = warnings;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_journal_time;

    #[test]
    fn journal_times_are_converted_to_utc() {
        let t = parse_journal_time("2021-06-15 12:34:56.25 -0700").unwrap();
        assert_eq!(t.to_mvt_string(), "2021-06-15 19:34:56.250000");
        assert!(parse_journal_time("2021-06-15 12:34:56 +0530").is_some());
        assert!(parse_journal_time("2021-06-15 12:34:56").is_none());
        assert!(parse_journal_time("garbage").is_none());
    }
}
