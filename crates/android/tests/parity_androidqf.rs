//! Record and heuristic-alert parity with MVT on its public androidqf fixtures: the folder
//! `androidqf/` and `androidqf.zip`.
//!
//! `androidqf.zip` holds a single file, `androidqfzip/getprop.txt`: MVT ran only AQFGetProp on
//! it. We find the same file (the acquisition may sit one folder down) and report every other
//! module as not found.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::*;
use tracehound_android::ANDROIDQF_MODULES;
use tracehound_core::ModuleError;

const WITH_RECORDS: &[&str] = &[
    "aqf_packages",
    "aqf_processes",
    "aqf_get_prop",
    "aqf_settings",
    "aqf_files",
    "root_binaries",
];

#[test]
fn folder_records_match_mvt() {
    let ev = open(&shared().join("androidqf"));
    for slug in WITH_RECORDS {
        assert_parity(&ev, slug, "androidqf");
    }
}

#[test]
fn folder_counts() {
    let ev = open(&shared().join("androidqf"));
    let mut counts = BTreeMap::new();
    for m in ANDROIDQF_MODULES {
        let slug = m.meta().slug;
        let n = match run(&ev, slug) {
            Ok(out) => (out.records.len() as i64, out.alerts.len(), out.stats.failed),
            Err(ModuleError::NotFound(_)) => (-1, 0, 0),
            Err(e) => panic!("{slug}: {e}"),
        };
        counts.insert(slug, n);
    }
    let expected: BTreeMap<&str, (i64, usize, u64)> = [
        ("aqf_packages", (7, 5, 0)),
        ("aqf_processes", (15, 0, 0)),
        ("aqf_get_prop", (10, 0, 0)),
        ("aqf_settings", (9, 1, 0)),
        ("aqf_files", (3, 0, 0)),
        ("aqf_log_timestamps", (0, 0, 0)),
        ("root_binaries", (4, 4, 0)),
        ("mounts", (-1, 0, 0)),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);
}

/// Our heuristic alerts are MVT's: same module, level and record.
#[test]
fn folder_heuristic_alerts_match_mvt() {
    let ev = open(&shared().join("androidqf"));
    let theirs: Value = serde_json::from_slice(
        &std::fs::read(shared().join("expected/androidqf/alerts.json")).unwrap(),
    )
    .unwrap();
    let mut ours = Vec::new();
    for m in ANDROIDQF_MODULES {
        let slug = m.meta().slug;
        let Ok(out) = run(&ev, slug) else { continue };
        for a in &out.alerts {
            let record = out.records.record_json(a.record.unwrap());
            ours.push((slug.to_string(), a.level.as_str().to_string(), record));
        }
    }
    let theirs: Vec<(String, String, Value)> = theirs
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["matched_indicator"].is_null())
        .map(|a| {
            (
                a["module"].as_str().unwrap().to_string(),
                a["level"].as_str().unwrap().to_string(),
                a["event"].clone(),
            )
        })
        .collect();
    assert_eq!(ours.len(), theirs.len(), "ours {ours:#?}");
    for t in &theirs {
        assert!(
            ours.iter().any(|o| o.0 == t.0 && o.1 == t.1 && {
                let mut d = Vec::new();
                covers(&o.2, &t.2, "event", &mut d);
                d.is_empty()
            }),
            "MVT alert we do not raise: {t:?}"
        );
    }
}

#[test]
fn zip_records_match_mvt() {
    let ev = open(&shared().join("androidqf.zip"));
    assert_parity(&ev, "aqf_get_prop", "androidqf_zip");
    for m in ANDROIDQF_MODULES {
        let slug = m.meta().slug;
        match (slug, run(&ev, slug)) {
            ("aqf_get_prop", r) => assert!(r.is_ok()),
            ("aqf_log_timestamps", Ok(out)) => assert_eq!(out.records.len(), 0),
            (_, Err(ModuleError::NotFound(_))) => {}
            (_, r) => panic!("{slug}: {:?}", r.map(|o| o.records.len())),
        }
    }
}

/// Certificate serial numbers are 160-bit integers: every digit is kept.
#[test]
fn big_integers_kept_exactly() {
    let ev = open(&shared().join("androidqf"));
    let out = run(&ev, "aqf_packages").unwrap();
    let mut buf = Vec::new();
    out.records.write_json(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains("955466096586930338769951715633687128507538251257"));
}
