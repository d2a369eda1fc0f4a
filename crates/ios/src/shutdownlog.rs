//! Processes that delayed reboots: `shutdown.log`, on device
//! `/private/var/db/diagnostics/shutdown.log`, plus the rotated `shutdown.N.log` files iOS 26
//! keeps beside it (earlier versions append every reboot to the one file); also in sysdiagnose
//! archives (`system_logs.logarchive/Extra/shutdown.log`), which reuse [`analyse`]. Not in
//! backups. Parsing is in [`parse`] (a pure function).
//!
//! Spyware that keeps running while the phone shuts down shows here: Pegasus infections left
//! "sticky" processes under `/private/var/db/` and `/private/var/tmp/` (Kaspersky, "iShutdown",
//! 2024). One record per process per reboot, with how long it held the shutdown up and how many
//! waits it was listed under. Flags: a process running from a place legitimate system binaries
//! never live in — anything outside the system volume, the cryptexes and app bundles,
//! `/private/var/db/` and `/private/var/tmp/` first (HIGH); a process the same reboot had to
//! wait for three times or more (MEDIUM); the path and process name against indicators.
//!
//! Unlike MVT, a process listed under several waits of one reboot is one record (MVT writes one
//! per listing, summing the waits), and a block whose `SIGTERM` line is missing is kept, without
//! a time.

pub mod parse;

use crate::common::find;
use parse::parse_shutdown_log;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the shutdown logs live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &[
        "private/var/db/diagnostics/shutdown.log",
        "private/var/db/diagnostics/shutdown.*.log",
    ],
};

/// Waits in one reboot from which a process counts as holding the shutdown up (the threshold
/// Kaspersky's iShutdown uses).
pub const STICKY_WAITS: u32 = 3;

/// A process still running at a reboot.
#[derive(Debug, Clone, Serialize)]
pub struct ShutdownEntry {
    /// The reboot (`SIGTERM`) time; `None` for a block without one.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// Process id, as written.
    pub pid: String,
    /// Path of the executable.
    pub client: String,
    /// Seconds into the shutdown it was last seen still running.
    pub delay: f64,
    /// Number of waits of this reboot it was listed under.
    pub times_delayed: u32,
    /// The log it comes from (device path).
    pub log_file: String,
}

impl Record for ShutdownEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Process(&self.client));
        out.push(Observable::FilePath(&self.client));
        out.push(Observable::PathComponents(&self.client));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "shutdown",
            format!(
                "Client {} with PID {} was running when the device was shut down",
                self.client, self.pid
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// Folders legitimate binaries run from: the system volume and its cryptexes, and app bundles
/// (App Store and updatable system apps).
const SYSTEM_PLACES: &[&str] = &[
    "/System/",
    "/usr/",
    "/sbin/",
    "/bin/",
    "/Applications/",
    "/Developer/",
    "/private/preboot/Cryptexes/",
    "/private/var/containers/Bundle/",
    "/var/containers/Bundle/",
    "/private/var/staged_system_apps/",
    "/var/staged_system_apps/",
];

/// Folders spyware has been seen running from.
const KNOWN_BAD_PLACES: &[&str] = &[
    "/private/var/db/",
    "/private/var/tmp/",
    "/var/db/",
    "/var/tmp/",
    "/private/tmp/",
    "/tmp/",
];

/// Why a client path is not where system binaries live, if it is not.
pub fn unusual_location(client: &str) -> Option<&'static str> {
    if !client.starts_with('/') {
        return None;
    }
    if client.split('/').any(|c| c == ".." || c == ".") {
        return Some("a path with `.` or `..` components");
    }
    if KNOWN_BAD_PLACES.iter().any(|p| client.starts_with(p)) {
        return Some("a database/temporary folder, where spyware has been seen running from");
    }
    if SYSTEM_PLACES.iter().any(|p| client.starts_with(p)) {
        return None;
    }
    Some("a folder outside the system volume and app bundles")
}

fn when(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "an unknown time".into(), |t| t.to_mvt_string())
}

