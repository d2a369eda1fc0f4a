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
