//! Privacy permissions: `TCC.db` (`HomeDomain:Library/TCC/TCC.db`, on device
//! `/private/var/mobile/Library/TCC/TCC.db`). Its `access` table records which client (bundle
//! id or executable path) was granted or denied which protected service (camera, microphone,
//! photos, contacts…) and when. A grant to an unknown client, or to a process named by an
//! indicator, is a strong sign of implanted code.
//!
//! Three schemas: iOS 14+ has `auth_value` (0 denied, 1 unknown, 2 allowed, 3 limited) and
//! `auth_reason`; iOS 12–13 have `allowed` and `prompt_count`; older ones the same without
//! `last_modified` (Unix seconds).

use crate::common::{find, query_error};
use serde::Serialize;
use std::borrow::Cow;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, IosSource};

/// Where TCC.db lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/TCC/TCC.db")],
    fs: &["private/var/mobile/Library/TCC/TCC.db"],
};

/// One row of `access`. Which fields are present depends on the schema, as in MVT's results:
/// `auth_value`/`auth_reason_desc` (iOS 14+) or `allowed_value`/`prompt_count` (older).
#[derive(Debug, Clone, Serialize)]
pub struct TccAccess {
    /// The protected service (`kTCCServiceCamera`…).
    pub service: Option<String>,
    /// Bundle id or executable path of the client.
    pub client: Option<String>,
    /// `bundle_id` or `absolute_path`.
    pub client_type: &'static str,
    /// `denied`, `unknown`, `allowed`, `limited` (or the number when unknown to us).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_value: Option<Cow<'static, str>>,
    /// Why: `user_consent`, `system_set`, `service_policy`… (`unknown` otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_reason_desc: Option<&'static str>,
    /// `allowed` or `denied` (schemas before iOS 14).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_value: Option<Cow<'static, str>>,
    /// How many times the user was asked (schemas before iOS 14).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_count: Option<RawValue>,
    /// When the decision was last changed (absent in the oldest schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<Option<Timestamp>>,
    /// The service in plain words (`camera`, `microphone`…); not in MVT's results.
    pub service_name: String,
}

/// Plain name of a TCC service.
pub fn service_name(service: &str) -> String {
    let short = service.strip_prefix("kTCCService").unwrap_or(service);
    let known = match short {
        "Camera" => "camera",
        "Microphone" => "microphone",
        "Photos" => "photos",
        "PhotosAdd" => "photos (add only)",
        "AddressBook" => "contacts",
        "Calendar" => "calendars",
        "Reminders" => "reminders",
        "MediaLibrary" => "media library",
        "Motion" => "motion and fitness",
        "BluetoothAlways" | "BluetoothPeripheral" => "bluetooth",
        "SpeechRecognition" => "speech recognition",
        "Siri" => "siri",
        "FaceID" => "face id",
        "Willow" => "homekit",
        "UserTracking" => "app tracking",
        "Ubiquity" => "icloud drive",
        "Liverpool" => "cloudkit",
        "KeyboardNetwork" => "keyboard network access",
        "ExposureNotification" => "exposure notifications",
        "FocusStatus" => "focus status",
        "NearbyInteraction" => "nearby interaction",
        "WebKitIntelligentTrackingPrevention" => "cross-site tracking",
        "SensorKitMotion" | "SensorKitSpeech" | "SensorKitLocationMetrics" => "sensorkit",
        _ => return short.to_string(),
    };
    known.to_string()
}

fn auth_value_name(v: &RawValue) -> Cow<'static, str> {
    match v.as_i64() {
        Some(0) => "denied".into(),
        Some(1) => "unknown".into(),
        Some(2) => "allowed".into(),
        Some(3) => "limited".into(),
        Some(n) => n.to_string().into(),
        None => "".into(),
    }
}

fn allowed_name(v: &RawValue) -> Cow<'static, str> {
    match v.as_i64() {
        Some(0) => "denied".into(),
        Some(1) => "allowed".into(),
        Some(n) => n.to_string().into(),
        None => "".into(),
    }
}

