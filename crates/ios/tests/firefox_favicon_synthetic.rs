//! FirefoxFavicon: MVT's test backup lists Firefox's browser.db without its file; a synthetic
//! browser.db checks the icon/page join, dates, observables and damage.

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
fn mvt_backup_has_no_firefox_favicons() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("firefox_favicon", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn favicons_with_their_pages() {
    let mut b = SyntheticBackup::new("firefox-favicon");
    let db = b.add_sqlite(DOMAIN, PATH, firefox_browser_db::BROWSER_DB);
    let out = run("firefox_favicon", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    // Icon 3 is linked to no page.
    assert_eq!(out.records.len(), 3);
    assert!(out.alerts.is_empty());
    let records = records_json(&out);
    assert_eq!(
        records[0],
        json!({
            "id": 1,
            "url": "https://example.com/favicon.ico",
            "width": 16,
            "height": 16,
            "type": 1,
            "isodate": "2021-12-03 19:33:13.000000",
            "history_id": 1,
            "history_url": "https://example.com/",
            "firefox_favicon_db": db,
        })
    );
    // In favicon_sites order, as MVT's query returns them.
    assert_eq!(records[1]["history_url"], "https://evil.example.net/x");
    assert_eq!(records[1]["isodate"], "2021-12-04 06:40:00.500000");
    assert_eq!(records[2]["history_url"], "https://example.com/");
    assert_eq!(records[2]["url"], "https://evil.example.net/f.png");
    let o = |v: &str| ("Url".to_string(), v.to_string());
    assert_eq!(
        observables(&out, 1),
        [
            o("https://evil.example.net/f.png"),
            o("https://evil.example.net/x")
        ]
    );
    let events = timeline(&out);
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].event, "firefox_history");
    assert_eq!(
        events[1].description,
        "Firefox favicon https://evil.example.net/f.png when visiting https://evil.example.net/x"
    );
}

#[test]
fn history_only_database_is_a_warning() {
    let mut b = SyntheticBackup::new("firefox-favicon-none");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT);",
    );
    let out = run("firefox_favicon", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("no favicons table"));
}

#[test]
fn corrupt_browser_db_is_reported_by_name() {
    let mut b = SyntheticBackup::new("firefox-favicon-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"");
    match run("firefox_favicon", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
}
