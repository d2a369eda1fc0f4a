//! Shared test support. Record parity with MVT on its public test backup: for each module, every record MVT wrote
//! (`../shared/fixtures/mvt/expected/ios_backup/<slug>.json`) must appear in ours with the same
//! values, field by field.
//!
//! Deliberate differences, applied to MVT's side before comparing:
//! - timestamps: MVT truncates 18-digit nanosecond dates to whole seconds; we keep the
//!   microseconds. Two `YYYY-MM-DD HH:MM:SS.ffffff` strings are equal when their seconds are.
//! - we may add fields MVT does not have (extra keys in our records are allowed).
#![allow(dead_code)] // each test binary uses part of it

use serde_json::Value;
use std::path::PathBuf;
use tracehound_core::module::ModuleContext;
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::IosSource;
use tracehound_ios::MODULES;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt")
}

fn is_mvt_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 26 && b[4] == b'-' && b[10] == b' ' && b[19] == b'.'
}

/// Whether `ours` carries everything `theirs` (MVT's) has, under the documented tolerances.
fn covers(ours: &Value, theirs: &Value, path: &str, diffs: &mut Vec<String>) {
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

/// Runs module `slug` on MVT's backup and returns its records as JSON.
pub fn run_module(slug: &str) -> Value {
    let backup = IosBackup::open(&shared().join("ios_backup")).unwrap();
    let module = MODULES.iter().find(|m| m.meta().slug == slug).unwrap();
    let out = module
        .run(&backup as &dyn IosSource, &ModuleContext::empty())
        .unwrap_or_else(|e| panic!("{slug}: {e}"));
    let mut buf = Vec::new();
    out.records.write_json(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

pub fn assert_parity(slug: &str) {
    let ours = run_module(slug);
    let expected_path = shared().join(format!("expected/ios_backup/{slug}.json"));
    let theirs: Value = serde_json::from_slice(&std::fs::read(&expected_path).unwrap()).unwrap();
    let mut diffs = Vec::new();
    covers(&ours, &theirs, slug, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