fn auth_reason_name(v: &RawValue) -> &'static str {
    match v.as_i64() {
        Some(1) => "error",
        Some(2) => "user_consent",
        Some(3) => "user_set",
        Some(4) => "system_set",
        Some(5) => "service_policy",
        Some(6) => "mdm_policy",
        Some(7) => "override_policy",
        Some(8) => "missing_usage_string",
        Some(9) => "prompt_timeout",
        Some(10) => "preflight_unknown",
        Some(11) => "entitled",
        Some(12) => "app_type_policy",
        _ => "unknown",
    }
}

impl Record for TccAccess {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(client) = &self.client {
            out.push(Observable::Process(client));
            if self.client_type == "bundle_id" {
                out.push(Observable::AppId(client));
            } else {
                out.push(Observable::FilePath(client));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let Some(time) = self.last_modified else {
            return;
        };
        let decision = self
            .allowed_value
            .as_deref()
            .or(self.auth_value.as_deref())
            .unwrap_or("");
        out.push(TimelineEvent::new(
            time,
            "AccessRequest",
            format!(
                "Access to {} by {} {decision}",
                self.service.as_deref().unwrap_or("None"),
                self.client.as_deref().unwrap_or("None"),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.last_modified.flatten()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Schema {
    /// iOS 14+: auth_value, auth_reason, last_modified.
    V3,
    /// allowed, prompt_count, last_modified.
    V2,
    /// allowed, prompt_count.
    V1,
}

fn schema(db: &Db) -> Option<Schema> {
    let cols = db.columns("access");
    let has = |c: &str| cols.iter().any(|x| x == c);
    if !(has("service") && has("client") && has("client_type")) {
        return None;
    }
    if has("auth_value") && has("auth_reason") && has("last_modified") {
        Some(Schema::V3)
    } else if has("allowed") && has("prompt_count") {
        Some(if has("last_modified") {
            Schema::V2
        } else {
            Schema::V1
        })
    } else {
        None
    }
}

fn text(v: RawValue) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Reads the `access` table in rowid order.
fn read_access(db: &Db, schema: Schema) -> Result<Vec<TccAccess>, rusqlite::Error> {
    let sql = match schema {
        Schema::V3 => {
            "SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access"
        }
        Schema::V2 => {
            "SELECT service, client, client_type, allowed, prompt_count, last_modified FROM access"
        }
        Schema::V1 => "SELECT service, client, client_type, allowed, prompt_count, NULL FROM access",
    };
    let mut stmt = db.conn().prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = Vec::with_capacity(6);
        for i in 0..6 {
            v.push(RawValue::from_ref(r.get_ref(i)?));
        }
        let mut v = v.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let service = text(next());
        let client = text(next());
        let client_type = if next().as_i64() == Some(0) {
            "bundle_id"
        } else {
            "absolute_path"
        };
        let (value, extra, modified) = (next(), next(), next());
        let last_modified = (schema != Schema::V1)
            .then(|| modified.as_f64().and_then(Timestamp::from_unix_secs_f64));
        let mut rec = TccAccess {
            service_name: service.as_deref().map(service_name).unwrap_or_default(),
            service,
            client,
            client_type,
            auth_value: None,
            auth_reason_desc: None,
            allowed_value: None,
            prompt_count: None,
            last_modified,
        };
        if schema == Schema::V3 {
            rec.auth_value = Some(auth_value_name(&value));
            rec.auth_reason_desc = Some(auth_reason_name(&extra));
        } else {
            rec.allowed_value = Some(allowed_name(&value));
            rec.prompt_count = Some(extra);
        }
        out.push(rec);
    }
    Ok(out)
}

/// The TCC module.
pub struct Tcc;

static META: ModuleMeta = ModuleMeta {
    slug: "tcc",
    name: "TCC",
    description: "Privacy permissions granted to apps and processes (TCC.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/TCC/TCC.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Tcc {
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
        for file in &files {
            let db = ev.open_sqlite(file)?;
            let Some(schema) = schema(&db) else {
                warnings.push(format!("{}: no access table of a known schema", file.path));
                continue;
            };
            records.extend(read_access(&db, schema).map_err(|e| query_error(file, e))?);
        }
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = warnings;
        Ok(out)
    }
}
