//! The evidence tree's hashes (and modification times) are the same before and after a run,
//! and a run writes nothing inside it.

mod common;

use common::*;

#[test]
fn check_backup_does_not_modify_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let evidence = tmp.path().join("backup");
    copy_tree(&mvt_backup(), &evidence);
    // A -wal beside Manifest.db makes the case where a naive open would checkpoint.
    let before = tree_hashes(&evidence);
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--hashes", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(&evidence)
        .assert()
        .code(1);
    let after = tree_hashes(&evidence);
    assert_eq!(before, after, "evidence tree changed");
    let info = read_json(&out.join("info.json"));
    let hashes = info["hashes"].as_array().unwrap();
    assert!(hashes.iter().any(|h| h["path"] == "Manifest.db"));
    for h in hashes {
        let path = evidence.join(h["path"].as_str().unwrap());
        assert!(path.is_file(), "{path:?}");
        assert_eq!(h["sha256"].as_str().unwrap().len(), 64);
    }
}
