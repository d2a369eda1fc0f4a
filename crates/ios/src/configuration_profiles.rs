//! Installed configuration profiles: `profile-*` property lists in the backup domain
//! `SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles`, under
//! `Library/ConfigurationProfiles/` (on the device, the shared system-group container of
//! `systemgroup.com.apple.configurationprofiles`). Present in backups of all recent iOS versions.
//!
//! A profile can install root certificates, VPN and proxy settings, or silence an app's
//! notifications, which makes it a persistence and interception tool. Profile UUIDs and
//! identifiers are matched against profile indicators, and every web address the profile holds
//! (MDM servers, web clips, proxy auto-configuration…) against URL and domain indicators. A
//! profile carrying a notification-settings payload is flagged MEDIUM: it can hide the alerts a
//! malicious app would otherwise show.

use crate::common::find;
use crate::plist_json::{dict_to_json, or_empty, py_str, read_plist, value_date};
use base64::Engine;
use plist::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// The backup domain holding the profiles.
pub const DOMAIN: &str = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";

/// Where profiles live (only files whose name starts with `profile-` are profiles).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[(DOMAIN, "*profile-*")],
    fs: &[],
};

/// The payload type that controls notifications.
const NOTIFICATION_SETTINGS: &str = "com.apple.notificationsettings";

/// One installed profile.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigurationProfile {
    /// Backup file ID.
    pub file_id: String,
    /// Path in the domain.
    pub relative_path: String,
    /// Backup domain.
    pub domain: String,
    /// The whole property list; binary identifiers and certificates in base64.
    pub plist: Map<String, Json>,
    /// `InstallDate`.
    #[serde(serialize_with = "or_empty")]
    pub install_date: Option<Timestamp>,
}

impl ConfigurationProfile {
    fn str(&self, key: &str) -> Option<&str> {
        self.plist.get(key).and_then(Json::as_str)
    }

    /// The payloads (`PayloadContent`), when it is a list.
    fn payloads(&self) -> impl Iterator<Item = &Map<String, Json>> {
        self.plist
            .get("PayloadContent")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_object)
    }

    /// The payload types that hide notifications, if any.
    fn silences_notifications(&self) -> bool {
        self.payloads()
            .any(|p| p.get("PayloadType").and_then(Json::as_str) == Some(NOTIFICATION_SETTINGS))
    }
}

/// Collects every `http(s)://` string in `v`.
fn web_addresses<'a>(v: &'a Json, out: &mut Vec<Observable<'a>>, depth: usize) {
    if depth > crate::plist_json::MAX_DEPTH {
        return;
    }
    match v {
        Json::String(s) => {
            let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                out.push(Observable::Url(s));
            }
        }
        Json::Array(a) => a.iter().for_each(|x| web_addresses(x, out, depth + 1)),
        Json::Object(m) => m.values().for_each(|x| web_addresses(x, out, depth + 1)),
        _ => {}
    }
}

