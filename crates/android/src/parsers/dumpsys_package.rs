//! The package list of `dumpsys package` (the `DUMP OF SERVICE package:` section; Android 5+):
//! under `Packages:` and `Hidden system packages:`, one `  Package [name] (…):` block per
//! package with its app id, versions, install and update times (device wall clock), installer,
//! flags, permissions and per-user state.
//!
//! Heuristic (MVT's): a package known for rooting is MEDIUM. Not understood: a `Package [`
//! header outside a package list (vendors print extra lists; MVT loses those packages silently).

use super::packages::ROOT_PACKAGES;
use super::Parsed;
use regex::Regex;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::LazyLock;
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent, Timestamp};

/// One package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DumpsysPackage {
    /// Package name.
    pub package_name: String,
    /// `active` or `hidden_system`.
    pub package_type: String,
    /// `appId=` (or `userId=` on old Android).
    pub app_id: Option<Value>,
    /// `versionName=`.
    pub version_name: Option<String>,
    /// `versionCode=`.
    pub version_code: Option<Value>,
    /// `minSdk=`.
    pub min_sdk: Option<Value>,
    /// `targetSdk=`.
    pub target_sdk: Option<Value>,
    /// `timeStamp=` (install time, device wall clock).
    pub timestamp: Option<String>,
    /// `lastUpdateTime=`.
    pub last_update_time: Option<String>,
    /// `installerPackageName=`.
    pub installer: Option<String>,
    /// `SYSTEM` is among its `pkgFlags`.
    pub system: bool,
    /// Declared and install permissions.
    pub permissions: Vec<PackagePermission>,
    /// Requested permissions.
    pub requested_permissions: Vec<String>,
    /// Per-user state (`user_id`, runtime `permissions`, then the keys printed, snake_cased).
    pub users: Vec<Map<String, Value>>,
}

/// One permission line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackagePermission {
    /// Permission name.
    pub name: String,
    /// `declared`, `install` or `runtime`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `granted=` when printed.
    pub granted: Option<bool>,
    /// `flags=[ … ]`.
    pub flags: Vec<String>,
}

fn time(s: &str) -> Option<Timestamp> {
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .and_then(|d| Timestamp::from_unix_secs(d.and_utc().timestamp()))
}

impl Record for DumpsysPackage {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.package_name));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let mut times: Vec<(&str, Option<&str>)> = vec![
            ("package_install", self.timestamp.as_deref()),
            ("package_last_update", self.last_update_time.as_deref()),
        ];
        for u in &self.users {
            times.push((
                "package_first_install",
                u.get("first_install_time").and_then(Value::as_str),
            ));
        }
        for (event, t) in times {
            if let Some(t) = t.filter(|t| !t.is_empty()) {
                out.push(TimelineEvent::new(
                    time(t),
                    event,
                    format!("Install or update of package {}", self.package_name),
                ));
            }
        }
    }
}

/// MVT's reading of a raw value: `null`, booleans, integers, else text.
fn value(raw: &str) -> Value {
    match raw {
        "null" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => raw
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::String(raw.to_string()), Value::from),
    }
}

fn opt(v: Value) -> Option<Value> {
    (!v.is_null()).then_some(v)
}

macro_rules! re {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new($re).ok());
    };
}
re!(PACKAGE, r"^  Package \[([^\]]+)\]");
re!(ANY_PACKAGE, r"^\s*Package \[[^\]]+\]");
re!(USER, r"^User (\d+):\s*(.*)");
re!(KV, r"(\w+)=(\S+)");
re!(
    USER_PROP,
    r"^(installReason|uninstallReason|dataDir|firstInstallTime)=(.*)"
);
re!(
    SIMPLE,
    r"^(appId|userId|versionName|timeStamp|lastUpdateTime|installerPackageName)=(.*)"
);
re!(
    VERSION,
    r"^versionCode=(\S+)(?:\s+minSdk=(\S+))?(?:\s+targetSdk=(\S+))?"
);
re!(GRANTED, r"granted=(true|false)");
re!(FLAGS, r"flags=\[\s*([^\]]*)\]");

fn caps<'t>(re: &LazyLock<Option<Regex>>, t: &'t str) -> Option<regex::Captures<'t>> {
    re.as_ref().and_then(|r| r.captures(t))
}

