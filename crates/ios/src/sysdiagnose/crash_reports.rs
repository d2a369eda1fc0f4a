//! Crash and diagnostic reports in a sysdiagnose: every `*.ips` file (`crashes_and_spins/`,
//! its `Retired/` and `Panics/` folders, and wherever else one is), iOS 10 onwards. On device
//! they live in `/private/var/mobile/Library/Logs/CrashReporter/`; a sysdiagnose copies them.
//!
//! An `.ips` file is one JSON header line (`app_name`, `bug_type`, `timestamp` with its zone,
//! `bundleID`, `os_version`, `incident_id`…) and a body: JSON since iOS 15 (`procName`,
//! `procPath`, `parentProc`, `coalitionName`, `bundleInfo`, `usedImages`, and for jetsam and
//! stackshot reports the `processes`/`processByPid` lists), `Key: value` text before. Exploits
//! crash things: published Pegasus and Predator cases show crashes of the processes they
//! attacked and of their own implants. Every process name, executable and loaded image path
//! and bundle id is checked against indicators. Flags, HIGH: a crashed process, or an image it
//! loaded, from a place legitimate code never runs from (see [`super::odd_location`]). Files
//! whose header is not JSON are counted and named.

use super::{odd_location, parse_zoned};
use crate::common::find;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the reports live (relative to the sysdiagnose root).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["**/*.ips"],
};

/// Bodies past this size are not parsed (their header still is).
const MAX_BODY: usize = 32 << 20;
/// Most process names or image paths kept from one report.
const MAX_NAMES: usize = 10_000;

/// One crash or diagnostic report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CrashReport {
    /// When it was written (the header's `timestamp`, in UTC).
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// The report (path in the sysdiagnose).
    pub file: String,
    /// Report type (`bug_type`: 309 crash, 298 jetsam, 288 stackshot…).
    pub bug_type: String,
    /// The header's `app_name` (or `name`).
    pub app_name: String,
    /// The header's `bundleID`, or the body's `CFBundleIdentifier`.
    pub bundle_id: String,
    /// The header's `os_version`.
    pub os_version: String,
    /// The header's `incident_id`.
    pub incident_id: String,
    /// The process the report is about (`procName`, `Process:`).
    pub proc_name: String,
    /// Its executable (`procPath`, `Path:`).
    pub proc_path: String,
    /// Its parent process (`parentProc`, `Parent Process:`).
    pub parent_proc: String,
    /// Its coalition (`coalitionName`, `Coalition:`), usually an app's bundle id.
    pub coalition: String,
    /// The user it ran as (`userID`), when written.
    pub user_id: String,
    /// Processes a jetsam or stackshot report lists.
    pub processes: Vec<String>,
    /// Paths of the binary images it had loaded (outside the shared cache).
    pub images: Vec<String>,
}

