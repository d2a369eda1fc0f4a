//! `dumpsys appops` (the `DUMP OF SERVICE appops:` section of a bugreport or androidqf's
//! `dumpsys.txt`; Android 6+): per UID, its state and default modes, then per package each
//! operation with its mode and the recent `Access:`/`Reject:`/`Running start at:` entries.
//! Times are the device's wall clock, without a zone.
//!
//! Heuristics (MVT's): every entry of `REQUEST_INSTALL_PACKAGES` (an app allowed to install
//! others), and every operation of `com.android.shell`, is MEDIUM.
//!
//! Not understood: an `Access:`/`Reject:` line inside an operation that does not parse.

use super::Parsed;
use regex::Regex;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::LazyLock;
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent, Timestamp};

/// Operations whose grant is worth an analyst's look.
pub const RISKY_PERMISSIONS: &[&str] = &["REQUEST_INSTALL_PACKAGES"];
/// Packages any of whose operations are worth a look.
pub const RISKY_PACKAGES: &[&str] = &["com.android.shell"];

/// One package's operations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppopsPackage {
    /// Package name.
    pub package_name: String,
    /// Its operations.
    pub permissions: Vec<AppopsPermission>,
    /// The UID block it was listed under (`u0a104`, `1000`).
    pub uid: Option<String>,
    /// The UID's `state=` (`cch`, `pers`, …).
    pub uid_state: Option<Value>,
    /// The UID's `capability=`.
    pub capability: Option<Value>,
    /// The UID's `appWidgetVisible=`.
    pub app_widget_visible: Option<Value>,
    /// The UID's default modes (`COARSE_LOCATION` → `ignore`).
    pub default_modes: Map<String, Value>,
}

/// One operation of a package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppopsPermission {
    /// Operation name (`READ_SMS`).
    pub name: String,
    /// Its mode (`allow`, `ignore`, `deny`, …), when printed.
    pub mode: Option<String>,
    /// Recent accesses, rejections and running periods.
    pub entries: Vec<AppopsEntry>,
}

/// One recorded use of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppopsEntry {
    /// `access`, `reject` or `running`.
    pub event: String,
    /// `Access`, `Reject` or `Running`.
    pub access: String,
    /// The UID state at the time (`fg-s`, `top`…).
    pub uid_state: Option<String>,
    /// When (device wall clock).
    pub timestamp: Option<Timestamp>,
    /// The relative time printed beside it (`(-4h50m23s772ms)`).
    pub relative_time: Option<String>,
    /// `duration=` when printed.
    pub duration: Option<String>,
    /// The attribution tag block it was under, if any.
    pub attribution: Option<String>,
}

impl Record for AppopsPackage {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.package_name));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        for perm in &self.permissions {
            for e in &perm.entries {
                if let Some(t) = e.timestamp {
                    out.push(TimelineEvent::new(
                        Some(t),
                        e.event.clone(),
                        format!("{} access to {}: {}", self.package_name, perm.name, e.event),
                    ));
                }
            }
        }
    }
}

macro_rules! re {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new($re).ok());
    };
}
re!(UID, r"^  Uid ([^:]+):$");
re!(UID_PROP, r"^    (state|capability|appWidgetVisible)=(.*)$");
re!(DEFAULT_MODE, r"^      ([A-Z0-9_]+): mode=(\S+)");
re!(OPERATION, r"^      ([A-Z0-9_]+)(?: \(([^)]+)\))?:\s*$");
re!(ATTRIBUTION, r"^\s{8,}([^=]+)=\[$");
re!(
    EVENT,
    r"^\s*(Access|Reject):\s*\[([^\]]+)\]\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+)\s*(\([^)]*\))?(?:\s+duration=(\S+))?"
);
re!(RUNNING, r"^\s*Running start at:\s*(\S+(?: \S+)?)");

fn caps<'t>(re: &LazyLock<Option<Regex>>, t: &'t str) -> Option<regex::Captures<'t>> {
    re.as_ref().and_then(|r| r.captures(t))
}

fn group(c: &regex::Captures<'_>, i: usize) -> Option<String> {
    c.get(i).map(|m| m.as_str().to_string())
}

/// A wall-clock time `YYYY-MM-DD HH:MM:SS.fff` (no zone).
pub fn wall_clock(s: &str) -> Option<Timestamp> {
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .and_then(|d| Timestamp::from_unix_micros(d.and_utc().timestamp_micros()))
}

