//! SafariHistory across Safari Profiles (iOS 17+): the default History.db and each
//! `Library/Safari/Profiles/<uuid>/History.db` are all read, each visit naming its database,
//! and a redirect heuristic in a profile points at that profile's record.

#[path = "support/synthetic.rs"]
mod synthetic;

use synthetic::{records_json, run, SyntheticBackup};
use tracehound_core::Level;

const DOMAIN: &str = "HomeDomain";

const SCHEMA: &str = "
CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT, visit_count INTEGER);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL,
  title TEXT, redirect_source INTEGER, redirect_destination INTEGER);
";

fn history(rows: &str) -> String {
    format!("{SCHEMA}{rows}")
}

#[test]
fn every_profile_history_is_read() {
    let mut b = SyntheticBackup::new("safari-two-profiles");
    let default = b.add_sqlite(
        DOMAIN,
        "Library/Safari/History.db",
        &history(
            "INSERT INTO history_items VALUES (1, 'https://default.example/', 1);
             INSERT INTO history_visits VALUES (1, 1, 700000000.0, 'd', NULL, NULL);",
        ),
    );
    let work = b.add_sqlite(
        DOMAIN,
        "Library/Safari/Profiles/2C8F0A7E-1111-4B5C-9D0E-AAAAAAAAAAAA/History.db",
        &history(
            "INSERT INTO history_items VALUES (1, 'https://work.example/a', 1),
               (2, 'https://work.example/b', 1);
             INSERT INTO history_visits VALUES (1, 1, 700000100.0, 'a', NULL, NULL),
               (2, 2, 700000200.0, 'b', NULL, NULL);",
        ),
    );
    let personal = b.add_sqlite(
        DOMAIN,
        "Library/Safari/Profiles/9B7D3C21-2222-4E6F-8A1B-BBBBBBBBBBBB/History.db",
        &history(
            "INSERT INTO history_items VALUES (1, 'http://personal.example/', 1),
               (2, 'https://exploit.example.net/', 1);
             INSERT INTO history_visits VALUES (1, 1, 700000300.0, 'p', NULL, 2),
               (2, 2, 700000300.2, 'x', 1, NULL);",
        ),
    );
    let out = run("safari_history", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 5);
    assert_eq!((out.stats.ok, out.stats.failed), (5, 0));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(out.inputs.len(), 3);

    let records = records_json(&out);
    let urls_of = |db: &str| -> Vec<String> {
        let rows = records.as_array().unwrap().iter();
        rows.filter(|r| r["safari_history_db"] == db)
            .map(|r| r["url"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(urls_of(&default), ["https://default.example/"]);
    assert_eq!(
        urls_of(&work),
        ["https://work.example/a", "https://work.example/b"]
    );
    assert_eq!(
        urls_of(&personal),
        ["http://personal.example/", "https://exploit.example.net/"]
    );

    // The injection heuristic pairs visits within one profile and names the right record.
    assert_eq!(out.alerts.len(), 1, "{:?}", out.alerts);
    let alert = &out.alerts[0];
    assert_eq!(alert.level, Level::Medium);
    let i = alert.record.unwrap();
    assert_eq!(records[i]["url"], "http://personal.example/");
    assert_eq!(records[i]["safari_history_db"], personal);
    assert!(alert.message.contains("https://exploit.example.net/"));
}
