//! The resolver tables of `dumpsys package` (the `DUMP OF SERVICE package:` section; Android
//! 5+): `Activity Resolver Table:` and `Receiver Resolver Table:` list, per MIME type, scheme or
//! action, the components that handle it. A receiver for `SMS_RECEIVED` or
//! `NEW_OUTGOING_CALL` can read messages or calls as they happen.
//!
//! Not understood: an indented line under a key that is not a component entry.

use super::Parsed;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use tracehound_core::{Observable, Record};

/// Intents worth naming in the log when a receiver listens to them.
pub const WATCHED_INTENTS: &[(&str, &str)] = &[
    (
        "android.provider.Telephony.NEW_OUTGOING_SMS",
        "intercept outgoing SMS messages",
    ),
    (
        "android.provider.Telephony.SMS_RECEIVED",
        "intercept incoming SMS messages",
    ),
    (
        "android.intent.action.DATA_SMS_RECEIVED",
        "intercept incoming data SMS messages",
    ),
    (
        "android.intent.action.PHONE_STATE",
        "monitor telephony state and incoming calls",
    ),
    (
        "android.intent.action.NEW_OUTGOING_CALL",
        "monitor outgoing calls",
    ),
];

/// One component registered in a resolver table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolverEntry {
    /// `full_mime_type`, `scheme`, `non_data_action`, …
    pub resolver_type: String,
    /// The MIME type, scheme or action.
    pub key: String,
    /// The component's package.
    pub package_name: String,
    /// `package/class`.
    pub component: String,
    /// Number of intent filters.
    pub filter_count: i64,
    /// For a receiver of an SMS or call intent, what it lets the app do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watched: Option<&'static str>,
}

impl Record for ResolverEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.package_name));
    }
}

const TYPES: &[(&str, &str)] = &[
    ("Full MIME Types", "full_mime_type"),
    ("Base MIME Types", "base_mime_type"),
    ("Wild MIME Types", "wild_mime_type"),
    ("Schemes", "scheme"),
    ("Non-Data Actions", "non_data_action"),
    ("MIME Typed Actions", "mime_typed_action"),
];

static SECTION: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^ {2}([^ ].*):\s*$").ok());
static KEY: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^ {6,}([^ ].*):\s*$").ok());
static ENTRY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s{8,}[0-9a-fA-F]+\s+(\S+)(?:\s+\((\d+)\s+filters?\))?\s*$").ok()
});

/// Parses the `<table> Resolver Table:` (`Activity`, `Receiver`) of the package section.
pub fn parse_resolver_table(text: &str, table: &str) -> Parsed<ResolverEntry> {
    let mut out = Parsed::default();
    let heading = format!("{table} Resolver Table:");
    let mut in_table = false;
    let mut kind: Option<&'static str> = None;
    let mut key: Option<String> = None;
    let cap = |re: &LazyLock<Option<Regex>>, l: &str| -> Option<String> {
        re.as_ref()?
            .captures(l)?
            .get(1)
            .map(|m| m.as_str().to_string())
    };
    for (n, line) in super::lines(text).enumerate() {
        if line.starts_with(&heading) {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        if !line.is_empty() && !line.starts_with(' ') {
            break;
        }
        if let Some(s) = cap(&SECTION, line) {
            kind = TYPES.iter().find(|t| t.0 == s).map(|t| t.1);
            key = None;
            continue;
        }
        let Some(kind) = kind else { continue };
        if let Some(k) = cap(&KEY, line) {
            key = Some(k);
            continue;
        }
        let Some(key) = &key else { continue };
        let Some(c) = ENTRY.as_ref().and_then(|r| r.captures(line)) else {
            if !line.trim().is_empty() && line.starts_with("        ") {
                out.fail(|| format!("line {}: not a resolver entry", n + 1));
            }
            continue;
        };
        let component = c[1].to_string();
        let watched = (table == "Receiver")
            .then(|| WATCHED_INTENTS.iter().find(|w| w.0 == key.as_str()))
            .flatten()
            .map(|w| w.1);
        out.records.push(ResolverEntry {
            watched,
            resolver_type: kind.to_string(),
            key: key.clone(),
            package_name: component.split('/').next().unwrap_or("").to_string(),
            filter_count: c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(1),
            component,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers() {
        let t = "Receiver Resolver Table:\n  Non-Data Actions:\n      android.provider.Telephony.SMS_RECEIVED:\n\
            \x20       2a3b4c com.x/.SmsReceiver filter 1\n        5d6e com.y/.R (2 filters)\n\
            \x20       7f8a com.z/.R\nNext:\n        9 com.q/.R\n";
        let p = parse_resolver_table(t, "Receiver");
        let c: Vec<_> = p
            .records
            .iter()
            .map(|r| (r.component.as_str(), r.filter_count))
            .collect();
        assert_eq!(c, [("com.y/.R", 2), ("com.z/.R", 1)]);
        assert_eq!(p.failed, 1);
    }
}
