//! `urls.json`, MVT's list of the links messages carry (`url`, `expanded_url`, `timestamp`,
//! `source`), equals MVT's on its public fixtures: the iOS backup (SMS and WhatsApp), the
//! Android backup and the androidqf acquisition (the SMS of its `backup.ab`).

mod common;

use common::*;
use serde_json::Value;

fn urls_of(args: &[&str], acquisition: &str, code: i32) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(args)
        .arg("--iocs")
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(shared().join("fixtures/mvt").join(acquisition))
        .assert()
        .code(code);
    read_json(&out.join("urls.json"))
}

fn mvt(rel: &str) -> Value {
    read_json(&shared().join("fixtures/mvt/expected").join(rel))
}

#[test]
fn ios_backup_links_are_mvts() {
    let ours = urls_of(&["ios", "check-backup"], "ios_backup", 1);
    let theirs = mvt("ios_backup/urls.json");
    // Times to the second: MVT truncates the SMS's nanosecond date, we keep microseconds.
    assert!(same_event(&ours, &theirs), "{ours:#}\n{theirs:#}");
    assert_eq!(ours.as_array().unwrap().len(), 2);
    assert_eq!(ours[0]["timestamp"], "2019-08-29 23:13:30.539788");
}

#[test]
fn android_links_are_mvts() {
    let ours = urls_of(&["android", "check-backup"], "android_backup/backup.ab", 0);
    assert_eq!(ours, mvt("android_backup/urls.json"));
    let ours = urls_of(&["android", "check-androidqf"], "androidqf", 1);
    assert_eq!(ours, mvt("androidqf/urls.json"));
}

/// A run where no message carries a link writes no urls.json (as MVT).
#[test]
fn no_links_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--module", "manifest", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt_backup())
        .assert()
        .code(0);
    assert!(out.join("info.json").is_file());
    assert!(!out.join("urls.json").exists());
}
