//! DataUsage records equal MVT's on its public backup, and the one hole in ZPROCESS's ids is
//! reported as MVT reports it.
//!
//! MVT appends a placeholder record (`MISSING [follows …]`) for each missing process id; we
//! report the hole as an alert only, so those placeholders are left out of the comparison.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use tracehound_core::module::ModuleContext;
use tracehound_core::Level;
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::IosSource;
use tracehound_ios::MODULES;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt")
}

/// Equal, except that `YYYY-MM-DD HH:MM:SS.ffffff` strings only need equal seconds.
fn same(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::String(a), Value::String(b)) if a.len() == 26 && b.len() == 26 => {
            a.get(..19) == b.get(..19)
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

#[test]
fn datausage_records_match_mvt() {
    let ours = support::run_module("datausage");
    let ours = ours.as_array().unwrap();
    let path = fixtures().join("expected/ios_backup/datausage.json");
    let theirs: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let theirs: Vec<&Value> = theirs
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            !r["proc_name"]
                .as_str()
                .unwrap_or("")
                .starts_with("MISSING [")
        })
        .collect();
    assert_eq!(theirs.len(), 41);
    assert_eq!(ours.len(), 41);
    let mut diffs = Vec::new();
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        for (k, bv) in b.as_object().unwrap() {
            match a.get(k) {
                Some(av) if same(av, bv) => {}
                other => diffs.push(format!("[{i}].{k}: ours {other:?} MVT {bv}")),
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn datausage_reports_the_missing_process_once() {
    let backup = IosBackup::open(&fixtures().join("ios_backup")).unwrap();
    let module = MODULES
        .iter()
        .find(|m| m.meta().slug == "datausage")
        .unwrap();
    let out = module
        .run(&backup as &dyn IosSource, &ModuleContext::empty())
        .unwrap();
    assert_eq!(out.alerts.len(), 1, "{:?}", out.alerts);
    let alert = &out.alerts[0];
    assert_eq!(alert.level, Level::Low);
    let record = out.records.record_json(alert.record.unwrap());
    assert_eq!(record["proc_id"], 4);
    assert_eq!(
        record["proc_name"],
        "1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness"
    );
    assert!(alert.message.contains("id 5"), "{}", alert.message);
    assert_eq!(
        alert.event_time.map(|t| t.to_mvt_string()).as_deref(),
        Some("2019-08-27 15:08:09.253102")
    );
}

#[test]
fn datausage_timeline_matches_mvt() {
    let backup = IosBackup::open(&fixtures().join("ios_backup")).unwrap();
    let module = MODULES
        .iter()
        .find(|m| m.meta().slug == "datausage")
        .unwrap();
    let out = module
        .run(&backup as &dyn IosSource, &ModuleContext::empty())
        .unwrap();
    let mut ours = Vec::new();
    for i in 0..out.records.len() {
        out.records.timeline(i, &mut ours);
    }
    let csv = std::fs::read_to_string(fixtures().join("expected/ios_backup/timeline.csv")).unwrap();
    let theirs: Vec<String> = csv
        .lines()
        .filter(|l| l.contains("\"Datausage\"") && !l.contains("MISSING ["))
        .map(str::to_string)
        .collect();
    let mut ours: Vec<String> = ours
        .iter()
        .map(|e: &tracehound_core::TimelineEvent| {
            format!(
                "\"{}\",\"Datausage\",\"{}\",\"{}\"",
                e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default(),
                e.event,
                e.description
            )
        })
        .collect();
    // The runner sorts and deduplicates timeline events, as MVT does.
    let mut theirs = theirs;
    ours.sort();
    ours.dedup();
    theirs.sort();
    let missing: Vec<_> = theirs.iter().filter(|l| !ours.contains(l)).collect();
    let extra: Vec<_> = ours.iter().filter(|l| !theirs.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(ours.len(), 60 - 1);
}
