//! `SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles` /
//! `Library/ConfigurationProfiles/MCProfileEvents.plist`: the log of profile installs and
//! removals (MVT finds it by relative path in any domain). A binary plist
//! `{"ProfileEvents": [{<profile identifier>: {"timestamp": date, "operation": "install" |
//! "remove", "process": name}}, …]}`. MVT raises a LOW alert for every event and checks the
//! process against process indicators and the identifier against profile indicators.

use crate::gen::Ctx;
use crate::plant::FileRef;
use crate::rng::{iso8601, NOW_UNIX};
use anyhow::Result;
use plist::{Date, Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};

pub const DOMAIN: &str = super::profiles::DOMAIN;
pub const PATH: &str = "Library/ConfigurationProfiles/MCProfileEvents.plist";

/// Processes that install or remove profiles on a normal phone.
const PROCESSES: &[&str] = &["Preferences", "profiled", "MobileSafari"];

fn event(id: &str, operation: &str, process: &str, unix: i64) -> Value {
    let mut fields = Dictionary::new();
    fields.insert(
        "timestamp".into(),
        Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(unix as u64))),
    );
    fields.insert("operation".into(), Value::String(operation.into()));
    fields.insert("process".into(), Value::String(process.into()));
    let mut e = Dictionary::new();
    e.insert(id.into(), Value::Dictionary(fields));
    Value::Dictionary(e)
}

/// Writes `scale/300` [2] benign events (installs, one in three followed by its removal) and
/// one install per plant: by the planted process, or of the planted profile identifier.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("profile_events");
    let plants = ctx.plants("profile_events");
    let mut events: Vec<(i64, Value)> = Vec::new();
    for _ in 0..ctx.part(300, 2) {
        let id = format!("org.synthetic.profile.{}", rng.below(10_000));
        let t = rng.unix_time();
        let process = *rng.pick(PROCESSES);
        events.push((t, event(&id, "install", process, t)));
        if rng.chance(0.33) && t + 3600 < NOW_UNIX {
            let r = t + rng.range(60, NOW_UNIX - t - 1);
            events.push((r, event(&id, "remove", "Preferences", r)));
        }
    }
    let mut planted = Vec::new();
    for p in &plants {
        let t = NOW_UNIX - rng.range(86_400, 30 * 86_400);
        let (id, process) = if p.kind == "process:name" {
            (
                format!("org.synthetic.profile.{}", rng.below(10_000)),
                p.value.clone(),
            )
        } else {
            (p.value.clone(), "Preferences".to_string())
        };
        events.push((t, event(&id, "install", &process, t)));
        planted.push((
            p.clone(),
            json!({"profile_id": id, "operation": "install", "process": process,
                "timestamp": iso8601(t as f64)}),
        ));
    }
    // The log is in time order.
    events.sort_by_key(|(t, _)| *t);
    let n = events.len() as u64;
    let mut root = Dictionary::new();
    root.insert(
        "ProfileEvents".into(),
        Value::Array(events.into_iter().map(|(_, e)| e).collect()),
    );
    let mut bytes = Vec::new();
    Value::Dictionary(root).to_writer_binary(&mut bytes)?;
    let t = ctx.mtime();
    ctx.backup.file(DOMAIN, PATH, &bytes, t)?;
    let file = FileRef::new(DOMAIN, PATH);
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("profile_events", n);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::{generated, stored};

    #[test]
    fn events_are_counted_and_planted() {
        let backup = generated();
        let (out, e) = (&backup.0, &backup.1);
        let v = plist::Value::from_file(stored(out, DOMAIN, PATH)).expect("plist");
        let events = v.as_dictionary().expect("dict")["ProfileEvents"]
            .as_array()
            .expect("list")
            .len() as u64;
        assert_eq!(Some(&events), e.records.get("profile_events"));
        assert!(events >= 4);
        let planted: Vec<_> = e
            .detections
            .iter()
            .filter(|d| d.module == "profile_events")
            .map(|d| d.record["process"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(planted, ["Launch", "fservernetd"]);
    }
}
