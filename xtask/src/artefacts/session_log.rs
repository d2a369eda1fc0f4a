//! `AppDomain-com.apple.mobilesafari` /
//! `Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist`
//! (backup ID a500ee38053454a02e990957be8a251935e28d3f; MVT finds every copy by relative
//! path): WebKit's per-domain browsing statistics, `{"version", "browsingStatistics": [{
//! "PrevalentResourceOrigin", "topFrameUniqueRedirectsFrom"/"To": [{"origin", "count"}],
//! "subframeUnderTopFrameOrigins", "subresourceUnderTopFrameOrigins", "hadUserInteraction",
//! "mostRecentUserInteraction", "lastSeen" (Unix seconds)…}]}` in the plist model MVT reads.
//! MVT checks every domain of an entry (origin, redirect sources and destinations, embedding
//! origins) against domain indicators.

use crate::gen::Ctx;
use crate::noise;
use crate::plant::FileRef;
use crate::rng::{iso8601, Rng, NOW_UNIX};
use anyhow::Result;
use plist::{Dictionary, Value};
use serde_json::json;

pub const DOMAIN: &str = "AppDomain-com.apple.mobilesafari";
pub const PATH: &str =
    "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";

fn origins(names: &[String], rng: &mut Rng) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| {
                let mut d = Dictionary::new();
                d.insert("origin".into(), Value::String(n.clone()));
                d.insert("count".into(), Value::Integer((1 + rng.below(3)).into()));
                Value::Dictionary(d)
            })
            .collect(),
    )
}

fn entry(rng: &mut Rng, origin: &str, from: &[String], to: &[String], seen: f64) -> Value {
    let mut d = Dictionary::new();
    let interacted = rng.chance(0.5);
    d.insert(
        "PrevalentResourceOrigin".into(),
        Value::String(origin.into()),
    );
    d.insert("topFrameUniqueRedirectsFrom".into(), origins(from, rng));
    d.insert("topFrameUniqueRedirectsTo".into(), origins(to, rng));
    d.insert("subframeUnderTopFrameOrigins".into(), Value::Array(vec![]));
    d.insert(
        "subresourceUnderTopFrameOrigins".into(),
        Value::Array(vec![]),
    );
    d.insert("hadUserInteraction".into(), Value::Boolean(interacted));
    let interaction = if interacted { seen - 30.0 } else { 0.0 };
    d.insert("mostRecentUserInteraction".into(), Value::Real(interaction));
    d.insert("lastSeen".into(), Value::Real(seen));
    d.insert("grandfathered".into(), Value::Boolean(false));
    d.insert("isPrevalentResource".into(), Value::Boolean(false));
    d.insert("dataRecordsRemoved".into(), Value::Integer(0.into()));
    Value::Dictionary(d)
}

/// Writes Safari's log: `scale/30` [3] domains, one in five redirecting to the next, plus one
/// entry per plant: a benign domain whose top-frame redirect went to the planted domain.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("webkit_session_resource_log");
    let plants = ctx.plants("webkit_session_resource_log");
    let n = ctx.part(30, 3) as usize;
    // Offset into the benign list, so these domains differ from observations.db's.
    let names: Vec<String> = (0..n).map(|i| noise::registrable_domain(i + 7)).collect();
    let mut stats = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let to: Vec<String> = match names.get(i + 1) {
            Some(next) if rng.chance(0.2) => vec![next.clone()],
            _ => Vec::new(),
        };
        let from: Vec<String> = match i.checked_sub(1).and_then(|j| names.get(j)) {
            Some(prev) if rng.chance(0.2) => vec![prev.clone()],
            _ => Vec::new(),
        };
        let seen = rng.unix_time() as f64;
        stats.push(entry(&mut rng, name, &from, &to, seen));
    }
    let mut planted = Vec::new();
    for (k, p) in plants.iter().enumerate() {
        let origin = noise::registrable_domain(n + 7 + k);
        let seen = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
        stats.push(entry(
            &mut rng,
            &origin,
            &[],
            std::slice::from_ref(&p.value),
            seen,
        ));
        planted.push((
            p.clone(),
            json!({"origin": origin, "redirect_destination": p.value, "last_seen": iso8601(seen)}),
        ));
    }
    let count = stats.len() as u64;
    let mut root = Dictionary::new();
    root.insert("version".into(), Value::Integer(14.into()));
    root.insert("browsingStatistics".into(), Value::Array(stats));
    let mut bytes = Vec::new();
    Value::Dictionary(root).to_writer_binary(&mut bytes)?;
    let t = ctx.mtime();
    ctx.backup.file(DOMAIN, PATH, &bytes, t)?;
    let file = FileRef::new(DOMAIN, PATH);
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    // Entries (MVT's own count for this module is the number of log files: 1).
    ctx.records("webkit_session_resource_log", count);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_matches_mvt_backup_id() {
        assert_eq!(
            crate::backup::file_id(DOMAIN, PATH),
            "a500ee38053454a02e990957be8a251935e28d3f"
        );
    }

    use crate::test_support::{generated, stored};

    #[test]
    fn entries_are_counted_and_plants_are_redirect_targets() {
        let backup = generated();
        let (out, e) = (&backup.0, &backup.1);
        let v = plist::Value::from_file(stored(out, DOMAIN, PATH)).expect("plist");
        let stats = v.as_dictionary().expect("dict")["browsingStatistics"]
            .as_array()
            .expect("list")
            .clone();
        assert_eq!(
            Some(&(stats.len() as u64)),
            e.records.get("webkit_session_resource_log")
        );
        for d in e
            .detections
            .iter()
            .filter(|d| d.module == "webkit_session_resource_log")
        {
            let target = &d.indicator.value;
            let found = stats.iter().any(|s| {
                s.as_dictionary()
                    .and_then(|s| s.get("topFrameUniqueRedirectsTo"))
                    .and_then(|t| t.as_array())
                    .is_some_and(|t| {
                        t.iter().any(|o| {
                            o.as_dictionary()
                                .and_then(|o| o.get("origin"))
                                .and_then(|o| o.as_string())
                                == Some(target.as_str())
                        })
                    })
            });
            assert!(found, "{target} is no redirect target");
        }
    }
}
