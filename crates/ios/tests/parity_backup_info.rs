//! BackupInfo equals MVT's on its public backup: one JSON object, as MVT writes it.

mod support;

use serde_json::Value;
use std::path::PathBuf;

#[test]
fn backup_info_matches_mvt() {
    let ours = support::run_module("backup_info");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/mvt/expected/ios_backup/backup_info.json");
    let theirs: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(ours, theirs);
    // Same keys in the same order.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&ours), keys(&theirs));
}
