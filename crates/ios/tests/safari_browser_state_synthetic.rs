//! SafariBrowserState on synthetic BrowserState.db files: session history decoded from its
//! blob, Safari Profiles, the pre-iOS 12 schema, undecodable blobs and damaged databases.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/Safari/BrowserState.db";
const PROFILE: &str = "Library/Safari/Profiles/6A1B2C3D/BrowserState.db";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

/// A `session_data` blob: 4-byte header, then a binary plist with two history entries.
fn session_blob() -> String {
    let entry = |title: &str, url: &str, original: &str, data: usize| {
        dict(vec![
            ("SessionHistoryEntryTitle", title.into()),
            ("SessionHistoryEntryURL", url.into()),
            ("SessionHistoryEntryOriginalURL", original.into()),
            ("SessionHistoryEntryData", Value::Data(vec![7; data])),
        ])
    };
    let session = dict(vec![(
        "SessionHistory",
        dict(vec![
            ("SessionHistoryCurrentIndex", 1.into()),
            (
                "SessionHistoryEntries",
                Value::Array(vec![
                    entry(
                        "News",
                        "https://news.example.com/",
                        "https://news.example.com/",
                        10,
                    ),
                    entry(
                        "Landing",
                        "https://landing.example.net/x",
                        "http://redirect.evil.example/r",
                        3,
                    ),
                ]),
            ),
        ]),
    )]);
    let mut blob = vec![0, 0, 0, 2];
    blob.extend(synthetic::binary_plist(&session));
    blob.iter().map(|b| format!("{b:02x}")).collect()
}

fn modern_sql(blob_hex: &str) -> String {
    format!(
        "CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,
           title TEXT, url TEXT, user_visible_url TEXT, order_index INTEGER NOT NULL,
           last_viewed_time REAL DEFAULT NULL);
         CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, tab_uuid TEXT,
           session_data BLOB DEFAULT NULL, uncompressed_session_data_size INTEGER);
         INSERT INTO tabs VALUES (1, 'T1', 'Landing', 'https://landing.example.net/x',
           'https://landing.example.net/x', 0, 700000000.5);
         INSERT INTO tabs VALUES (2, 'T2', NULL, NULL, NULL, 1, NULL);
         INSERT INTO tabs VALUES (3, 'T3', 'Broken', 'https://b.example/', NULL, 2, 600000000);
         INSERT INTO tab_sessions VALUES (1, 'T1', X'{blob_hex}', 0);
         INSERT INTO tab_sessions VALUES (2, 'T3', X'00000002626f677573', 0);"
    )
}

#[test]
fn tabs_sessions_and_profiles() {
    let mut b = SyntheticBackup::new("browserstate");
    let db = b.add_sqlite(DOMAIN, PATH, &modern_sql(&session_blob()));
    b.add_sqlite(
        DOMAIN,
        PROFILE,
        "CREATE TABLE tabs (uuid TEXT, title TEXT, url TEXT, user_visible_url TEXT,
           last_viewed_time REAL);
         INSERT INTO tabs VALUES ('P1', 'Work', 'https://work.example/', NULL, 0);",
    );
    let out = run("safari_browser_state", &b.open()).unwrap();
    // Each database's tabs sorted by last view (NULL first); databases in path order.
    assert_eq!(out.records.len(), 4);
    let all = records_json(&out);
    let all = all.as_array().unwrap();
    let base = all
        .iter()
        .position(|r| r["safari_profile"].is_null())
        .unwrap();
    let profile = all
        .iter()
        .position(|r| !r["safari_profile"].is_null())
        .unwrap();
    assert!(base == 0 || base == 1);
    let records = &all[base..base + 3];
    assert_eq!(records[0]["tab_title"], json!(null));
    assert_eq!(records[0]["last_viewed_timestamp"], "");
    assert_eq!(records[1]["tab_title"], "Broken");
    assert_eq!(records[1]["session_data"], json!([]));
    assert_eq!(
        records[2],
        json!({
            "tab_title": "Landing",
            "tab_url": "https://landing.example.net/x",
            "tab_visible_url": "https://landing.example.net/x",
            "last_viewed_timestamp": "2023-03-08 20:26:40.500000",
            "session_data": [
                {"entry_title": "News", "entry_url": "https://news.example.com/",
                 "entry_original_url": "https://news.example.com/", "data_length": 10},
                {"entry_title": "Landing", "entry_url": "https://landing.example.net/x",
                 "entry_original_url": "http://redirect.evil.example/r", "data_length": 3}
            ],
            "safari_browser_state_db": db,
            "safari_profile": null
        })
    );
    assert_eq!(all[profile]["safari_profile"], "6A1B2C3D");
    assert_eq!(all[profile]["tab_title"], "Work");
    assert_eq!(all[profile]["last_viewed_timestamp"], "");

    let urls: Vec<String> = observables(&out, base + 2)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    assert!(urls.contains(&"http://redirect.evil.example/r".to_string()));
    assert!(urls.contains(&"https://news.example.com/".to_string()));
    assert_eq!(observables(&out, base), []);

    let events = timeline(&out);
    assert_eq!(events.len(), 4);
    assert_eq!(events[base].description, "None - None");
    assert_eq!(events[base + 2].event, "tab");
    assert_eq!(
        events[base + 2].description,
        "Landing - https://landing.example.net/x"
    );
    assert!(out.alerts.is_empty());
    // The bogus blob of "Broken" is reported.
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("1 tab session blobs"));
}

#[test]
fn old_schema_keeps_session_data_in_tabs() {
    let mut b = SyntheticBackup::new("browserstate-old");
    let blob = session_blob();
    b.add_sqlite(
        DOMAIN,
        PATH,
        &format!(
            "CREATE TABLE tabs (title TEXT, url TEXT, user_visible_url TEXT,
               last_viewed_time REAL, session_data BLOB);
             INSERT INTO tabs VALUES ('Old', 'https://old.example/', NULL, 500000000, X'{blob}');"
        ),
    );
    let out = run("safari_browser_state", &b.open()).unwrap();
    let records = records_json(&out);
    assert_eq!(records[0]["session_data"].as_array().unwrap().len(), 2);
}

#[test]
fn a_damaged_profile_does_not_hide_the_default_one() {
    let mut b = SyntheticBackup::new("browserstate-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0 and nothing");
    match run("safari_browser_state", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
    b.add_sqlite(DOMAIN, PROFILE, &modern_sql(&session_blob()));
    let out = run("safari_browser_state", &b.open()).unwrap();
    assert_eq!(out.records.len(), 3);
    assert_eq!(out.stats.failed, 1);
}
