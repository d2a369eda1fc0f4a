//! The apps installed and removed, from a sysdiagnose: installd's log,
//! `logs/MobileInstallation/mobile_installation.log.N` (on device
//! `/private/var/installd/Library/Logs/MobileInstallation/`), iOS 9 onwards; it keeps the last
//! weeks or months of installs. Lines are `<ctime> [pid] <level> (0x…) -[Class method]:
//! message` in the device's local time (the zone comes from the sysdiagnose's name).
//!
//! One record per install (`Installing <MIInstallableBundle ID=…; Version=…>`, with the request
//! before it: `Install of "…" type Customer|Developer|Placeholder|System … requested by <client>`)
//! and per removal (`Uninstalling identifier …`, with the client that asked), with the bundle's
//! folder when the log names it (`Made container live for … at …/Bundle/Application/…`). Bundle
//! ids are checked as app ids and process names, the requesting client as a process name, the
//! bundle folder as a file path. Flags, MEDIUM: an app installed as a developer app (`type
//! Developer`: signed for development and pushed from a computer — how sideloading tools and
//! some spyware installers work, never the App Store). Lines that are neither a log entry nor
//! the continuation of one are counted.

use super::{clock, parse_ctime, Clock};
use crate::common::find;
use serde::Serialize;
use std::collections::HashMap;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where installd's logs live (relative to the sysdiagnose root).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["logs/MobileInstallation/mobile_installation.log*"],
};

/// One install or removal of an app.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AppEvent {
    /// When (UTC).
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// `install` or `uninstall`.
    pub event: &'static str,
    /// The app's bundle id.
    pub bundle_id: String,
    /// `CFBundleVersion`, when logged.
    pub version: String,
    /// `CFBundleShortVersionString`, when logged.
    pub short_version: String,
    /// Install type (`Customer` for the App Store, `Developer`, `Placeholder`, `System`…).
    pub install_type: String,
    /// The process that asked for it (`lsd`, `appstored`, `installcoordinationd`…).
    pub requested_by: String,
    /// What was installed from (the staged bundle).
    pub source_path: String,
    /// The app's bundle folder.
    pub bundle_path: String,
    /// The log it comes from.
    pub log_file: String,
}