fn permission(line: &str, kind: &str) -> PackagePermission {
    let (name, details) = line.trim().split_once(':').unwrap_or((line.trim(), ""));
    PackagePermission {
        name: name.to_string(),
        kind: kind.to_string(),
        granted: caps(&GRANTED, details).map(|c| &c[1] == "true"),
        flags: caps(&FLAGS, details)
            .map(|c| {
                c[1].split('|')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `ceDataInode` → `ce_data_inode`.
fn snake(key: &str) -> String {
    match key {
        "notLaunched" => return "not_launched".into(),
        "installReason" => return "install_reason".into(),
        "uninstallReason" => return "uninstall_reason".into(),
        "dataDir" => return "data_dir".into(),
        "firstInstallTime" => return "first_install_time".into(),
        _ => {}
    }
    let mut s = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            s.push('_');
        }
        s.extend(c.to_lowercase());
    }
    s
}

fn details(p: &mut DumpsysPackage, block: &[&str]) {
    let mut section: Option<&'static str> = None;
    let mut user: Option<usize> = None;
    let mut legacy_first_install: Option<String> = None;
    for &line in block {
        let stripped = line.trim();
        if let Some(c) = caps(&USER, stripped) {
            let mut u = Map::new();
            u.insert("user_id".into(), value(&c[1]));
            u.insert("permissions".into(), Value::Array(Vec::new()));
            if let Some(re) = KV.as_ref() {
                for kv in re.captures_iter(c.get(2).map_or("", |m| m.as_str())) {
                    u.insert(snake(&kv[1]), value(&kv[2]));
                }
            }
            p.users.push(u);
            user = Some(p.users.len() - 1);
            section = None;
            continue;
        }
        let header = match stripped.to_lowercase().as_str() {
            "declared permissions:" => Some("declared"),
            "install permissions:" => Some("install"),
            "requested permissions:" => Some("requested"),
            "runtime permissions:" => Some("runtime"),
            _ => None,
        };
        if header.is_some() {
            section = header;
            continue;
        }
        if let (Some(u), Some(c)) = (user, caps(&USER_PROP, stripped)) {
            if let Some(u) = p.users.get_mut(u) {
                u.insert(snake(&c[1]), value(&c[2]));
            }
            continue;
        }
        match section {
            Some("requested") if line.starts_with("      ") => {
                p.requested_permissions.push(stripped.to_string());
                continue;
            }
            Some(kind @ ("declared" | "install")) if line.starts_with("      ") => {
                p.permissions.push(permission(stripped, kind));
                continue;
            }
            Some("runtime") if line.starts_with("        ") => {
                if let Some(Some(Value::Array(perms))) =
                    user.map(|u| p.users.get_mut(u).and_then(|u| u.get_mut("permissions")))
                {
                    if let Ok(v) = serde_json::to_value(permission(stripped, "runtime")) {
                        perms.push(v);
                    }
                    continue;
                }
            }
            _ => {}
        }
        if let Some(c) = caps(&SIMPLE, stripped) {
            let raw = c.get(2).map_or("", |m| m.as_str());
            let text = (raw != "null").then(|| raw.to_string());
            match &c[1] {
                "appId" | "userId" => p.app_id = opt(value(raw)),
                "versionName" => p.version_name = text,
                "timeStamp" => p.timestamp = text,
                "lastUpdateTime" => p.last_update_time = text,
                _ => p.installer = text,
            }
            continue;
        }
        if let Some(flags) = stripped.strip_prefix("pkgFlags=") {
            p.system = flags.split_whitespace().any(|f| f == "SYSTEM");
            continue;
        }
        if let Some(c) = caps(&VERSION, stripped) {
            p.version_code = opt(value(&c[1]));
            p.min_sdk = c.get(2).and_then(|m| opt(value(m.as_str())));
            p.target_sdk = c.get(3).and_then(|m| opt(value(m.as_str())));
        } else if let Some(t) = stripped.strip_prefix("firstInstallTime=") {
            legacy_first_install = Some(t.to_string());
        }
    }
    if let Some(t) = legacy_first_install {
        let i = match p
            .users
            .iter()
            .position(|u| u.get("user_id") == Some(&Value::from(0)))
        {
            Some(i) => i,
            None => {
                let mut u = Map::new();
                u.insert("user_id".into(), Value::from(0));
                u.insert("permissions".into(), Value::Array(Vec::new()));
                p.users.push(u);
                p.users.len() - 1
            }
        };
        if let Some(u) = p.users.get_mut(i) {
            u.entry("first_install_time").or_insert(Value::String(t));
        }
    }
}

fn new_package(name: &str, kind: &str) -> DumpsysPackage {
    DumpsysPackage {
        package_name: name.to_string(),
        package_type: kind.to_string(),
        app_id: None,
        version_name: None,
        version_code: None,
        min_sdk: None,
        target_sdk: None,
        timestamp: None,
        last_update_time: None,
        installer: None,
        system: false,
        permissions: Vec::new(),
        requested_permissions: Vec::new(),
        users: Vec::new(),
    }
}

/// Parses the package lists of the package section.
pub fn parse_dumpsys_packages(text: &str) -> Parsed<DumpsysPackage> {
    let mut out = Parsed::default();
    let mut category: Option<&'static str> = None;
    let mut current: Option<(DumpsysPackage, Vec<&str>)> = None;
    let finish = |cur: &mut Option<(DumpsysPackage, Vec<&str>)>, out: &mut Parsed<_>| {
        if let Some((mut p, block)) = cur.take() {
            details(&mut p, &block);
            out.records.push(p);
        }
    };
    for (n, line) in super::lines(text).enumerate() {
        match line {
            "Packages:" => {
                finish(&mut current, &mut out);
                category = Some("active");
                continue;
            }
            "Hidden system packages:" => {
                finish(&mut current, &mut out);
                category = Some("hidden_system");
                continue;
            }
            _ => {}
        }
        if let (Some(kind), Some(c)) = (category, caps(&PACKAGE, line)) {
            finish(&mut current, &mut out);
            current = Some((new_package(&c[1], kind), Vec::new()));
            continue;
        }
        if category.is_some()
            && !line.is_empty()
            && !line.starts_with(' ')
            && !line.ends_with(" overlay paths:")
        {
            finish(&mut current, &mut out);
            category = None;
            continue;
        }
        if category.is_none() && caps(&ANY_PACKAGE, line).is_some() && !line.starts_with("    ") {
            out.fail(|| format!("line {}: a package outside any package list", n + 1));
        }
        if let Some((_, block)) = current.as_mut() {
            block.push(line);
        }
    }
    finish(&mut current, &mut out);
    out
}

/// MVT's heuristic: a rooting package is MEDIUM (once per name).
pub fn check_dumpsys_packages(records: &[DumpsysPackage]) -> Vec<Alert> {
    let mut seen = HashSet::new();
    let mut alerts = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if ROOT_PACKAGES.contains(&r.package_name.as_str()) && seen.insert(&r.package_name) {
            alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!(
                    "Found an installed package related to rooting/jailbreaking: \"{}\"",
                    r.package_name
                ),
            ));
        }
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_block() {
        let t = "Packages:\n  Package [com.x] (abc):\n    userId=10164\n    pkgFlags=[ SYSTEM HAS_CODE ]\n\
            \x20   versionCode=7 minSdk=21 targetSdk=31\n    timeStamp=2022-06-29 23:28:46\n\
            \x20   installerPackageName=null\n    requested permissions:\n      android.permission.X\n\
            \x20   install permissions:\n      android.permission.Y: granted=true, flags=[ A|B ]\n\
            \x20   User 0: ceDataInode=5 installed=true notLaunched=false\n\
            \x20     firstInstallTime=2020-06-12 00:41:34\n      runtime permissions:\n\
            \x20       android.permission.Z: granted=false\n\
            Stray:\n  Package [com.lost] (x):\n";
        let p = parse_dumpsys_packages(t);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.app_id, Some(Value::from(10164)));
        assert!(r.system && r.installer.is_none());
        assert_eq!(r.requested_permissions, ["android.permission.X"]);
        assert_eq!(r.permissions[0].flags, ["A", "B"]);
        let u = &r.users[0];
        assert_eq!(u["ce_data_inode"], 5);
        assert_eq!(u["first_install_time"], "2020-06-12 00:41:34");
        assert_eq!(u["permissions"][0]["granted"], false);
        assert_eq!(p.failed, 1);
    }
}
