//! End-to-end checks of a generated dump: every filesystem-capable module finds in the folder
//! and in its `.tar.gz` exactly the records the expected file announces, every planted
//! indicator is carried by a record of its module, every planted heuristic raises its alert,
//! and the same seed gives the same archive bytes.

use super::{run, Options};
use std::path::{Path, PathBuf};
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, ModuleError, ModuleOutput, Observable};
use tracehound_evidence::IosFsDump;
use tracehound_ios::MODULES;

fn generate(dir: &Path, seed: u64) -> (PathBuf, crate::plant::Expected) {
    let out = dir.join("dump");
    let o = Options {
        out: out.clone(),
        scale: 3000,
        seed,
        tar: true,
    };
    let expected = run(&o).expect("generate");
    (out, expected)
}

/// Whether an observable of `out`'s records carries the planted value.
fn carried(out: &ModuleOutput, kind: &str, value: &str) -> bool {
    let mut obs: Vec<Observable<'_>> = Vec::new();
    (0..out.records.len()).any(|i| {
        obs.clear();
        out.records.observables(i, &mut obs);
        obs.iter().any(|o| {
            let v = o.value();
            match kind {
                "domain-name" | "url" | "email-addr" => v.contains(value),
                "file:path" => v == value,
                _ => {
                    v == value
                        || v.rsplit('/').next() == Some(value)
                        || v.contains(&format!("/{value}"))
                }
            }
        })
    })
}

#[test]
fn generated_dump_gives_the_announced_records_and_detections() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (out, expected) = generate(tmp.path(), 5);
    let folder = IosFsDump::open(&out).expect("folder");
    let archive = IosFsDump::open(&out.with_extension("tar.gz")).expect("archive");
    for dump in [&folder, &archive] {
        for m in MODULES {
            let meta = m.meta();
            if !meta.kinds.contains(&AcquisitionKind::IosFilesystem) {
                continue;
            }
            let result = m.run(dump, &ModuleContext::empty());
            let Some(&n) = expected.records.get(meta.slug) else {
                assert!(
                    matches!(result, Err(ModuleError::NotFound(_))),
                    "{}: not announced but ran",
                    meta.slug
                );
                continue;
            };
            let got = result.unwrap_or_else(|e| panic!("{}: {e}", meta.slug));
            assert_eq!(got.records.len() as u64, n, "{} records", meta.slug);
            for d in expected.detections.iter().filter(|d| d.module == meta.slug) {
                if d.indicator.kind == "heuristic" {
                    let level = d.record["level"].as_str();
                    let Some(level) = level else { continue };
                    let what = d.indicator.value.split(": ").nth(1).unwrap_or_default();
                    assert!(
                        got.alerts
                            .iter()
                            .any(|a| a.level.as_str() == level && a.message.contains(what)),
                        "{}: no {level} alert about {what}",
                        meta.slug
                    );
                } else {
                    assert!(
                        carried(&got, &d.indicator.kind, &d.indicator.value),
                        "{}: {} {} not in any record",
                        meta.slug,
                        d.indicator.kind,
                        d.indicator.value
                    );
                }
            }
        }
    }
}

#[test]
fn same_seed_same_archive() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let (da, _) = generate(a.path(), 9);
    let (db, _) = generate(b.path(), 9);
    let read = |p: &Path| std::fs::read(p.with_extension("tar.gz")).expect("archive");
    assert!(read(&da) == read(&db), "archives differ");
}
