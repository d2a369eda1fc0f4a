//! WebKit browsing-session resource logs: `full_browsing_session_resourceLog.plist`, one per
//! app whose web views keep tracking-prevention statistics (backup: any domain's
//! `Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist`,
//! usually Safari's `AppDomain-com.apple.mobilesafari`, backup ID `a500ee38…`; on device under
//! the app containers, SafariViewService's `SystemData` and home-screen web clips), iOS 11+.
//!
//! `browsingStatistics` lists, per registrable domain (`PrevalentResourceOrigin`, or
//! `PrevalentResourceDomain` in newer models), the domains that redirected to it
//! (`topFrameUniqueRedirectsFrom`), those it redirected to (`topFrameUniqueRedirectsTo`), the
//! top-frame domains it was loaded under as a subframe or subresource, whether the user
//! interacted with it, and when (`lastSeen`, `mostRecentUserInteraction`: Unix seconds as
//! WebKit writes them, or plist dates). An exploit chain's redirect hops linger here after the
//! history is cleared. Every domain of an entry (origin, redirect sources and destinations,
//! embedding domains) is matched against domain indicators. Results are written as MVT writes
//! them: an object mapping each log file to its entries.

use crate::common::find;
use crate::plist_json::{read_plist, to_json, value_date};
use plist::{Dictionary, Value};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as Json;
use std::any::Any;
use std::io;
use tracehound_core::module::ModuleContext;
use tracehound_core::record::{write_pretty_json, RecordSet};
use tracehound_core::{
    AcquisitionKind, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, ParseStats,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

const LOG: &str = "full_browsing_session_resourceLog.plist";

/// Where the logs live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        ("*", "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"),
        ("*", "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist"),
        ("HomeDomain", "Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist"),
    ],
    fs: &[
        "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist",
        "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist",
        "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist",
    ],
};

/// One domain's statistics.
#[derive(Debug, Clone, Serialize)]
pub struct SessionResource {
    /// The registrable domain (`""` when absent).
    pub origin: Json,
    /// Domains that redirected to it, as stored (`[{"domain": …}]`; `""` when absent).
    pub redirect_source: Json,
    /// Domains it redirected to.
    pub redirect_destination: Json,
    /// Top-frame domains it was loaded under as a subframe.
    pub subframe_under_origin: Json,
    /// Top-frame domains it was loaded under as a subresource.
    pub subresource_under_origin: Json,
    /// `hadUserInteraction`.
    pub user_interaction: Json,
    /// `mostRecentUserInteraction` as a date.
    pub most_recent_interaction: WebkitTime,
    /// `lastSeen` as a date.
    pub last_seen: WebkitTime,
    /// Index of its log file.
    #[serde(skip)]
    pub log: usize,
}

/// The domain names of a stored list of `{"origin"|"domain": name}` entries.
fn listed_domains<'a>(v: &'a Json, out: &mut Vec<Observable<'a>>) {
    for item in v.as_array().into_iter().flatten() {
        match item {
            Json::Object(o) => {
                for key in ["origin", "domain"] {
                    if let Some(d) = o.get(key).and_then(Json::as_str) {
                        out.push(Observable::Domain(d));
                    }
                }
            }
            Json::String(d) => out.push(Observable::Domain(d)),
            _ => {}
        }
    }
}

impl Record for SessionResource {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(o) = self.origin.as_str().filter(|o| !o.is_empty()) {
            out.push(Observable::Domain(o));
        }
        for list in [
            &self.redirect_source,
            &self.redirect_destination,
            &self.subframe_under_origin,
            &self.subresource_under_origin,
        ] {
            listed_domains(list, out);
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.last_seen
            .time()
            .or(self.most_recent_interaction.time())
    }

    /// An entry matching an indicator: its redirect chain, sources to destinations, is
    /// worth its own alert (MVT raises it too, HIGH).
    fn on_match(&self) -> Option<(Level, String)> {
        let names = |v: &Json| -> Vec<String> {
            let mut obs = Vec::new();
            listed_domains(v, &mut obs);
            obs.iter().map(|o| format!("\"{}\"", o.value())).collect()
        };
        let (from, to) = (
            names(&self.redirect_source),
            names(&self.redirect_destination),
        );
        let mut chain = String::new();
        if !from.is_empty() {
            chain.push_str(&format!("SOURCE: {} -> ", from.join(", ")));
        }
        chain.push_str(&format!(
            "ORIGIN: \"{}\"",
            self.origin.as_str().unwrap_or_default()
        ));
        if !to.is_empty() {
            chain.push_str(&format!(" -> DESTINATION: {}", to.join(", ")));
        }
        Some((
            Level::High,
            format!("Redirect chain of a domain matching an indicator: {chain}"),
        ))
    }
}

/// A WebKit time as MVT's results show it: `null` when absent or unreadable, `""` when zero
/// ("never"), the date otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebkitTime {
    /// Absent, or not a time.
    Unknown,
    /// Zero: never.
    Never,
    /// A time.
    At(Timestamp),
}

impl WebkitTime {
    /// The time, if there is one.
    pub fn time(self) -> Option<Timestamp> {
        match self {
            WebkitTime::At(t) => Some(t),
            _ => None,
        }
    }
}

impl Serialize for WebkitTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            WebkitTime::Unknown => s.serialize_none(),
            WebkitTime::Never => s.serialize_str(""),
            WebkitTime::At(t) => t.serialize(s),
        }
    }
}

