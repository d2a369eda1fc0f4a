//! Safari history: MVT's test backup lists History.db without its file (no visits); a
//! synthetic History.db checks visits, redirect chains and the injection heuristic.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::PathBuf;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{Level, ModuleError};
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/Safari/History.db";

/// Visits (Mac absolute seconds):
/// 1. http://news.example.com/a at 700000000.0 redirected 250 ms later to
/// 2. https://exploit.example.net/x, which itself redirected 2 s later to
/// 3. http://www.example.net/landing (HTTPS origin: not checked);
/// 4. http://example.org/ upgraded to 5. https://www.example.org/ (same domain: fine);
/// 6. http://slow.example.com/ redirected 5 s later to 7. https://other.example/ (LOW).
const HISTORY_SQL: &str = "
CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT, visit_count INTEGER);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL,
  title TEXT, redirect_source INTEGER, redirect_destination INTEGER);
INSERT INTO history_items VALUES (10, 'http://news.example.com/a', 1),
  (11, 'https://exploit.example.net/x', 1), (12, 'http://www.example.net/landing', 1),
  (13, 'http://example.org/', 1), (14, 'https://www.example.org/', 1),
  (15, 'http://slow.example.com/', 1), (16, 'https://other.example/', 1);
INSERT INTO history_visits VALUES
  (1, 10, 700000000.0, 'a', NULL, 2),
  (2, 11, 700000000.25, 'x', 1, 3),
  (3, 12, 700000002.25, 'l', 2, NULL),
  (4, 13, 700000100.0, 'o', NULL, 5),
  (5, 14, 700000100.1, 'o', 4, NULL),
  (6, 15, 700000200.0, 's', NULL, 7),
  (7, 16, 700000205.0, 't', 6, NULL);
";

#[test]
fn mvt_backup_has_no_safari_history() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("safari_history", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn visits_redirects_and_injection_heuristic() {
    let mut b = SyntheticBackup::new("safari");
    let db = b.add_sqlite(DOMAIN, PATH, HISTORY_SQL);
    let backup = b.open();
    let out = run("safari_history", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 7);
    let records = records_json(&out);
    assert_eq!(
        records[0],
        serde_json::json!({
            "id": 10,
            "url": "http://news.example.com/a",
            "visit_id": 1,
            "timestamp": 700000000.0,
            "isodate": "2023-03-08 20:26:40.000000",
            "redirect_source": null,
            "redirect_destination": 2,
            "safari_history_db": db,
        })
    );
    assert_eq!(records[1]["redirect_source"], 1);
    assert_eq!(records[1]["isodate"], "2023-03-08 20:26:40.250000");

    let mut obs = Vec::new();
    out.records.observables(1, &mut obs);
    assert_eq!(
        obs,
        [tracehound_core::Observable::Url(
            "https://exploit.example.net/x"
        )]
    );

    let events = timeline(&out);
    assert_eq!(events.len(), 7);
    assert_eq!(events[0].event, "safari_history");
    assert_eq!(
        events[0].description,
        "Safari visit to http://news.example.com/a (ID: 10, Visit ID: 1)"
    );

    let alerts: Vec<_> = out
        .alerts
        .iter()
        .map(|a| (a.level, a.record, a.message.as_str()))
        .collect();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    assert_eq!(alerts[0].0, Level::Medium);
    assert_eq!(alerts[0].1, Some(0));
    assert!(alerts[0].2.contains("http://news.example.com/a"));
    assert!(alerts[0].2.contains("https://exploit.example.net/x"));
    assert!(alerts[0].2.contains("250.000 ms"), "{}", alerts[0].2);
    assert_eq!(alerts[1].0, Level::Low);
    assert_eq!(alerts[1].1, Some(5));
    assert!(alerts[1].2.contains("https://other.example/"));
}

#[test]
fn profiles_are_read_and_a_corrupt_one_does_not_hide_the_others() {
    let mut b = SyntheticBackup::new("safari-profiles");
    b.add_sqlite(DOMAIN, PATH, HISTORY_SQL);
    b.add_file(
        DOMAIN,
        "Library/Safari/Profiles/6A1B/History.db",
        b"SQLite format 3\0 but nothing else",
    );
    let backup = b.open();
    let out = run("safari_history", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 7);
    assert_eq!(out.stats.failed, 1);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("Profiles/6A1B/History.db"));
}

#[test]
fn corrupt_history_is_reported_not_panicked() {
    let mut b = SyntheticBackup::new("safari-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"\x00\x01garbage");
    let backup = b.open();
    match run("safari_history", &backup) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}
