//! Shared test support: running androidqf modules on MVT's public fixtures and comparing our
//! records with MVT's (`../shared/fixtures/mvt/expected/androidqf*/<slug>.json`).
//!
//! Comparison rules (as for iOS): every key MVT wrote must be in our record with the same value;
//! we may add keys. Two MVT-form timestamps are equal when their seconds are.
#![allow(dead_code)] // each test binary uses part of it

use serde_json::Value;
use std::path::{Path, PathBuf};
use tracehound_android::{AndroidAcquisition, AndroidSource, ANDROIDQF_MODULES};
use tracehound_core::module::ModuleContext;
use tracehound_core::{ModuleError, ModuleOutput};
use tracehound_evidence::archive::Limits;

pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt")
}

pub fn open(path: &Path) -> AndroidAcquisition {
    AndroidAcquisition::open_androidqf(path, Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn run(ev: &(dyn AndroidSource + 'static), slug: &str) -> Result<ModuleOutput, ModuleError> {
    let module = ANDROIDQF_MODULES
        .iter()
        .find(|m| m.meta().slug == slug)
        .unwrap_or_else(|| panic!("no module {slug}"));
    module.run(ev, &ModuleContext::empty())
}

pub fn records_json(out: &ModuleOutput) -> Value {
    let mut buf = Vec::new();
    out.records.write_json(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

fn is_mvt_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 26 && b[4] == b'-' && b[10] == b' ' && b[19] == b'.'
}

pub fn covers(ours: &Value, theirs: &Value, path: &str, diffs: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::String(a), Value::String(b)) if is_mvt_time(a) && is_mvt_time(b) => {
            if a[..19] != b[..19] {
                diffs.push(format!("{path}: ours {a:?} MVT {b:?}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) => covers(av, bv, &format!("{path}.{k}"), diffs),
                    None => diffs.push(format!("{path}.{k}: missing (MVT has {bv})")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                diffs.push(format!("{path}: {} items, MVT has {}", a.len(), b.len()));
                return;
            }
            for (i, (av, bv)) in a.iter().zip(b).enumerate() {
                covers(av, bv, &format!("{path}[{i}]"), diffs);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{path}: ours {a} MVT {b}")),
    }
}

/// Asserts that module `slug` on `ev` yields MVT's records from `expected_dir/<slug>.json`.
pub fn assert_parity(ev: &(dyn AndroidSource + 'static), slug: &str, expected_dir: &str) {
    let out = run(ev, slug).unwrap_or_else(|e| panic!("{slug}: {e}"));
    let ours = records_json(&out);
    let path = shared()
        .join("expected")
        .join(expected_dir)
        .join(format!("{slug}.json"));
    let theirs: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut diffs = Vec::new();
    covers(&ours, &theirs, slug, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    assert_eq!(out.stats.failed, 0, "{slug}: {:?}", out.warnings);
}
