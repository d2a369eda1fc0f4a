//! `tracehound check-iocs RESULTS_DIR`: MVT's own results re-checked with MVT's test
//! indicators give the detections MVT got; our results re-checked with another bundle give
//! what a fresh check with that bundle gives; both indicator sets are named in info.json;
//! the folder re-checked is never written to; damaged files fail their module only.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn mvt_expected(name: &str) -> PathBuf {
    shared().join("fixtures/mvt/expected").join(name)
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

/// `(module, indicator type, indicator value, record)` of every CRITICAL alert.
fn critical(alerts: &Path) -> BTreeSet<(String, String, String, String)> {
    let all = read_json(alerts);
    all.as_array()
        .unwrap()
        .iter()
        .filter(|a| a["level"] == "CRITICAL")
        .map(|a| {
            let i = &a["matched_indicator"];
            (
                a["module"].as_str().unwrap().to_string(),
                i["type"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
                a["event"].to_string(),
            )
        })
        .collect()
}

fn recheck(dir: &Path, iocs: &Path, out: &Path) -> assert_cmd::assert::Assert {
    tracehound()
        .args(["check-iocs", "--iocs"])
        .arg(iocs)
        .arg("-o")
        .arg(out)
        .arg(dir)
        .assert()
}

#[test]
fn mvt_results_give_the_detections_mvt_got() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("re");
    let before = tree_hashes(&mvt_expected("ios_backup"));
    recheck(&mvt_expected("ios_backup"), &test_stix(), &out).code(1);
    assert_eq!(
        before,
        tree_hashes(&mvt_expected("ios_backup")),
        "folder untouched"
    );
    let ours = critical(&out.join("alerts.json"));
    let mvt = critical(&mvt_expected("ios_backup/alerts.json"));
    assert_eq!(ours, mvt);
    let found: Vec<(&str, &str)> = ours
        .iter()
        .map(|(m, _, v, _)| (m.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("sms", "example.org"),
            ("tcc", "Launch"),
            ("whatsapp", "example.org")
        ]
    );
    let mut files: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "alerts.json",
            "alerts_timeline.csv",
            "command.log",
            "info.json",
            "sms_detected.json",
            "tcc_detected.json",
            "whatsapp_detected.json"
        ]
    );
    let csv = fs::read_to_string(out.join("alerts_timeline.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let info = read_json(&out.join("info.json"));
    assert_eq!(info["command_name"], "check-iocs");
    assert_eq!(info["original"]["tool"], "mvt");
    assert_eq!(info["original"]["version"], "2026.10.26");
    assert_eq!(
        info["original"]["indicators"],
        serde_json::json!([{"path": "stix2/test.stix2"}])
    );
    assert!(info["indicators"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("test.stix2"));
    assert_eq!(info["indicators"][0]["counts"]["domains"], 2);
    assert_eq!(info["modules"].as_array().unwrap().len(), 12);
    assert_eq!(info["detections"]["CRITICAL"], 3);
    let manifest = info["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "manifest")
        .unwrap();
    assert_eq!(manifest["parse"]["ok"], 3721);
    // The files read are hashed: info.json and the 12 module files, each as on disk.
    let hashes = info["hashes"].as_array().unwrap();
    assert_eq!(hashes.len(), 13, "{hashes:?}");
    for h in hashes {
        let file = mvt_expected("ios_backup").join(h["path"].as_str().unwrap());
        let bytes = fs::read(&file).unwrap();
        assert_eq!(
            h["sha256"],
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            "{h}"
        );
    }
    assert_eq!(
        info["skipped"],
        serde_json::json!(["urls.json: the list of message links, not a module"])
    );
    // The record index of an alert is the record's place in the original file.
    let tcc = read_json(&out.join("tcc_detected.json"));
    let tcc_records = read_json(&mvt_expected("ios_backup/tcc.json"));
    assert!(tcc_records.as_array().unwrap().contains(&tcc[0]["event"]));
}

#[test]
fn mvt_android_results_have_nothing_to_match() {
    // MVT found no indicator in these with the same bundle: neither do we.
    for name in ["androidqf", "android_bugreport", "android_backup"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("re");
        recheck(&mvt_expected(name), &test_stix(), &out).code(0);
        let alerts = read_json(&out.join("alerts.json"));
        assert_eq!(alerts, serde_json::json!([]), "{name}");
    }
}

#[test]
fn own_results_rechecked_with_another_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    tracehound()
        .arg("check")
        .arg(sample())
        .arg("-o")
        .arg(&first)
        .assert()
        .code(1);
    let bundle = shared().join("fixtures/mvt/stix2");
    let direct = tmp.path().join("direct");
    tracehound()
        .arg("check")
        .arg(sample())
        .arg("--iocs")
        .arg(&bundle)
        .arg("-o")
        .arg(&direct)
        .assert()
        .code(1);
    let re = tmp.path().join("re");
    recheck(&first, &bundle, &re).code(1);
    let expected = critical(&direct.join("alerts.json"));
    assert!(!expected.is_empty());
    assert_eq!(critical(&re.join("alerts.json")), expected);
    let info = read_json(&re.join("info.json"));
    assert_eq!(info["original"]["tool"], "tracehound");
    assert_eq!(info["original"]["acquisition"], "ios_backup");
    let old: Vec<&str> = info["original"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    let first_info = read_json(&first.join("info.json"));
    let bundled: Vec<&str> = first_info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(old, bundled);
    assert!(info["original"]["indicators"][0]["sha256"].is_string());
    let new: Vec<&str> = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(new.len(), 3, "{new:?}");
    // `tracehound check` recognises a results folder and re-checks it.
    let again = tmp.path().join("again");
    tracehound()
        .arg("check")
        .arg(&first)
        .arg("--iocs")
        .arg(&bundle)
        .arg("-o")
        .arg(&again)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is a results folder"));
    assert_eq!(critical(&again.join("alerts.json")), expected);
}

#[test]
fn refusals_and_damaged_files() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    copy_tree(&mvt_expected("ios_backup"), &copy);
    // Never into the folder re-checked (even with --force), nor inside it.
    for out in [copy.clone(), copy.join("sub")] {
        tracehound()
            .args(["check-iocs", "--force", "--iocs"])
            .arg(test_stix())
            .arg("-o")
            .arg(&out)
            .arg(&copy)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("results folder re-checked"));
    }
    assert!(copy.join("sms.json").exists());
    // A cut-off module file fails that module only.
    let sms = fs::read(copy.join("sms.json")).unwrap();
    fs::write(copy.join("sms.json"), &sms[..sms.len() / 2]).unwrap();
    let out = tmp.path().join("re");
    recheck(&copy, &test_stix(), &out).code(1);
    let info = read_json(&out.join("info.json"));
    let status = |m: &str| -> Value {
        info["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["module"] == m)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("sms"), "failed");
    assert_eq!(status("tcc"), "ok");
    let found: Vec<String> = critical(&out.join("alerts.json"))
        .into_iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(found, ["tcc", "whatsapp"]);
    // One module only; an unknown one is an error.
    let only = tmp.path().join("only");
    tracehound()
        .args(["check-iocs", "--module", "tcc", "--iocs"])
        .arg(test_stix())
        .arg("-o")
        .arg(&only)
        .arg(&copy)
        .assert()
        .code(1);
    assert_eq!(critical(&only.join("alerts.json")).len(), 1);
    tracehound()
        .args(["check-iocs", "--module", "calls", "--iocs"])
        .arg(test_stix())
        .arg(&copy)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no results of that module"));
    // Not a results folder.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    tracehound()
        .args(["check-iocs", "--iocs"])
        .arg(test_stix())
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a results folder"));
}
