//! The finished-tool surface: `--version` build info, completions and manual pages from the
//! clap definition, the `--json` summary, the Timesketch JSON Lines timeline, and evidence
//! strings escaped before they reach the terminal.

#[path = "../../ios/tests/support/synthetic.rs"]
mod synthetic;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn th() -> Command {
    let mut c = Command::cargo_bin("tracehound").unwrap();
    c.env_remove("TRACEHOUND_IOCS")
        .env("NO_COLOR", "1")
        .env("TRACEHOUND_DATA_DIR", env!("CARGO_TARGET_TMPDIR"))
        .env_remove("TRACEHOUND_BACKUP_PASSWORD");
    c
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

#[test]
fn version_has_build_info() {
    let out = th().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(&format!("tracehound {}", env!("CARGO_PKG_VERSION"))));
    for field in ["commit:", "target:", "profile:"] {
        assert!(text.contains(field), "{text}");
    }
}

#[test]
fn completions_and_man_pages_come_from_the_cli_definition() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef tracehound"),
        ("fish", "complete -c tracehound"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let out = th().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {marker}");
        for word in ["check-backup", "iocs", "timeline-format"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    let out = th().arg("man").output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains(".TH tracehound 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("iocs"));
    let dir = tempfile::tempdir().unwrap();
    th().args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "tracehound.1",
        "tracehound-iocs.1",
        "tracehound-iocs-update.1",
        "tracehound-ios-check-backup.1",
    ] {
        let text =
            fs::read_to_string(dir.path().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn json_summary_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    let out = th()
        .args(["check", "--quiet", "--json", "--output"])
        .arg(&results)
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tool"], "tracehound");
    assert_eq!(v["verdict"], "detections");
    let levels = v["detections"].as_object().unwrap();
    assert_eq!(levels.len(), 5, "every level present: {levels:?}");
    let total: u64 = levels.values().map(|n| n.as_u64().unwrap()).sum();
    assert!(total > 0);
    assert_eq!(v["total_detections"], total);
    assert!(v["detections"]["CRITICAL"].as_u64().unwrap() > 0);
    let modules = v["modules"].as_object().unwrap();
    for k in ["ok", "not_found", "failed", "skipped"] {
        assert!(modules[k].is_u64(), "{k}");
    }
    let not_checked = v["not_checked"].as_array().unwrap();
    assert_eq!(
        not_checked.len() as u64,
        modules["not_found"].as_u64().unwrap()
            + modules["failed"].as_u64().unwrap()
            + modules["skipped"].as_u64().unwrap()
    );
    assert_eq!(v["results"], results.display().to_string());
    assert_eq!(v["acquisition"], "ios_backup");
    assert_eq!(v["indicators"]["files"], 5);
    // The same alerts as alerts.json.
    let alerts: Value =
        serde_json::from_slice(&fs::read(results.join("alerts.json")).unwrap()).unwrap();
    assert_eq!(alerts.as_array().unwrap().len() as u64, total);

    // An error answers in JSON too (and exit 2).
    let out = th()
        .args(["check", "--json", "--output"])
        .arg(&results)
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "error");
    assert!(v["error"].as_str().unwrap().contains("--force"), "{v}");
}

#[test]
fn timesketch_jsonl_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl_only = dir.path().join("jsonl");
    th().args(["check", "--quiet", "--timeline-format", "jsonl", "--output"])
        .arg(&jsonl_only)
        .arg(sample())
        .assert()
        .code(1);
    assert!(jsonl_only.join("timeline.jsonl").exists());
    assert!(!jsonl_only.join("timeline.csv").exists());
    let both = dir.path().join("both");
    th().args(["check", "--quiet", "--timeline-format", "both", "--output"])
        .arg(&both)
        .arg(sample())
        .assert()
        .code(1);
    let text = fs::read_to_string(both.join("timeline.jsonl")).unwrap();
    assert_eq!(
        text,
        fs::read_to_string(jsonl_only.join("timeline.jsonl")).unwrap()
    );
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut csv = csv::Reader::from_path(both.join("timeline.csv")).unwrap();
    let timed = csv
        .records()
        .filter(|r| !r.as_ref().unwrap()[0].is_empty())
        .count();
    let events = lines
        .iter()
        .filter(|l| l["timestamp_desc"] != "alert")
        .count();
    assert_eq!(events, timed, "every timed event of timeline.csv, once");
    let mut previous = String::new();
    let mut tagged = 0;
    for l in &lines {
        for key in ["message", "datetime", "timestamp_desc", "module"] {
            assert!(l[key].is_string(), "{key} in {l}");
        }
        let dt = l["datetime"].as_str().unwrap();
        let b = dt.as_bytes();
        assert!(
            b.len() == 27 && b[10] == b'T' && b[19] == b'.' && b[26] == b'Z',
            "{dt}"
        );
        assert!(*dt >= *previous, "sorted by time");
        previous = dt.to_string();
        if let Some(tag) = l.get("tag") {
            tagged += 1;
            assert!(tag.as_array().unwrap().iter().all(|t| t.is_string()));
        }
    }
    assert!(tagged > 0);
    assert!(
        lines
            .iter()
            .any(|l| l["tag"][0] == "CRITICAL" && l["module"] == "sms"),
        "SMS with an indicator link is tagged"
    );
}

const SMS_DB: &str = "
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,
  service TEXT NOT NULL);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
  text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0);
INSERT INTO handle VALUES (1, '+15555550100', 'iMessage');
";

#[test]
fn evidence_strings_are_escaped_on_the_terminal() {
    let mut backup = synthetic::SyntheticBackup::new("escape");
    let body = "Your parcel: https://evil-parcel.example/t?\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}gpj.exe\u{9b}31m now";
    let sql = format!(
        "{SMS_DB} INSERT INTO message VALUES (1, 'M1', '{}', 1, 'iMessage', 690000000000000000, 0);",
        body.replace('\'', "''")
    );
    backup.add_sqlite("HomeDomain", "Library/SMS/sms.db", &sql);
    backup.write_manifest();
    let dir = tempfile::tempdir().unwrap();
    let stix = dir.path().join("evil.stix2");
    fs::write(&stix, r#"{"type": "bundle", "id": "bundle--1", "objects": [{"type": "indicator", "id": "indicator--1", "pattern": "[domain-name:value = 'evil-parcel.example']", "pattern_type": "stix"}]}"#).unwrap();
    let out = th()
        .args([
            "--color",
            "always",
            "ios",
            "check-backup",
            "--json",
            "--module",
            "sms",
            "--iocs",
        ])
        .arg(&stix)
        .arg(backup.dir())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("evil-parcel.example"), "{err}");
    assert!(err.contains("\\u{1b}[2J"), "escape shown, not run: {err}");
    assert!(err.contains("\\u{202e}gpj.exe"), "{err}");
    assert!(err.contains("\\u{9b}31m"), "{err}");
    // The only escapes on stderr are our own colours.
    let without_colours = err
        .replace("\u{1b}[0m", "")
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[1;31m", "");
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(
            !without_colours.contains(c),
            "{c:?} reached the terminal: {without_colours:?}"
        );
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(['\u{1b}', '\u{202e}', '\u{9b}']));
    serde_json::from_str::<Value>(&stdout).unwrap();
}
