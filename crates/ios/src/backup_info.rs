//! Device and backup facts from a backup's `Info.plist` (top level of every iTunes/Finder
//! backup folder, all iOS versions): model, iOS version and build, identifiers, phone number,
//! the apps installed when the backup was made, and when it was made.
//!
//! One record, with `Info.plist`'s own key names as MVT reports them. Installed applications are
//! exposed as app identifiers, so an indicator naming a malicious app matches here too.
//!
//! MVT also warns when the iOS version is older than the newest it knows of; that needs a list
//! of releases that is stale from the day after it is written, so it is left to the report
//! (which shows the version) rather than raised here as an alert.

use crate::plist_json::{python_datetime, to_json, value_date};
use serde::Serialize;
use serde_json::Value as Json;
use tracehound_core::module::ModuleContext;
use tracehound_core::record::Single;
use tracehound_core::{
    AcquisitionKind, InputFile, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    Platform, Record, Timestamp,
};
use tracehound_evidence::IosSource;

/// The file read, at the top of the backup folder.
pub const ARTIFACT: &str = "Info.plist";

/// What `Info.plist` says about the device and the backup. Absent keys are `null`.
#[derive(Debug, Clone, Serialize)]
pub struct BackupDetails {
    /// iOS build (`18C66`).
    #[serde(rename = "Build Version")]
    pub build_version: Json,
    /// Device name set by the user.
    #[serde(rename = "Device Name")]
    pub device_name: Json,
    /// Name shown in iTunes/Finder.
    #[serde(rename = "Display Name")]
    pub display_name: Json,
    /// Backup GUID.
    #[serde(rename = "GUID")]
    pub guid: Json,
    /// SIM card identifier.
    #[serde(rename = "ICCID")]
    pub iccid: Json,
    /// Device IMEI.
    #[serde(rename = "IMEI")]
    pub imei: Json,
    /// Device MEID (CDMA).
    #[serde(rename = "MEID")]
    pub meid: Json,
    /// Bundle identifiers of the installed apps.
    #[serde(rename = "Installed Applications")]
    pub installed_applications: Json,
    /// When the backup was made (Python `str(datetime)` form, as MVT writes it).
    #[serde(rename = "Last Backup Date")]
    pub last_backup_date: Json,
    /// The SIM's phone number.
    #[serde(rename = "Phone Number")]
    pub phone_number: Json,
    /// Marketing name (`iPhone 7 Plus`), when present.
    #[serde(rename = "Product Name")]
    pub product_name: Json,
    /// Model identifier (`iPhone9,3`).
    #[serde(rename = "Product Type")]
    pub product_type: Json,
    /// iOS version (`14.3`).
    #[serde(rename = "Product Version")]
    pub product_version: Json,
    /// Serial number.
    #[serde(rename = "Serial Number")]
    pub serial_number: Json,
    /// Device UDID, lower case.
    #[serde(rename = "Target Identifier")]
    pub target_identifier: Json,
    /// `Device`.
    #[serde(rename = "Target Type")]
    pub target_type: Json,
    /// Device UDID.
    #[serde(rename = "Unique Identifier")]
    pub unique_identifier: Json,
    /// Version of the iTunes/Finder component that made the backup.
    #[serde(rename = "iTunes Version")]
    pub itunes_version: Json,
    /// `Last Backup Date` as a time.
    #[serde(skip)]
    pub last_backup: Option<Timestamp>,
}

impl BackupDetails {
    /// Builds the record from `Info.plist`'s top-level dictionary.
    pub fn from_dict(info: &plist::Dictionary) -> Self {
        let get = |k: &str| info.get(k).map(to_json).unwrap_or(Json::Null);
        let last = info.get("Last Backup Date");
        let last_backup = last.and_then(value_date);
        BackupDetails {
            build_version: get("Build Version"),
            device_name: get("Device Name"),
            display_name: get("Display Name"),
            guid: get("GUID"),
            iccid: get("ICCID"),
            imei: get("IMEI"),
            meid: get("MEID"),
            installed_applications: get("Installed Applications"),
            last_backup_date: match last_backup {
                Some(t) => Json::String(python_datetime(t)),
                None => get("Last Backup Date"),
            },
            phone_number: get("Phone Number"),
            product_name: get("Product Name"),
            product_type: get("Product Type"),
            product_version: get("Product Version"),
            serial_number: get("Serial Number"),
            target_identifier: get("Target Identifier"),
            target_type: get("Target Type"),
            unique_identifier: get("Unique Identifier"),
            itunes_version: get("iTunes Version"),
            last_backup,
        }
    }
}

impl Record for BackupDetails {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Json::Array(apps) = &self.installed_applications {
            out.extend(apps.iter().filter_map(Json::as_str).map(Observable::AppId));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.last_backup
    }
}

/// The BackupInfo module.
pub struct BackupInfo;

static META: ModuleMeta = ModuleMeta {
    slug: "backup_info",
    name: "BackupInfo",
    description: "Device model, iOS version, identifiers and installed apps from Info.plist",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup],
    artifacts: &[ARTIFACT],
    dependencies: &[],
};

impl Module<dyn IosSource> for BackupInfo {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let backup = ev
            .backup()
            .ok_or_else(|| ModuleError::NotFound(format!("{ARTIFACT} (backup folders only)")))?;
        if let Some(reason) = backup.info_error() {
            return Err(ModuleError::Corrupted {
                path: String::new(),
                reason: reason.to_string(),
            });
        }
        let info = backup
            .info()
            .ok_or_else(|| ModuleError::NotFound(ARTIFACT.to_string()))?;
        let record = BackupDetails::from_dict(info);
        // MVT writes backup_info.json as one object, not a list.
        Ok(
            ModuleOutput::new(Single(record)).with_inputs(vec![InputFile {
                path: ARTIFACT.into(),
                artifact: None,
            }]),
        )
    }
}
