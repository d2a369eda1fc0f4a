//! The `Battery History` of `dumpsys batterystats` (the `DUMP OF SERVICE batterystats:`
//! section; Android 5+): jobs, foreground apps and wake locks, with times relative to a
//! `RESET:TIME:` anchor (device wall clock).
//!
//! Not understood: a line naming a job/top/wake lock that cannot be dated although an anchor
//! exists.

use super::Parsed;
use chrono::NaiveDateTime;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use tracehound_core::{Observable, Record, TimelineEvent, Timestamp};

/// One package event of the battery history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatteryHistoryEvent {
    /// The elapsed time (`+1h26m18s315ms`) or wall time printed on the line.
    pub time_elapsed: String,
    /// When, when it can be worked out (device wall clock).
    pub timestamp: Option<Timestamp>,
    /// `start_job`, `end_job`, `start_top`, `end_top` or `wake`.
    pub event: String,
    /// UID (`u0a94`).
    pub uid: String,
    /// The package, when it can be told.
    pub package_name: Option<String>,
    /// The job service or wake lock name (empty for `top`).
    pub service: String,
}

impl Record for BatteryHistoryEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(p) = &self.package_name {
            out.push(Observable::AppId(p));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let who = self.package_name.as_deref().unwrap_or(&self.service);
        let what = if self.service.is_empty() || Some(self.service.as_str()) == Some(who) {
            String::new()
        } else {
            format!(" ({})", self.service)
        };
        out.push(TimelineEvent::new(
            self.timestamp,
            self.event.clone(),
            format!("{} {who}{what}, uid {}", self.event, self.uid),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.timestamp
    }
}

static RESET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:RESET:)?TIME:\s*(\S+)").ok());
static JOB: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"([+-])job=([^:\s]+):"([^"]+)""#).ok());
static TOP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"([+-])top=([^:\s]+):"([^"]+)""#).ok());
static WAKE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\+wake_lock=([^:\s]+):"([^"]+)""#).ok());
static ELAPSED: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(\d+)(ms|d|h|m|s)").ok());

fn wall_time(v: &str) -> Option<Timestamp> {
    let v = if v.len() >= 5 && v.as_bytes().get(2) == Some(&b'-') && v.contains(' ') {
        format!("1900-{v}")
    } else {
        v.to_string()
    };
    [
        "%Y-%m-%d-%H-%M-%S-%f",
        "%Y-%m-%d-%H-%M-%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(&v, f).ok())
    .and_then(|d| Timestamp::from_unix_micros(d.and_utc().timestamp_micros()))
}

/// `+2d23h22m24s588ms` in milliseconds.
fn elapsed_ms(v: &str) -> Option<i64> {
    if !v.starts_with('+') {
        return None;
    }
    let re = ELAPSED.as_ref()?;
    let mut total: i64 = 0;
    for c in re.captures_iter(v) {
        let n: i64 = c.get(1)?.as_str().parse().ok()?;
        let unit = match c.get(2)?.as_str() {
            "d" => 86_400_000,
            "h" => 3_600_000,
            "m" => 60_000,
            "s" => 1000,
            _ => 1,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    Some(total)
}

/// The package a job, alarm or wake lock name points at, when it names one.
pub fn package_from_name(name: &str) -> Option<String> {
    let clean = name.strip_prefix("*walarm*:").unwrap_or(name);
    let clean = clean.strip_prefix("*alarm*:").unwrap_or(clean);
    let is_pkg = |s: &str| ["com.", "org.", "net."].iter().any(|p| s.starts_with(p));
    let parts: Vec<&str> = clean.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0].trim_start_matches('@');
        if is_pkg(first) {
            return Some(first.to_string());
        }
        for part in parts[1..].iter().rev() {
            let c = part.trim_start_matches('@').split(':').next().unwrap_or("");
            if is_pkg(c) {
                return Some(c.to_string());
            }
        }
    }
    let pkg: Vec<&str> = clean
        .split('.')
        .take_while(|p| p.chars().next().is_some_and(char::is_lowercase))
        .collect();
    (pkg.len() >= 2).then(|| pkg.join("."))
}

fn normalize_service(service: &str) -> &str {
    if service.contains('@') {
        if let Some(last) = service.split('@').rfind(|p| p.contains('/')) {
            return last;
        }
    }
    service
}

/// Parses the `Battery History` part of the batterystats section.
pub fn parse_battery_history(text: &str) -> Parsed<BatteryHistoryEvent> {
    let mut out = Parsed::default();
    let has_heading = super::lines(text).any(|l| l.starts_with("Battery History"));
    let mut in_history = !has_heading;
    let mut anchor: Option<(Timestamp, i64)> = None;
    for (n, line) in super::lines(text).enumerate() {
        let stripped = line.trim();
        if line.starts_with("Battery History") {
            if in_history {
                break;
            }
            in_history = true;
            continue;
        }
        if !in_history {
            continue;
        }
        if has_heading && stripped.is_empty() {
            break;
        }
        if let Some(c) = RESET.as_ref().and_then(|r| r.captures(stripped)) {
            if let Some(t) = c.get(1).and_then(|m| wall_time(m.as_str())) {
                let first = stripped.split_whitespace().next().unwrap_or("");
                anchor = Some((t, elapsed_ms(first).unwrap_or(0)));
            }
            continue;
        }
        let fields: Vec<&str> = stripped.split_whitespace().collect();
        let Some(&first) = fields.first() else {
            continue;
        };
        let two_digit_date = first.len() == 5
            && first.as_bytes().get(2) == Some(&b'-')
            && first.chars().filter(char::is_ascii_digit).count() == 4;
        let (time_elapsed, mut timestamp) = if fields.len() > 1 && two_digit_date {
            let te = fields[..2].join(" ");
            let t = wall_time(&te);
            (te, t)
        } else {
            (first.to_string(), None)
        };
        if timestamp.is_none() {
            if let (Some((t0, e0)), Some(e)) = (anchor, elapsed_ms(&time_elapsed)) {
                timestamp = e
                    .checked_sub(e0)
                    .and_then(|d| d.checked_mul(1000))
                    .and_then(|d| t0.unix_micros().checked_add(d))
                    .and_then(Timestamp::from_unix_micros);
            }
        }
        let before = out.records.len();
        let mut add = |event: &str, uid: &str, service: &str, package: Option<String>| {
            out.records.push(BatteryHistoryEvent {
                time_elapsed: time_elapsed.clone(),
                timestamp,
                event: event.to_string(),
                uid: uid.to_string(),
                package_name: package,
                service: service.to_string(),
            });
        };
        if let Some(re) = JOB.as_ref() {
            for c in re.captures_iter(line) {
                let (sign, uid, raw) = (&c[1], &c[2], &c[3]);
                let service = normalize_service(raw);
                let pkg = package_from_name(service)
                    .unwrap_or_else(|| service.split('/').next().unwrap_or("").to_string());
                let ev = if sign == "+" { "start_job" } else { "end_job" };
                add(ev, uid, service, Some(pkg));
            }
        }
        if let Some(re) = TOP.as_ref() {
            for c in re.captures_iter(line) {
                let ev = if &c[1] == "+" { "start_top" } else { "end_top" };
                add(ev, &c[2], "", Some(c[3].to_string()));
            }
        }
        if let Some(c) = WAKE.as_ref().and_then(|r| r.captures(line)) {
            add("wake", &c[1], &c[2], package_from_name(&c[2]));
        }
        if out.records.len() > before && timestamp.is_none() && anchor.is_some() {
            out.fail(|| format!("line {}: an event whose time cannot be worked out", n + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_anchor() {
        let text = "Battery History (x):\n  0 (19) RESET:TIME: 2022-01-04-17-30-01\n\
            \x20 +1s5ms (2) 100 +job=u0a1:\"com.x/.J\" +wake_lock=u0a2:\"*alarm*:com.y.Z\"\n\n\
            \x20 +2s (2) 100 +top=u0a3:\"ignored\"\n";
        let p = parse_battery_history(text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(
            p.records[0].timestamp.map(|t| t.to_mvt_string()).as_deref(),
            Some("2022-01-04 17:30:02.005000")
        );
        assert_eq!(p.records[1].package_name.as_deref(), Some("com.y"));
    }
}
