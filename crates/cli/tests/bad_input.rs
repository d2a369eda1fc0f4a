//! Bad input: every case gives a clear message naming the file and the problem, the right exit
//! status, and no panic.

mod common;

use common::*;
use predicates::prelude::*;
use std::fs;

#[test]
fn not_a_backup_folder() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "hello").unwrap();
    tracehound()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a recognised acquisition"));
    tracehound()
        .args(["ios", "check-backup"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not an iOS backup: Manifest.db is missing",
        ));
}

#[test]
fn missing_path() {
    tracehound()
        .args(["check", "/nonexistent/tracehound-test"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or folder"));
}

#[test]
fn folder_with_two_backups_is_ambiguous() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["backup-a", "backup-b"] {
        let d = tmp.path().join(name);
        fs::create_dir(&d).unwrap();
        fs::copy(mvt_backup().join("Manifest.db"), d.join("Manifest.db")).unwrap();
    }
    tracehound()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds 2 backups (backup-a, backup-b)",
        ));
}

#[test]
fn folder_with_one_backup_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&mvt_backup(), &tmp.path().join("00008030-0011"));
    tracehound()
        .arg("check")
        .arg("--iocs")
        .arg(test_stix())
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is an iOS backup"));
}

#[test]
fn truncated_manifest_db() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = fs::read(mvt_backup().join("Manifest.db")).unwrap();
    fs::write(tmp.path().join("Manifest.db"), &bytes[..bytes.len() / 3]).unwrap();
    tracehound()
        .args(["ios", "check-backup"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Manifest.db"))
        .stderr(predicate::str::contains("panicked").not());
    fs::write(tmp.path().join("Manifest.db"), b"not a database at all").unwrap();
    tracehound()
        .args(["ios", "check-backup"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Manifest.db: not a readable SQLite database",
        ));
}

#[test]
fn encrypted_backup_is_named_not_a_parse_error() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&mvt_backup(), tmp.path());
    let plist = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict><key>IsEncrypted</key><true/><key>Version</key><string>10.0</string></dict></plist>"#;
    fs::write(tmp.path().join("Manifest.plist"), plist).unwrap();
    tracehound()
        .args(["ios", "check-backup"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an encrypted backup"));
}

#[test]
fn corrupt_module_database_fails_that_module_only() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&mvt_backup(), tmp.path());
    let sms = tmp
        .path()
        .join("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    fs::write(&sms, b"this is not sqlite").unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(tmp.path())
        .assert()
        .stderr(predicate::str::contains(
            "SMS: FAILED: 3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28: not a readable SQLite database",
        ))
        .stderr(predicate::str::contains("NOT CHECKED"));
    let info = read_json(&out.join("info.json"));
    let sms = info["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "sms")
        .unwrap();
    assert_eq!(sms["status"], "failed");
    let ok = info["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "ok")
        .count();
    assert!(ok >= 1 || info["modules"].as_array().unwrap().len() == 1);
}

#[test]
fn malformed_stix2_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("broken.stix2");
    fs::write(&bad, b"{\"type\": \"bundle\", \"objects\": [ {\"type\": ").unwrap();
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(&bad)
        .arg(mvt_backup())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.stix2"));
}

#[test]
fn existing_output_folder_is_refused_and_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("previous.json"), "[1]").unwrap();
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt_backup())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists and is not empty"));
    assert_eq!(
        fs::read_to_string(out.join("previous.json")).unwrap(),
        "[1]"
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "no staging folder left"
    );
    tracehound()
        .args(["ios", "check-backup", "--force", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt_backup())
        .assert()
        .code(1);
    assert!(!out.join("previous.json").exists());
    assert!(out.join("alerts.json").exists());
}

#[test]
fn unknown_module_is_a_usage_error() {
    tracehound()
        .args(["ios", "check-backup", "--module", "nosuchmodule"])
        .arg(mvt_backup())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown module \"nosuchmodule\""));
}
