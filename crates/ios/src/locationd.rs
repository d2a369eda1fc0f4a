//! Location-service clients: `clients.plist` of `locationd`, one entry per app, daemon or
//! bundle that asked for the device's location, with the times it last did. Backups:
//! `RootDomain:Library/Caches/locationd/clients.plist`; on the device
//! `private/var/root/Library/Caches/locationd/clients.plist` (and the mobile user's copy on some
//! versions). All iOS versions; keys vary between versions, so every key of an entry is kept.
//!
//! Spyware that tracks its target shows up here as a client. Each entry's name (its last path
//! component is the process), `BundleId`, `BundlePath`, `Executable` and `Registered` path are
//! matched against process, app and file-path indicators. Times are Mac absolute time.

use crate::common::find;
use crate::plist_json::{dict_to_json, mac_time, read_plist, value_date};
use base64::Engine;
use plist::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where `clients.plist` lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("RootDomain", "Library/Caches/locationd/clients.plist")],
    fs: &[
        "private/var/mobile/Library/Caches/locationd/clients.plist",
        "private/var/root/Library/Caches/locationd/clients.plist",
    ],
};

/// The keys holding times, in the order events are listed.
pub const TIME_KEYS: [&str; 9] = [
    "ConsumptionPeriodBegin",
    "ReceivingLocationInformationTimeStopped",
    "VisitTimeStopped",
    "LocationTimeStopped",
    "BackgroundLocationTimeStopped",
    "SignificantTimeStopped",
    "NonPersistentSignificantTimeStopped",
    "FenceTimeStopped",
    "BeaconRegionTimeStopped",
];

/// One client: every key of its entry, times as text, plus `package` (the entry's name).
#[derive(Debug, Clone, Serialize)]
pub struct LocationdClient {
    /// The entry's keys in file order, then `package`.
    #[serde(flatten)]
    pub fields: Map<String, Json>,
    /// The times of the entry's [`TIME_KEYS`] that it has, by index into them.
    #[serde(skip)]
    pub times: Vec<(usize, Option<Timestamp>)>,
}

impl LocationdClient {
    /// The client's name: the entry's key without its trailing `:`.
    pub fn package(&self) -> &str {
        self.str("package").unwrap_or("")
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Json::as_str)
    }

    /// Builds a client from its entry.
    pub fn from_entry(key: &str, entry: &plist::Dictionary) -> Self {
        let mut fields = dict_to_json(entry);
        let mut times = Vec::new();
        for (i, k) in TIME_KEYS.iter().enumerate() {
            let Some(v) = entry.get(k) else { continue };
            let t = match v {
                Value::Date(_) => value_date(v),
                _ => mac_time(v),
            };
            // A number (or date) becomes MVT's text form, "" when zero; anything else is kept
            // as found rather than lost.
            if matches!(v, Value::Date(_) | Value::Real(_) | Value::Integer(_)) {
                let text = t.map(|t| t.to_mvt_string()).unwrap_or_default();
                fields.insert((*k).to_string(), Json::String(text));
            }
            times.push((i, t));
        }
        if let Some(Value::Data(token)) = entry.get("ClientStorageToken") {
            let text = base64::engine::general_purpose::STANDARD.encode(token);
            fields.insert("ClientStorageToken".into(), Json::String(text));
        }
        fields.insert(
            "package".into(),
            Json::String(key.trim_end_matches(':').to_string()),
        );
        LocationdClient { fields, times }
    }
}

impl Record for LocationdClient {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        let package = self.package();
        if !package.is_empty() {
            out.push(Observable::Process(package));
            out.push(Observable::PathComponents(package));
        }
        if let Some(id) = self.str("BundleId") {
            out.push(Observable::Process(id));
            out.push(Observable::AppId(id));
        }
        for key in ["BundlePath", "Executable", "Registered"] {
            if let Some(path) = self.str(key).filter(|p| !p.is_empty()) {
                out.push(Observable::FilePath(path));
                out.push(Observable::PathComponents(path));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        for &(i, t) in &self.times {
            let key = TIME_KEYS.get(i).copied().unwrap_or_default();
            out.push(TimelineEvent::new(
                t,
                key,
                format!("{key} from {}", self.package()),
            ));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.times.iter().filter_map(|&(_, t)| t).max()
    }
}

/// Parses `clients.plist`: one client per dictionary value (other values are migration
/// markers and the like).
pub fn parse_clients(root: &Value) -> Option<Vec<LocationdClient>> {
    Some(
        root.as_dictionary()?
            .iter()
            .filter_map(|(k, v)| Some(LocationdClient::from_entry(k, v.as_dictionary()?)))
            .collect(),
    )
}

/// The LocationdClients module.
pub struct LocationdClients;

static META: ModuleMeta = ModuleMeta {
    slug: "locationd_clients",
    name: "LocationdClients",
    description: "Apps and daemons that used location services, with when they last did",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["RootDomain:Library/Caches/locationd/clients.plist"],
    dependencies: &[],
};

impl Module<dyn IosSource> for LocationdClients {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut clients = Vec::new();
        for file in &files {
            let root = read_plist(ev, file)?;
            let mut found = parse_clients(&root).ok_or_else(|| ModuleError::Corrupted {
                path: file.artifact(),
                reason: "top level is not a dictionary".into(),
            })?;
            clients.append(&mut found);
        }
        Ok(ModuleOutput::new(clients).with_inputs(files.iter().map(|f| f.input()).collect()))
    }
}