impl Record for AppEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.bundle_id));
        out.push(Observable::Process(&self.bundle_id));
        if !self.requested_by.is_empty() {
            out.push(Observable::Process(&self.requested_by));
        }
        for p in [&self.bundle_path, &self.source_path] {
            if !p.is_empty() {
                out.push(Observable::FilePath(p));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let by = match self.requested_by.as_str() {
            "" => String::new(),
            c => format!(" requested by {c}"),
        };
        let (event, what) = match self.event {
            "install" => ("app_installed", "installed"),
            _ => ("app_uninstalled", "uninstalled"),
        };
        let kind = match self.install_type.as_str() {
            "" => String::new(),
            t => format!(" ({t})"),
        };
        out.push(TimelineEvent::new(
            self.isodate,
            event,
            format!("App {} {what}{kind}{by}", self.bundle_id),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// A parsed log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstallLog {
    /// Installs and removals in log order.
    pub events: Vec<AppEvent>,
    /// Log entries read.
    pub entries: usize,
    /// Lines neither an entry nor the continuation of one.
    pub unparsed: usize,
}

/// The text between `start` and the first of `ends` (or the end).
fn between<'a>(s: &'a str, start: &str, ends: &[char]) -> Option<&'a str> {
    let rest = s.get(s.find(start)? + start.len()..)?;
    Some(rest.get(..rest.find(ends).unwrap_or(rest.len()))?.trim())
}

fn not_null(s: Option<&str>) -> String {
    s.filter(|v| *v != "(null)").unwrap_or_default().to_string()
}

/// A pending install request.
#[derive(Default)]
struct Request {
    install_type: String,
    requested_by: String,
    source_path: String,
}

/// Parses one `mobile_installation.log`; times are local, turned to UTC with `clock`.
pub fn parse_install_log(text: &str, log_file: &str, clock: &Clock) -> InstallLog {
    let mut log = InstallLog::default();
    let mut request: Option<Request> = None;
    let mut uninstall_by: HashMap<String, String> = HashMap::new();
    let mut in_entry = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let stamp = line
            .find(" [")
            .and_then(|i| Some((parse_ctime(line.get(..i)?)?, i)));
        let Some((civil, _)) = stamp else {
            if !in_entry {
                log.unparsed += 1;
            }
            continue;
        };
        in_entry = true;
        log.entries += 1;
        let when = clock.local(civil);
        let msg = match line.find("]: ") {
            Some(i) => line.get(i + 3..).unwrap_or_default(),
            None => line
                .find(") ")
                .and_then(|i| line.get(i + 2..))
                .unwrap_or_default(),
        };
        if msg.starts_with("Install of \"") {
            request = Some(Request {
                install_type: not_null(between(msg, "\" type ", &[' ', '('])),
                requested_by: not_null(between(msg, "requested by ", &['('])),
                source_path: not_null(between(msg, "Install of \"", &['"'])),
            });
        } else if msg.starts_with("Installing <") {
            let Some(id) = between(msg, "ID=", &[';', '>']).filter(|s| !s.is_empty()) else {
                continue;
            };
            let req = request.take().unwrap_or_default();
            log.events.push(AppEvent {
                isodate: when,
                event: "install",
                bundle_id: id.to_string(),
                version: not_null(between(msg, " Version=", &[',', '>'])),
                short_version: not_null(between(msg, "ShortVersion=", &['>', ','])),
                install_type: req.install_type,
                requested_by: req.requested_by,
                source_path: req.source_path,
                log_file: log_file.to_string(),
                ..AppEvent::default()
            });
        } else if msg.starts_with("Uninstall requested by ") {
            if let (Some(by), Some(id)) = (
                between(msg, "requested by ", &['(']),
                between(msg, "for identifier ", &[' ']),
            ) {
                uninstall_by.insert(id.to_string(), by.to_string());
            }
        } else if let Some(id) = msg
            .strip_prefix("Uninstalling identifier ")
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            log.events.push(AppEvent {
                isodate: when,
                event: "uninstall",
                bundle_id: id.to_string(),
                requested_by: uninstall_by.remove(id).unwrap_or_default(),
                log_file: log_file.to_string(),
                ..AppEvent::default()
            });
        } else if msg.starts_with("Made container live for ") {
            let (Some(id), Some(path)) = (
                between(msg, "live for ", &[' ']),
                between(msg, " at ", &['\n']),
            ) else {
                continue;
            };
            if !path.contains("/Bundle/") {
                continue;
            }
            let last =
                log.events.iter_mut().rev().take(50).find(|e| {
                    e.event == "install" && e.bundle_id == id && e.bundle_path.is_empty()
                });
            if let Some(e) = last {
                e.bundle_path = path.to_string();
            }
        }
    }
    log
}

/// The installed-apps module.
pub struct InstalledApps;

static META: ModuleMeta = ModuleMeta {
    slug: "sysdiagnose_installed_apps",
    name: "SysdiagnoseInstalledApps",
    description: "Apps installed and removed (installd's mobile_installation.log in a \
                  sysdiagnose), with developer-signed installs",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosSysdiagnose],
    artifacts: &["logs/MobileInstallation/mobile_installation.log*"],
    dependencies: &[],
};

impl Module<dyn IosSource> for InstalledApps {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let clock = clock(ev);
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        let mut failed = 0u64;
        for file in &files {
            let bytes = ev.read(file)?;
            let log = parse_install_log(
                &String::from_utf8_lossy(&bytes),
                &file.relative_path,
                &clock,
            );
            if log.entries == 0 && log.unparsed > 0 {
                return Err(ModuleError::Corrupted {
                    path: file.path.clone(),
                    reason: format!(
                        "not an installd log: none of its {} lines is a log entry",
                        log.unparsed
                    ),
                });
            }
            if log.unparsed > 0 {
                warnings.push(format!(
                    "{}: {} lines not understood",
                    file.relative_path, log.unparsed
                ));
            }
            failed += log.unparsed as u64;
            records.extend(log.events);
        }
        if clock.offset.is_none() {
            warnings.push(
                "the sysdiagnose's time zone is unknown: installd's local times are taken as UTC"
                    .into(),
            );
        }
        records.sort_by_key(|r| r.isodate);
        let alerts = records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.install_type == "Developer")
            .map(|(i, r)| {
                Alert::heuristic(
                    Level::Medium,
                    i,
                    format!(
                        "App {} was installed as a developer app (signed for development and \
                         pushed from a computer{}), not from the App Store",
                        r.bundle_id,
                        match r.requested_by.as_str() {
                            "" => String::new(),
                            c => format!(", by {c}"),
                        }
                    ),
                )
            })
            .collect();
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