/// Records and heuristic alerts of one log's text; `log_file` names it. Returns the records,
/// the alerts (about those records, in order) and the number of lines not understood.
pub fn analyse(text: &str, log_file: &str) -> (Vec<ShutdownEntry>, Vec<Alert>, usize) {
    let log = parse_shutdown_log(text);
    let mut records = Vec::new();
    let mut alerts = Vec::new();
    for reboot in log.reboots {
        let isodate = reboot.time.and_then(Timestamp::from_unix_secs);
        for c in reboot.clients {
            let i = records.len();
            if let Some(why) = unusual_location(&c.client) {
                alerts.push(
                    Alert::heuristic(
                        Level::High,
                        i,
                        format!(
                            "{} (pid {}) was still running at the reboot of {} from {why}: \
                             legitimate system processes never run from there",
                            c.client,
                            c.pid,
                            when(isodate)
                        ),
                    )
                    .at(isodate),
                );
            }
            if c.times_delayed >= STICKY_WAITS {
                alerts.push(
                    Alert::heuristic(
                        Level::Medium,
                        i,
                        format!(
                            "{} (pid {}) held up the reboot of {}: still running after {} \
                             waits ({:.2}s)",
                            c.client,
                            c.pid,
                            when(isodate),
                            c.times_delayed,
                            c.delay
                        ),
                    )
                    .at(isodate),
                );
            }
            records.push(ShutdownEntry {
                isodate,
                pid: c.pid,
                client: c.client,
                delay: c.delay,
                times_delayed: c.times_delayed,
                log_file: log_file.to_string(),
            });
        }
    }
    (records, alerts, log.unparsed)
}

/// The ShutdownLog module.
pub struct ShutdownLog;

static META: ModuleMeta = ModuleMeta {
    slug: "shutdown_log",
    name: "ShutdownLog",
    description: "Processes that delayed reboots (shutdown.log and its rotations), with \
                  processes running from odd places and sticky processes",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &[
        "/private/var/db/diagnostics/shutdown.log",
        "/private/var/db/diagnostics/shutdown.*.log",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for ShutdownLog {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        read_logs(ev, &ARTIFACT)
    }
}

/// Reads and analyses every shutdown log `artifact` finds (the filesystem's and the
/// sysdiagnose's copies alike): records in reboot time order, alerts following their records.
/// A lone file of which no line is understood is not a shutdown log (the module fails); with
/// several, such a file is a warning and the others are still read.
pub(crate) fn read_logs(
    ev: &dyn IosSource,
    artifact: &Artifact,
) -> Result<ModuleOutput, ModuleError> {
    let files = find(ev, artifact)?;
    let mut records: Vec<ShutdownEntry> = Vec::new();
    let mut alerts = Vec::new();
    let mut warnings = Vec::new();
    let mut unparsed = 0u64;
    for file in &files {
        let bytes = ev.read(file)?;
        let text = String::from_utf8_lossy(&bytes);
        let (recs, file_alerts, bad) = analyse(&text, &file.relative_path);
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        if lines > 0 && bad == lines && files.len() == 1 {
            return Err(ModuleError::Corrupted {
                path: file.path.clone(),
                reason: format!("not a shutdown log: none of its {lines} lines understood"),
            });
        }
        if bad > 0 {
            warnings.push(format!(
                "{}: {bad} of {lines} lines not understood",
                file.relative_path
            ));
        }
        let base = records.len();
        alerts.extend(file_alerts.into_iter().map(|mut a| {
            a.record = a.record.map(|r| r + base);
            a
        }));
        records.extend(recs);
        unparsed += bad as u64;
    }
    // Reboots in time order (blocks without a time first), file order within a time.
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records.get(i).and_then(|r| r.isodate));
    let mut position = vec![0; records.len()];
    for (new, &old) in order.iter().enumerate() {
        if let Some(p) = position.get_mut(old) {
            *p = new;
        }
    }
    for a in &mut alerts {
        a.record = a.record.and_then(|r| position.get(r).copied());
    }
    let mut slots: Vec<Option<ShutdownEntry>> = records.into_iter().map(Some).collect();
    let records: Vec<ShutdownEntry> = order
        .iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect();
    alerts.sort_by_key(|a| a.record);
    let mut out = ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
    out.stats = ParseStats {
        ok: out.stats.ok,
        failed: unparsed,
    };
    out.alerts = alerts;
    out.warnings = warnings;
    Ok(out)
}
