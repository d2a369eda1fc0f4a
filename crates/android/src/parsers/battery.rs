//! `dumpsys batterystats` (the `DUMP OF SERVICE batterystats:` section; Android 5+):
//! - its daily stats record package changes per day (`Update <package> vers=<code>`): version 0
//!   is an uninstall, a lower version than the day before a downgrade — both MEDIUM, as MVT;
//! - its `Battery History` lists jobs, foreground apps and wake locks with times relative to a
//!   `RESET:TIME:` anchor (device wall clock).
//!
//! Not understood: a `Daily from` line without ` to `, an `Update` line without a version, and
//! a history line naming a job/top/wake lock that cannot be dated although an anchor exists.

use super::Parsed;
use chrono::NaiveDateTime;
use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent, Timestamp};

/// One package change in one day of the daily stats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatteryDaily {
    /// `update`, `uninstall` or `downgrade`.
    pub action: String,
    /// Start of the day period (`2022-08-16 15:56:39`, device wall clock).
    pub period_start: String,
    /// End of the period.
    pub period_end: String,
    /// Package.
    pub package_name: String,
    /// Version code (a number, or the text printed when it is not one).
    pub version_code: Value,
    /// How many times the same change is listed in the period.
    pub occurrences: u64,
    /// For a downgrade, the version before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_version_code: Option<i64>,
}

/// `2022-08-16 15:56:39` (or MVT's raw text when it is not such a date) as a time.
fn naive_time(s: &str) -> Option<Timestamp> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
        .and_then(|d| Timestamp::from_unix_micros(d.and_utc().timestamp_micros()))
}

impl Record for BatteryDaily {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(&self.package_name));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let p = &self.package_name;
        let v = match &self.version_code {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let data = if self.version_code == 0 {
            format!("Recorded uninstall of package {p} (vers 0)")
        } else if self.action == "downgrade" {
            let prev = self
                .previous_version_code
                .map_or("unknown".to_string(), |x| x.to_string());
            format!("Recorded downgrade of package {p} from vers {prev} to vers {v}")
        } else {
            format!("Recorded update of package {p} with vers {v}")
        };
        out.push(TimelineEvent::new(
            naive_time(&self.period_start),
            "battery_daily",
            data,
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        naive_time(&self.period_start)
    }
}

/// `2022-08-16-15-56-39` → `2022-08-16 15:56:39` (other text is kept as is).
fn daily_time(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 19 && b[10] == b'-' && v.is_char_boundary(10) && v.is_char_boundary(11) {
        format!("{} {}", &v[..10], v[11..].replace('-', ":"))
    } else {
        v.to_string()
    }
}

/// Parses the daily stats' package changes and flags uninstalls and downgrades.
pub fn parse_battery_daily(text: &str) -> (Parsed<BatteryDaily>, Vec<Alert>) {
    let mut out = Parsed::default();
    let mut daily: Option<(String, String)> = None;
    let mut day: Vec<BatteryDaily> = Vec::new();
    for (n, line) in super::lines(text).enumerate() {
        if let Some(rest) = line.strip_prefix("  Daily from ") {
            out.records.append(&mut day);
            let frame = rest.trim().trim_matches(':');
            match frame.split_once(" to ") {
                Some((from, to)) => daily = Some((daily_time(from), daily_time(to))),
                None => {
                    daily = None;
                    out.fail(|| format!("line {}: a `Daily from` line without ` to `", n + 1));
                }
            }
            continue;
        }
        let Some((start, end)) = &daily else { continue };
        let t = line.trim();
        if !t.starts_with("Update ") {
            continue;
        }
        let t = t.replace("Update ", "");
        let (package, vers) = t.split_once(' ').unwrap_or((&t, ""));
        let raw = vers.split_once('=').map_or("", |v| v.1);
        if package.is_empty() || raw.is_empty() {
            out.fail(|| format!("line {}: an `Update` line without a version", n + 1));
            continue;
        }
        let version: Value = raw
            .parse::<i64>()
            .map_or_else(|_| Value::String(raw.to_string()), Value::from);
        if let Some(u) = day
            .iter_mut()
            .find(|u| u.package_name == package && u.version_code == version)
        {
            u.occurrences += 1;
            continue;
        }
        day.push(BatteryDaily {
            action: "update".into(),
            period_start: start.clone(),
            period_end: end.clone(),
            package_name: package.to_string(),
            version_code: version,
            occurrences: 1,
            previous_version_code: None,
        });
    }
    out.records.append(&mut day);
    let alerts = uninstalls_and_downgrades(&mut out.records);
    (out, alerts)
}

fn uninstalls_and_downgrades(records: &mut [BatteryDaily]) -> Vec<Alert> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&records[a], &records[b]);
        (&x.period_start, &x.period_end, &x.package_name).cmp(&(
            &y.period_start,
            &y.period_end,
            &y.package_name,
        ))
    });
    let mut versions: HashMap<String, i64> = HashMap::new();
    let mut alerts = Vec::new();
    for i in order {
        let r = &mut records[i];
        let when = naive_time(&r.period_start);
        if r.version_code == 0 {
            r.action = "uninstall".into();
            alerts.push(
                Alert::heuristic(
                    Level::Medium,
                    i,
                    format!("Detected uninstall of package {} (vers 0)", r.package_name),
                )
                .at(when),
            );
            versions.remove(&r.package_name);
            continue;
        }
        let Some(current) = r.version_code.as_i64() else {
            continue;
        };
        if let Some(&prev) = versions.get(&r.package_name) {
            if current < prev {
                r.action = "downgrade".into();
                r.previous_version_code = Some(prev);
                alerts.push(
                    Alert::heuristic(
                        Level::Medium,
                        i,
                        format!(
                            "Detected downgrade of package {} from vers {prev} to vers {current}",
                            r.package_name
                        ),
                    )
                    .at(when),
                );
            }
        }
        versions.insert(r.package_name.clone(), current);
    }
    alerts
}

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
    fn daily_downgrade_and_uninstall() {
        let text = "  Daily from 2022-01-01-00-00-00 to 2022-01-02-00-00-00:\n\
            \x20   Update a.b vers=5\n    Update a.b vers=5\n    Update c.d vers=0\n    Update broken\n\
            \x20 Daily from 2022-01-02-00-00-00 to 2022-01-03-00-00-00:\n    Update a.b vers=3\n\
            \x20 Daily from nonsense\n";
        let (p, alerts) = parse_battery_daily(text);
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.records[0].occurrences, 2);
        assert_eq!(p.records[0].period_start, "2022-01-01 00:00:00");
        assert_eq!(p.records[1].action, "uninstall");
        assert_eq!(p.records[2].action, "downgrade");
        assert_eq!(p.records[2].previous_version_code, Some(5));
        assert_eq!(alerts.len(), 2);
        assert_eq!(p.failed, 2);
    }

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
