//! ChromeFavicon: MVT's test backup lists Chrome's Favicons without its file; synthetic
//! databases check the page/icon join, the update-or-request time, ordering, the schema
//! without `last_requested`, and damage.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "AppDomain-com.google.chrome.ios";
const PATH: &str = "Library/Application Support/Google/Chrome/Default/Favicons";

const SQL: &str = "
CREATE TABLE favicons(id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, icon_type INTEGER DEFAULT 1);
CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL,
  last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0,
  height INTEGER DEFAULT 0, last_requested INTEGER DEFAULT 0);
CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL, icon_id INTEGER);
INSERT INTO favicons (id, url) VALUES (1, 'https://example.com/favicon.ico'),
  (2, 'https://evil.example.net/i.png');
INSERT INTO favicon_bitmaps (id, icon_id, last_updated, last_requested) VALUES
  (1, 1, 13284000002000000, 0), (2, 2, 0, 13284000001000000);
INSERT INTO icon_mapping VALUES (1, 'https://example.com/', 1),
  (2, 'https://evil.example.net/landing', 2), (3, 'https://example.com/other', 1);
";

#[test]
fn mvt_backup_has_no_chrome_favicons() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("chrome_favicon", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn favicons_ordered_by_date_with_fallback_time() {
    let mut b = SyntheticBackup::new("chrome-favicon");
    let db = b.add_sqlite(DOMAIN, PATH, SQL);
    let out = run("chrome_favicon", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 3);
    assert!(out.alerts.is_empty());
    let records = records_json(&out);
    assert_eq!(
        records,
        json!([
            {
                "url": "https://evil.example.net/landing",
                "icon_url": "https://evil.example.net/i.png",
                "timestamp": 13284000001000000i64,
                "isodate": "2021-12-15 00:00:01.000000",
                "chrome_favicon_db": db,
            },
            {
                "url": "https://example.com/",
                "icon_url": "https://example.com/favicon.ico",
                "timestamp": 13284000002000000i64,
                "isodate": "2021-12-15 00:00:02.000000",
                "chrome_favicon_db": db,
            },
            {
                "url": "https://example.com/other",
                "icon_url": "https://example.com/favicon.ico",
                "timestamp": 13284000002000000i64,
                "isodate": "2021-12-15 00:00:02.000000",
                "chrome_favicon_db": db,
            },
        ])
    );
    let o = |v: &str| ("Url".to_string(), v.to_string());
    assert_eq!(
        observables(&out, 0),
        [
            o("https://evil.example.net/landing"),
            o("https://evil.example.net/i.png")
        ]
    );
    let events = timeline(&out);
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].event, "new_favicon");
    assert_eq!(
        events[0].description,
        "https://evil.example.net/i.png from https://evil.example.net/landing"
    );
}

#[test]
fn old_schema_without_last_requested() {
    let mut b = SyntheticBackup::new("chrome-favicon-old");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE favicons(id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL);
         CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL,
           last_updated INTEGER DEFAULT 0);
         CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY, page_url LONGVARCHAR, icon_id INTEGER);
         INSERT INTO favicons VALUES (1, 'https://old.example/f.ico');
         INSERT INTO favicon_bitmaps VALUES (1, 1, 0), (2, 1, NULL);
         INSERT INTO icon_mapping VALUES (1, 'https://old.example/', 1);",
    );
    let out = run("chrome_favicon", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    let records = records_json(&out);
    assert_eq!(out.records.len(), 2);
    // Never updated nor requested: no date (MVT would write 1601-01-01).
    assert_eq!(records[0]["timestamp"], 0);
    assert_eq!(records[0]["isodate"], "");
    assert_eq!(records[1]["timestamp"], json!(null));
    assert_eq!(records[1]["isodate"], "");
}

#[test]
fn corrupt_favicons_are_reported_by_name() {
    let mut b = SyntheticBackup::new("chrome-favicon-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0truncated");
    match run("chrome_favicon", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
}
