//! Android 16 intrusion logging (Advanced Protection): newline-delimited JSON, one object per
//! line whose single key names the event type (`dns_event`, `connect_event`,
//! `security_event`) and holds the event. DNS and connect events carry `event_time` in Unix
//! milliseconds, security events in nanoseconds.
//!
//! Observables (what MVT checks): DNS host names and resolved addresses, connection addresses,
//! package names, process names of app starts (and their `:`-separated components), packages
//! installed/updated/removed, ADB shell commands, and paths pushed or pulled over ADB.
//! Heuristics (MVT's): certificate validation failures, key integrity violations, CA
//! certificates installed, wipe failures and failed crypto self tests are MEDIUM.
//!
//! Not understood: a line that is not JSON, not an object, or longer than
//! [`super::dumpstate::MAX_LINE`].

use super::dumpstate::{for_each_line, Line, MAX_LINE};
use super::Parsed;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent, Timestamp};

/// The event types MVT knows.
pub const EVENT_TYPES: &[&str] = &["dns_event", "connect_event", "security_event"];

/// One event of one type: its fields as logged, then MVT's `timestamp` (UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntrusionEvent {
    /// The event's fields.
    #[serde(flatten)]
    pub data: Map<String, Value>,
    /// When it happened.
    pub timestamp: Option<Timestamp>,
    /// `dns_event`, `connect_event` or `security_event`.
    #[serde(skip)]
    pub kind: &'static str,
}

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

fn clean_ip(ip: &str) -> &str {
    ip.rsplit('/').next().unwrap_or(ip)
}

/// The security event's tag (the first key that is not metadata).
pub fn security_tag(data: &Map<String, Value>) -> Option<&str> {
    data.keys()
        .map(String::as_str)
        .find(|k| !matches!(*k, "event_id" | "event_time" | "event_type" | "timestamp"))
}

