//! ChromeHistory: MVT's test backup lists Chrome's History without its file; synthetic
//! databases check visits, the Chrome/WebKit epoch, several profile folders and damage.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "AppDomain-com.google.chrome.ios";
const PATH: &str = "Library/Application Support/Google/Chrome/Default/History";

const SCHEMA: &str = "
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER,
  visit_duration INTEGER DEFAULT 0 NOT NULL);
";

/// Visits: a zero time, a redirect from visit 10 to 11, a NULL URL at an absurd time.
const DATA: &str = "
INSERT INTO urls (id, url, title) VALUES (1, 'https://example.com/a', 'A'),
  (2, 'https://evil.example.net/x', 'X'), (3, NULL, NULL);
INSERT INTO visits (id, url, visit_time, from_visit) VALUES
  (10, 1, 13284000000000000, 0),
  (11, 2, 13284000001500000, 10),
  (12, 3, 1e20, 0),
  (13, 1, 0, 0);
";

#[test]
fn mvt_backup_has_no_chrome_history() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("chrome_history", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn visits_profiles_and_timeline() {
    let mut b = SyntheticBackup::new("chrome-history");
    let db = b.add_sqlite(DOMAIN, PATH, &format!("{SCHEMA}{DATA}"));
    let other = b.add_sqlite(
        DOMAIN,
        "Library/Application Support/Google/Chrome/Profile 1/History",
        &format!(
            "{SCHEMA} INSERT INTO urls (id, url) VALUES (1, 'https://second.example/');
             INSERT INTO visits (id, url, visit_time, from_visit) VALUES (1, 1, 13290000000000000, 0);"
        ),
    );
    // Not a History database, though its name starts alike.
    b.add_file(DOMAIN, &format!("{PATH}-journal"), b"journal");
    let out = run("chrome_history", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 5);
    assert_eq!((out.stats.ok, out.stats.failed), (5, 0));
    assert_eq!(out.inputs.len(), 2);
    assert!(out.alerts.is_empty());
    let records = records_json(&out);
    // Ordered by visit time within each database: the zero time first.
    assert_eq!(records[0]["visit_id"], 13);
    assert_eq!(records[0]["isodate"], "");
    assert_eq!(
        records[1],
        json!({
            "id": 1,
            "url": "https://example.com/a",
            "visit_id": 10,
            "timestamp": 13284000000000000i64,
            "isodate": "2021-12-15 00:00:00.000000",
            "redirect_source": 0,
            "chrome_history_db": db,
        })
    );
    assert_eq!(records[2]["isodate"], "2021-12-15 00:00:01.500000");
    assert_eq!(records[2]["redirect_source"], 10);
    assert_eq!(records[3]["url"], serde_json::Value::Null);
    assert_eq!(records[3]["isodate"], "");
    assert_eq!(records[4]["url"], "https://second.example/");
    assert_eq!(records[4]["isodate"], "2022-02-22 10:40:00.000000");
    assert_eq!(records[4]["chrome_history_db"], other);

    let o = |v: &str| ("Url".to_string(), v.to_string());
    assert_eq!(observables(&out, 2), [o("https://evil.example.net/x")]);
    assert!(observables(&out, 3).is_empty());

    let events = timeline(&out);
    assert_eq!(events.len(), 5);
    assert!(events.iter().all(|e| e.event == "visit"));
    assert_eq!(
        events[2].description,
        "2 - https://evil.example.net/x (visit ID: 11, redirect source: 10)"
    );
    assert_eq!(
        events[3].description,
        "3 - None (visit ID: 12, redirect source: 0)"
    );
    assert_eq!(events[0].timestamp, None);
    assert_eq!(
        events[2].timestamp.map(|t| t.to_mvt_string()).as_deref(),
        Some("2021-12-15 00:00:01.500000")
    );
}

#[test]
fn corrupt_history_is_reported_by_name() {
    let mut b = SyntheticBackup::new("chrome-history-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"\x00\x01 not sqlite at all");
    match run("chrome_history", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
    // Beside a good profile it is a warning, and the good one is read.
    b.add_sqlite(
        DOMAIN,
        "Library/Application Support/Google/Chrome/Profile 1/History",
        &format!("{SCHEMA}{DATA}"),
    );
    let out = run("chrome_history", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((out.stats.ok, out.stats.failed), (4, 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains(PATH), "{}", out.warnings[0]);
}

#[test]
fn database_without_visits_is_a_warning() {
    let mut b = SyntheticBackup::new("chrome-history-empty");
    b.add_sqlite(DOMAIN, PATH, "CREATE TABLE meta(key TEXT, value TEXT);");
    let out = run("chrome_history", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].contains("no urls table"),
        "{}",
        out.warnings[0]
    );
}
