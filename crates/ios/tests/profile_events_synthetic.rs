//! ProfileEvents: MVT's test backup has no MCProfileEvents.plist; a synthetic one checks
//! installs and removals, odd keys, malformed entries, observables, timeline and the LOW alert
//! MVT raises for every event.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::{Level, ModuleError};
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
const PATH: &str = "Library/ConfigurationProfiles/MCProfileEvents.plist";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn date(secs: u64) -> Value {
    Value::Date((UNIX_EPOCH + Duration::from_secs(secs)).into())
}

fn event(id: &str, fields: Vec<(&str, Value)>) -> Value {
    dict(vec![(id, dict(fields))])
}

fn events_plist() -> Value {
    dict(vec![(
        "ProfileEvents",
        Value::Array(vec![
            event(
                "com.example.mdm",
                vec![
                    ("timestamp", date(1_638_559_993)),
                    ("operation", "install".into()),
                    ("process", "Preferences".into()),
                ],
            ),
            event(
                "com.evil.profile",
                vec![
                    ("timestamp", date(1_638_560_000)),
                    ("operation", "install".into()),
                    ("process", "bh".into()),
                    ("ProfileUUID", "AB-CD".into()),
                ],
            ),
            event(
                "com.evil.profile",
                vec![
                    ("Timestamp", date(1_638_560_060)),
                    ("Operation", "remove".into()),
                    ("Process", "bh".into()),
                ],
            ),
            event("com.no.fields", vec![]),
            Value::String("not an event".into()),
            dict(vec![("com.bad", "not a dictionary".into())]),
        ]),
    )])
}

#[test]
fn mvt_backup_has_no_profile_events() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    match run("profile_events", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        Ok(out) => assert_eq!(out.records.len(), 0),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn installs_and_removals() {
    let mut b = SyntheticBackup::new("profile-events");
    b.add_file(DOMAIN, PATH, &synthetic::binary_plist(&events_plist()));
    let out = run("profile_events", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((out.stats.ok, out.stats.failed), (4, 2));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(
        records_json(&out),
        json!([
            {"profile_id": "com.example.mdm", "timestamp": "2021-12-03 19:33:13.000000",
             "operation": "install", "process": "Preferences"},
            {"profile_id": "com.evil.profile", "timestamp": "2021-12-03 19:33:20.000000",
             "operation": "install", "process": "bh", "profileuuid": "AB-CD"},
            {"profile_id": "com.evil.profile", "timestamp": "2021-12-03 19:34:20.000000",
             "operation": "remove", "process": "bh"},
            {"profile_id": "com.no.fields", "timestamp": "", "operation": "", "process": ""},
        ])
    );
    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        observables(&out, 2),
        [o("Process", "bh"), o("ProfileId", "com.evil.profile")]
    );
    assert_eq!(observables(&out, 3), [o("ProfileId", "com.no.fields")]);

    let events = timeline(&out);
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.event == "profile_operation"));
    assert_eq!(
        events[2].description,
        "Process bh started operation remove of profile com.evil.profile"
    );
    assert_eq!(
        events[2].timestamp.map(|t| t.to_mvt_string()).as_deref(),
        Some("2021-12-03 19:34:20.000000")
    );
    assert_eq!(events[3].timestamp, None);

    assert_eq!(out.alerts.len(), 4);
    assert!(out.alerts.iter().all(|a| a.level == Level::Low));
    assert_eq!(out.alerts[1].record, Some(1));
    assert_eq!(
        out.alerts[1].message,
        "On 2021-12-03 19:33:20.000000 process \"bh\" started operation \"install\" of profile \"com.evil.profile\""
    );
    assert_eq!(
        out.alerts[1]
            .event_time
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2021-12-03 19:33:20.000000")
    );
}

#[test]
fn plist_without_events_list_is_empty_with_a_warning() {
    let mut b = SyntheticBackup::new("profile-events-empty");
    b.add_file(
        DOMAIN,
        PATH,
        &synthetic::xml_plist(&dict(vec![("Other", 1.into())])),
    );
    let out = run("profile_events", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 0);
    assert!(out.alerts.is_empty());
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn corrupt_plist_is_reported_by_name() {
    let mut b = SyntheticBackup::new("profile-events-corrupt");
    b.add_file(DOMAIN, PATH, b"bplist00\x00\x01garbage");
    match run("profile_events", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(PATH), "{path}"),
        other => panic!("{:?}", other.err()),
    }
}