impl Record for CrashReport {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for name in [&self.app_name, &self.proc_name, &self.parent_proc] {
            if !name.is_empty() {
                out.push(Observable::Process(name));
            }
        }
        for id in [&self.bundle_id, &self.coalition] {
            if !id.is_empty() {
                out.push(Observable::AppId(id));
            }
        }
        if !self.proc_path.is_empty() {
            out.push(Observable::Process(&self.proc_path));
            out.push(Observable::FilePath(&self.proc_path));
            out.push(Observable::PathComponents(&self.proc_path));
        }
        out.extend(self.processes.iter().map(|p| Observable::Process(p)));
        for p in &self.images {
            out.push(Observable::FilePath(p));
            out.push(Observable::PathComponents(p));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let who = [&self.proc_name, &self.app_name]
            .into_iter()
            .find(|n| !n.is_empty())
            .map_or("an unnamed process", |n| n.as_str());
        out.push(TimelineEvent::new(
            self.isodate,
            "diagnostic_report",
            format!(
                "Diagnostic report (bug type {}) about {who} in {}",
                self.bug_type, self.file
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// A string or number field as text.
fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn push_bounded(out: &mut Vec<String>, seen: &mut BTreeSet<String>, s: &str) {
    if !s.is_empty() && out.len() < MAX_NAMES && seen.insert(s.to_string()) {
        out.push(s.to_string());
    }
}

/// Fills the body fields from a JSON body.
fn json_body(r: &mut CrashReport, body: &Value) {
    let field = |k: &str| text(body.get(k));
    r.proc_name = field("procName");
    r.proc_path = field("procPath");
    r.parent_proc = field("parentProc");
    r.coalition = field("coalitionName");
    r.user_id = field("userID");
    if r.bundle_id.is_empty() {
        r.bundle_id = text(body.pointer("/bundleInfo/CFBundleIdentifier"));
    }
    let mut seen = BTreeSet::new();
    if let Some(Value::Array(procs)) = body.get("processes") {
        for p in procs {
            push_bounded(&mut r.processes, &mut seen, &text(p.get("name")));
        }
    }
    if let Some(Value::Object(by_pid)) = body.get("processByPid") {
        for p in by_pid.values() {
            push_bounded(&mut r.processes, &mut seen, &text(p.get("procname")));
        }
    }
    let mut seen = BTreeSet::new();
    if let Some(Value::Array(images)) = body.get("usedImages") {
        for i in images {
            push_bounded(&mut r.images, &mut seen, &text(i.get("path")));
        }
    }
}

/// Fills the body fields from a text body (`Process:  name [pid]`, `Path: …`).
fn text_body(r: &mut CrashReport, body: &str) {
    let strip_pid = |v: &str| {
        let v = v.trim();
        match v.rfind(" [") {
            Some(i) if v.ends_with(']') => v.get(..i).unwrap_or(v).trim().to_string(),
            _ => v.to_string(),
        }
    };
    for line in body.lines().take(200) {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let slot = match key.trim() {
            "Process" => &mut r.proc_name,
            "Path" => &mut r.proc_path,
            "Parent Process" => &mut r.parent_proc,
            "Coalition" => &mut r.coalition,
            "Identifier" if r.bundle_id.is_empty() => &mut r.bundle_id,
            _ => continue,
        };
        if slot.is_empty() {
            *slot = strip_pid(value);
        }
    }
}

/// Parses one `.ips` file; `None` when its first line is not a JSON object.
pub fn parse_ips(bytes: &[u8], file: &str) -> Option<CrashReport> {
    let (head, body) = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => (bytes.get(..i)?, bytes.get(i + 1..).unwrap_or_default()),
        None => (bytes, &[][..]),
    };
    let header: Value = serde_json::from_slice(head).ok()?;
    let header = header.as_object()?;
    let field = |k: &str| text(header.get(k));
    let mut r = CrashReport {
        isodate: parse_zoned(&field("timestamp")),
        file: file.to_string(),
        bug_type: field("bug_type"),
        app_name: Some(field("app_name"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| field("name")),
        bundle_id: field("bundleID"),
        os_version: field("os_version"),
        incident_id: field("incident_id"),
        ..CrashReport::default()
    };
    if body.len() <= MAX_BODY {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) if v.is_object() => json_body(&mut r, &v),
            _ => text_body(&mut r, &String::from_utf8_lossy(body)),
        }
    }
    Some(r)
}

/// The CrashReports module.
pub struct CrashReports;

static META: ModuleMeta = ModuleMeta {
    slug: "sysdiagnose_crash_reports",
    name: "SysdiagnoseCrashReports",
    description: "Crash and diagnostic reports (*.ips) in a sysdiagnose: process names, paths, \
                  loaded images and bundle ids",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosSysdiagnose],
    artifacts: &["**/*.ips"],
    dependencies: &[],
};

impl Module<dyn IosSource> for CrashReports {
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
        let mut bad: Vec<&str> = Vec::new();
        for file in &files {
            let bytes = ev.read(file)?;
            match parse_ips(&bytes, &file.relative_path) {
                Some(r) => records.push(r),
                None => bad.push(&file.relative_path),
            }
        }
        if records.is_empty() {
            return Err(ModuleError::Corrupted {
                path: files.first().map(|f| f.path.clone()).unwrap_or_default(),
                reason: format!(
                    "none of the {} .ips files has a JSON header line",
                    files.len()
                ),
            });
        }
        records.sort_by(|a, b| (a.isodate, &a.file).cmp(&(b.isodate, &b.file)));
        let alerts = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let user = (r.user_id == "0").then_some("root");
                let why = odd_location(&r.proc_path, user)
                    .map(|w| format!("{} ran from {w}", r.proc_path))
                    .or_else(|| {
                        r.images.iter().find_map(|p| {
                            odd_location(p, None).map(|w| format!("it loaded {p} from {w}"))
                        })
                    })?;
                Some(Alert::heuristic(
                    Level::High,
                    i,
                    format!(
                        "Diagnostic report {} about {}: {why}",
                        r.file,
                        if r.proc_name.is_empty() {
                            &r.app_name
                        } else {
                            &r.proc_name
                        }
                    ),
                ))
            })
            .collect();
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed: bad.len() as u64,
        };
        if !bad.is_empty() {
            let shown: Vec<&str> = bad.iter().take(20).copied().collect();
            out.warnings.push(format!(
                "{} .ips files without a JSON header line, not understood: {}{}",
                bad.len(),
                shown.join(", "),
                if bad.len() > shown.len() { ", …" } else { "" }
            ));
        }
        out.alerts = alerts;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_text_reports() {
        let json = b"{\"app_name\":\"x\",\"bug_type\":\"309\",\"timestamp\":\"2023-05-24 \
                     13:05:58.00 -0700\",\"bundleID\":\"com.x\"}\n{\"procName\":\"x\",\
                     \"procPath\":\"/private/var/tmp/x\",\"usedImages\":[{\"path\":\"/usr/lib/dyld\"},\
                     {\"source\":\"S\"}],\"processes\":[{\"name\":\"a\"},{\"name\":\"a\"}]}";
        let r = parse_ips(json, "c/x.ips").unwrap();
        assert_eq!(
            r.isodate.unwrap().to_mvt_string(),
            "2023-05-24 20:05:58.000000"
        );
        assert_eq!(
            (r.proc_path.as_str(), r.bug_type.as_str()),
            ("/private/var/tmp/x", "309")
        );
        assert_eq!((r.images.len(), r.processes.len()), (1, 1));
        let txt = b"{\"bug_type\":109,\"name\":\"y\"}\nProcess:  y [12]\nPath: /usr/bin/y\n";
        let r = parse_ips(txt, "y.ips").unwrap();
        assert_eq!(
            (r.proc_name.as_str(), r.proc_path.as_str()),
            ("y", "/usr/bin/y")
        );
        assert_eq!((r.bug_type.as_str(), r.app_name.as_str()), ("109", "y"));
        assert!(parse_ips(b"not json\n{}", "z.ips").is_none());
        assert!(parse_ips(b"[1]\n", "z.ips").is_none());
    }
}
