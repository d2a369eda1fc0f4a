//! The daily stats of `dumpsys batterystats` (the `DUMP OF SERVICE batterystats:` section;
//! Android 5+) record package changes per day (`Update <package> vers=<code>`): version 0 is an
//! uninstall, a lower version than the day before a downgrade — both MEDIUM, as MVT.
//!
//! Not understood: a `Daily from` line without ` to `, and an `Update` line without a version.

use super::Parsed;
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
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
}
