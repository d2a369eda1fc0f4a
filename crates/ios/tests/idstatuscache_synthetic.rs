//! IDStatusCache on synthetic caches, in both locations.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use synthetic::SyntheticBackup;
use tracehound_core::{Level, ModuleError};

const OLD: &str = "Library/Preferences/com.apple.identityservices.idstatuscache.plist";
const NEW: &str = "Library/IdentityServices/idstatuscache.plist";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn lookup(date: f64, status: i64) -> Value {
    dict(vec![
        ("LookupDate", Value::Real(date)),
        ("IDStatus", status.into()),
    ])
}

fn cache() -> Value {
    dict(vec![
        (
            "com.apple.madrid",
            dict(vec![
                ("mailto:attacker@example.com", lookup(660_000_000.5, 1)),
                ("tel:+15555550100", lookup(660_000_100.0, 2)),
                ("mailto:a\0\0b@example.com", lookup(660_000_200.0, 1)),
                ("broken", dict(vec![("IDStatus", 2.into())])),
            ]),
        ),
        (
            "com.apple.private.alloy.facetime.multi",
            dict(vec![("mailto:attacker@example.com", lookup(0.0, 1))]),
        ),
        ("Version", 2.into()),
    ])
}

#[test]
fn lookups_with_counts_emails_timeline_and_alert() {
    let mut b = SyntheticBackup::new("idstatus");
    b.add_file("HomeDomain", OLD, &synthetic::binary_plist(&cache()));
    let out = synthetic::run("id_status_cache", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(
        records,
        json!([
            {
                "package": "com.apple.madrid",
                "user": "mailto:attacker@example.com",
                "isodate": "2021-11-30 21:20:00.500000",
                "idstatus": 1,
                "occurrences": 2
            },
            {
                "package": "com.apple.madrid",
                "user": "tel:+15555550100",
                "isodate": "2021-11-30 21:21:40.000000",
                "idstatus": 2,
                "occurrences": 1
            },
            {
                "package": "com.apple.madrid",
                "user": "mailto:a\\x00\\x00b@example.com",
                "isodate": "2021-11-30 21:23:20.000000",
                "idstatus": 1,
                "occurrences": 1
            },
            {
                "package": "com.apple.private.alloy.facetime.multi",
                "user": "mailto:attacker@example.com",
                "isodate": "",
                "idstatus": 1,
                "occurrences": 2
            }
        ])
    );
    let email = |v: &str| vec![("Email".to_string(), v.to_string())];
    assert_eq!(
        synthetic::observables(&out, 0),
        email("attacker@example.com")
    );
    assert!(synthetic::observables(&out, 1).is_empty());
    assert_eq!(
        synthetic::observables(&out, 2),
        email("a\\x00\\x00b@example.com")
    );

    let events = synthetic::timeline(&out);
    assert_eq!(events.len(), 4);
    assert_eq!(events[1].event, "lookup");
    assert_eq!(
        events[1].description,
        "Lookup of tel:+15555550100 within com.apple.madrid (Status 2)"
    );
    assert!(events[3].timestamp.is_none());

    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].level, Level::High);
    assert_eq!(out.alerts[0].record, Some(2));
    assert_eq!((out.stats.ok, out.stats.failed), (4, 1));
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn both_locations_are_read() {
    let mut b = SyntheticBackup::new("idstatus-both");
    b.add_file("HomeDomain", OLD, &synthetic::xml_plist(&cache()));
    let newer = dict(vec![(
        "com.apple.madrid",
        dict(vec![("mailto:x@example.org", lookup(700_000_000.0, 1))]),
    )]);
    b.add_file("HomeDomain", NEW, &synthetic::binary_plist(&newer));
    let out = synthetic::run("id_status_cache", &b.open()).unwrap();
    assert_eq!(out.records.len(), 5);
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn corrupt_cache_is_reported_by_name() {
    let mut b = SyntheticBackup::new("idstatus-corrupt");
    b.add_file("HomeDomain", OLD, b"<?xml version=\"1.0\"?><plist><dict>");
    match synthetic::run("id_status_cache", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(OLD), "{path}"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn not_found_without_a_cache() {
    let b = SyntheticBackup::new("idstatus-none");
    let r = synthetic::run("id_status_cache", &b.open());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}
