//! FirefoxHistory: MVT's test backup lists Firefox's browser.db without its file; a synthetic
//! browser.db (Firefox for iOS schema: `date` REAL microseconds) checks visits, the MVT field
//! names, the Beta app group, and damage.

#[path = "support/synthetic.rs"]
mod synthetic;

#[path = "support/firefox_browser_db.rs"]
mod firefox_browser_db;

use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "AppDomainGroup-group.org.mozilla.ios.Firefox";
const PATH: &str = "profile.profile/browser.db";

#[test]
fn mvt_backup_has_no_firefox_history() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("firefox_history", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn visits_with_mvt_fields_and_timeline() {
    let mut b = SyntheticBackup::new("firefox-history");
    let db = b.add_sqlite(DOMAIN, PATH, firefox_browser_db::BROWSER_DB);
    let beta = b.add_sqlite(
        "AppDomainGroup-group.org.mozilla.ios.FirefoxBeta",
        PATH,
        "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT, title TEXT);
         CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER, date REAL, type INTEGER,
           is_local TINYINT);
         INSERT INTO history VALUES (1, 'https://beta.example/', NULL);
         INSERT INTO visits VALUES (1, 1, 1638559993000000, 1, 1);",
    );
    let out = run("firefox_history", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    // Visit 4 points at no history row: dropped by the join, as in MVT.
    assert_eq!(out.records.len(), 4);
    assert!(out.alerts.is_empty());
    let all = records_json(&out);
    let from = |db: &str| -> Vec<serde_json::Value> {
        let rows = all.as_array().unwrap().iter();
        rows.filter(|r| r["firefox_history_db"] == db)
            .cloned()
            .collect()
    };
    let records = from(&db);
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0],
        json!({
            "id": 1,
            "isodate": "2021-12-03 19:33:13.250000",
            "url": "https://example.com/",
            "title": "Example",
            "i1000000s_local": 1,
            "type": 1,
            "is_local": 1,
            "firefox_history_db": db,
        })
    );
    assert_eq!(records[1]["isodate"], "2021-12-04 06:40:00.000000");
    assert_eq!(records[2]["isodate"], "");
    let beta = from(&beta);
    assert_eq!(beta.len(), 1);
    assert_eq!(beta[0]["url"], "https://beta.example/");
    assert_eq!(beta[0]["title"], json!(null));
    let evil = all
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["id"] == 2)
        .unwrap();
    assert_eq!(
        observables(&out, evil),
        [("Url".to_string(), "https://evil.example.net/x".to_string())]
    );
    let events = timeline(&out);
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.event == "firefox_history"));
    assert_eq!(
        events[evil].description,
        "Firefox visit with ID 2 to URL: https://evil.example.net/x"
    );
}

#[test]
fn corrupt_browser_db_is_reported_by_name() {
    let mut b = SyntheticBackup::new("firefox-history-corrupt");
    let name = b.add_file(DOMAIN, PATH, &[0xffu8; 300]);
    match run("firefox_history", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
}
