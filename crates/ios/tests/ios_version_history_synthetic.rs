//! IOSVersionHistory on a synthetic dump: the version line of each analytics journal, times
//! converted to UTC; a damaged journal among good ones is a warning, alone an error.

#[path = "support/dump.rs"]
mod dump;

use dump::{journals, records_json, run, timeline, SyntheticDump};
use serde_json::json;
use tracehound_core::ModuleError;

#[test]
fn versions_from_journals() {
    let mut d = SyntheticDump::new("journals");
    journals(&mut d);
    d.add(
        "private/var/db/analyticsd/Analytics-Journal-1.ips",
        b"not json\n",
    );
    let dump = d.open();
    let out = run("ios_version_history", &dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([
            {"isodate": "2021-06-15 10:00:00.000000", "os_version": "iPhone OS 14.6 (18F72)"},
            {"isodate": "2021-07-23 07:26:40.500000", "os_version": "iPhone OS 14.7 (18G69)"},
        ])
    );
    assert_eq!(
        timeline(&out),
        [
            "2021-06-15 10:00:00.000000 ios_version Recorded iOS version iPhone OS 14.6 (18F72)",
            "2021-07-23 07:26:40.500000 ios_version Recorded iOS version iPhone OS 14.7 (18G69)",
        ]
    );
    assert_eq!((out.stats.ok, out.stats.failed), (2, 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("Analytics-Journal-1.ips"));
    assert!(out.alerts.is_empty());
}

#[test]
fn a_damaged_journal_alone_is_an_error_naming_it() {
    let mut d = SyntheticDump::new("journals-corrupt");
    d.add(
        "private/var/db/analyticsd/Analytics-Journal-1.ips",
        b"{\"timestamp\": 5}\n",
    );
    let dump = d.open();
    match run("ios_version_history", &dump) {
        Err(ModuleError::Corrupted { path, reason }) => {
            assert_eq!(path, "private/var/db/analyticsd/Analytics-Journal-1.ips");
            assert!(reason.contains("os_version"), "{reason}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a damaged journal was accepted"),
    }
}
