//! `getprop` output: one `[name]: [value]` per line, all Android versions. androidqf saves it
//! as `getprop.txt`; bugreports print it in their `SYSTEM PROPERTIES` section. A value may span
//! lines (`persist.sys.boot.reason.history` prints one boot per line): it then runs to the first
//! line that ends with `]`.
//!
//! Heuristic: a security patch level (`ro.build.version.security_patch`) more than six months
//! (6 × 31 days) older than the reference date — the acquisition's, when known — is MEDIUM.

use super::{lines, Parsed};
use serde::Serialize;
use tracehound_core::{Alert, Level, Observable, Record, Timestamp};

/// One system property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AndroidProperty {
    /// Property name.
    pub name: String,
    /// Its value (lines joined with `\n` for multi-line values).
    pub value: String,
}

impl Record for AndroidProperty {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AndroidProperty(&self.name));
    }
}

/// The property holding the security patch level (`YYYY-MM-DD`).
pub const SECURITY_PATCH: &str = "ro.build.version.security_patch";
/// The property holding the device's time zone (`Europe/Paris`).
pub const TIMEZONE: &str = "persist.sys.timezone";

/// Parses `getprop` output. Blank lines are ignored; any other line that is neither a property
/// nor the continuation of a multi-line value is counted as not understood.
pub fn parse_getprop(text: &str) -> Parsed<AndroidProperty> {
    let mut out = Parsed::default();
    // A multi-line value being read: (line number, name, value so far).
    let mut open: Option<(usize, String, String)> = None;
    for (n, line) in lines(text).enumerate() {
        if let Some((start, name, mut value)) = open.take() {
            value.push('\n');
            match closing(line) {
                Some(end) => {
                    value.push_str(end);
                    out.records.push(AndroidProperty { name, value });
                }
                None => {
                    value.push_str(line);
                    open = Some((start, name, value));
                }
            }
            continue;
        }
        let t = line.trim_start_matches([' ', '\t']);
        if t.trim().is_empty() {
            continue;
        }
        let Some((name, rest)) = t
            .strip_prefix('[')
            .and_then(|r| r.split_once("]: ["))
            .filter(|(name, _)| !name.is_empty() && !name.contains(']'))
        else {
            out.fail(|| format!("line {}: not a `[name]: [value]` line", n + 1));
            continue;
        };
        match closing(rest) {
            Some(value) => out.records.push(AndroidProperty {
                name: name.to_string(),
                value: value.to_string(),
            }),
            None => open = Some((n, name.to_string(), rest.to_string())),
        }
    }
    if let Some((start, name, _)) = open {
        out.fail(|| format!("line {}: value of {name} never closed", start + 1));
    }
    out
}

/// The text before the `]` that ends `line` (trailing blanks allowed), if it ends with one.
fn closing(line: &str) -> Option<&str> {
    line.trim_end_matches([' ', '\t', '\r']).strip_suffix(']')
}

/// The value of property `name`.
pub fn property<'a>(props: &'a [AndroidProperty], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
}

/// Days after which a security patch level counts as out of date (six months of 31 days).
pub const PATCH_MAX_AGE_DAYS: i64 = 6 * 31;

/// MEDIUM alert when the security patch level is more than six months older than `reference`.
pub fn check_security_patch(props: &[AndroidProperty], reference: Timestamp) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, p) in props.iter().enumerate() {
        if p.name != SECURITY_PATCH {
            continue;
        }
        let Ok(date) = chrono::NaiveDate::parse_from_str(p.value.trim(), "%Y-%m-%d") else {
            continue;
        };
        let Some(patched) = date
            .and_hms_opt(0, 0, 0)
            .and_then(|d| Timestamp::from_unix_secs(d.and_utc().timestamp()))
        else {
            continue;
        };
        let age_days = (reference.unix_micros() - patched.unix_micros()) / 86_400_000_000;
        if age_days > PATCH_MAX_AGE_DAYS {
            alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!(
                    "Security patch level {} is {age_days} days old at {}: no security \
                     updates for more than six months",
                    p.value.trim(),
                    reference.to_mvt_string()
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
    fn multi_line_crlf_and_junk() {
        let text = "[a]: [1]\r\n\r\n[boot.history]: [reboot,1\nreboot,2]\r\ngarbage\n  [b]: []\n[c]: [x] y]\n[d]: [open";
        let p = parse_getprop(text);
        let names: Vec<_> = p.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "boot.history", "b", "c"]);
        assert_eq!(p.records[1].value, "reboot,1\nreboot,2");
        assert_eq!(p.records[3].value, "x] y");
        assert_eq!(p.failed, 2);
    }

    #[test]
    fn patch_age() {
        let props = parse_getprop("[ro.build.version.security_patch]: [2020-01-05]\n").records;
        let early = Timestamp::parse("2020-03-01 00:00:00").unwrap();
        let late = Timestamp::parse("2021-03-01 00:00:00").unwrap();
        assert!(check_security_patch(&props, early).is_empty());
        assert_eq!(check_security_patch(&props, late).len(), 1);
    }
}
