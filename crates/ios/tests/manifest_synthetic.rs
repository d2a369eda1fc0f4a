//! The Manifest module on synthetic backups: missing files, damaged metadata, timeline grouping,
//! observables, and speed on a large manifest.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use synthetic::{mbfile_blob, MbMeta, SyntheticBackup};
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, InputFile, ModuleError};
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::{Artifact, Db, EvidenceError, FoundFile, IosSource};
use tracehound_ios::manifest::Manifest;
use tracehound_ios::IosModule;

const T0: i64 = 1_600_000_000; // 2020-09-13 12:26:40
const T1: i64 = 1_600_003_600; // 2020-09-13 13:26:40

fn meta(birth: i64, modified: i64, changed: i64, mode: i64) -> Vec<u8> {
    mbfile_blob(&MbMeta {
        birth,
        last_modified: modified,
        last_status_change: changed,
        mode,
        user_id: 501,
        size: 42,
    })
}

const LOCAL_STORAGE: &str =
    "Library/WebKit/WebsiteData/LocalStorage/https_evil.example.com_0.localstorage";

fn sample() -> SyntheticBackup {
    let mut b = SyntheticBackup::new("manifest");
    b.add_entry("HomeDomain", "", 2, Some(meta(T0, T0, T0, 0o40755)), None);
    b.add_entry(
        "AppDomain-com.example",
        LOCAL_STORAGE,
        1,
        Some(meta(T0, T1, T1, 0o100644)),
        Some(b"data"),
    );
    b.add_entry(
        "AppDomain-com.example",
        "Documents/gone.db",
        1,
        Some(meta(T0, T0, T1, 0o100600)),
        None,
    );
    b.add_entry(
        "AppDomain-com.example",
        "Documents/noblob",
        1,
        None,
        Some(b"x"),
    );
    b.add_entry(
        "AppDomain-com.example",
        "Documents/badblob",
        1,
        Some(b"not a plist".to_vec()),
        Some(b"x"),
    );
    b.add_entry(
        "AppDomain-com.example",
        "link",
        4,
        Some(meta(T1, T0, T0, 0o120755)),
        None,
    );
    b
}

#[test]
fn entries_with_times_missing_files_and_damaged_metadata() {
    let b = sample();
    let out = synthetic::run("manifest", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(records.as_array().unwrap().len(), 6);
    assert_eq!(
        records[0],
        json!({
            "file_id": synthetic::file_id("HomeDomain", ""),
            "domain": "HomeDomain",
            "relative_path": "",
            "flags": 2,
            "created": "2020-09-13 12:26:40.000000",
            "modified": "2020-09-13 12:26:40.000000",
            "status_changed": "2020-09-13 12:26:40.000000",
            "mode": "0o40755",
            "owner": 501,
            "size": 42
        })
    );
    // Listed, a regular file, absent from the folder: marked, right after "created" as MVT does.
    let gone = records[2].as_object().unwrap();
    let keys: Vec<&str> = gone.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "file_id",
            "domain",
            "relative_path",
            "flags",
            "created",
            "missing",
            "modified",
            "status_changed",
            "mode",
            "owner",
            "size"
        ]
    );
    assert_eq!(gone["missing"], json!(true));
    assert!(records[1].get("missing").is_none());
    // Links and folders are never stored, so never missing.
    assert!(records[5].get("missing").is_none());
    // No blob, or an unreadable one: the entry is kept, without metadata.
    for i in [3, 4] {
        let r = records[i].as_object().unwrap();
        assert_eq!(r["created"], json!(""));
        assert_eq!(r.len(), 5, "{r:?}");
    }
    assert_eq!(out.stats.ok, 5);
    assert_eq!(out.stats.failed, 1);
    assert_eq!(
        out.warnings,
        [
            "1 file listed in Manifest.db is missing from the backup folder; the backup may be \
             incomplete",
            "1 entries of Manifest.db have unreadable metadata (listed without times)"
        ]
    );
    assert!(out.alerts.is_empty());
}