/// Parses the appops section.
pub fn parse_appops(text: &str) -> Parsed<AppopsPackage> {
    let mut out = Parsed::default();
    let mut package: Option<AppopsPackage> = None;
    let mut permission: Option<AppopsPermission> = None;
    let mut uid: Option<String> = None;
    let mut details: (
        Option<Value>,
        Option<Value>,
        Option<Value>,
        Map<String, Value>,
    ) = (None, None, None, Map::new());
    let mut attribution: Option<String> = None;
    let mut in_packages = false;

    fn finish_perm(p: &mut Option<AppopsPackage>, perm: &mut Option<AppopsPermission>) {
        if let (Some(p), Some(perm)) = (p.as_mut(), perm.take()) {
            p.permissions.push(perm);
        }
        *perm = None;
    }
    fn finish_package(
        p: &mut Option<AppopsPackage>,
        perm: &mut Option<AppopsPermission>,
        out: &mut Parsed<AppopsPackage>,
    ) {
        finish_perm(p, perm);
        if let Some(p) = p.take() {
            out.records.push(p);
        }
    }

    for (n, line) in super::lines(text).enumerate() {
        if let Some(c) = caps(&UID, line) {
            in_packages = true;
            finish_package(&mut package, &mut permission, &mut out);
            uid = group(&c, 1);
            details = (None, None, None, Map::new());
            continue;
        }
        if !in_packages {
            continue;
        }
        if let Some(c) = caps(&UID_PROP, line) {
            let raw = group(&c, 2).unwrap_or_default();
            let value = match raw.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(raw),
            };
            match c.get(1).map(|m| m.as_str()) {
                Some("state") => details.0 = Some(value),
                Some("capability") => details.1 = Some(value),
                _ => details.2 = Some(value),
            }
            continue;
        }
        if package.is_none() {
            if let Some(c) = caps(&DEFAULT_MODE, line) {
                let (k, v) = (group(&c, 1).unwrap_or_default(), group(&c, 2));
                details
                    .3
                    .insert(k, v.map(Value::String).unwrap_or(Value::Null));
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix("    Package ") {
            finish_package(&mut package, &mut permission, &mut out);
            // MVT drops the last character (the `:`) whatever it is.
            let mut name = rest.to_string();
            name.pop();
            package = Some(AppopsPackage {
                package_name: name,
                permissions: Vec::new(),
                uid: uid.clone(),
                uid_state: details.0.clone(),
                capability: details.1.clone(),
                app_widget_visible: details.2.clone(),
                default_modes: details.3.clone(),
            });
            continue;
        }
        if package.is_some() {
            if let Some(c) = caps(&OPERATION, line) {
                finish_perm(&mut package, &mut permission);
                permission = Some(AppopsPermission {
                    name: group(&c, 1).unwrap_or_default(),
                    mode: group(&c, 2),
                    entries: Vec::new(),
                });
                attribution = None;
                continue;
            }
        }
        if let Some(c) = caps(&ATTRIBUTION, line) {
            attribution = group(&c, 1).map(|a| a.trim().to_string());
            continue;
        }
        if line.trim() == "]" {
            attribution = None;
            continue;
        }
        let Some(perm) = permission.as_mut() else {
            continue;
        };
        if let Some(c) = caps(&EVENT, line) {
            let access = group(&c, 1).unwrap_or_default();
            let timestamp = c.get(3).and_then(|m| wall_clock(m.as_str()));
            if timestamp.is_none() {
                out.fail(|| format!("line {}: an access entry with an impossible date", n + 1));
            }
            perm.entries.push(AppopsEntry {
                event: access.to_lowercase(),
                access,
                uid_state: group(&c, 2),
                timestamp,
                relative_time: group(&c, 4),
                duration: group(&c, 5),
                attribution: attribution.clone(),
            });
        } else if let Some(c) = caps(&RUNNING, line) {
            let raw = group(&c, 1).unwrap_or_default();
            perm.entries.push(AppopsEntry {
                event: "running".into(),
                access: "Running".into(),
                uid_state: None,
                timestamp: wall_clock(&raw),
                relative_time: raw.starts_with('+').then(|| raw.clone()),
                duration: None,
                attribution: attribution.clone(),
            });
        } else {
            let t = line.trim_start();
            if t.starts_with("Access:") || t.starts_with("Reject:") {
                out.fail(|| format!("line {}: an access entry that does not parse", n + 1));
            }
        }
    }
    finish_package(&mut package, &mut permission, &mut out);
    out
}

/// MVT's heuristics: risky operations and risky packages, one MEDIUM alert per entry (or per
/// operation when it has no entry).
pub fn check_appops(records: &[AppopsPackage]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, r) in records.iter().enumerate() {
        for perm in &r.permissions {
            let risky_perm = RISKY_PERMISSIONS.contains(&perm.name.as_str());
            if !risky_perm && !RISKY_PACKAGES.contains(&r.package_name.as_str()) {
                continue;
            }
            let mut entries: Vec<(&str, Option<Timestamp>)> = perm
                .entries
                .iter()
                .map(|e| (e.event.as_str(), e.timestamp))
                .collect();
            if entries.is_empty() {
                entries.push(("unknown", None));
            }
            entries.sort_by_key(|e| e.1);
            for (event, time) in entries {
                let at = time.map(|t| t.to_mvt_string()).unwrap_or_default();
                let message = if risky_perm {
                    format!(
                        "Package '{}' had risky permission '{}' set to '{event}' at {at}",
                        r.package_name, perm.name
                    )
                } else {
                    format!(
                        "Risky package '{}' had '{}' permission set to '{event}' at {at}",
                        r.package_name, perm.name
                    )
                };
                alerts.push(Alert::heuristic(Level::Medium, i, message).at(time));
            }
        }
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_blocks_packages_entries() {
        let text = "  Uid u0a1:\r\n    state=top\r\n      COARSE_LOCATION: mode=ignore\r\n\
            \r\n    Package com.x:\r\n      REQUEST_INSTALL_PACKAGES (allow):\r\n\
            \x20         Access: [top-s] 2022-01-02 03:04:05.678 (-1d) duration=+5s\r\n\
            \x20         Access: [top-s] 2022-13-02 03:04:05.678\r\n\
            \x20         Reject: garbage\r\n\
            \x20     READ_SMS:\r\n\
            \x20         Running start at: +1h2m\r\n";
        let p = parse_appops(text);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.uid.as_deref(), Some("u0a1"));
        assert_eq!(r.default_modes["COARSE_LOCATION"], "ignore");
        assert_eq!(r.permissions.len(), 2);
        let e = &r.permissions[0].entries;
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].duration.as_deref(), Some("+5s"));
        assert_eq!(e[1].timestamp, None);
        assert_eq!(
            r.permissions[1].entries[0].relative_time.as_deref(),
            Some("+1h2m")
        );
        assert_eq!(p.failed, 2);
        assert_eq!(check_appops(&p.records).len(), 2);
    }
}
