//! LocationdClients on a synthetic clients.plist.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use synthetic::SyntheticBackup;
use tracehound_core::ModuleError;

const PATH: &str = "Library/Caches/locationd/clients.plist";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn clients() -> Value {
    dict(vec![
        (
            "com.apple.Maps",
            dict(vec![
                ("ConsumptionPeriodBegin", Value::Real(660_000_000.0)),
                ("LocationTimeStopped", 0.into()),
                ("BundleId", "com.apple.Maps".into()),
                ("BundlePath", "/Applications/Maps.app".into()),
                ("Authorization", 2.into()),
                ("ClientStorageToken", Value::Data(b"token".to_vec())),
            ]),
        ),
        (
            "/private/var/tmp/bh:",
            dict(vec![
                ("Executable", "/private/var/tmp/bh".into()),
                ("Registered", "/private/var/tmp/bh".into()),
                ("SignificantTimeStopped", Value::Real(660_000_100.25)),
            ]),
        ),
        ("MigrationVersion", 3.into()),
        (
            "com.apple.locationd.bundle-/System/Library/LocationBundles/Siri.bundle",
            dict(vec![("Registered", true.into())]),
        ),
    ])
}

#[test]
fn clients_with_times_observables_and_timeline() {
    let mut b = SyntheticBackup::new("locationd");
    b.add_file("RootDomain", PATH, &synthetic::binary_plist(&clients()));
    let out = synthetic::run("locationd_clients", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(
        records,
        json!([
            {
                "ConsumptionPeriodBegin": "2021-11-30 21:20:00.000000",
                "LocationTimeStopped": "",
                "BundleId": "com.apple.Maps",
                "BundlePath": "/Applications/Maps.app",
                "Authorization": 2,
                "ClientStorageToken": "dG9rZW4=",
                "package": "com.apple.Maps"
            },
            {
                "Executable": "/private/var/tmp/bh",
                "Registered": "/private/var/tmp/bh",
                "SignificantTimeStopped": "2021-11-30 21:21:40.250000",
                "package": "/private/var/tmp/bh"
            },
            {
                "Registered": true,
                "package": "com.apple.locationd.bundle-/System/Library/LocationBundles/Siri.bundle"
            }
        ])
    );
    // "package" comes last, as MVT adds it.
    let keys: Vec<&String> = records[1].as_object().unwrap().keys().collect();
    assert_eq!(keys.last().map(|k| k.as_str()), Some("package"));

    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        synthetic::observables(&out, 0),
        [
            o("Process", "com.apple.Maps"),
            o("PathComponents", "com.apple.Maps"),
            o("Process", "com.apple.Maps"),
            o("AppId", "com.apple.Maps"),
            o("FilePath", "/Applications/Maps.app"),
            o("PathComponents", "/Applications/Maps.app"),
        ]
    );
    let bh = "/private/var/tmp/bh";
    assert_eq!(
        synthetic::observables(&out, 1),
        [
            o("Process", bh),
            o("PathComponents", bh),
            o("FilePath", bh),
            o("PathComponents", bh),
            o("FilePath", bh),
            o("PathComponents", bh),
        ]
    );

    let events: Vec<(String, String, String)> = synthetic::timeline(&out)
        .into_iter()
        .map(|e| {
            let ts = e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default();
            (ts, e.event, e.description)
        })
        .collect();
    let ev = |t: &str, e: &str, d: &str| (t.to_string(), e.to_string(), d.to_string());
    assert_eq!(
        events,
        [
            ev(
                "2021-11-30 21:20:00.000000",
                "ConsumptionPeriodBegin",
                "ConsumptionPeriodBegin from com.apple.Maps"
            ),
            ev(
                "",
                "LocationTimeStopped",
                "LocationTimeStopped from com.apple.Maps"
            ),
            ev(
                "2021-11-30 21:21:40.250000",
                "SignificantTimeStopped",
                "SignificantTimeStopped from /private/var/tmp/bh"
            ),
        ]
    );
    assert!(out.alerts.is_empty());
}

#[test]
fn corrupt_clients_plist_is_reported_by_name() {
    let mut b = SyntheticBackup::new("locationd-corrupt");
    b.add_file("RootDomain", PATH, b"bplist00garbage");
    match synthetic::run("locationd_clients", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert!(path.ends_with(PATH), "{path}"),
        other => panic!("{:?}", other.err()),
    }
    let mut b = SyntheticBackup::new("locationd-array");
    b.add_file(
        "RootDomain",
        PATH,
        &synthetic::xml_plist(&Value::Array(vec![])),
    );
    assert!(matches!(
        synthetic::run("locationd_clients", &b.open()),
        Err(ModuleError::Corrupted { .. })
    ));
}

#[test]
fn not_found_without_clients_plist() {
    let b = SyntheticBackup::new("locationd-none");
    let r = synthetic::run("locationd_clients", &b.open());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}
