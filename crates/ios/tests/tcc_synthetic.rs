//! TCC.db's older schemas (MVT's test backup has the iOS 14+ one) and corruption.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{ModuleError, Observable};

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/TCC/TCC.db";

#[test]
fn ios13_schema_has_allowed_and_prompt_count() {
    let mut b = SyntheticBackup::new("tcc-v2");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER,
           prompt_count INTEGER, csreq BLOB, last_modified INTEGER);
         INSERT INTO access VALUES ('kTCCServiceCamera', 'com.example.app', 0, 1, 1, NULL,
           1600000000);
         INSERT INTO access VALUES ('kTCCServiceMicrophone', '/usr/libexec/bh', 1, 0, 2, NULL,
           1600000060);",
    );
    let backup = b.open();
    let out = run("tcc", &backup).unwrap_or_else(|e| panic!("{e}"));
    let records = records_json(&out);
    assert_eq!(
        records,
        json!([
            {
                "service": "kTCCServiceCamera", "client": "com.example.app",
                "client_type": "bundle_id", "allowed_value": "allowed", "prompt_count": 1,
                "last_modified": "2020-09-13 12:26:40.000000", "service_name": "camera"
            },
            {
                "service": "kTCCServiceMicrophone", "client": "/usr/libexec/bh",
                "client_type": "absolute_path", "allowed_value": "denied", "prompt_count": 2,
                "last_modified": "2020-09-13 12:27:40.000000", "service_name": "microphone"
            }
        ])
    );
    let events: Vec<String> = timeline(&out)
        .iter()
        .map(|e| format!("{} {}", e.event, e.description))
        .collect();
    assert_eq!(
        events,
        [
            "AccessRequest Access to kTCCServiceCamera by com.example.app allowed",
            "AccessRequest Access to kTCCServiceMicrophone by /usr/libexec/bh denied",
        ]
    );
    let mut obs = Vec::new();
    out.records.observables(1, &mut obs);
    assert_eq!(
        obs,
        [
            Observable::Process("/usr/libexec/bh"),
            Observable::FilePath("/usr/libexec/bh")
        ]
    );
}

#[test]
fn oldest_schema_has_no_time_and_no_timeline() {
    let mut b = SyntheticBackup::new("tcc-v1");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER,
           prompt_count INTEGER);
         INSERT INTO access VALUES ('kTCCServicePhotos', 'com.example.app', 0, 1, 0);",
    );
    let backup = b.open();
    let out = run("tcc", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([{
            "service": "kTCCServicePhotos", "client": "com.example.app",
            "client_type": "bundle_id", "allowed_value": "allowed", "prompt_count": 0,
            "service_name": "photos"
        }])
    );
    assert!(timeline(&out).is_empty());
}

#[test]
fn hostile_values_and_corruption() {
    let mut b = SyntheticBackup::new("tcc-hostile");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE access (service, client, client_type, auth_value, auth_reason,
           last_modified);
         INSERT INTO access VALUES (X'FF00', NULL, 'x', 99, 'z', 1e300);",
    );
    let backup = b.open();
    let out = run("tcc", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([{
            "service": null, "client": null, "client_type": "absolute_path",
            "auth_value": "99", "auth_reason_desc": "unknown", "last_modified": null,
            "service_name": ""
        }])
    );

    let mut b = SyntheticBackup::new("tcc-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"");
    let backup = b.open();
    match run("tcc", &backup) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("an empty file was accepted"),
    }
}
