//! Parity with MVT's `check-bugreport` on its unpacked bugreport
//! (`../shared/fixtures/mvt/android_data/bugreport/`, expected results in
//! `expected/android_bugreport/`): the same records for every module MVT wrote, no records for
//! the ones it did not, and the same heuristic alerts.
//!
//! Deliberate differences, applied before comparing:
//! - file times in an unpacked bugreport are the checkout's, not the device's: the
//!   `file_timestamp`/`modified_time*` values are not compared, only present;
//! - `bugreport_timestamps` is compared as a set (MVT lists files in directory order, we sort).

mod support;

use serde_json::Value;
use support::{covers, records_json, shared};
use tracehound_android::bugreport::open_bugreport;
use tracehound_android::{AndroidAcquisition, AndroidSource, BUGREPORT_MODULES};
use tracehound_core::module::ModuleContext;
use tracehound_core::{Level, ModuleError, ModuleOutput};
use tracehound_evidence::archive::Limits;

fn acquisition() -> AndroidAcquisition {
    open_bugreport(&shared().join("android_data/bugreport"), Limits::default()).unwrap()
}

fn run(ev: &AndroidAcquisition, slug: &str) -> Result<ModuleOutput, ModuleError> {
    let m = BUGREPORT_MODULES
        .iter()
        .find(|m| m.meta().slug == slug)
        .unwrap_or_else(|| panic!("no module {slug}"));
    m.run(ev as &dyn AndroidSource, &ModuleContext::empty())
}

/// Replaces checkout-dependent file times with a placeholder, on both sides.
fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(
                    k.as_str(),
                    "file_timestamp" | "modified_time" | "modified_time_utc"
                ) && x.is_string()
                {
                    *x = Value::String("<file time>".into());
                } else {
                    scrub(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

fn expected(slug: &str) -> Value {
    let p = shared().join(format!("expected/android_bugreport/{slug}.json"));
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn records_match_mvt() {
    let ev = acquisition();
    for slug in [
        "dumpsys_appops",
        "dumpsys_packages",
        "dumpsys_platform_compat",
        "tombstones",
        "bugreport_timestamps",
    ] {
        let out = run(&ev, slug).unwrap_or_else(|e| panic!("{slug}: {e}"));
        let (mut ours, mut theirs) = (records_json(&out), expected(slug));
        scrub(&mut ours);
        scrub(&mut theirs);
        if slug == "bugreport_timestamps" {
            for v in [&mut ours, &mut theirs] {
                if let Value::Array(a) = v {
                    a.sort_by_key(|x| x["path"].as_str().unwrap_or("").to_string());
                }
            }
        }
        let mut diffs = Vec::new();
        covers(&ours, &theirs, slug, &mut diffs);
        assert!(diffs.is_empty(), "{slug}:\n{}", diffs.join("\n"));
        assert_eq!(out.stats.failed, 0, "{slug}: {:?}", out.warnings);
    }
}

#[test]
fn modules_mvt_found_nothing_for_yield_nothing() {
    let ev = acquisition();
    for m in BUGREPORT_MODULES {
        let slug = m.meta().slug;
        let written = shared()
            .join(format!("expected/android_bugreport/{slug}.json"))
            .exists();
        match run(&ev, slug) {
            // No records: no results file, as MVT.
            Ok(out) => assert_eq!(written, !out.records.is_empty(), "{slug}"),
            Err(ModuleError::NotFound(_)) => assert!(!written, "{slug} not found"),
            Err(e) => panic!("{slug}: {e}"),
        }
    }
}

#[test]
fn heuristic_alerts_match_mvt() {
    let ev = acquisition();
    let mut ours: Vec<(String, Level, String)> = Vec::new();
    for m in BUGREPORT_MODULES {
        if let Ok(out) = run(&ev, m.meta().slug) {
            for a in &out.alerts {
                ours.push((m.meta().slug.to_string(), a.level, a.message.clone()));
            }
        }
    }
    let theirs = expected("alerts");
    let mut theirs: Vec<(String, Level, String)> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["module"].as_str().unwrap().to_string(),
                serde_json::from_value(a["level"].clone()).unwrap(),
                a["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    ours.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    theirs.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    assert_eq!(ours, theirs);
}

#[test]
fn zipped_bugreport_reads_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("bugreport.zip");
    let root = shared().join("android_data/bugreport");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for e in walk(&root) {
        let rel = e
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(rel, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(&e).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let ev = open_bugreport(&zip_path, Limits::default()).unwrap();
    for slug in ["dumpsys_appops", "dumpsys_packages", "tombstones"] {
        let a = records_json(&run(&ev, slug).unwrap());
        let b = records_json(&run(&acquisition(), slug).unwrap());
        assert_eq!(
            a.as_array().unwrap().len(),
            b.as_array().unwrap().len(),
            "{slug}"
        );
    }
    let ts = records_json(&run(&ev, "bugreport_timestamps").unwrap());
    assert_eq!(ts[0]["timestamp_source"], "zip_metadata");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
