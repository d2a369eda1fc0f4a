//! `tracehound android check-bugreport`, `check-backup`, `check-intrusion-logs` and
//! `tracehound check` on MVT's bugreport and adb backups: MVT's alerts, passwords (right,
//! wrong, missing), damaged headers, and links matched against a domain indicator.

mod common;

use common::*;
use predicates::prelude::*;

fn mvt(rel: &str) -> std::path::PathBuf {
    shared().join("fixtures/mvt").join(rel)
}

#[test]
fn bugreport_alerts_match_mvt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    tracehound()
        .args(["android", "check-bugreport", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt("android_data/bugreport"))
        .assert()
        .code(1);
    let alerts = read_json(&out.join("alerts.json"));
    let mut got: Vec<(String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["module"].as_str().unwrap().into(),
                a["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    let theirs = read_json(&mvt("expected/android_bugreport/alerts.json"));
    let mut want: Vec<(String, String)> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["module"].as_str().unwrap().into(),
                a["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        read_json(&out.join("tombstones.json"))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn check_recognises_bugreports_and_backups() {
    tracehound()
        .args(["check", "-q", "--iocs"])
        .arg(test_stix())
        .arg(mvt("android_data/bugreport"))
        .assert()
        .code(1);
    for rel in ["android_backup/backup.ab", "android_backup"] {
        tracehound()
            .args(["check", "--iocs"])
            .arg(test_stix())
            .arg(mvt(rel))
            .assert()
            .code(0)
            .stderr(predicate::str::contains("is an adb backup"));
    }
}

#[test]
fn protected_backup_passwords() {
    let backup = mvt("android_backup/backup2.ab");
    tracehound()
        .args(["android", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg(&backup)
        .env("TRACEHOUND_BACKUP_PASSWORD", "123456")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("sms").and(predicate::str::contains("1 records")));
    tracehound()
        .args(["android", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg(&backup)
        .env("TRACEHOUND_BACKUP_PASSWORD", "not-it")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: wrong password: it does not unlock",
        ));
    let tmp = tempfile::tempdir().unwrap();
    let pw = tmp.path().join("pw");
    std::fs::write(&pw, "123456\n").unwrap();
    tracehound()
        .args(["android", "check-backup", "--password-file"])
        .arg(&pw)
        .arg("--iocs")
        .arg(test_stix())
        .arg(&backup)
        .env_remove("TRACEHOUND_BACKUP_PASSWORD")
        .assert()
        .code(0);
    tracehound()
        .args(["android", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg(&backup)
        .env_remove("TRACEHOUND_BACKUP_PASSWORD")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no password was given"));
}

#[test]
fn damaged_ab_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.ab");
    std::fs::write(&bad, b"ANDROID BACKUP\nfive\n1\nnone\nxx").unwrap();
    tracehound()
        .args(["android", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("damaged Android backup header"));
}

#[test]
fn sms_links_match_a_domain_indicator() {
    let tmp = tempfile::tempdir().unwrap();
    let stix = tmp.path().join("google.stix2");
    std::fs::write(
        &stix,
        r#"{"type":"bundle","id":"bundle--1","objects":[
 {"type":"malware","id":"malware--1","name":"Test","is_family":false},
 {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='google.com']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"},
 {"type":"relationship","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"}]}"#,
    )
    .unwrap();
    let out = tmp.path().join("r");
    tracehound()
        .args(["android", "check-backup", "--iocs"])
        .arg(&stix)
        .arg("--output")
        .arg(&out)
        .arg(mvt("android_backup/backup.ab"))
        .assert()
        .code(1);
    let alerts = read_json(&out.join("alerts.json"));
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    assert!(alerts
        .iter()
        .all(|a| a["module"] == "sms" && a["level"] == "CRITICAL"));
    assert!(alerts
        .iter()
        .all(|a| a["matched_indicator"]["value"] == "google.com"));
}
