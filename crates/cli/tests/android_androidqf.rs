//! `tracehound android check-androidqf` and `tracehound check` on androidqf acquisitions:
//! detection parity with MVT on its public fixtures (same module, level, indicator and record
//! for every alert, and no others), results files, and hostile zips.

mod common;

use common::*;
use predicates::prelude::*;
use sha2::Digest;
use std::io::Write;
use std::path::Path;

fn aqf() -> std::path::PathBuf {
    shared().join("fixtures/mvt/androidqf")
}

#[test]
fn folder_alerts_match_mvt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(aqf())
        .assert()
        .code(1);
    let theirs = read_json(&shared().join("fixtures/mvt/expected/androidqf/alerts.json"));
    assert_alerts_match_mvt(
        &read_json(&out.join("alerts.json")),
        theirs.as_array().unwrap(),
    );
    for (slug, n) in [
        ("aqf_packages", 7),
        ("aqf_processes", 15),
        ("aqf_get_prop", 10),
        ("aqf_settings", 9),
        ("aqf_files", 3),
        ("root_binaries", 4),
    ] {
        let records = read_json(&out.join(format!("{slug}.json")));
        assert_eq!(records.as_array().unwrap().len(), n, "{slug}");
    }
    let info = read_json(&out.join("info.json"));
    assert_eq!(info["acquisition"], "androidqf");
}

#[test]
fn check_recognises_the_zip_and_does_as_well_as_mvt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["check", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(shared().join("fixtures/mvt/androidqf.zip"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("is an androidqf acquisition"))
        .stderr(predicate::str::contains(
            "androidqf files found in androidqfzip",
        ));
    let ours = read_json(&out.join("aqf_get_prop.json"));
    let theirs = read_json(&shared().join("fixtures/mvt/expected/androidqf_zip/aqf_get_prop.json"));
    assert_eq!(ours, theirs);
    // Without asking, info.json holds the SHA-256 of the zip entry read, as read.
    let entry = {
        use std::io::Read;
        let f = std::fs::File::open(shared().join("fixtures/mvt/androidqf.zip")).unwrap();
        let mut z = zip::ZipArchive::new(f).unwrap();
        let mut bytes = Vec::new();
        z.by_name("androidqfzip/getprop.txt")
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    };
    let info = read_json(&out.join("info.json"));
    assert_eq!(
        info["hashes"],
        serde_json::json!([{
            "path": "androidqfzip/getprop.txt",
            "artifact": "getprop.txt",
            "sha256": hex::encode(sha2::Sha256::digest(&entry)),
        }])
    );
    assert_alerts_match_mvt(&read_json(&out.join("alerts.json")), &[]);
}

#[test]
fn check_recognises_the_folder() {
    tracehound()
        .args(["check", "--iocs"])
        .arg(test_stix())
        .arg(aqf())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is an androidqf acquisition"));
}

fn zip_file(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn zip_bomb_fails_one_module_naming_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let acq = tmp.path().join("acq.zip");
    let bomb = vec![b' '; 16 << 20];
    zip_file(&acq, &[("getprop.txt", b"[a]: [b]\n"), ("ps.txt", &bomb)]);
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg(&acq)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("AQFProcesses: FAILED"))
        .stderr(predicate::str::contains("acq.zip!/ps.txt"))
        .stderr(predicate::str::contains("ratio"))
        .stderr(predicate::str::contains("NOT CHECKED"));
}

#[test]
fn traversal_and_absolute_entries_are_refused_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let acq = tmp.path().join("acq.zip");
    zip_file(
        &acq,
        &[
            ("getprop.txt", b"[a]: [b]\n"),
            ("../ps.txt", b"USER PID NAME\nroot 1 Launch\n"),
            ("/settings_global.txt", b"package_verifier_enable=0\n"),
        ],
    );
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg(&acq)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "Refused: \"../ps.txt\": refused: `..` component",
        ))
        .stderr(predicate::str::contains(
            "Refused: \"/settings_global.txt\": refused: absolute path",
        ))
        .stderr(predicate::str::contains("aqf_processes (not_found)"));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn truncated_zip_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read(shared().join("fixtures/mvt/androidqf.zip")).unwrap();
    let acq = tmp.path().join("cut.zip");
    std::fs::write(&acq, &good[..good.len() / 2]).unwrap();
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg(&acq)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a readable zip archive"));
}

#[test]
fn not_understood_lines_are_counted_in_the_summary_and_info() {
    let tmp = tempfile::tempdir().unwrap();
    let acq = tmp.path().join("acq");
    std::fs::create_dir(&acq).unwrap();
    std::fs::write(
        acq.join("getprop.txt"),
        "[a]: [1]\r\nnoise\r\n\r\n[b]: [2]\r\n[c]: [never closed\r\n",
    )
    .unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(&acq)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "(2 lines or entries not understood)",
        ));
    let info = read_json(&out.join("info.json"));
    let m = info["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["slug"] == "aqf_get_prop" || m["module"] == "aqf_get_prop")
        .unwrap_or_else(|| panic!("{info:#}"))
        .clone();
    assert_eq!(m["parse"]["ok"], 2, "{m:#}");
    assert_eq!(m["parse"]["failed"], 2, "{m:#}");
}

/// Each androidqf observable reaches the indicator matcher: a property name, a process name, a
/// file hash in files.json, an APK hash in packages.json.
#[test]
fn indicators_match_every_androidqf_observable() {
    let tmp = tempfile::tempdir().unwrap();
    let acq = tmp.path().join("acq");
    std::fs::create_dir(&acq).unwrap();
    let files: [(&str, &str); 4] = [
        ("getprop.txt", "[sys.foobar]: [1]\n[ro.x]: [y]\n"),
        (
            "ps.txt",
            "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nu0_a1 42 1 0 0 0 0 S Launch\n",
        ),
        (
            "files.json",
            r#"[{"path":"/sdcard/x","sha1":"da0611a300a9ce9aa7a09d1212f203fca5856794","modified_time":1}]"#,
        ),
        (
            "packages.json",
            r#"[{"name":"com.x","installer":"com.android.vending","system":false,"files":[{"path":"/data/app/x.apk","sha256":"570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6"}]}]"#,
        ),
    ];
    for (name, text) in files {
        std::fs::write(acq.join(name), text).unwrap();
    }
    let out = tmp.path().join("results");
    tracehound()
        .args(["android", "check-androidqf", "--iocs"])
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg(&acq)
        .assert()
        .code(1);
    let alerts = read_json(&out.join("alerts.json"));
    let mut got: Vec<(String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["level"] == "CRITICAL")
        .map(|a| {
            (
                a["module"].as_str().unwrap().to_string(),
                a["matched_indicator"]["value"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("aqf_files", "da0611a300a9ce9aa7a09d1212f203fca5856794"),
        ("aqf_get_prop", "sys.foobar"),
        (
            "aqf_packages",
            "570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6",
        ),
        ("aqf_processes", "Launch"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}