/// A WebKit time: a plist date, or Unix seconds (WebKit's `WallTime`); zero is "never".
fn webkit_time(v: Option<&Value>) -> WebkitTime {
    let t = match v {
        Some(Value::Date(_)) => v.and_then(value_date),
        Some(Value::Real(r)) if *r == 0.0 => return WebkitTime::Never,
        Some(Value::Real(r)) if *r > 0.0 => Timestamp::from_unix_secs_f64(*r),
        Some(Value::Integer(i)) => match i.as_signed() {
            Some(0) => return WebkitTime::Never,
            Some(s) if s > 0 => Timestamp::from_unix_secs(s),
            _ => None,
        },
        _ => None,
    };
    t.map_or(WebkitTime::Unknown, WebkitTime::At)
}

/// The first of `keys` present in `item`, as JSON; `""` when none is.
fn first_of(item: &Dictionary, keys: &[&str]) -> Json {
    keys.iter()
        .find_map(|k| item.get(k))
        .map(to_json)
        .unwrap_or_else(|| Json::String(String::new()))
}

/// Parses one log; entries that are not dictionaries are counted in the second value.
pub fn parse_session_log(plist: &Value, log: usize) -> (Vec<SessionResource>, u64) {
    let Some(stats) = plist
        .as_dictionary()
        .and_then(|d| d.get("browsingStatistics"))
        .and_then(Value::as_array)
    else {
        return (Vec::new(), 0);
    };
    let mut out = Vec::with_capacity(stats.len());
    let mut bad = 0;
    for item in stats {
        let Some(item) = item.as_dictionary() else {
            bad += 1;
            continue;
        };
        out.push(SessionResource {
            origin: first_of(
                item,
                &["PrevalentResourceOrigin", "PrevalentResourceDomain"],
            ),
            redirect_source: first_of(item, &["topFrameUniqueRedirectsFrom"]),
            redirect_destination: first_of(item, &["topFrameUniqueRedirectsTo"]),
            subframe_under_origin: first_of(
                item,
                &[
                    "subframeUnderTopFrameOrigins",
                    "subframeUnderTopFrameDomains",
                ],
            ),
            subresource_under_origin: first_of(
                item,
                &[
                    "subresourceUnderTopFrameOrigins",
                    "subresourceUnderTopFrameDomains",
                ],
            ),
            user_interaction: item
                .get("hadUserInteraction")
                .map(to_json)
                .unwrap_or(Json::Null),
            most_recent_interaction: webkit_time(item.get("mostRecentUserInteraction")),
            last_seen: webkit_time(item.get("lastSeen")),
            log,
        });
    }
    (out, bad)
}

/// Every log's entries; written as MVT writes them, `{log file: [entries]}`.
pub struct SessionLogs {
    /// The log files read, relative to the acquisition root.
    pub logs: Vec<String>,
    /// Their entries, in file order.
    pub entries: Vec<SessionResource>,
}

impl Serialize for SessionLogs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.logs.len()))?;
        for (i, log) in self.logs.iter().enumerate() {
            let entries: Vec<&SessionResource> =
                self.entries.iter().filter(|e| e.log == i).collect();
            map.serialize_entry(log, &entries)?;
        }
        map.end()
    }
}

impl RecordSet for SessionLogs {
    fn len(&self) -> usize {
        self.entries.len()
    }
    fn observables<'a>(&'a self, i: usize, out: &mut Vec<Observable<'a>>) {
        if let Some(e) = self.entries.get(i) {
            e.observables(out);
        }
    }
    fn timeline(&self, _: usize, _: &mut Vec<TimelineEvent>) {}
    fn event_time(&self, i: usize) -> Option<Timestamp> {
        self.entries.get(i).and_then(Record::event_time)
    }
    fn on_match(&self, i: usize) -> Option<(Level, String)> {
        self.entries.get(i).and_then(Record::on_match)
    }
    fn record_json(&self, i: usize) -> Json {
        self.entries
            .get(i)
            .and_then(|e| serde_json::to_value(e).ok())
            .unwrap_or(Json::Null)
    }
    fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        write_pretty_json(out, self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The WebkitSessionResourceLog module.
pub struct WebkitSessionResourceLog;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_session_resource_log",
    name: "WebkitSessionResourceLog",
    description: "WebKit browsing-session resource logs: domains and their redirect chains",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["*:Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"],
    dependencies: &[],
};

impl Module<dyn IosSource> for WebkitSessionResourceLog {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut set = SessionLogs {
            logs: Vec::new(),
            entries: Vec::new(),
        };
        let mut warnings = Vec::new();
        let (mut failed, mut unreadable) = (0, 0);
        let mut first_error = None;
        for file in &files {
            match read_plist(ev, file) {
                Ok(plist) => {
                    let (found, bad) = parse_session_log(&plist, set.logs.len());
                    let listed = plist
                        .as_dictionary()
                        .is_some_and(|d| d.contains_key("browsingStatistics"));
                    if !listed {
                        warnings.push(format!(
                            "{}: no browsingStatistics in {LOG}",
                            file.artifact()
                        ));
                    }
                    if bad > 0 {
                        warnings.push(format!(
                            "{}: {bad} malformed entries skipped",
                            file.artifact()
                        ));
                    }
                    failed += bad;
                    set.logs.push(file.path.clone());
                    set.entries.extend(found);
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
        let ok = set.entries.len() as u64;
        let mut out = ModuleOutput::new(set).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok,
            failed: failed + unreadable as u64,
        };
        out.warnings = warnings;
        Ok(out)
    }
}
