//! WebKit observations.db files of several apps, old schemas and damaged files.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{ModuleError, Observable};

const PATH: &str = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

#[test]
fn every_app_is_read_and_a_damaged_one_is_a_warning() {
    let mut b = SyntheticBackup::new("webkit");
    // An old schema without the interaction-time columns.
    b.add_sqlite(
        "AppDomain-com.example.reader",
        PATH,
        "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT,
           lastSeen REAL, hadUserInteraction INTEGER);
         INSERT INTO ObservedDomains VALUES (7, 'exploit.example.net', 1650000000.5, 0);",
    );
    b.add_file("AppDomain-com.example.broken", PATH, b"not sqlite");
    // A newer schema with web-push interaction times.
    b.add_sqlite(
        "HomeDomain",
        PATH,
        "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT,
           lastSeen REAL, hadUserInteraction INTEGER, mostRecentUserInteractionTime REAL,
           mostRecentWebPushInteractionTime REAL);
         INSERT INTO ObservedDomains VALUES (1, 'example.org', 1650000100.0, 1, 1650000050.0,
           -1.0);",
    );
    let backup = b.open();
    let out = run("webkit_resource_load_statistics", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.stats.failed, 1);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("AppDomain-com.example.broken"));
    let records = records_json(&out);
    // Files in backup order (by fileID); compare as a set by domain.
    let by_domain = |d: &str| {
        records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["domain"] == d)
            .cloned()
            .unwrap()
    };
    assert_eq!(records.as_array().unwrap().len(), 2);
    assert_eq!(
        by_domain("AppDomain-com.example.reader"),
        json!({
            "domain_id": 7, "registrable_domain": "exploit.example.net",
            "last_seen": 1650000000.5, "had_user_interaction": false,
            "last_seen_isodate": "2022-04-15 05:20:00.500000",
            "domain": "AppDomain-com.example.reader", "path": PATH
        })
    );
    assert_eq!(
        by_domain("HomeDomain"),
        json!({
            "domain_id": 1, "registrable_domain": "example.org",
            "last_seen": 1650000100.0, "had_user_interaction": true,
            "last_seen_isodate": "2022-04-15 05:21:40.000000",
            "domain": "HomeDomain", "path": PATH,
            "most_recent_user_interaction_time": 1650000050.0,
            "most_recent_user_interaction_time_isodate": "2022-04-15 05:20:50.000000",
            "most_recent_web_push_interaction_time": -1.0
        })
    );
    let mut descriptions: Vec<String> = timeline(&out).into_iter().map(|e| e.description).collect();
    descriptions.sort();
    assert_eq!(
        descriptions,
        [
            "Webkit resource loaded from example.org by app in domain HomeDomain",
            "Webkit resource loaded from exploit.example.net by app in domain \
             AppDomain-com.example.reader",
        ]
    );
    let mut obs = Vec::new();
    for i in 0..out.records.len() {
        out.records.observables(i, &mut obs);
    }
    assert!(obs.contains(&Observable::Domain("exploit.example.net")));
}

#[test]
fn only_damaged_files_is_corrupted() {
    let mut b = SyntheticBackup::new("webkit-corrupt");
    let name = b.add_file("AppDomain-com.example.broken", PATH, b"SQLite format 3\0");
    let backup = b.open();
    match run("webkit_resource_load_statistics", &backup) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}
