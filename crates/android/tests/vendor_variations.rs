//! Every androidqf module on a synthetic acquisition with vendor variations (CRLF, extra blank
//! lines, unknown keys and columns, truncated files), as a folder, a zip, and a zip with one top
//! folder: the exact records, not-understood counts and heuristic alerts.

mod support;
#[path = "support/synthetic.rs"]
mod synthetic;

use support::{open, run};
use tracehound_core::Level;

fn check_all(ev: &tracehound_android::AndroidAcquisition) {
    let (_, counts) = synthetic::vendor_variations();
    for (slug, (records, failed)) in counts {
        let out = run(ev, slug).unwrap_or_else(|e| panic!("{slug}: {e}"));
        assert_eq!(
            (out.records.len(), out.stats.failed),
            (records, failed),
            "{slug}: {:#?}",
            out.warnings
        );
        assert_eq!(out.stats.ok, records as u64, "{slug}");
        // Every failure is described, prefixed with its file.
        if failed > 0 {
            assert!(
                out.warnings[0].contains("not understood"),
                "{slug}: {:?}",
                out.warnings
            );
        }
    }
}

fn levels(ev: &tracehound_android::AndroidAcquisition, slug: &str) -> Vec<Level> {
    run(ev, slug)
        .unwrap()
        .alerts
        .iter()
        .map(|a| a.level)
        .collect()
}

#[test]
fn folder_zip_and_nested_zip_give_the_same_counts() {
    let (files, _) = synthetic::vendor_variations();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acq");
    synthetic::write_folder(&dir, &files);
    synthetic::write_zip(&tmp.path().join("flat.zip"), "", &files);
    synthetic::write_zip(
        &tmp.path().join("nested.zip"),
        "androidqf_20240301/",
        &files,
    );
    for p in [
        dir,
        tmp.path().join("flat.zip"),
        tmp.path().join("nested.zip"),
    ] {
        let ev = open(&p);
        check_all(&ev);
    }
}

#[test]
fn heuristics_on_the_variations() {
    let (files, _) = synthetic::vendor_variations();
    let tmp = tempfile::tempdir().unwrap();
    synthetic::write_folder(tmp.path(), &files);
    let ev = open(tmp.path());
    // Sideloaded (empty installer), root app, disabled update package.
    assert_eq!(
        levels(&ev, "aqf_packages"),
        [Level::Medium, Level::Medium, Level::Medium]
    );
    // Play Protect off, accessibility on.
    assert_eq!(levels(&ev, "aqf_settings"), [Level::Medium, Level::Medium]);
    // Executable in /data/local/tmp.
    assert_eq!(levels(&ev, "aqf_files"), [Level::High]);
    assert_eq!(levels(&ev, "root_binaries"), [Level::High, Level::High]);
    // /system_ext read-write: HIGH, and `rw` on a system partition: MEDIUM.
    assert_eq!(levels(&ev, "mounts"), [Level::High, Level::Medium]);
    // The security patch line is cut off: no verdict on it.
    assert!(levels(&ev, "aqf_get_prop").is_empty());
}

#[test]
fn patch_level_is_judged_at_acquisition_time() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("getprop.txt"),
        "[ro.build.version.security_patch]: [2023-06-05]\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("acquisition.json"),
        r#"{"started":"2023-09-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert!(levels(&open(tmp.path()), "aqf_get_prop").is_empty());
    std::fs::write(
        tmp.path().join("acquisition.json"),
        r#"{"started":"2024-09-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(levels(&open(tmp.path()), "aqf_get_prop"), [Level::Medium]);
}
