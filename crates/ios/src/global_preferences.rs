//! Global preferences: `.GlobalPreferences.plist` (backup `HomeDomain:Library/Preferences/
//! .GlobalPreferences.plist`, backup ID `0dc926a1…`; on device
//! `/private/var/mobile/Library/Preferences/.GlobalPreferences.plist`), all iOS versions.
//!
//! One record per top-level key, its value as MVT's JSON shows it. The key that matters here is
//! `LDMGlobalEnabled` (iOS 16+): `true` when Lockdown Mode, Apple's hardening against mercenary
//! spyware, is on. That is reported as an INFORMATIONAL alert (context for the analyst, not a
//! sign of compromise); Lockdown Mode being off, or never having been set, is stated as a
//! module warning rather than an alert (MVT raises a LOW alert when the key is `false`).

use crate::common::find;
use crate::plist_json::{read_plist, to_json};
use plist::Value;
use serde::Serialize;
use serde_json::Value as Json;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where `.GlobalPreferences.plist` lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/Preferences/.GlobalPreferences.plist")],
    fs: &["private/var/mobile/Library/Preferences/.GlobalPreferences.plist"],
};

/// The key that is true when Lockdown Mode is on.
pub const LOCKDOWN_KEY: &str = "LDMGlobalEnabled";

/// One preference.
#[derive(Debug, Clone, Serialize)]
pub struct GlobalPreference {
    /// The key.
    pub entry: String,
    /// Its value (dates as `2023-08-01 21:21:46.150919`, data as escaped UTF-8).
    pub value: Json,
}

impl Record for GlobalPreference {}

/// Python's truthiness of a JSON value, which decides MVT's reading of `LDMGlobalEnabled`.
fn truthy(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

/// The preferences of a parsed plist, in file order; `None` if it is not a dictionary.
pub fn parse_preferences(value: &Value) -> Option<Vec<GlobalPreference>> {
    let dict = value.as_dictionary()?;
    Some(
        dict.iter()
            .map(|(k, v)| GlobalPreference {
                entry: k.clone(),
                value: to_json(v),
            })
            .collect(),
    )
}

/// The Lockdown Mode alert, or the warning saying it is off or unset.
pub fn lockdown_status(prefs: &[GlobalPreference]) -> Result<Alert, String> {
    match prefs.iter().position(|p| p.entry == LOCKDOWN_KEY) {
        Some(i) if prefs.get(i).is_some_and(|p| truthy(&p.value)) => Ok(Alert::heuristic(
            Level::Informational,
            i,
            "Lockdown Mode enabled",
        )),
        Some(i) => Err(format!(
            "Lockdown Mode is off ({LOCKDOWN_KEY} = {})",
            prefs
                .get(i)
                .map(|p| p.value.to_string())
                .unwrap_or_default()
        )),
        None => Err(format!(
            "Lockdown Mode is not enabled ({LOCKDOWN_KEY} is absent: it was never turned on, or \
             the iOS version predates it)"
        )),
    }
}

/// The GlobalPreferences module.
pub struct GlobalPreferences;

static META: ModuleMeta = ModuleMeta {
    slug: "global_preferences",
    name: "GlobalPreferences",
    description: "Global preferences, with whether Lockdown Mode is on",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/Preferences/.GlobalPreferences.plist"],
    dependencies: &[],
};

impl Module<dyn IosSource> for GlobalPreferences {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        // One file per acquisition; should a dump hold several, the first (by path) is read.
        let Some(file) = files.first() else {
            return Err(ModuleError::NotFound(
                "HomeDomain:Library/Preferences/.GlobalPreferences.plist".into(),
            ));
        };
        let value = read_plist(ev, file)?;
        let prefs = parse_preferences(&value).ok_or_else(|| ModuleError::Corrupted {
            path: file.artifact(),
            reason: "top level is not a dictionary".into(),
        })?;
        let status = lockdown_status(&prefs);
        let mut out = ModuleOutput::new(prefs).with_inputs(vec![file.input()]);
        match status {
            Ok(alert) => out.alerts.push(alert),
            Err(note) => out.warnings.push(note),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pref(entry: &str, value: Json) -> GlobalPreference {
        GlobalPreference {
            entry: entry.into(),
            value,
        }
    }

    #[test]
    fn lockdown_on_off_absent() {
        let on = [
            pref("A", Json::Bool(false)),
            pref(LOCKDOWN_KEY, Json::Bool(true)),
        ];
        let alert = lockdown_status(&on).unwrap();
        assert_eq!((alert.level, alert.record), (Level::Informational, Some(1)));
        let one = [pref(LOCKDOWN_KEY, Json::from(1))];
        assert!(lockdown_status(&one).is_ok());
        let off = [pref(LOCKDOWN_KEY, Json::Bool(false))];
        assert!(lockdown_status(&off).unwrap_err().contains("off"));
        assert!(lockdown_status(&[]).unwrap_err().contains("absent"));
    }
}
