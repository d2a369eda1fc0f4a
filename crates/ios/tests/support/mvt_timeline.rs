//! Timeline parity with MVT on its public backup, and running a module there with its full
//! output. Include with `#[path = "support/mvt_timeline.rs"] mod mvt_timeline;`.
#![allow(dead_code)] // each test binary uses part of it

use std::path::PathBuf;
use tracehound_core::module::ModuleContext;
use tracehound_core::ModuleOutput;
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::IosSource;
use tracehound_ios::MODULES;

pub fn mvt() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt")
}

pub fn run(slug: &str) -> ModuleOutput {
    let backup = IosBackup::open(&mvt().join("ios_backup")).unwrap();
    let module = MODULES.iter().find(|m| m.meta().slug == slug).unwrap();
    module
        .run(&backup as &dyn IosSource, &ModuleContext::empty())
        .unwrap()
}

/// Splits one line of MVT's timeline.csv (every field quoted, `""` escaping quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Our timeline (as the runner builds it: sorted, deduplicated) against MVT's rows for `plugin`.
pub fn assert_timeline(out: &ModuleOutput, plugin: &str, expected_rows: usize) {
    let mut ours = Vec::new();
    for i in 0..out.records.len() {
        out.records.timeline(i, &mut ours);
    }
    ours.sort();
    ours.dedup();
    let mut ours: Vec<Vec<String>> = ours
        .into_iter()
        .map(|e| {
            let ts = e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default();
            vec![ts, e.event, e.description]
        })
        .collect();
    let csv = std::fs::read_to_string(mvt().join("expected/ios_backup/timeline.csv")).unwrap();
    let mut theirs: Vec<Vec<String>> = csv
        .lines()
        .map(csv_fields)
        .filter(|f| f.get(1).map(String::as_str) == Some(plugin))
        .map(|mut f| {
            f.remove(1);
            f
        })
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(theirs.len(), expected_rows);
    assert_eq!(ours, theirs);
}
