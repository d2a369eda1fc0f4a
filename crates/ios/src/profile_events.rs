//! Configuration profile events: `MCProfileEvents.plist` (backup
//! `SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles:Library/
//! ConfigurationProfiles/MCProfileEvents.plist`, found by its path in any domain; on device in
//! the `systemgroup.com.apple.configurationprofiles` container under
//! `/private/var/containers/Shared/SystemGroup/<uuid>/Library/ConfigurationProfiles/`, or
//! `/private/var/mobile/Library/ConfigurationProfiles/` on old versions), iOS 9+.
//!
//! `ProfileEvents` is a list of one-key dictionaries: the profile identifier, mapping to the
//! event's `timestamp` (a plist date), `operation` (`install`, `remove`…) and `process` (the
//! process that did it). Unlike the installed-profile list, removals stay here: a profile that
//! was installed by an odd process and removed again leaves this trace only. Every event is
//! flagged LOW for review, as MVT does; the process is matched against process indicators and
//! the identifier against profile indicators.

use crate::common::find;
use crate::plist_json::{or_empty, py_str, read_plist, to_json, value_date};
use plist::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where MCProfileEvents.plist lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("*", "Library/ConfigurationProfiles/MCProfileEvents.plist")],
    fs: &[
        "private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/MCProfileEvents.plist",
        "private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist",
    ],
};

/// One install, removal or other operation on a profile.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileEvent {
    /// The profile's identifier.
    pub profile_id: String,
    /// When (`""` when absent or not a date).
    #[serde(serialize_with = "or_empty")]
    pub timestamp: Option<Timestamp>,
    /// `install`, `remove`… (`""` when absent).
    pub operation: Json,
    /// The process that did it (`""` when absent).
    pub process: Json,
    /// Any other keys of the event, lower-cased as MVT writes them.
    #[serde(flatten)]
    pub other: Map<String, Json>,
}

impl ProfileEvent {
    fn description(&self) -> String {
        format!(
            "Process {} started operation {} of profile {}",
            py_str(Some(&self.process)),
            py_str(Some(&self.operation)),
            self.profile_id
        )
    }
}

impl Record for ProfileEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(p) = self.process.as_str().filter(|p| !p.is_empty()) {
            out.push(Observable::Process(p));
        }
        if !self.profile_id.is_empty() {
            out.push(Observable::ProfileId(&self.profile_id));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.timestamp,
            "profile_operation",
            self.description(),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.timestamp
    }
}

/// Parses the events of one MCProfileEvents.plist; entries that are not a one-key dictionary
/// of a dictionary are counted in the second value.
pub fn parse_profile_events(plist: &Value) -> (Vec<ProfileEvent>, u64) {
    let Some(list) = plist
        .as_dictionary()
        .and_then(|d| d.get("ProfileEvents"))
        .and_then(Value::as_array)
    else {
        return (Vec::new(), 0);
    };
    let mut events = Vec::with_capacity(list.len());
    let mut bad = 0;
    for entry in list {
        let Some((id, Value::Dictionary(fields))) =
            entry.as_dictionary().and_then(|d| d.iter().next())
        else {
            bad += 1;
            continue;
        };
        let mut ev = ProfileEvent {
            profile_id: id.clone(),
            timestamp: None,
            operation: Json::String(String::new()),
            process: Json::String(String::new()),
            other: Map::new(),
        };
        for (key, value) in fields {
            match key.to_lowercase().as_str() {
                "timestamp" => ev.timestamp = value_date(value),
                "operation" => ev.operation = to_json(value),
                "process" => ev.process = to_json(value),
                "profile_id" => {
                    if let Some(s) = value.as_string() {
                        ev.profile_id = s.to_string();
                    }
                }
                other => {
                    ev.other.insert(other.to_string(), to_json(value));
                }
            }
        }
        events.push(ev);
    }
    (events, bad)
}

/// The ProfileEvents module.
pub struct ProfileEvents;

static META: ModuleMeta = ModuleMeta {
    slug: "profile_events",
    name: "ProfileEvents",
    description: "Configuration profile installs and removals, with the process behind each",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["*:Library/ConfigurationProfiles/MCProfileEvents.plist"],
    dependencies: &[],
};

impl Module<dyn IosSource> for ProfileEvents {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut events = Vec::new();
        let mut warnings = Vec::new();
        let mut failed = 0;
        let mut unreadable = 0;
        let mut first_error = None;
        for file in &files {
            match read_plist(ev, file) {
                Ok(plist) => {
                    if !plist
                        .as_dictionary()
                        .is_some_and(|d| d.contains_key("ProfileEvents"))
                    {
                        warnings.push(format!("{}: no ProfileEvents list", file.artifact()));
                    }
                    let (found, bad) = parse_profile_events(&plist);
                    if bad > 0 {
                        warnings.push(format!(
                            "{}: {bad} malformed profile events skipped",
                            file.artifact()
                        ));
                    }
                    failed += bad;
                    events.extend(found);
                }
                Err(e) => {
                    unreadable += 1;
                    warnings.push(e.to_string());
                    first_error.get_or_insert(e);
                }
            }
        }
        if let (true, Some(e)) = (unreadable == files.len(), first_error) {
            return Err(e);
        }
        let alerts = events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let when = e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default();
                Alert::heuristic(
                    Level::Low,
                    i,
                    format!(
                        "On {when} process \"{}\" started operation \"{}\" of profile \"{}\"",
                        py_str(Some(&e.process)),
                        py_str(Some(&e.operation)),
                        e.profile_id
                    ),
                )
                .at(e.timestamp)
            })
            .collect();
        let ok = events.len() as u64;
        let mut out =
            ModuleOutput::new(events).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok,
            failed: failed + unreadable as u64,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
