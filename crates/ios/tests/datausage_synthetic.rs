//! DataUsage on synthetic databases: a cleaned database (usage rows whose process is gone,
//! holes in the process ids), the recent schema without Wi-Fi counters, and corruption.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{Level, ModuleError};

const DOMAIN: &str = "WirelessDomain";
const PATH: &str = "Library/Databases/DataUsage.sqlite";

/// Processes 1, 2 and 6 (3 to 5 deleted); usage rows for 2 and for the deleted 4; the recent
/// schema (no ZWIFIIN/ZWIFIOUT).
const CLEANED_SQL: &str = "
CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZKIND INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);
INSERT INTO ZPROCESS VALUES (1, 9, 1, 600000000.0, 600000010.0, 'com.apple.news', 'News');
INSERT INTO ZPROCESS VALUES (2, 9, 1, 600000100.0, 600000200.0, NULL, 'bh');
INSERT INTO ZPROCESS VALUES (6, 9, 1, 600000300.0, 600000400.0, 'com.apple.Maps', 'Maps');
INSERT INTO ZLIVEUSAGE VALUES (1, 8, 1, 0, 2, 600000150.0, 1024.0, 12);
INSERT INTO ZLIVEUSAGE VALUES (2, 8, 1, 0, 4, 600000250.0, 99.0, 1.0);
";

#[test]
fn cleaned_database_raises_high_and_low_alerts() {
    let mut b = SyntheticBackup::new("datausage");
    b.add_sqlite(DOMAIN, PATH, CLEANED_SQL);
    let backup = b.open();
    let out = run("datausage", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 4);
    let records = records_json(&out);
    // Ordered by first use; the orphan usage row (no process) first.
    assert_eq!(
        records[0],
        json!({
            "first_isodate": null, "isodate": null, "proc_name": null, "bundle_id": null,
            "proc_id": null, "wifi_in": null, "wifi_out": null, "wwan_in": 99.0,
            "wwan_out": 1.0, "live_id": 2, "live_proc_id": 4,
            "live_isodate": "2020-01-06 10:44:10.000000"
        })
    );
    assert_eq!(records[1]["proc_name"], "News");
    assert_eq!(records[1]["live_id"], json!(null));
    assert_eq!(records[2]["proc_name"], "bh");
    assert_eq!(records[2]["wwan_out"], 12.0); // FLOAT affinity
    assert_eq!(records[2]["live_isodate"], "2020-01-06 10:42:30.000000");
    assert_eq!(records[3]["proc_id"], 6);

    let alerts: Vec<_> = out
        .alerts
        .iter()
        .map(|a| (a.level, a.record, a.message.as_str()))
        .collect();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    assert_eq!((alerts[0].0, alerts[0].1), (Level::High, Some(0)));
    assert!(alerts[0].2.contains("process 4"), "{}", alerts[0].2);
    assert_eq!((alerts[1].0, alerts[1].1), (Level::Low, Some(2)));
    assert!(alerts[1].2.contains("ids 3 to 5"), "{}", alerts[1].2);

    let events: Vec<String> = timeline(&out)
        .iter()
        .map(|e| format!("{} {}", e.event, e.description))
        .collect();
    assert_eq!(
        events,
        [
            "live_usage [process record missing] (Bundle ID: None, ID: None) WWAN IN: 99.0, \
             WWAN OUT: 1.0",
            "live_usage News (Bundle ID: com.apple.news, ID: 1) WWAN IN: None, WWAN OUT: None",
            "live_usage bh (Bundle ID: None, ID: 2) WWAN IN: 1024.0, WWAN OUT: 12.0",
            "first_usage bh (Bundle ID: None, ID: 2)",
            "current_usage bh (Bundle ID: None, ID: 2)",
            "live_usage Maps (Bundle ID: com.apple.Maps, ID: 6) WWAN IN: None, WWAN OUT: None",
        ]
    );
}

#[test]
fn missing_tables_warn_and_corruption_is_reported() {
    let mut b = SyntheticBackup::new("datausage-empty");
    b.add_sqlite(DOMAIN, PATH, "CREATE TABLE other (x);");
    let backup = b.open();
    let out = run("datausage", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.warnings.len(), 1);

    let mut b = SyntheticBackup::new("datausage-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"PK\x03\x04 not sqlite");
    let backup = b.open();
    match run("datausage", &backup) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}

#[test]
fn extreme_process_ids_do_not_overflow() {
    let mut b = SyntheticBackup::new("datausage-extreme");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP, ZTIMESTAMP,
           ZBUNDLENAME, ZPROCNAME);
         CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS, ZTIMESTAMP);
         INSERT INTO ZPROCESS VALUES (-9223372036854775808, 1e308, 'x', X'00', 'a');
         INSERT INTO ZPROCESS VALUES (9223372036854775807, -1e308, NULL, NULL, X'FFFE');
         INSERT INTO ZLIVEUSAGE VALUES (1, 'text', 'also text');",
    );
    let backup = b.open();
    let out = run("datausage", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 3);
    let levels: Vec<_> = out.alerts.iter().map(|a| a.level).collect();
    assert_eq!(levels, [Level::High, Level::Low]);
    assert_eq!(timeline(&out).len(), 3);
}
