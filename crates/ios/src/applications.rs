//! Installed applications and where they came from.
//!
//! In a backup: the `Applications` dictionary of the backup's `Info.plist` (bundle id →
//! `iTunesMetadata`, a property list in a data value, and `PlaceholderIcon`), written by
//! Finder/iTunes for apps whose data was backed up; not every backup has it. In a
//! full-filesystem dump: each app bundle's `iTunesMetadata.plist`
//! (`/private/var/containers/Bundle/Application/<uuid>/iTunesMetadata.plist`). All iOS
//! versions.
//!
//! Bundle ids are matched against app-id and process indicators. An app installed by anything
//! but the App Store or device management (`sourceApp`, MVT's list of known installers), or
//! without App Store metadata at all, was sideloaded or came from an alternative marketplace:
//! flagged MEDIUM, as MVT does.

use crate::plist_json::{dict_to_json, py_str, read_plist, value_date};
use plist::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, InputFile, Level, Module, ModuleError, ModuleMeta, ModuleOutput,
    Observable, ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{plist_util, Artifact, IosSource};

/// iTunesMetadata.plist files in a dump (backups carry the metadata in Info.plist instead).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["private/var/containers/Bundle/Application/*/iTunesMetadata.plist"],
};

/// Installers of App Store and managed (MDM) apps.
const KNOWN_INSTALLERS: [&str; 4] = [
    "com.apple.AppStore",
    "com.apple.AppStore.ProductPageExtension",
    "com.apple.dmd",
    "dmd",
];

/// One application: its iTunes metadata as stored, with what we derive from it.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// The bundle id under which the backup's `Info.plist` lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every key of its `iTunesMetadata` (`softwareVersionBundleId`, `itemName`,
    /// `artistName`, `sourceApp`, `com.apple.iTunesStore.downloadInfo`…).
    #[serde(flatten)]
    pub metadata: Map<String, Json>,
    /// The `iTunesMetadata.plist` it was read from (dumps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
    /// Purchase date (`downloadInfo.purchaseDate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isodate: Option<Timestamp>,
    /// SHA-256 of its `PlaceholderIcon` (backups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_sha256: Option<String>,
}

impl Application {
    /// `softwareVersionBundleId`, when it is text.
    pub fn bundle_id(&self) -> Option<&str> {
        self.metadata
            .get("softwareVersionBundleId")
            .and_then(Json::as_str)
    }

    /// Who installed it, when it was not the App Store or MDM: `Some(installer)`.
    pub fn foreign_installer(&self) -> Option<String> {
        match self.metadata.get("sourceApp") {
            None => None,
            Some(Json::String(s)) if KNOWN_INSTALLERS.contains(&s.as_str()) => None,
            Some(other) => Some(py_str(Some(other))),
        }
    }

    fn field(&self, key: &str) -> String {
        match key {
            "name" => self
                .name
                .clone()
                .map_or_else(|| self.metadata.get("name").map(|v| py_str(Some(v))), Some),
            k => self.metadata.get(k).map(|v| py_str(Some(v))),
        }
        .unwrap_or_default()
    }
}