#[test]
fn timeline_groups_equal_times_macb_style() {
    let b = sample();
    let out = synthetic::run("manifest", &b.open()).unwrap();
    let events: Vec<(String, String, String)> = synthetic::timeline(&out)
        .into_iter()
        .map(|e| {
            let ts = e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default();
            (ts, e.event, e.description)
        })
        .collect();
    let t0 = "2020-09-13 12:26:40.000000".to_string();
    let t1 = "2020-09-13 13:26:40.000000".to_string();
    let ls = format!("{LOCAL_STORAGE} - AppDomain-com.example");
    let ev = |t: &String, e: &str, d: &str| (t.clone(), e.to_string(), d.to_string());
    assert_eq!(
        events,
        [
            ev(&t0, "M-CB", " - HomeDomain"),
            ev(&t0, "---B", &ls),
            ev(&t1, "M-C-", &ls),
            ev(&t0, "M--B", "Documents/gone.db - AppDomain-com.example"),
            ev(&t1, "--C-", "Documents/gone.db - AppDomain-com.example"),
            ev(&t1, "---B", "link - AppDomain-com.example"),
            ev(&t0, "M-C-", "link - AppDomain-com.example"),
        ]
    );
}

#[test]
fn paths_and_host_names_in_file_names_are_observables() {
    let b = sample();
    let out = synthetic::run("manifest", &b.open()).unwrap();
    let obs = synthetic::observables(&out, 1);
    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        obs,
        [
            o("FilePath", &format!("/{LOCAL_STORAGE}")),
            o("PathComponents", LOCAL_STORAGE),
            o("Url", "evil.example.com"),
            o("Url", "0.localstorage"),
        ]
    );
    // The domain root has no path to match.
    assert!(synthetic::observables(&out, 0).is_empty());
}

/// A filesystem dump: no manifest.
struct NotABackup;

impl IosSource for NotABackup {
    fn kind(&self) -> AcquisitionKind {
        AcquisitionKind::IosFilesystem
    }
    fn find(&self, _: &Artifact) -> Result<Vec<FoundFile>, EvidenceError> {
        Ok(Vec::new())
    }
    fn read(&self, f: &FoundFile) -> Result<Vec<u8>, EvidenceError> {
        Err(EvidenceError::Refused {
            path: f.path.clone(),
            reason: "test".into(),
        })
    }
    fn open_sqlite(&self, f: &FoundFile) -> Result<Db, EvidenceError> {
        Err(EvidenceError::Refused {
            path: f.path.clone(),
            reason: "test".into(),
        })
    }
    fn inputs(&self) -> Vec<InputFile> {
        Vec::new()
    }
}

#[test]
fn not_found_without_a_backup() {
    let module: &IosModule = &Manifest;
    let r = module.run(&NotABackup, &ModuleContext::empty());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}

/// Times a 300,000-entry manifest built from the real blobs of MVT's backup. Run with
/// `cargo test --release -p tracehound-ios --test manifest_synthetic -- --ignored --nocapture`.
#[test]
#[ignore]
fn large_manifest_speed() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/mvt/ios_backup/Manifest.db");
    let src = rusqlite::Connection::open(fixture).unwrap();
    let mut stmt = src
        .prepare("SELECT domain, relativePath, flags, file FROM Files")
        .unwrap();
    let rows: Vec<(String, String, i64, Option<Vec<u8>>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut b = SyntheticBackup::new("manifest-speed");
    let mut n = 0;
    'outer: for copy in 0.. {
        for (d, p, f, blob) in &rows {
            b.add_entry(d, &format!("{p}/{copy}"), *f, blob.clone(), None);
            n += 1;
            if n == 300_000 {
                break 'outer;
            }
        }
    }
    let backup = b.open();
    let t = Instant::now();
    let backup = IosBackup::open(backup.root()).unwrap();
    let opened = t.elapsed();
    let out = synthetic::run("manifest", &backup).unwrap();
    let ran = t.elapsed() - opened;
    let mut buf = Vec::new();
    out.records.write_json(&mut buf).unwrap();
    let written = t.elapsed() - opened - ran;
    println!(
        "{} entries: open {opened:?}, module {ran:?}, JSON {written:?} ({} MB)",
        out.records.len(),
        buf.len() >> 20
    );
    assert_eq!(out.records.len(), 300_000);
}
