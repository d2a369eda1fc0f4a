//! `settings list <namespace>` output: one `name=value` per line, Android 4.2+. androidqf saves
//! one file per namespace (`settings_global.txt`, `settings_secure.txt`, `settings_system.txt`).
//!
//! Heuristic: settings that weaken the phone's defences (app verification or Play Protect off,
//! adb installs without confirmation, security or crash reports not sent, accessibility on) are
//! MEDIUM when they hold anything but their safe value.

use super::{lines, Parsed};
use serde::Serialize;
use tracehound_core::{Alert, Level, Record};

/// One setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// Namespace (`global`, `secure`, `system`, or what the file name says).
    pub namespace: String,
    /// User the setting belongs to, when the source says (androidqf does not).
    pub user: Option<String>,
    /// Setting name.
    pub name: String,
    /// Its value (may be empty).
    pub value: String,
}

impl Record for Setting {}

/// Parses `settings list` output for `namespace`. Blank lines are ignored; a line without `=`
/// is counted as not understood.
pub fn parse_settings(namespace: &str, text: &str) -> Parsed<Setting> {
    let mut out = Parsed::default();
    for (n, line) in lines(text).enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match t.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => out.records.push(Setting {
                namespace: namespace.to_string(),
                user: None,
                name: name.to_string(),
                value: value.to_string(),
            }),
            _ => out.fail(|| format!("line {}: not a `name=value` line", n + 1)),
        }
    }
    out
}

/// The namespace of a `settings_<namespace>.txt` file.
pub fn namespace_of(file_name: &str) -> &str {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let stem = base.strip_suffix(".txt").unwrap_or(base);
    stem.rsplit('_').next().unwrap_or(stem)
}

/// A setting whose value other than `safe` weakens the phone's defences.
pub struct DangerousSetting {
    /// Setting name.
    pub key: &'static str,
    /// The value it should have.
    pub safe: &'static str,
    /// What another value means.
    pub meaning: &'static str,
}

/// Settings worth an alert when they do not hold their safe value.
pub const DANGEROUS_SETTINGS: &[DangerousSetting] = &[
    DangerousSetting {
        key: "verifier_verify_adb_installs",
        safe: "1",
        meaning: "apps installed over adb are not verified",
    },
    DangerousSetting {
        key: "package_verifier_enable",
        safe: "1",
        meaning: "Google Play Protect is off",
    },
    DangerousSetting {
        key: "package_verifier_state",
        safe: "1",
        meaning: "package verification is off",
    },
    DangerousSetting {
        key: "package_verifier_user_consent",
        safe: "1",
        meaning: "Google Play Protect is off",
    },
    DangerousSetting {
        key: "upload_apk_enable",
        safe: "1",
        meaning: "Google Play Protect does not send unknown apps for scanning",
    },
    DangerousSetting {
        key: "adb_install_need_confirm",
        safe: "1",
        meaning: "apps installed over adb need no confirmation",
    },
    DangerousSetting {
        key: "send_security_reports",
        safe: "1",
        meaning: "security reports are not sent",
    },
    DangerousSetting {
        key: "samsung_errorlog_agree",
        safe: "1",
        meaning: "crash logs are not shared with the manufacturer",
    },
    DangerousSetting {
        key: "send_action_app_error",
        safe: "1",
        meaning: "application error reports are not sent",
    },
    DangerousSetting {
        key: "accessibility_enabled",
        safe: "0",
        meaning: "accessibility services are enabled",
    },
];

/// MEDIUM alerts for dangerous settings.
pub fn check_settings(settings: &[Setting]) -> Vec<Alert> {
    settings
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let d = DANGEROUS_SETTINGS
                .iter()
                .find(|d| d.key == s.name && d.safe != s.value)?;
            Some(Alert::heuristic(
                Level::Medium,
                i,
                format!(
                    "Setting \"{} = {}\" in {}: {}",
                    s.name, s.value, s.namespace, d.meaning
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_namespace() {
        let p = parse_settings("global", "a=1\r\n\r\nb=\nno separator\n=x\nc=d=e\n");
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.records[2].value, "d=e");
        assert_eq!(p.failed, 2);
        assert_eq!(namespace_of("acq/settings_secure.txt"), "secure");
        assert_eq!(namespace_of("settings_random.txt"), "random");
    }

    #[test]
    fn dangerous() {
        let p = parse_settings(
            "global",
            "package_verifier_enable=0\nadb_install_need_confirm=1\n",
        );
        assert_eq!(check_settings(&p.records).len(), 1);
    }
}