impl Record for Application {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(id) = self.bundle_id() {
            out.push(Observable::AppId(id));
            out.push(Observable::Process(id));
        }
        if let Some(name) = self
            .name
            .as_deref()
            .filter(|n| Some(*n) != self.bundle_id())
        {
            out.push(Observable::AppId(name));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        if self.isodate.is_none() {
            return;
        }
        out.push(TimelineEvent::new(
            self.isodate,
            "app_installed",
            format!(
                "App {} version {} from {} installed from {}",
                self.field("name"),
                self.field("bundleShortVersionString"),
                self.field("artistName"),
                self.field("sourceApp"),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The purchase date: an ISO 8601 string (taken as UTC, as its `Z` says) or a plist date.
fn purchase_date(meta: &plist::Dictionary) -> Option<Timestamp> {
    let info = meta
        .get("com.apple.iTunesStore.downloadInfo")?
        .as_dictionary()?;
    match info.get("purchaseDate")? {
        Value::String(s) => Timestamp::parse(s),
        other => value_date(other),
    }
}

/// Builds a record from a metadata dictionary (keys we add take precedence over its own).
pub fn application(
    name: Option<String>,
    meta: &plist::Dictionary,
    file_path: Option<String>,
    icon: Option<&[u8]>,
) -> Application {
    let mut metadata = dict_to_json(meta);
    for k in ["file_path", "isodate", "icon_sha256"] {
        metadata.shift_remove(k);
    }
    Application {
        // As in MVT, a `name` key of the metadata replaces the bundle id.
        name: name.filter(|_| !metadata.contains_key("name")),
        isodate: purchase_date(meta),
        icon_sha256: icon.map(|b| {
            Sha256::digest(b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect()
        }),
        metadata,
        file_path,
    }
}

/// Apps of a backup's `Info.plist` `Applications` dictionary, and warnings for entries whose
/// metadata could not be read.
pub fn from_info_plist(info: &plist::Dictionary) -> (Vec<Application>, Vec<String>) {
    let mut apps = Vec::new();
    let mut warnings = Vec::new();
    let empty = plist::Dictionary::new();
    let Some(list) = info.get("Applications").and_then(Value::as_dictionary) else {
        return (apps, warnings);
    };
    for (bundle, entry) in list {
        let entry = entry.as_dictionary().unwrap_or(&empty);
        let meta = match entry.get("iTunesMetadata") {
            Some(Value::Data(bytes)) => match plist_util::parse(bundle, bytes) {
                Ok(Value::Dictionary(d)) => Some(d),
                Ok(_) => None,
                Err(e) => {
                    warnings.push(format!("Info.plist Applications/{bundle}: {e}"));
                    None
                }
            },
            Some(Value::Dictionary(d)) => Some(d.clone()),
            _ => None,
        };
        let icon = match entry.get("PlaceholderIcon") {
            Some(Value::Data(b)) => Some(b.as_slice()),
            _ => None,
        };
        let meta = meta.unwrap_or_default();
        apps.push(application(Some(bundle.clone()), &meta, None, icon));
    }
    (apps, warnings)
}

/// MEDIUM alerts for apps without App Store metadata or installed by another installer.
pub fn find_sideloaded(apps: &[Application]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let label = app
            .name
            .as_deref()
            .or(app.bundle_id())
            .unwrap_or("(unnamed)");
        let message = match (app.bundle_id(), app.foreign_installer()) {
            (None, _) => format!(
                "App {label} has no App Store metadata (no softwareVersionBundleId): possibly \
                 sideloaded"
            ),
            (Some(id), Some(installer)) => format!(
                "App {id} was not installed from the App Store or by device management \
                 (installed by {installer}): sideloaded or from another marketplace"
            ),
            (Some(_), None) => continue,
        };
        alerts.push(Alert::heuristic(Level::Medium, i, message).at(app.isodate));
    }
    alerts
}

/// The Applications module.
pub struct Applications;

static META: ModuleMeta = ModuleMeta {
    slug: "applications",
    name: "Applications",
    description: "Installed applications and their installer, with sideloaded apps",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "Info.plist:Applications",
        "private/var/containers/Bundle/Application/*/iTunesMetadata.plist",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for Applications {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let (apps, warnings, inputs, failed) = match ev.backup() {
            Some(backup) => {
                if let Some(reason) = backup.info_error() {
                    return Err(ModuleError::Corrupted {
                        path: "Info.plist".into(),
                        reason: reason.to_string(),
                    });
                }
                let info = backup
                    .info()
                    .ok_or_else(|| ModuleError::NotFound("Info.plist".into()))?;
                let (apps, warnings) = from_info_plist(info);
                let input = InputFile {
                    path: "Info.plist".into(),
                    artifact: None,
                };
                let failed = warnings.len();
                (apps, warnings, vec![input], failed)
            }
            None => read_dump(ev)?,
        };
        let alerts = find_sideloaded(&apps);
        let mut out = ModuleOutput::new(apps).with_inputs(inputs);
        out.stats = ParseStats {
            ok: out.records.len() as u64,
            failed: failed as u64,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}

type Collected = (Vec<Application>, Vec<String>, Vec<InputFile>, usize);

/// Every `iTunesMetadata.plist` of a dump; a damaged one is a warning unless all are.
fn read_dump(ev: &dyn IosSource) -> Result<Collected, ModuleError> {
    let files = crate::common::find(ev, &ARTIFACT)?;
    let mut apps = Vec::new();
    let mut warnings = Vec::new();
    let mut last_error = None;
    for file in &files {
        let parsed = read_plist(ev, file).and_then(|v| match v {
            Value::Dictionary(d) => Ok(d),
            _ => Err(ModuleError::Corrupted {
                path: file.artifact(),
                reason: "top level is not a dictionary".into(),
            }),
        });
        match parsed {
            Ok(d) => apps.push(application(
                None,
                &d,
                Some(file.relative_path.clone()),
                None,
            )),
            Err(e) => {
                warnings.push(e.to_string());
                last_error = Some(e);
            }
        }
    }
    if let (true, Some(e)) = (apps.is_empty(), last_error) {
        return Err(e);
    }
    let failed = warnings.len();
    Ok((
        apps,
        warnings,
        files.iter().map(|f| f.input()).collect(),
        failed,
    ))
}
