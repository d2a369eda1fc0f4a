//! `--report` and `tracehound report` on the infected sample backup: the file is written beside
//! the results, links to the module files, holds no private string when redacted (every value of
//! a redacted field of every record, in any form the page could carry it), and an existing
//! report is refused before any work.

mod common;

use common::{read_json, test_stix, tracehound};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tracehound_report::html::escape;
use tracehound_report::html::redact::is_redacted_field;

fn sample_backup() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

fn check(tmp: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let out = tmp.join("out");
    let report = tmp.join("report.html");
    tracehound()
        .arg("check")
        .arg(sample_backup())
        .arg("--iocs")
        .arg(test_stix())
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .args(extra)
        .assert()
        .code(1);
    (out, report)
}

/// Every string under a redacted field of every record of the results folder, except the
/// matched indicators (public, and kept on purpose).
fn private_strings(out: &Path) -> Vec<String> {
    let alerts = read_json(&out.join("alerts.json"));
    let indicators: Vec<String> = alerts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            a["matched_indicator"]["value"]
                .as_str()
                .map(str::to_lowercase)
        })
        .collect();
    let mut found = Vec::new();
    for e in std::fs::read_dir(out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        let Some(slug) = name.strip_suffix(".json") else {
            continue;
        };
        if slug.ends_with("_detected") || matches!(slug, "alerts" | "info") {
            continue;
        }
        let v = read_json(&out.join(&name));
        let records = match v {
            Value::Array(a) => a,
            other => vec![other],
        };
        for r in &records {
            walk(slug, r, false, &mut found);
        }
    }
    found.retain(|s| s.chars().count() >= 3 && !indicators.contains(&s.to_lowercase()));
    found.sort();
    found.dedup();
    found
}

fn walk(module: &str, v: &Value, private: bool, out: &mut Vec<String>) {
    match v {
        Value::String(s) if private => out.push(s.trim().to_string()),
        Value::Array(a) => a.iter().for_each(|x| walk(module, x, private, out)),
        Value::Object(m) => {
            for (k, x) in m {
                walk(module, x, private || is_redacted_field(module, k), out);
            }
        }
        _ => {}
    }
}

fn assert_no_private(page: &str, private: &[String]) {
    for s in private {
        let json = escape::json_for_script(s);
        let json = json.trim_matches('"');
        for form in [s.as_str(), &escape::text(s), json] {
            assert!(
                !page.contains(form),
                "{s:?} appears in the redacted report as {form:?}"
            );
        }
    }
}

#[test]
fn redacted_reports_hold_no_body_contact_or_number() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, report) = check(tmp.path(), &["--redact"]);
    let private = private_strings(&out);
    let sms = read_json(&out.join("sms.json"));
    let body = sms[0]["text"].as_str().unwrap().to_string();
    assert!(
        private.contains(&body),
        "the fixture's SMS bodies are among them"
    );
    assert!(private.len() > 100, "{} private strings", private.len());
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("Redacted copy"));
    assert!(page.contains("example.org"), "indicators stay");
    assert_no_private(&page, &private);

    // The same from the results folder.
    tracehound()
        .arg("report")
        .arg(&out)
        .arg("--redact")
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("report-redacted.html")).unwrap();
    assert_no_private(&page, &private);

    // Unredacted, they are there.
    tracehound().arg("report").arg(&out).assert().success();
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains(&escape::text(&body)));
}

#[test]
fn report_links_module_files_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, report) = check(tmp.path(), &[]);
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Traces matching known spyware indicators were found"));
    for asset in ["<link", "src=\"", "@import"] {
        assert!(!page.contains(asset), "external asset marker {asset}");
    }

    // An existing report is refused before anything runs; --force replaces it.
    let out2 = tmp.path().join("out2");
    tracehound()
        .arg("check")
        .arg(sample_backup())
        .arg("--iocs")
        .arg(test_stix())
        .arg("-o")
        .arg(&out2)
        .arg("--report")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exists"));
    assert!(!out2.exists(), "refused before any work");
    tracehound()
        .arg("report")
        .arg(&out)
        .arg("-o")
        .arg(&report)
        .arg("--force")
        .assert()
        .success();
    let empty = tempfile::tempdir().unwrap();
    tracehound()
        .arg("report")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a results folder"));
}

#[test]
fn redact_needs_a_report() {
    tracehound()
        .arg("check")
        .arg(sample_backup())
        .arg("--redact")
        .assert()
        .code(2);
}
