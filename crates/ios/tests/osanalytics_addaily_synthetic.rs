//! OSAnalyticsADDaily on a synthetic com.apple.osanalytics.addaily.plist.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};
use synthetic::SyntheticBackup;
use tracehound_core::ModuleError;

const PATH: &str = "Library/Preferences/com.apple.osanalytics.addaily.plist";

fn date(secs: u64) -> Value {
    Value::Date((UNIX_EPOCH + Duration::from_secs(secs)).into())
}

fn addaily() -> Value {
    let mut baselines = Dictionary::new();
    baselines.insert(
        "bh".into(),
        Value::Array(vec![
            date(1_638_559_993),
            1.into(),
            2.into(),
            3.into(),
            4.into(),
        ]),
    );
    baselines.insert(
        "com.apple.WebKit.Networking".into(),
        Value::Array(vec![
            date(1_638_560_000),
            Value::Real(10.5),
            0.into(),
            0.into(),
            7.into(),
        ]),
    );
    baselines.insert("short".into(), Value::Array(vec![date(1), 1.into()]));
    let mut root = Dictionary::new();
    root.insert("netUsageBaseline".into(), Value::Dictionary(baselines));
    root.insert("lastSubmission".into(), date(1_638_000_000));
    Value::Dictionary(root)
}

#[test]
fn baselines_per_process() {
    let mut b = SyntheticBackup::new("addaily");
    b.add_file("HomeDomain", PATH, &synthetic::binary_plist(&addaily()));
    let out = synthetic::run("os_analytics_ad_daily", &b.open()).unwrap();
    assert_eq!(
        synthetic::records_json(&out),
        json!([
            {
                "package": "bh",
                "ts": "2021-12-03 19:33:13.000000",
                "wifi_in": 1,
                "wifi_out": 2,
                "wwan_in": 3,
                "wwan_out": 4
            },
            {
                "package": "com.apple.WebKit.Networking",
                "ts": "2021-12-03 19:33:20.000000",
                "wifi_in": 10.5,
                "wifi_out": 0,
                "wwan_in": 0,
                "wwan_out": 7
            }
        ])
    );
    assert_eq!(
        synthetic::observables(&out, 0),
        [("Process".to_string(), "bh".to_string())]
    );
    let events = synthetic::timeline(&out);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].event, "osanalytics_addaily");
    assert_eq!(
        events[1].description,
        "com.apple.WebKit.Networking WIFI IN: 10.5, WIFI OUT: 0 - WWAN IN: 0, WWAN OUT: 7"
    );
    assert_eq!((out.stats.ok, out.stats.failed), (2, 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("short"));
    assert!(out.alerts.is_empty());
}

#[test]
fn corrupt_plist_is_reported_by_name() {
    let mut b = SyntheticBackup::new("addaily-corrupt");
    b.add_file(
        "HomeDomain",
        PATH,
        &synthetic::binary_plist(&addaily())[..40],
    );
    match synthetic::run("os_analytics_ad_daily", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(PATH), "{path}"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn not_found_without_the_plist() {
    let b = SyntheticBackup::new("addaily-none");
    let r = synthetic::run("os_analytics_ad_daily", &b.open());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}
