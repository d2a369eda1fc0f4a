//! BackupInfo equals MVT's on its public backup. MVT writes this module's result as one JSON
//! object; we write a list of one record, which must equal it.

mod support;

use serde_json::Value;
use std::path::PathBuf;

#[test]
fn backup_info_matches_mvt() {
    let ours = support::run_module("backup_info");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/mvt/expected/ios_backup/backup_info.json");
    let theirs: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let ours = ours.as_array().unwrap();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0], theirs);
    // Same keys in the same order.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&ours[0]), keys(&theirs));
}
