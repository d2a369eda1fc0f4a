//! The hostile corpus (`xtask/src/hostile/`, also `cargo xtask gen-hostile DIR`): every case is
//! built in a temporary folder and checked with the binary, which must give the case's exit
//! status and message, never panic, stay within `MEMORY_LIMIT` of address space (enforced with
//! `ulimit -v`: going over aborts the run and fails the test), write nothing inside the
//! acquisition, and never show the sentinel file that sits outside it.

mod common;
#[path = "../../../xtask/src/hostile/mod.rs"]
#[allow(dead_code)]
mod hostile;

use std::fs;
use std::path::Path;
use std::process::Command;

/// Size and modification time of everything under `root` (links not followed).
fn tree_state(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let m = fs::symlink_metadata(e.path()).unwrap();
            format!("{} {} {:?}", e.path().display(), m.len(), m.modified().ok())
        })
        .collect()
}

/// Whether any file under `dir` contains `needle`.
fn any_file_contains(dir: &Path, needle: &str) -> Option<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .find(|e| {
            fs::read(e.path())
                .map(|b| String::from_utf8_lossy(&b).contains(needle))
                .unwrap_or(false)
        })
        .map(|e| e.path().display().to_string())
}

/// Runs `tracehound ARGS --iocs IOCS --output OUT PATH` under the address-space limit.
fn run_limited(args: &[&str], iocs: &Path, path: &Path, out: &Path) -> (i32, String) {
    let kib = hostile::MEMORY_LIMIT / 1024;
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_tracehound"))
        .args(args)
        .arg("--iocs")
        .arg(iocs)
        .arg("--output")
        .arg(out)
        .arg(path)
        .env_remove("TRACEHOUND_IOCS")
        .env("NO_COLOR", "1")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

fn check_case(name: &str) {
    let case = hostile::cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    let tmp = tempfile::tempdir().unwrap();
    let outside = hostile::write_sentinel(tmp.path()).unwrap();
    let path = tmp.path().join(case.name);
    (case.build)(&path, &outside).unwrap();
    let before = tree_state(&path);
    let out = tmp.path().join("results");
    let (code, text) = run_limited(case.args, &common::test_stix(), &path, &out);
    eprintln!("--- {name}: exit {code}\n{text}");
    assert!(!text.contains("panicked"), "{name} panicked");
    assert_eq!(code, case.exit, "{name}: exit status");
    for phrase in case.says {
        assert!(text.contains(phrase), "{name}: output lacks {phrase:?}");
    }
    assert!(!text.contains(hostile::SENTINEL), "{name}: read outside");
    assert_eq!(before, tree_state(&path), "{name}: acquisition changed");
    if code == 2 {
        assert!(!out.exists(), "{name}: results written despite the error");
        return;
    }
    let info = common::read_json(&out.join("info.json"));
    assert!(info["modules"].is_array());
    for e in fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            common::read_json(&p);
        }
    }
    assert_eq!(any_file_contains(&out, hostile::SENTINEL), None, "{name}");
}

macro_rules! cases {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(#[test] fn $test() { check_case($name); })*

        #[test]
        fn every_case_has_a_test() {
            let tested = [$($name),*];
            for c in hostile::cases() {
                assert!(tested.contains(&c.name), "{} has no test", c.name);
            }
        }
    };
}

cases! {
    sqlite_truncated => "sqlite-truncated",
    sqlite_wrong_page_size => "sqlite-wrong-page-size",
    sqlite_looping_freelist => "sqlite-looping-freelist",
    sqlite_huge_row => "sqlite-huge-row",
    plist_nested_100000 => "plist-nested-100000",
    plist_reference_bomb => "plist-reference-bomb",
    plist_billion_array => "plist-billion-array",
    backup_symlinks => "backup-symlinks",
    backup_traversal_fileids => "backup-traversal-fileids",
    backup_invalid_utf8 => "backup-invalid-utf8",
    androidqf_zip_bomb => "androidqf-zip-bomb.zip",
    androidqf_zip_names => "androidqf-zip-names.zip",
    androidqf_folder_links => "androidqf-folder-links",
    androidqf_invalid_utf8 => "androidqf-invalid-utf8",
    androidqf_getprop_2gib => "androidqf-getprop-2gib",
    iosfs_shutdown_line_64mib => "iosfs-shutdown-line-64mib",
    iosfs_shutdown_line_2gib => "iosfs-shutdown-line-2gib",
    iosfs_webkit_origin_2gib => "iosfs-webkit-origin-2gib",
}

/// A bundle of a million domain indicators (about 230 MB, `hostile::stix`) loads within the
/// same address-space limit, every indicator counted, and the check runs to its end.
#[test]
fn million_indicator_bundle_loads_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("stix-million.stix2");
    hostile::stix::million_indicators(&bundle).unwrap();
    let out = tmp.path().join("results");
    let started = std::time::Instant::now();
    let (code, text) = run_limited(
        &["ios", "check-backup", "--module", "sms"],
        &bundle,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup"),
        &out,
    );
    eprintln!("million indicators: {:?}\n{text}", started.elapsed());
    assert!(!text.contains("panicked"), "{text}");
    assert_eq!(code, 0, "{text}");
    let info = common::read_json(&out.join("info.json"));
    let source = &info["indicators"][0];
    assert_eq!(
        source["counts"]["domains"],
        hostile::stix::MILLION,
        "{source}"
    );
    assert_eq!(
        source["malware"],
        serde_json::json!(["Million", "Listed"]),
        "{source}"
    );
}
