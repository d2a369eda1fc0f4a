//! Netusage on a synthetic dump: records as DataUsage's, the tampering heuristics, and
//! processes without a bundle id whose binary is not in the dump; DataUsage on a dump gets the
//! same binary check; a corrupt database is an error naming it.

#[path = "support/dump.rs"]
mod dump;

use dump::{alerts, netusage, records_json, run, timeline, SyntheticDump, NETUSAGE, NETUSAGE_SQL};
use tracehound_core::ModuleError;

#[test]
fn records_and_heuristics() {
    let mut d = SyntheticDump::new("netusage");
    netusage(&mut d);
    let dump = d.open();
    let out = run("netusage", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    let names: Vec<_> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["proc_name"].as_str().unwrap_or("-"),
                x["live_id"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("-", Some(2)),
            ("A1B2/com.apple.news", None),
            ("bh", Some(3)),
            ("bh", Some(1)),
            ("locationd", None),
            ("com.apple.Mobil", None),
            ("x/locationd", None),
        ]
    );
    assert_eq!(r[2]["first_isodate"], "2020-01-06 10:41:40.000000");
    let a = alerts(&out);
    assert_eq!(a.len(), 3, "{a:#?}");
    assert_eq!((a[0].0.as_str(), a[0].1), ("HIGH", Some(0)));
    assert_eq!((a[1].0.as_str(), a[1].1), ("LOW", Some(5)));
    assert!(a[1].2.contains("id 5"), "{}", a[1].2);
    assert_eq!((a[2].0.as_str(), a[2].1), ("MEDIUM", Some(2)));
    assert!(a[2].2.contains("no file named bh"), "{}", a[2].2);
    assert_eq!(timeline(&out).len(), 7 + 2 * 2);
    assert_eq!(out.inputs.len(), 1);
    assert_eq!(out.inputs[0].path, NETUSAGE);
}

#[test]
fn datausage_on_a_dump_checks_binaries_too_and_backups_lack_netusage() {
    let mut d = SyntheticDump::new("datausage-fs");
    d.add_sqlite(
        "private/var/wireless/Library/Databases/DataUsage.sqlite",
        NETUSAGE_SQL,
    );
    let dump = d.open();
    let out = run("datausage", &dump).unwrap_or_else(|e| panic!("{e}"));
    let levels: Vec<_> = alerts(&out).into_iter().map(|a| a.0).collect();
    // locationd (processes 3 and 6) and com.apple.Mobil* are missing too in this dump.
    assert_eq!(
        levels,
        ["HIGH", "LOW", "MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM"]
    );
    match run("netusage", &dump) {
        Err(ModuleError::NotFound(what)) => assert!(what.contains("netusage.sqlite"), "{what}"),
        other => panic!(
            "expected NotFound, got {:?}",
            other.map(|o| o.records.len())
        ),
    }
}

#[test]
fn corrupt_database_is_an_error_naming_it() {
    let mut d = SyntheticDump::new("netusage-corrupt");
    d.add(NETUSAGE, b"SQLite format 3\0 but then nothing useful");
    let dump = d.open();
    match run("netusage", &dump) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, NETUSAGE),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}
