//! Manifest records, timeline and missing-file count equal MVT's on its public backup.

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use tracehound_core::module::ModuleContext;
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::IosSource;
use tracehound_ios::MODULES;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt")
}

#[test]
fn manifest_records_match_mvt() {
    support::assert_parity("manifest");
    let records = support::run_module("manifest");
    assert_eq!(records.as_array().map(Vec::len), Some(3721));
}

/// Splits one line of MVT's timeline CSV (every field quoted, `""` for a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

#[test]
fn manifest_timeline_and_warnings_match_mvt() {
    let backup = IosBackup::open(&fixtures().join("ios_backup")).unwrap();
    let module = MODULES
        .iter()
        .find(|m| m.meta().slug == "manifest")
        .unwrap();
    let out = module
        .run(&backup as &dyn IosSource, &ModuleContext::empty())
        .unwrap();

    let mut ours: HashMap<(String, String, String), i64> = HashMap::new();
    let mut events = Vec::new();
    for i in 0..out.records.len() {
        out.records.timeline(i, &mut events);
    }
    for e in events {
        let ts = e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default();
        *ours.entry((ts, e.event, e.description)).or_default() += 1;
    }
    let csv = std::fs::read_to_string(fixtures().join("expected/ios_backup/timeline.csv")).unwrap();
    let mut theirs: HashMap<(String, String, String), i64> = HashMap::new();
    for line in csv.lines().skip(1) {
        let f = csv_fields(line);
        if f.get(1).map(String::as_str) == Some("Manifest") {
            *theirs
                .entry((f[0].clone(), f[2].clone(), f[3].clone()))
                .or_default() += 1;
        }
    }
    assert_eq!(theirs.values().sum::<i64>(), 5881);
    assert_eq!(ours, theirs);

    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].starts_with("1079 files"),
        "{}",
        out.warnings[0]
    );
    assert_eq!(out.stats.failed, 0);
}
