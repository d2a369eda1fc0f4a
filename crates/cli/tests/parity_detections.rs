//! Detection parity with MVT on its public backup and test indicators: every alert MVT raised
//! (`expected/ios_backup/alerts.json`) is raised by us with the same module, level, indicator and
//! record; and every alert we raise is one of MVT's.

mod common;

use common::*;

#[test]
fn alerts_match_mvt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt_backup())
        .assert()
        .code(1);
    let theirs = read_json(&shared().join("fixtures/mvt/expected/ios_backup/alerts.json"));
    assert_alerts_match_mvt(
        &read_json(&out.join("alerts.json")),
        theirs.as_array().unwrap(),
    );
}
