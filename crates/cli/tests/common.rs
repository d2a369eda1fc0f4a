//! Shared helpers for the CLI tests.
#![allow(dead_code)] // each test binary uses part of it

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every proxy variable an HTTP client may read (tests that talk to a local server remove
/// them, so a proxy on the test machine cannot get in the way).
pub const PROXY_VARS: [&str; 8] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
];

pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

pub fn mvt_backup() -> PathBuf {
    shared().join("fixtures/mvt/ios_backup")
}

pub fn test_stix() -> PathBuf {
    shared().join("fixtures/mvt/stix2/test.stix2")
}

pub fn tracehound() -> Command {
    let mut c = Command::cargo_bin("tracehound").unwrap();
    // An empty data folder: indicators a developer downloaded must not change the results.
    c.env_remove("TRACEHOUND_IOCS")
        .env("TRACEHOUND_DATA_DIR", env!("CARGO_TARGET_TMPDIR"))
        .env("NO_COLOR", "1");
    c
}

/// Copies a folder tree (regular files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// SHA-256 of every file under `root`, and the list of every entry, keyed by relative path.
pub fn tree_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        let digest = if e.file_type().is_file() {
            hex::encode(Sha256::digest(fs::read(e.path()).unwrap()))
        } else {
            format!("{:?}", e.file_type())
        };
        let mtime = e.metadata().unwrap().modified().unwrap();
        out.insert(rel, format!("{digest} {mtime:?}"));
    }
    out
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An alert's identity when compared with MVT's: module, level and the indicator matched.
fn alert_key(a: &serde_json::Value) -> (String, String, serde_json::Value) {
    let ioc = &a["matched_indicator"];
    let ioc_key = if ioc.is_null() {
        serde_json::Value::Null
    } else {
        serde_json::json!([
            ioc["value"],
            ioc["type"],
            ioc["name"],
            ioc["stix2_file_name"]
        ])
    };
    (
        a["module"].as_str().unwrap_or_default().to_string(),
        a["level"].as_str().unwrap_or_default().to_string(),
        ioc_key,
    )
}

/// Whether `ours` is the record `theirs` (MVT's): every field MVT wrote is ours with the same
/// value, nested ones alike; numbers compare as numbers, and MVT-form times to the second
/// (MVT truncates some sub-second times).
pub fn same_event(ours: &serde_json::Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (ours, theirs) {
        (Value::Object(o), Value::Object(t)) => t
            .iter()
            .all(|(k, v)| o.get(k).is_some_and(|mine| same_event(mine, v))),
        (Value::Array(o), Value::Array(t)) => {
            o.len() == t.len() && o.iter().zip(t).all(|(a, b)| same_event(a, b))
        }
        (Value::String(a), Value::String(b)) if a.len() == 26 && b.len() == 26 => {
            a.get(..19) == b.get(..19)
        }
        (a, b) => a == b || a.as_f64().is_some() && a.as_f64() == b.as_f64(),
    }
}

/// Asserts that our alerts are MVT's: each of theirs raised by us (same module, level,
/// indicator and record), and none besides.
pub fn assert_alerts_match_mvt(ours: &serde_json::Value, theirs: &[serde_json::Value]) {
    let ours = ours.as_array().expect("alerts.json is an array");
    let same = |o: &serde_json::Value, t: &serde_json::Value| {
        alert_key(o) == alert_key(t) && same_event(&o["event"], &t["event"])
    };
    let missing: Vec<String> = theirs
        .iter()
        .filter(|t| !ours.iter().any(|o| same(o, t)))
        .map(|t| format!("{:?}: {}", alert_key(t), t["message"]))
        .collect();
    let extra: Vec<String> = ours
        .iter()
        .filter(|o| !theirs.iter().any(|t| same(o, t)))
        .map(|o| format!("{:?}: {}", alert_key(o), o["message"]))
        .collect();
    assert!(
        missing.is_empty(),
        "MVT alerts we do not raise:\n{}",
        missing.join("\n")
    );
    assert!(
        extra.is_empty(),
        "alerts MVT does not raise:\n{}",
        extra.join("\n")
    );
    assert_eq!(ours.len(), theirs.len());
}
