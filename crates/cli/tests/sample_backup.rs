//! The committed sample backup (written by `cargo xtask gen-ios-backup-sample`) gives exactly the
//! detections its generator planted, with the MVT test indicators and with the Pegasus bundle —
//! including the messages that exist only in `sms.db-wal`, which proves WAL content is read, and
//! plants MVT does not detect (an attacker Apple ID in the call history, a link in InteractionC).

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

fn expected() -> Value {
    read_json(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/sample-backup.expected.json"),
    )
}

fn run(bundle: &PathBuf) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(bundle)
        .arg("--output")
        .arg(&out)
        .arg(sample())
        .assert()
        .code(1);
    (tmp, out)
}

fn check(bundle_name: &str, bundle: PathBuf) {
    let (_tmp, out) = run(&bundle);
    let alerts = read_json(&out.join("alerts.json"));
    let alerts = alerts.as_array().unwrap();
    let expected = expected();
    let mut wanted: BTreeMap<(String, String), usize> = BTreeMap::new();
    for d in expected["detections"].as_array().unwrap() {
        let b = d["bundle"].as_str().unwrap();
        if b != bundle_name && b != "any" {
            continue;
        }
        let module = d["module"].as_str().unwrap().to_string();
        let value = d["indicator"]["value"].as_str().unwrap().to_lowercase();
        *wanted.entry((module, value)).or_default() += 1;
    }
    let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
    for a in alerts {
        let module = a["module"].as_str().unwrap().to_string();
        let value = match &a["matched_indicator"] {
            Value::Null => {
                // Heuristics are named by what the generator planted.
                let msg = a["message"].as_str().unwrap().to_lowercase();
                if module == "safari_history" && msg.contains("redirect") {
                    "fast-http-redirect".to_string()
                } else if module == "configuration_profiles" {
                    "com.apple.notificationsettings".to_string()
                } else {
                    format!("heuristic: {msg}")
                }
            }
            ioc => {
                assert_eq!(a["level"], "CRITICAL", "{a}");
                ioc["value"].as_str().unwrap().to_lowercase()
            }
        };
        *got.entry((module, value)).or_default() += 1;
    }
    assert_eq!(got, wanted, "detections with {bundle_name}");

    // Record counts: what the generator wrote, WAL-only rows included.
    let records = expected["records"].as_object().unwrap();
    let wal_only = expected["wal_only_records"].as_object().unwrap();
    let listed = tracehound()
        .args(["ios", "check-backup", "--list-modules"])
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    for (module, n) in records {
        if !listed
            .lines()
            .any(|l| l.split_whitespace().next() == Some(module.as_str()))
        {
            continue; // a module of a later release
        }
        let want = n.as_u64().unwrap() + wal_only.get(module).and_then(Value::as_u64).unwrap_or(0);
        let json = read_json(&out.join(format!("{module}.json")));
        let have = match &json {
            Value::Array(a) => a.len() as u64,
            _ => 1,
        };
        assert_eq!(have, want, "{module} records");
    }
}

#[test]
fn sample_detections_with_mvt_test_indicators() {
    check("test.stix2", test_stix());
}

#[test]
fn sample_detections_with_pegasus_indicators() {
    check(
        "pegasus.stix2",
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ioc/data/pegasus.stix2"),
    );
}

/// Indicators that match nothing on the sample: exit 0, an empty alerts.json, and an
/// alerts_timeline.csv that still holds its header (an empty file reads as a failed write).
#[test]
fn clean_run_writes_empty_alert_files_with_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("nothing.stix2");
    std::fs::write(
        &bundle,
        r#"{"type": "bundle", "id": "bundle--0", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--0",
  "pattern": "[domain-name:value='never-seen.invalid']", "pattern_type": "stix"}]}"#,
    )
    .unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(&bundle)
        .args(["--module", "sms", "--output"])
        .arg(&out)
        .arg(sample())
        .assert()
        .code(0);
    assert_eq!(read_json(&out.join("alerts.json")), serde_json::json!([]));
    let csv = std::fs::read_to_string(out.join("alerts_timeline.csv")).unwrap();
    assert_eq!(
        csv,
        "\"Event Time\",\"Module\",\"Message\",\"Event\",\"Level\"\n"
    );
}

/// Every run records the SHA-256 of the files it read, matching the files on disk;
/// `--no-hashes` leaves them out.
#[test]
fn input_hashes_are_recorded_unless_declined() {
    use sha2::{Digest, Sha256};
    let (_tmp, out) = run(&test_stix());
    let info = read_json(&out.join("info.json"));
    let hashes = info["hashes"].as_array().expect("hashes by default");
    assert!(
        hashes.iter().any(|h| h["path"] == "Manifest.db"),
        "{hashes:?}"
    );
    for h in hashes {
        let bytes = std::fs::read(sample().join(h["path"].as_str().unwrap())).unwrap();
        assert_eq!(h["sha256"], hex::encode(Sha256::digest(&bytes)), "{h}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--no-hashes", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "Input hashes not recorded (--no-hashes)",
        ));
    assert!(read_json(&out.join("info.json"))["hashes"].is_null());
}
