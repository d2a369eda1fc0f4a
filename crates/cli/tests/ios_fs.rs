//! `tracehound ios check-fs` and `tracehound check` on full-filesystem dumps: a folder and a
//! `.tar.gz` of it give the same detections; only modules that can read dumps run; inputs of an
//! archive are hashed from inside it; the dump is left unchanged.

mod common;

use common::*;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use tracehound_ios::webkit_origins;

const STIX: &str = r#"{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "malware", "spec_version": "2.1", "id": "malware--1", "name": "FsTest",
  "is_family": false},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--1",
  "pattern": "[process:name='rolexd']", "pattern_type": "stix"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--2",
  "pattern": "[file:path='/private/var/db/com.apple.xpc.roleaccountd.staging/']",
  "pattern_type": "stix"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--3",
  "pattern": "[domain-name:value='evil.example.net']", "pattern_type": "stix"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--1",
  "relationship_type": "indicates", "source_ref": "indicator--1", "target_ref": "malware--1"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--2",
  "relationship_type": "indicates", "source_ref": "indicator--2", "target_ref": "malware--1"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--3",
  "relationship_type": "indicates", "source_ref": "indicator--3", "target_ref": "malware--1"}
]}"#;

const SHUTDOWN: &str = "\
After 1.1s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 2.1s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 3.1s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1623837600]
";

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

fn sqlite(root: &Path, rel: &str, sql: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    rusqlite::Connection::open(&p)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

/// A small dump: a staged spyware binary, a shutdown log it held up, a cached response from
/// an indicator domain, website data stored by a frame embedded in a page of that domain (the
/// hashed WebKit layout of iOS 16 and later), and a network-usage row of a process whose binary
/// is gone.
fn dump(root: &Path) {
    write(
        root,
        "private/var/db/com.apple.xpc.roleaccountd.staging/rolexd",
        b"\xcf\xfa\xed\xfe",
    );
    write(
        root,
        "private/var/db/diagnostics/shutdown.log",
        SHUTDOWN.as_bytes(),
    );
    sqlite(
        root,
        "private/var/mobile/Containers/Data/Application/A/Library/Caches/x/Cache.db",
        "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY, version INTEGER,
           hash_value INTEGER, storage_policy INTEGER, request_key TEXT, time_stamp TEXT);
         INSERT INTO cfurl_cache_response VALUES
           (1, 0, 1, 0, 'https://evil.example.net/x', '2021-06-15 10:00:00');",
    );
    sqlite(
        root,
        "private/var/networkd/netusage.sqlite",
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP, ZTIMESTAMP,
           ZBUNDLENAME, ZPROCNAME);
         CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS, ZTIMESTAMP, ZWWANIN,
           ZWWANOUT);
         INSERT INTO ZPROCESS VALUES (1, 600000000, 600000100, NULL, 'bh');
         INSERT INTO ZLIVEUSAGE VALUES (1, 1, 600000050, 1, 2);",
    );
    let site = |host: &str| webkit_origins::SiteOrigin {
        protocol: "https".into(),
        host: host.into(),
        port: None,
    };
    write(
        root,
        "private/var/mobile/Containers/Data/Application/A/Library/WebKit/WebsiteData/Default/\
         T1/F1/origin",
        &webkit_origins::encode_origin_file(&webkit_origins::ClientOrigin {
            top: site("evil.example.net"),
            frame: site("cdn.example.com"),
        }),
    );
    write(
        root,
        "System/Library/CoreServices/SystemVersion.plist",
        b"x",
    );
}

/// Alerts per module and level.
fn counts(out: &Path) -> BTreeMap<String, usize> {
    let alerts = read_json(&out.join("alerts.json"));
    let mut m = BTreeMap::new();
    for a in alerts.as_array().unwrap() {
        let k = format!(
            "{} {}",
            a["module"].as_str().unwrap(),
            a["level"].as_str().unwrap()
        );
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

#[test]
fn folder_and_archive_give_the_same_detections() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dump");
    dump(&root);
    let stix = tmp.path().join("fs.stix2");
    fs::write(&stix, STIX).unwrap();
    let before = tree_hashes(&root);

    let out = tmp.path().join("out-folder");
    tracehound()
        .args(["ios", "check-fs", "--iocs"])
        .arg(&stix)
        .arg("-o")
        .arg(&out)
        .arg(&root)
        .assert()
        .code(1);
    let expected: BTreeMap<String, usize> = [
        ("cache_files CRITICAL", 1),
        ("filesystem CRITICAL", 3),
        ("netusage MEDIUM", 1),
        ("shutdown_log CRITICAL", 2),
        ("shutdown_log HIGH", 1),
        ("shutdown_log MEDIUM", 1),
        ("webkit_origins CRITICAL", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts(&out), expected);
    let info = read_json(&out.join("info.json"));
    assert_eq!(info["acquisition"], "ios_filesystem");
    let modules = info["modules"].to_string();
    assert!(modules.contains("\"shutdown_log\"") && modules.contains("\"sms\""));
    assert!(!modules.contains("\"manifest\"") && !modules.contains("\"backup_info\""));
    assert!(out.join("filesystem.json").is_file());
    assert_eq!(tree_hashes(&root), before, "the dump was modified");

    // The same tree as a .tar.gz, recognised by `check`, hashed from inside the archive.
    let archive = tmp.path().join("dump.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(&root)
        .arg(".")
        .status()
        .unwrap();
    assert!(status.success());
    let out2 = tmp.path().join("out-archive");
    tracehound()
        .args(["check", "--hashes", "--iocs"])
        .arg(&stix)
        .arg("-o")
        .arg(&out2)
        .arg(&archive)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is an iOS full-filesystem dump"));
    assert_eq!(counts(&out2), expected);
    let hashes = read_json(&out2.join("info.json"))["hashes"].clone();
    let hashes = hashes.as_array().unwrap();
    assert!(!hashes.is_empty());
    assert!(hashes
        .iter()
        .all(|h| h["sha256"].as_str().is_some_and(|s| s.len() == 64)));
}

#[test]
fn module_lists_follow_the_acquisition_kind() {
    let fs_list = tracehound()
        .args(["ios", "check-fs", "--list-modules"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let fs_list = String::from_utf8(fs_list).unwrap();
    assert!(fs_list.contains("shutdown_log") && fs_list.contains("sms "));
    assert!(!fs_list.contains("manifest ") && !fs_list.contains("backup_info"));
    let backup_list = tracehound()
        .args(["ios", "check-backup", "--list-modules"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let backup_list = String::from_utf8(backup_list).unwrap();
    assert!(backup_list.contains("manifest") && !backup_list.contains("shutdown_log"));
}

#[test]
fn not_a_dump_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "notes.txt", b"x");
    tracehound()
        .args(["ios", "check-fs"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an iOS full-filesystem dump"));
}
