//! `dumpsys platform_compat` (the `DUMP OF SERVICE platform_compat:` section; Android 11+):
//! compatibility changes with per-package overrides (`rawOverrides={pkg=false, …}`). A package
//! listed there was on the device when the override was set, even if it is gone now.
//!
//! Not understood: a `ChangeId(…rawOverrides={…` line whose overrides are not `name=value`.

use super::Parsed;
use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;
use tracehound_core::{Observable, Record};

/// One per-package override of a compatibility change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompatOverride {
    /// The change id.
    pub change_id: i64,
    /// Its name, when printed.
    pub change_name: Option<String>,
    /// `enabled` or `disabled`.
    pub change_state: String,
    /// Whether the change is overridable.
    pub overridable: bool,
    /// The package overridden.
    pub package_name: String,
    /// The override (`false`, a number or text).
    pub override_value: Value,
}

impl Record for CompatOverride {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.package_name));
    }
}

static CHANGE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^ChangeId\((\d+);\s*(.*)\)$").ok());
static NAME: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?:^|;\s*)name=([^;]+)").ok());
static ENABLED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|;\s*)enabled(?:;|$)").ok());
static OVERRIDABLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|;\s*)overridable(?:;|$)").ok());

fn is(re: &LazyLock<Option<Regex>>, t: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(t))
}

/// Parses the platform_compat section.
pub fn parse_platform_compat(text: &str) -> Parsed<CompatOverride> {
    let mut out = Parsed::default();
    for (n, line) in super::lines(text).enumerate() {
        if !line.contains("rawOverrides={") {
            continue;
        }
        let Some(c) = CHANGE.as_ref().and_then(|r| r.captures(line.trim())) else {
            continue;
        };
        let Ok(change_id) = c[1].parse::<i64>() else {
            out.fail(|| format!("line {}: change id out of range", n + 1));
            continue;
        };
        let body = c.get(2).map_or("", |m| m.as_str());
        let name = NAME
            .as_ref()
            .and_then(|r| r.captures(body))
            .map(|m| m[1].to_string());
        let state = if is(&ENABLED, body) {
            "enabled"
        } else {
            "disabled"
        };
        let overridable = is(&OVERRIDABLE, body);
        let field = body
            .split_once("rawOverrides={")
            .map_or("", |x| x.1)
            .split('}')
            .next()
            .unwrap_or("");
        for entry in field.split(',') {
            let entry = entry.trim();
            let Some((pkg, raw)) = entry.split_once('=').filter(|(p, _)| !p.is_empty()) else {
                if !entry.is_empty() {
                    out.fail(|| format!("line {}: an override that is not name=value", n + 1));
                }
                continue;
            };
            let value = match raw {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => raw
                    .parse::<i64>()
                    .map_or_else(|_| Value::String(raw.to_string()), Value::from),
            };
            out.records.push(CompatOverride {
                change_id,
                change_name: name.clone(),
                change_state: state.into(),
                overridable,
                package_name: pkg.to_string(),
                override_value: value,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides() {
        let t =
            "ChangeId(1; name=X; enabled; overridable; rawOverrides={a.b=false, c.d=7, junk})\n\
                 ChangeId(2; name=Y; rawOverrides={})\n";
        let p = parse_platform_compat(t);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].change_state, "enabled");
        assert_eq!(p.records[1].override_value, 7);
        assert_eq!(p.failed, 1);
    }
}
