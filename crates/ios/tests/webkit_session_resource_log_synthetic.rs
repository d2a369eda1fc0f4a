//! WebkitSessionResourceLog: MVT's test backup has no session resource log; synthetic logs
//! (old `…Origin` and new `…Domain` model keys) check entries, the domains of each redirect
//! chain, dates, the `{file: [entries]}` layout MVT writes, and damage.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::backup::IosBackup;

const SAFARI: &str = "AppDomain-com.apple.mobilesafari";
const PATH: &str =
    "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn domains(key: &str, names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| dict(vec![(key, (*n).into())]))
            .collect(),
    )
}

fn log() -> Value {
    dict(vec![(
        "browsingStatistics",
        Value::Array(vec![
            // Old model: origins.
            dict(vec![
                ("PrevalentResourceOrigin", "evil.example.net".into()),
                (
                    "topFrameUniqueRedirectsFrom",
                    domains("origin", &["news.example.com"]),
                ),
                (
                    "topFrameUniqueRedirectsTo",
                    domains("origin", &["landing.example.org"]),
                ),
                ("subframeUnderTopFrameOrigins", Value::Array(vec![])),
                (
                    "subresourceUnderTopFrameOrigins",
                    domains("origin", &["cdn.example"]),
                ),
                ("hadUserInteraction", false.into()),
                ("mostRecentUserInteraction", Value::Real(0.0)),
                ("lastSeen", Value::Real(1_638_559_993.0)),
            ]),
            // New model: domains, and a plist date.
            dict(vec![
                ("PrevalentResourceDomain", "example.com".into()),
                (
                    "topFrameUniqueRedirectsTo",
                    domains("domain", &["evil.example.net"]),
                ),
                (
                    "subframeUnderTopFrameDomains",
                    domains("domain", &["ads.example"]),
                ),
                ("hadUserInteraction", true.into()),
                (
                    "mostRecentUserInteraction",
                    Value::Date((UNIX_EPOCH + Duration::from_secs(1_638_559_000)).into()),
                ),
                ("lastSeen", Value::Real(1_638_560_000.5)),
            ]),
            "not an entry".into(),
        ]),
    )])
}

#[test]
fn mvt_backup_has_no_session_resource_log() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("webkit_session_resource_log", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn entries_chains_and_layout() {
    let mut b = SyntheticBackup::new("session-log");
    let safari = b.add_file(SAFARI, PATH, &synthetic::binary_plist(&log()));
    let app = b.add_file(
        "AppDomain-com.example.app",
        PATH,
        &synthetic::xml_plist(&dict(vec![("browsingStatistics", Value::Array(vec![]))])),
    );
    let out = run("webkit_session_resource_log", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 2);
    assert_eq!((out.stats.ok, out.stats.failed), (2, 1));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.alerts.is_empty());
    assert!(timeline(&out).is_empty());

    let first = json!({
        "origin": "evil.example.net",
        "redirect_source": [{"origin": "news.example.com"}],
        "redirect_destination": [{"origin": "landing.example.org"}],
        "subframe_under_origin": [],
        "subresource_under_origin": [{"origin": "cdn.example"}],
        "user_interaction": false,
        "most_recent_interaction": "",
        "last_seen": "2021-12-03 19:33:13.000000",
    });
    let second = json!({
        "origin": "example.com",
        "redirect_source": "",
        "redirect_destination": [{"domain": "evil.example.net"}],
        "subframe_under_origin": [{"domain": "ads.example"}],
        "subresource_under_origin": "",
        "user_interaction": true,
        "most_recent_interaction": "2021-12-03 19:16:40.000000",
        "last_seen": "2021-12-03 19:33:20.500000",
    });
    let mut expected = serde_json::Map::new();
    expected.insert(safari.clone(), json!([first, second]));
    expected.insert(app.clone(), json!([]));
    let written = records_json(&out);
    assert_eq!(written, serde_json::Value::Object(expected));
    assert_eq!(out.records.record_json(1), second);

    let d = |v: &str| ("Domain".to_string(), v.to_string());
    assert_eq!(
        observables(&out, 0),
        [
            d("evil.example.net"),
            d("news.example.com"),
            d("landing.example.org"),
            d("cdn.example")
        ]
    );
    assert_eq!(
        observables(&out, 1),
        [d("example.com"), d("evil.example.net"), d("ads.example")]
    );
    assert_eq!(
        out.records
            .event_time(1)
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2021-12-03 19:33:20.500000")
    );
    // When an entry matches an indicator, its redirect chain is a HIGH alert of its own.
    let chain = |i| out.records.on_match(i).map(|(l, m)| (l.as_str(), m));
    assert_eq!(
        chain(0),
        Some((
            "HIGH",
            "Redirect chain of a domain matching an indicator: SOURCE: \"news.example.com\" -> \
             ORIGIN: \"evil.example.net\" -> DESTINATION: \"landing.example.org\""
                .to_string()
        ))
    );
    assert_eq!(
        chain(1).map(|c| c.1),
        Some(
            "Redirect chain of a domain matching an indicator: ORIGIN: \"example.com\" -> \
             DESTINATION: \"evil.example.net\""
                .to_string()
        )
    );
}

#[test]
fn corrupt_log_is_reported_by_name() {
    let mut b = SyntheticBackup::new("session-log-corrupt");
    b.add_file(SAFARI, PATH, b"<?xml version=\"1.0\"?><plist><dict><key>");
    match run("webkit_session_resource_log", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(PATH), "{path}"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn hostile_values_do_not_panic() {
    let mut b = SyntheticBackup::new("session-log-hostile");
    let mut deep = Value::Array(vec![]);
    for _ in 0..500 {
        deep = Value::Array(vec![deep]);
    }
    let entry = dict(vec![
        ("PrevalentResourceOrigin", Value::Integer(7.into())),
        ("topFrameUniqueRedirectsFrom", deep),
        ("topFrameUniqueRedirectsTo", "a string".into()),
        ("lastSeen", Value::Real(f64::INFINITY)),
        ("mostRecentUserInteraction", Value::Integer(i64::MAX.into())),
    ]);
    let plist = dict(vec![("browsingStatistics", Value::Array(vec![entry]))]);
    b.add_file(SAFARI, PATH, &synthetic::binary_plist(&plist));
    let out = run("webkit_session_resource_log", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.records.event_time(0), None);
    assert!(observables(&out, 0).is_empty());
}