impl Record for IntrusionEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        let d = &self.data;
        let pkg = s(d, "package_name");
        if !pkg.is_empty() {
            out.push(Observable::AppId(pkg));
        }
        match self.kind {
            "dns_event" => {
                let host = s(d, "hostname");
                if !host.is_empty() {
                    out.push(Observable::Domain(host));
                }
                for ip in d
                    .get("ip_addresses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let ip = ip.as_str().map(|i| i.trim_start_matches('/')).unwrap_or("");
                    if !ip.is_empty() && ip != "0.0.0.0" {
                        out.push(Observable::Domain(ip));
                    }
                }
            }
            "connect_event" => {
                let ip = clean_ip(s(d, "ip_address"));
                if !ip.is_empty() && !matches!(ip, "::1" | "127.0.0.1" | "0.0.0.0") {
                    out.push(Observable::Domain(ip));
                }
            }
            _ => {
                let sub = |k: &str| d.get(k).and_then(Value::as_object);
                if let Some(p) = sub("app_process_start").map(|p| s(p, "process")) {
                    out.extend(
                        p.split(':')
                            .filter(|c| !c.is_empty())
                            .map(Observable::AppId),
                    );
                }
                for k in [
                    "package_installed",
                    "package_updated",
                    "package_uninstalled",
                ] {
                    if let Some(p) = sub(k)
                        .map(|p| s(p, "package_name"))
                        .filter(|p| !p.is_empty())
                    {
                        out.push(Observable::AppId(p));
                    }
                }
                if let Some(c) = sub("adb_shell_cmd").map(|c| s(c, "command")) {
                    out.extend([Observable::AppId(c), Observable::Text(c)]);
                }
                for k in ["adb_sync_recv_file", "adb_sync_send_file"] {
                    if let Some(p) = sub(k).map(|p| s(p, "path")).filter(|p| !p.is_empty()) {
                        out.push(Observable::FilePath(p));
                    }
                }
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let d = &self.data;
        let (event, text) = match self.kind {
            "dns_event" => {
                let ips: Vec<&str> = d
                    .get("ip_addresses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|i| i.trim_start_matches('/'))
                    .filter(|i| !i.is_empty() && *i != "0.0.0.0")
                    .collect();
                let mut t = format!(
                    "DNS query for {} by {}",
                    s(d, "hostname"),
                    s(d, "package_name")
                );
                if !ips.is_empty() {
                    t.push_str(&format!(" [IPs: {}]", ips.join(", ")));
                }
                ("dns_query".to_string(), t)
            }
            "connect_event" => {
                let port = d.get("port").map_or("0".to_string(), Value::to_string);
                (
                    "network_connection".to_string(),
                    format!(
                        "Connection to {}:{port} by {}",
                        clean_ip(s(d, "ip_address")),
                        s(d, "package_name")
                    ),
                )
            }
            _ => match security_tag(d) {
                Some(tag) => (tag.to_string(), security_text(tag, d.get(tag))),
                None => ("unknown".to_string(), Value::Object(d.clone()).to_string()),
            },
        };
        out.push(TimelineEvent::new(self.timestamp, event, text));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.timestamp
    }
}

fn security_text(tag: &str, info: Option<&Value>) -> String {
    let empty = Map::new();
    let m = info.and_then(Value::as_object).unwrap_or(&empty);
    let f = |k: &str| match m.get(k) {
        Some(Value::String(v)) => v.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let ok = |k: &str| m.get(k).and_then(Value::as_bool).unwrap_or(false);
    match tag {
        "adb_shell_interactive" => "ADB interactive shell opened".into(),
        "adb_shell_cmd" => format!("ADB shell command: {}", f("command")),
        "adb_sync_recv_file" => format!("File pulled via ADB: {}", f("path")),
        "adb_sync_send_file" => format!("File pushed via ADB: {}", f("path")),
        "app_process_start" => format!(
            "Process started: {} (UID: {}, PID: {})",
            f("process"),
            f("uid"),
            f("pid")
        ),
        "cert_authority_installed" | "cert_authority_removed" => format!(
            "Cert {}: {}",
            match (tag, ok("success")) {
                ("cert_authority_installed", true) => "installed",
                ("cert_authority_installed", false) => "install failed",
                (_, true) => "removed",
                _ => "removal failed",
            },
            m.get("subject").map_or("unknown".into(), |_| f("subject"))
        ),
        "key_integrity_violation" => format!("Key integrity violation: {}", f("key_id")),
        "package_installed" | "package_updated" | "package_uninstalled" => format!(
            "Package {}: {} (v{}, user: {})",
            tag.trim_start_matches("package_"),
            f("package_name"),
            f("version_code"),
            f("user_id")
        ),
        _ => match info {
            Some(Value::String(v)) => format!("{tag}: {v}"),
            Some(v) => format!("{tag}: {v}"),
            None => tag.to_string(),
        },
    }
}

/// MVT's security-event heuristics, over security events.
pub fn check_security(events: &[IntrusionEvent]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let d = &e.data;
        let mut add =
            |msg: String| alerts.push(Alert::heuristic(Level::Medium, i, msg).at(e.timestamp));
        if let Some(v) = d.get("cert_validation_failure") {
            add(format!(
                "Certificate validation failure detected: {}",
                py(v)
            ));
        }
        if let Some(v) = d.get("key_integrity_violation") {
            add(format!("Key integrity violation detected: {}", py(v)));
        }
        if let Some(Value::Object(c)) = d.get("cert_authority_installed") {
            if c.get("success").and_then(Value::as_bool).unwrap_or(true) {
                let subject = c.get("subject").map_or("unknown".into(), py);
                add(format!("Certificate authority installed: {subject}"));
            }
        }
        if d.contains_key("wipe_failure") {
            add("Device wipe failure detected".into());
        }
        if let Some(t) = d.get("crypto_self_test_completed") {
            let success = match t {
                Value::Object(o) => o.get("success").and_then(Value::as_bool).unwrap_or(true),
                other => other.as_i64() == Some(1),
            };
            if !success {
                add("Cryptographic self test failed".into());
            }
        }
    }
    alerts
}

fn py(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSON of `v` with object keys sorted: two equal events give the same text.
pub fn fingerprint(v: &Value) -> String {
    fn sorted(v: &Value) -> serde_json::Value {
        match v {
            Value::Object(m) => {
                let b: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
                serde_json::to_value(b).unwrap_or(Value::Null)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// Reads the events of type `kind` from one log file; `seen` holds the fingerprints of events
/// already taken (overlapping daily files repeat events), shared across files.
pub fn parse_intrusion_log(
    data: &[u8],
    kind: &'static str,
    seen: &mut HashSet<String>,
) -> Parsed<IntrusionEvent> {
    let mut out = Parsed::default();
    let mut n = 0u64;
    let mut reader = data;
    let _ = for_each_line(&mut reader, MAX_LINE, |line| {
        n += 1;
        let text = match line {
            Line::TooLong(len) => {
                out.fail(|| format!("line {n}: {len} bytes, over the line limit"));
                return true;
            }
            Line::Text(t) => t,
        };
        if text.trim_ascii().is_empty() {
            return true;
        }
        let entry: Value = match serde_json::from_slice(text.trim_ascii()) {
            Ok(v) => v,
            Err(e) => {
                out.fail(|| format!("line {n}: not JSON ({e})"));
                return true;
            }
        };
        let Value::Object(entry) = entry else {
            out.fail(|| format!("line {n}: not a JSON object"));
            return true;
        };
        let Some(Value::Object(event)) = entry.get(kind) else {
            return true;
        };
        if !seen.insert(fingerprint(&Value::Object(event.clone()))) {
            return true;
        }
        let mut data = event.clone();
        data.remove("timestamp");
        let divisor = if kind == "security_event" { 1_000 } else { 1 };
        let time = data
            .get("event_time")
            .and_then(Value::as_i64)
            .filter(|t| *t != 0)
            .and_then(|t| {
                if divisor == 1 {
                    Timestamp::from_unix_millis(t)
                } else {
                    Timestamp::from_unix_micros(t / divisor)
                }
            });
        out.records.push(IntrusionEvent {
            data,
            timestamp: time,
            kind,
        });
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_types_and_duplicates() {
        let log = br#"{"dns_event":{"hostname":"a.example","ip_addresses":["/1.2.3.4","0.0.0.0"],"package_name":"com.x","event_time":1700000000000}}
not json
{"connect_event":{"ip_address":"ip6-localhost/::1","port":443,"event_time":1}}
{"dns_event":{"event_time":1700000000000,"package_name":"com.x","hostname":"a.example","ip_addresses":["/1.2.3.4","0.0.0.0"]}}
[1]
"#;
        let mut seen = HashSet::new();
        let p = parse_intrusion_log(log, "dns_event", &mut seen);
        assert_eq!((p.records.len(), p.failed), (1, 2));
        let mut obs = Vec::new();
        p.records[0].observables(&mut obs);
        assert_eq!(
            obs,
            [
                Observable::AppId("com.x"),
                Observable::Domain("a.example"),
                Observable::Domain("1.2.3.4")
            ]
        );
        let c = parse_intrusion_log(log, "connect_event", &mut HashSet::new());
        let mut obs = Vec::new();
        c.records[0].observables(&mut obs);
        assert!(obs.is_empty());
    }

    #[test]
    fn security_heuristics() {
        let log = br#"{"security_event":{"event_time":1700000000000000000,"cert_authority_installed":{"success":true,"subject":"CN=evil"}}}
{"security_event":{"event_time":1700000000000000001,"cert_validation_failure":"bad chain"}}
{"security_event":{"event_time":1700000000000000002,"crypto_self_test_completed":1}}
"#;
        let p = parse_intrusion_log(log, "security_event", &mut HashSet::new());
        assert_eq!(p.records.len(), 3);
        let a = check_security(&p.records);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].message, "Certificate authority installed: CN=evil");
        assert_eq!(
            p.records[0].timestamp.unwrap().to_mvt_string(),
            "2023-11-14 22:13:20.000000"
        );
    }
}
