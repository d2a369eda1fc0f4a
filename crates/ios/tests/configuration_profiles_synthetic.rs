//! ConfigurationProfiles on synthetic profiles (MVT's test backup has none).

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};
use synthetic::SyntheticBackup;
use tracehound_core::{Level, ModuleError};

const DOMAIN: &str = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
const UUID: &str = "0C7CBAC9-4A36-4A6B-9E4E-3E8F1E0A5B11";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn profile() -> Value {
    dict(vec![
        ("PayloadDisplayName", "Notifications".into()),
        ("PayloadDescription", "Quiet mode".into()),
        ("PayloadIdentifier", "com.example.quiet".into()),
        ("PayloadType", "Configuration".into()),
        ("PayloadUUID", UUID.into()),
        (
            "InstallDate",
            Value::Date((UNIX_EPOCH + Duration::from_secs(1_638_559_993)).into()),
        ),
        (
            "SignerCerts",
            Value::Array(vec![Value::Data(vec![1, 2, 3])]),
        ),
        (
            "PayloadContent",
            Value::Array(vec![
                dict(vec![
                    ("PayloadType", "com.apple.webClip.managed".into()),
                    ("URL", "https://evil.example.com/portal".into()),
                    ("PERSISTENT_REF", Value::Data(b"ref".to_vec())),
                ]),
                dict(vec![
                    ("PayloadType", "com.apple.notificationsettings".into()),
                    ("PayloadUUID", "11111111-2222-3333-4444-555555555555".into()),
                ]),
            ]),
        ),
    ])
}

const PATH: &str = "Library/ConfigurationProfiles/profile-5f0e3b.stub";

#[test]
fn profiles_with_payloads_observables_timeline_and_alert() {
    let mut b = SyntheticBackup::new("profiles");
    b.add_file(DOMAIN, PATH, &synthetic::binary_plist(&profile()));
    // Same domain, not a profile.
    b.add_file(
        DOMAIN,
        "Library/ConfigurationProfiles/ClientTruth.plist",
        &synthetic::xml_plist(&dict(vec![("x", 1.into())])),
    );
    let out = synthetic::run("configuration_profiles", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(
        records,
        json!([{
            "file_id": synthetic::file_id(DOMAIN, PATH),
            "relative_path": PATH,
            "domain": DOMAIN,
            "plist": {
                "PayloadDisplayName": "Notifications",
                "PayloadDescription": "Quiet mode",
                "PayloadIdentifier": "com.example.quiet",
                "PayloadType": "Configuration",
                "PayloadUUID": UUID,
                "InstallDate": "2021-12-03 19:33:13",
                "SignerCerts": ["AQID"],
                "PayloadContent": [
                    {
                        "PayloadType": "com.apple.webClip.managed",
                        "URL": "https://evil.example.com/portal",
                        "PERSISTENT_REF": "cmVm"
                    },
                    {
                        "PayloadType": "com.apple.notificationsettings",
                        "PayloadUUID": "11111111-2222-3333-4444-555555555555"
                    }
                ]
            },
            "install_date": "2021-12-03 19:33:13.000000"
        }])
    );
    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        synthetic::observables(&out, 0),
        [
            o("ProfileId", UUID),
            o("ProfileId", "com.example.quiet"),
            o("Url", "https://evil.example.com/portal"),
        ]
    );
    let events = synthetic::timeline(&out);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event, "configuration_profile_install");
    assert_eq!(
        events[0].description,
        format!("Configuration installed: {UUID} - Notifications: Quiet mode")
    );
    assert_eq!(
        events[0].timestamp.map(|t| t.to_mvt_string()).as_deref(),
        Some("2021-12-03 19:33:13.000000")
    );
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].level, Level::Medium);
    assert_eq!(out.alerts[0].record, Some(0));
    assert!(out.alerts[0].message.contains(UUID));
    assert_eq!((out.stats.ok, out.stats.failed), (1, 0));
    assert_eq!(out.inputs.len(), 1);
}

#[test]
fn profile_without_install_date_has_no_event() {
    let mut b = SyntheticBackup::new("profiles-nodate");
    let p = dict(vec![
        ("PayloadUUID", UUID.into()),
        ("PayloadType", "Configuration".into()),
    ]);
    b.add_file(DOMAIN, PATH, &synthetic::xml_plist(&p));
    let out = synthetic::run("configuration_profiles", &b.open()).unwrap();
    assert_eq!(synthetic::records_json(&out)[0]["install_date"], "");
    assert!(synthetic::timeline(&out).is_empty());
    assert!(out.alerts.is_empty());
}

#[test]
fn corrupt_profile_is_reported_by_name() {
    let mut b = SyntheticBackup::new("profiles-corrupt");
    b.add_file(DOMAIN, PATH, b"bplist00\x01\x02");
    match synthetic::run("configuration_profiles", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(PATH), "{path}"),
        other => panic!("{:?}", other.err()),
    }
    // Beside a good profile, a bad one is a warning.
    let other = "Library/ConfigurationProfiles/profile-aaaa.stub";
    b.add_file(DOMAIN, other, &synthetic::binary_plist(&profile()));
    let out = synthetic::run("configuration_profiles", &b.open()).unwrap();
    assert_eq!((out.stats.ok, out.stats.failed), (1, 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains(PATH), "{}", out.warnings[0]);
}

#[test]
fn not_found_without_profiles() {
    let b = SyntheticBackup::new("profiles-none");
    let r = synthetic::run("configuration_profiles", &b.open());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}