impl Record for ConfigurationProfile {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for key in ["PayloadUUID", "PayloadIdentifier"] {
            if let Some(v) = self.str(key) {
                out.push(Observable::ProfileId(v));
            }
        }
        for v in self.plist.values() {
            web_addresses(v, out, 0);
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        if self.install_date.is_none() {
            return;
        }
        let field = |k: &str| py_str(self.plist.get(k));
        out.push(TimelineEvent::new(
            self.install_date,
            "configuration_profile_install",
            format!(
                "{} installed: {} - {}: {}",
                field("PayloadType"),
                field("PayloadUUID"),
                field("PayloadDisplayName"),
                field("PayloadDescription"),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.install_date
    }
}

/// Replaces the data value at `key` of `d` (if it is one) by its base64 text.
fn b64_key(d: &mut plist::Dictionary, key: &str) {
    if let Some(Value::Data(b)) = d.get(key) {
        let text = base64::engine::general_purpose::STANDARD.encode(b);
        d.insert(key.into(), Value::String(text));
    }
}

/// Replaces each data item of the list at `key` by its base64 text.
fn b64_list(d: &mut plist::Dictionary, key: &str) {
    if let Some(Value::Array(items)) = d.get_mut(key) {
        for item in items.iter_mut() {
            if let Value::Data(b) = item {
                *item = Value::String(base64::engine::general_purpose::STANDARD.encode(b));
            }
        }
    }
}

/// Writes the binary identifiers and certificates MVT writes in base64 that way; other data
/// values are written as (escaped) text, as MVT does.
fn encode_binary_fields(p: &mut plist::Dictionary) {
    b64_list(p, "SignerCerts");
    b64_key(p, "PushTokenDataSentToServerKey");
    b64_key(p, "LastPushTokenHash");
    if let Some(Value::Dictionary(stub)) = p.get_mut("OTAProfileStub") {
        b64_list(stub, "SignerCerts");
        if let Some(Value::Dictionary(content)) = stub.get_mut("PayloadContent") {
            b64_key(content, "EnrollmentIdentityPersistentID");
        }
    }
    if let Some(Value::Array(payloads)) = p.get_mut("PayloadContent") {
        for payload in payloads.iter_mut() {
            if let Value::Dictionary(d) = payload {
                b64_key(d, "PERSISTENT_REF");
                b64_key(d, "IdentityPersistentRef");
            }
        }
    }
}

/// Parses one profile property list.
pub fn parse_profile(value: Value) -> Option<(Map<String, Json>, Option<Timestamp>)> {
    let Value::Dictionary(mut d) = value else {
        return None;
    };
    encode_binary_fields(&mut d);
    let install_date = d.get("InstallDate").and_then(value_date);
    Some((dict_to_json(&d), install_date))
}

/// The ConfigurationProfiles module.
pub struct ConfigurationProfiles;

static META: ModuleMeta = ModuleMeta {
    slug: "configuration_profiles",
    name: "ConfigurationProfiles",
    description: "Installed configuration profiles, with their payloads",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup],
    artifacts: &["SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles:Library/ConfigurationProfiles/profile-*"],
    dependencies: &[],
};

impl Module<dyn IosSource> for ConfigurationProfiles {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files: Vec<_> = find(ev, &ARTIFACT)?
            .into_iter()
            .filter(|f| {
                let name = f.relative_path.rsplit('/').next().unwrap_or_default();
                name.starts_with("profile-")
            })
            .collect();
        if files.is_empty() {
            return Err(ModuleError::NotFound(format!(
                "{DOMAIN}:Library/ConfigurationProfiles/profile-*"
            )));
        }
        let mut profiles = Vec::new();
        let mut warnings = Vec::new();
        let mut last_error = None;
        for file in &files {
            let parsed = read_plist(ev, file).and_then(|v| {
                parse_profile(v).ok_or_else(|| ModuleError::Corrupted {
                    path: file.artifact(),
                    reason: "top level is not a dictionary".into(),
                })
            });
            match parsed {
                Ok((plist, install_date)) => profiles.push(ConfigurationProfile {
                    file_id: file.path.rsplit('/').next().unwrap_or_default().into(),
                    relative_path: file.relative_path.clone(),
                    domain: file.domain.clone().unwrap_or_default(),
                    plist,
                    install_date,
                }),
                Err(e) => {
                    warnings.push(e.to_string());
                    last_error = Some(e);
                }
            }
        }
        if let (true, Some(e)) = (profiles.is_empty(), last_error) {
            return Err(e);
        }
        let alerts = profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| p.silences_notifications())
            .map(|(i, p)| {
                Alert::heuristic(
                    Level::Medium,
                    i,
                    format!(
                        "Configuration profile \"{}\" ({}) controls notification settings: it \
                         can hide an app's alerts",
                        py_str(p.plist.get("PayloadDisplayName")),
                        py_str(p.plist.get("PayloadUUID")),
                    ),
                )
                .at(p.install_date)
            })
            .collect();
        let failed = warnings.len() as u64;
        let mut out =
            ModuleOutput::new(profiles).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.records.len() as u64,
            failed,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
