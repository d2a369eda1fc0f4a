//! Faults and data safety: evidence on read-only copies is never written (tree hashes and
//! times compared; as root, chmod does not stop writes, so the comparison is the assertion);
//! a run killed with SIGKILL leaves its results folder absent or complete; a full disk is a
//! clear error (exit 2) with no results folder; Ctrl-C removes the staging folder, exit 130.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn set_writable(root: &Path, writable: bool) {
    for e in walkdir::WalkDir::new(root).contents_first(!writable) {
        let e = e.unwrap();
        if e.path_is_symlink() {
            continue;
        }
        let mode = e.metadata().unwrap().permissions().mode();
        let mode = if writable {
            mode | 0o200
        } else {
            mode & !0o222
        };
        fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn androidqf() -> std::path::PathBuf {
    shared().join("fixtures/mvt/androidqf")
}

#[test]
fn every_command_leaves_read_only_evidence_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let backup = tmp.path().join("evidence/backup");
    let aqf = tmp.path().join("evidence/androidqf");
    copy_tree(&mvt_backup(), &backup);
    copy_tree(&androidqf(), &aqf);
    let evidence = tmp.path().join("evidence");
    set_writable(&evidence, false);
    let before = tree_hashes(&evidence);
    let out = |n: &str| tmp.path().join(n);
    let runs: Vec<(Vec<&str>, &Path, i32)> = vec![
        (vec!["ios", "check-backup", "--hashes"], &backup, 1),
        (vec!["check"], &backup, 1),
        (vec!["android", "check-androidqf", "--hashes"], &aqf, 1),
        (vec!["check"], &aqf, 1),
    ];
    for (i, (args, path, code)) in runs.iter().enumerate() {
        tracehound()
            .args(args)
            .arg("--iocs")
            .arg(test_stix())
            .arg("--output")
            .arg(out(&format!("r{i}")))
            .arg(path)
            .assert()
            .code(*code);
    }
    tracehound()
        .args(["ios", "check-backup", "--list-modules"])
        .assert()
        .success();
    assert_eq!(before, tree_hashes(&evidence), "evidence changed");
    set_writable(&evidence, true);
}

/// Results folder: absent, or complete (info.json and every module file it lists parse).
fn absent_or_complete(out: &Path) -> bool {
    if !out.exists() {
        return false;
    }
    let info = read_json(&out.join("info.json"));
    for m in info["modules"].as_array().unwrap() {
        let slug = m["slug"].as_str().or(m["module"].as_str()).unwrap_or("");
        let file = out.join(format!("{slug}.json"));
        if file.exists() {
            read_json(&file);
        }
    }
    for e in fs::read_dir(out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            read_json(&p);
        }
    }
    true
}

fn spawn_check(out: &Path) -> std::process::Child {
    spawn_check_with(out, &[])
}

fn spawn_check_with(out: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tracehound"))
        .args(["ios", "check-backup"])
        .args(extra)
        .arg("--iocs")
        .arg(test_stix())
        .arg("--output")
        .arg(out)
        .arg(mvt_backup())
        .env_remove("TRACEHOUND_IOCS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_leaves_results_absent_or_complete() {
    let mut complete = 0;
    for ms in [50, 150, 400, 800, 3000] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("results");
        let mut child = spawn_check(&out);
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        complete += usize::from(absent_or_complete(&out));
    }
    // The last delay lets the run finish: at least one complete folder was checked.
    assert!(complete >= 1);
}

/// With `--force` over a previous results folder, a kill or Ctrl-C at any moment leaves a
/// complete folder in place (the previous one or the new one), never none.
#[test]
fn interrupted_force_run_keeps_a_complete_folder() {
    let previous = |out: &Path| {
        let o = spawn_check(out).wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        fs::write(out.join("previous.marker"), "x").unwrap();
    };
    let mut replaced = 0;
    let mut kept = 0;
    let mut warned = 0;
    // A delay of 0 sends the signal as soon as the new run's staging folder appears: long
    // before its results are complete, so the previous folder must still be there.
    for (ms, signal) in [
        (0, "-KILL"),
        (400, "-KILL"),
        (900, "-KILL"),
        (0, "-INT"),
        (500, "-INT"),
        (3000, "-INT"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("results");
        previous(&out);
        let child = spawn_check_with(&out, &["--force"]);
        if ms == 0 {
            let staging = |p: &Path| {
                fs::read_dir(p).unwrap().any(|e| {
                    e.unwrap()
                        .file_name()
                        .to_string_lossy()
                        .contains(".partial-")
                })
            };
            let started = std::time::Instant::now();
            while !staging(tmp.path()) && started.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_micros(200));
            }
        } else {
            std::thread::sleep(Duration::from_millis(ms));
        }
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        child.wait_with_output().unwrap();
        assert!(
            absent_or_complete(&out),
            "{signal} at {ms} ms: no results folder"
        );
        if out.join("previous.marker").exists() {
            kept += 1;
        } else {
            replaced += 1;
        }
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "results")
            .collect();
        if signal == "-INT" {
            assert!(left.is_empty(), "left behind after Ctrl-C: {left:?}");
        } else {
            // SIGKILL cannot clean up: at most the new run's staging folder remains, and the
            // next run names it.
            assert!(
                left.iter().all(|n| n.starts_with(".results.partial-")),
                "{left:?}"
            );
            if !left.is_empty() {
                let o = spawn_check_with(&out, &["--force"])
                    .wait_with_output()
                    .unwrap();
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(err.contains("was left by an earlier run"), "{err}");
                assert!(err.contains(&left[0]), "{err}");
                warned += 1;
            }
        }
    }
    // The signals sent as the staging folder appeared came before the move; the later ones
    // may come before or after it (timing-dependent).
    assert!(kept >= 2, "kept {kept}, replaced {replaced}");
    assert!(warned >= 1, "no leftover staging folder was reported");
}

#[test]
fn ctrl_c_removes_the_staging_folder_and_exits_130() {
    let mut interrupted = 0;
    for ms in [100, 200, 300, 500] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("results");
        let child = spawn_check(&out);
        std::thread::sleep(Duration::from_millis(ms));
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        if o.status.code() == Some(130) {
            interrupted += 1;
            assert!(left.is_empty(), "left behind after Ctrl-C: {left:?}");
            assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
        } else if o.status.code().is_none() {
            // Signalled before the handler was installed (a slow start on a loaded machine):
            // nothing had been written yet.
            assert!(left.is_empty(), "left behind: {left:?}");
        } else {
            // Finished before the signal: a complete folder and nothing else.
            assert_eq!(left, ["results"]);
            assert!(absent_or_complete(&out));
        }
    }
    assert!(interrupted >= 1, "no run was interrupted");
}

#[test]
fn full_disk_is_a_clear_error_with_no_results_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small");
    fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a 2 MiB tmpfs here (needs root)");
        return;
    }
    // Fill it but for a little, so the results cannot fit.
    let _ = fs::write(mnt.join("filler"), vec![0u8; (2 << 20) - (64 << 10)]);
    let out = mnt.join("results");
    let o = tracehound()
        .args(["ios", "check-backup", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(mvt_backup())
        .output()
        .unwrap();
    let left: Vec<_> = fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let _ = Command::new("umount").arg(&mnt).status();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(left, ["filler"], "partial results left");
}
