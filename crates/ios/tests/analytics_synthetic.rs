//! Analytics and AnalyticsIOSVersions on a synthetic dump: events from the three tables
//! (duplicates across tables once), plist keys plus `isodate` and `artifact`, string values as
//! process and URL observables, damaged events counted; the earliest time each build was seen.

#[path = "support/dump.rs"]
mod dump;

use dump::{analytics, observables, records_json, run, timeline, SyntheticDump, ANALYTICS_DIR};
use serde_json::json;
use tracehound_core::ModuleError;

#[test]
fn events_from_every_database() {
    let mut d = SyntheticDump::new("analytics");
    analytics(&mut d);
    let dump = d.open();
    let out = run("analytics", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    assert_eq!(
        r,
        json!([
            {"kind": "zero", "isodate": "", "artifact": "ckks_analytics.db"},
            {"build": "18F72", "isodate": "2020-09-13 12:26:40.000000", "artifact": "sos_analytics.db"},
            {"build": "18E199", "url": "https://evil.example.net/x",
             "isodate": "2021-06-15 09:58:20.000000", "artifact": "ckks_analytics.db"},
            {"build": "18F72", "process": "bh", "attribute": "x",
             "isodate": "2021-06-15 10:00:00.500000", "artifact": "ckks_analytics.db"},
        ])
    );
    assert_eq!((out.stats.ok, out.stats.failed), (4, 1));
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert_eq!(out.inputs.len(), 3);
    let obs = observables(&out, 3);
    assert!(obs.contains(&("Process".into(), "bh".into())));
    assert!(obs.contains(&("Url".into(), "bh".into())));
    assert_eq!(obs.len(), 10);
    assert_eq!(
        timeline(&out)[3],
        "2021-06-15 10:00:00.500000 ckks_analytics.db {'build': '18F72', 'process': 'bh', \
         'attribute': 'x', 'isodate': '2021-06-15 10:00:00.500000', 'artifact': \
         'ckks_analytics.db'}"
    );
    assert!(out.alerts.is_empty());
}

#[test]
fn builds_first_seen() {
    let mut d = SyntheticDump::new("analytics-versions");
    analytics(&mut d);
    let dump = d.open();
    let out = run("analytics_ios_versions", &dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([
            {"isodate": "2020-09-13 12:26:40.000000", "build": "18F72", "version": "14"},
            {"isodate": "2021-06-15 09:58:20.000000", "build": "18E199", "version": "14"},
        ])
    );
    assert_eq!(
        timeline(&out)[0],
        "2020-09-13 12:26:40.000000 analytics_ios_version Seen iOS version 14 (18F72)"
    );
}

#[test]
fn a_lone_corrupt_database_is_an_error_naming_it() {
    let mut d = SyntheticDump::new("analytics-corrupt");
    let path = format!("{ANALYTICS_DIR}/ckks_analytics.db");
    d.add(&path, b"not a database at all, not even close to one......");
    let dump = d.open();
    for slug in ["analytics", "analytics_ios_versions"] {
        match run(slug, &dump) {
            Err(ModuleError::Corrupted { path: p, .. }) => assert_eq!(p, path),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a corrupt database was accepted"),
        }
    }
}
