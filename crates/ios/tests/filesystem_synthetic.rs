//! Filesystem on a synthetic dump: every file and folder with its time, paths as MVT writes
//! them, absolute paths, names and components as observables; links refused, not listed; no
//! listing in a backup.

#[path = "support/dump.rs"]
mod dump;
#[path = "support/synthetic.rs"]
mod synthetic;

use dump::{observables, records_json, run, timeline, SyntheticDump};
use serde_json::json;
use tracehound_core::ModuleError;

const STAGED: &str = "private/var/db/com.apple.xpc.roleaccountd.staging/rolexd";

#[test]
fn every_entry_with_its_time() {
    let mut d = SyntheticDump::new("filesystem");
    d.add(STAGED, b"x")
        .add(
            "private/var/mobile/Library/Preferences/roleaccountd.plist",
            b"x",
        )
        .add("System/Library/x", b"x");
    std::os::unix::fs::symlink("/etc/passwd", d.dir().join("private/var/link")).unwrap();
    let dump = d.open();
    assert!(dump
        .warnings()
        .iter()
        .any(|w| w.contains("private/var/link")));
    let out = run("filesystem", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    let paths: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "System",
            "System/Library",
            "System/Library/x",
            "private",
            "private/var",
            "private/var/db",
            "private/var/db/com.apple.xpc.roleaccountd.staging",
            STAGED,
            "private/var/mobile",
            "private/var/mobile/Library",
            "private/var/mobile/Library/Preferences",
            "private/var/mobile/Library/Preferences/roleaccountd.plist",
        ]
    );
    assert_eq!(
        r[7],
        json!({"path": STAGED, "modified": "2021-06-15 10:00:00.000000"})
    );
    assert_eq!(
        observables(&out, 7),
        [
            ("FilePath".into(), format!("/{STAGED}")),
            ("FileName".into(), "rolexd".into()),
            ("PathComponents".into(), format!("/{STAGED}")),
        ]
    );
    let t = timeline(&out);
    assert_eq!(t.len(), 12);
    assert_eq!(
        t[7],
        format!("2021-06-15 10:00:00.000000 entry_modified {STAGED}")
    );
    assert!(out.alerts.is_empty());
}

#[test]
fn archives_without_folder_entries_still_list_folders() {
    let mut d = SyntheticDump::new("filesystem-tar");
    d.add(STAGED, b"x").add("private/var/mobile/a", b"y");
    let dump = d.open_tar_gz();
    let out = run("filesystem", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    assert_eq!(r.as_array().unwrap().len(), 7);
    // Implied folders have no time.
    assert_eq!(r[0], json!({"path": "private", "modified": ""}));
    assert_eq!(r[4]["modified"], "2021-06-15 10:00:00.000000");
}

#[test]
fn a_backup_has_no_listing() {
    let b = synthetic::SyntheticBackup::new("filesystem-backup");
    let backup = b.open();
    match run("filesystem", &backup) {
        Err(ModuleError::NotFound(_)) => {}
        other => panic!(
            "expected NotFound, got {:?}",
            other.map(|o| o.records.len())
        ),
    }
}
