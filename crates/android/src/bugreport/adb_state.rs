//! `DumpsysADBState` (MVT's slug `dumpsys_adb_state`): the ADB debugging manager's state and the
//! computers' keys the phone trusts (see [`crate::parsers::adb`]).
//!
//! Inside an androidqf acquisition, each trusted key is compared with the acquiring computer's
//! (`acquisition.json`'s `adb_host_public_key`, else `adb_host_key.pub`), as MVT does: a key that
//! is invalid, that cannot be compared, or that is another computer's is LOW; the acquiring
//! computer's own key last used a day or more before the acquisition is INFORMATIONAL.

use super::{output, section, KINDS};
use crate::parsers::adb::{is_valid_key, key_material, parse_adb, trusted_keys, AdbError};
use crate::parsers::dumpstate::Heading;
use crate::parsers::Parsed;
use crate::AndroidSource;
use serde::Serialize;
use serde_json::{Map, Value};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record,
    Timestamp,
};

/// The debugging manager's state, keys as MVT writes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct AdbState(pub Map<String, Value>);

impl Record for AdbState {}

/// The module.
pub struct DumpsysAdbState;

impl Module<dyn AndroidSource> for DumpsysAdbState {
    fn meta(&self) -> &'static ModuleMeta {
        static META: ModuleMeta = ModuleMeta {
            slug: "dumpsys_adb_state",
            name: "DumpsysADBState",
            description: "ADB state and the computers' keys the phone trusts (dumpsys adb)",
            platform: Platform::Android,
            kinds: KINDS,
            artifacts: &["bugreport: dumpstate"],
            dependencies: &[],
        };
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let found = section(ev, Heading::Service("DUMP OF SERVICE adb:"))?;
        let mut parsed = Parsed::default();
        match parse_adb(&found.section.bytes, &mut parsed.failed) {
            Ok(state) => parsed.records.push(AdbState(state)),
            Err(AdbError::NoService) => {
                return Err(ModuleError::NotFound(
                    "ADB state (the adb service is not in this dumpstate; Android 11+)".into(),
                ))
            }
            Err(AdbError::Malformed(why)) => {
                return Err(ModuleError::Corrupted {
                    path: found.entry.path.clone(),
                    reason: why.into(),
                })
            }
        }
        let alerts = if ev.kind() == AcquisitionKind::AndroidQf {
            let (host_key, started) = acquisition_context(ev);
            parsed
                .records
                .first()
                .map(|s| check_keys(&s.0, host_key.as_deref(), started))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(output(&found, parsed, alerts))
    }
}

/// The acquiring computer's public key and the acquisition's start, from the androidqf files.
fn acquisition_context(ev: &dyn AndroidSource) -> (Option<String>, Option<Timestamp>) {
    let read_json = |name: &str| -> Option<Value> {
        let e = ev.find(&format!("**/{name}")).into_iter().next()?;
        serde_json::from_slice(&ev.read(&e).ok()?).ok()
    };
    let meta = read_json("acquisition.json");
    let started = meta
        .as_ref()
        .and_then(|m| m.get("started")?.as_str().and_then(Timestamp::parse));
    let key = meta
        .as_ref()
        .and_then(|m| m.get("adb_host_public_key")?.as_str().map(String::from))
        .filter(|k| !k.trim().is_empty())
        .or_else(|| {
            let e = ev.find("**/adb_host_key.pub").into_iter().next()?;
            Some(String::from_utf8_lossy(&ev.read(&e).ok()?).into_owned())
        });
    (key, started)
}

/// MVT's comparison of the trusted keys with the acquiring computer's.
pub fn check_keys(
    state: &Map<String, Value>,
    host_key: Option<&str>,
    started: Option<Timestamp>,
) -> Vec<Alert> {
    let host = key_material(host_key);
    let host = if !host.is_empty() && is_valid_key(&host) {
        host
    } else {
        String::new()
    };
    let cutoff =
        started.and_then(|t| Timestamp::from_unix_micros(t.unix_micros() - 86_400_000_000));
    let mut alerts = Vec::new();
    for k in trusted_keys(state) {
        let key = key_material(k.get("key").and_then(Value::as_str));
        let fp = k
            .get("fingerprint")
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
            .unwrap_or("<unknown key>");
        let user = k
            .get("user")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .unwrap_or("unknown user");
        let what = format!("{fp} ({user})");
        let last = k
            .get("last_connected")
            .and_then(|v| match v {
                Value::String(s) => s.trim().parse::<i64>().ok(),
                Value::Number(n) => n.as_i64(),
                _ => None,
            })
            .and_then(Timestamp::from_unix_millis);
        let (level, message) = if !is_valid_key(&key) {
            (
                Level::Low,
                format!("Found an invalid trusted ADB host key: {what}"),
            )
        } else if host.is_empty() {
            (
                Level::Low,
                format!(
                    "Found a trusted ADB host key, but the AndroidQF acquisition does not \
                     include its host key: {what}"
                ),
            )
        } else if key != host {
            (
                Level::Low,
                format!(
                    "Found a trusted ADB host key different from the AndroidQF acquisition \
                     host: {what}"
                ),
            )
        } else if matches!((cutoff, last), (Some(c), Some(l)) if l <= c) {
            (
                Level::Informational,
                format!(
                    "Found a trusted ADB host key last connected at least one day before the \
                     AndroidQF acquisition: {what}"
                ),
            )
        } else {
            continue;
        };
        alerts.push(Alert::heuristic(level, 0, message).at(last));
    }
    alerts
}
