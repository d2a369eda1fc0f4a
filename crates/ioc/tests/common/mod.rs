//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/` next to the repository checkout, holding the public bundles and MVT fixtures.
pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// A bundle with one malware ("Evil") and one indicator per pattern, each tied to it.
pub fn bundle(patterns: &[&str]) -> Vec<u8> {
    let mut objects = vec![serde_json::json!({
        "type": "malware", "id": "malware--1", "name": "Evil", "is_family": false
    })];
    for (i, p) in patterns.iter().enumerate() {
        objects.push(serde_json::json!({
            "type": "indicator", "id": format!("indicator--{i}"),
            "pattern": p, "pattern_type": "stix"
        }));
        objects.push(serde_json::json!({
            "type": "relationship", "id": format!("relationship--{i}"),
            "relationship_type": "indicates",
            "source_ref": format!("indicator--{i}"), "target_ref": "malware--1"
        }));
    }
    serde_json::json!({"type": "bundle", "id": "bundle--1", "objects": objects})
        .to_string()
        .into_bytes()
}
