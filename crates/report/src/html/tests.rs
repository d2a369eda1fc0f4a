//! Page-level tests: evidence is escaped in every context, redaction leaves no private string,
//! tables are capped, and MVT's results folders read.

use super::*;
use serde_json::json;
use std::fs;

const EVIL: &str =
    "<script>document.title='pwned'</script></script><!-- \"><img src=x onerror=alert(1)>";

/// A results folder in our layout with one SMS carrying `body` from `phone` (and a contact
/// name in calls), one alert on it, and `extra` more SMS records.
fn results_dir(body: &str, phone: &str, name: &str, extra: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sms = json!({"ROWID": 1, "text": body, "phone_number": phone, "service": "SMS",
        "isodate": "2023-02-21 02:16:21.000000", "links": ["https://example.org/x"]});
    let mut records = vec![sms.clone()];
    for i in 0..extra {
        records.push(json!({"ROWID": i + 2, "text": format!("filler {i}"), "phone_number": null}));
    }
    fs::write(dir.path().join("sms.json"), json!(records).to_string()).unwrap();
    let call = json!({"number": phone, "name": name, "isodate": "2023-02-20 10:00:00.000000"});
    fs::write(dir.path().join("calls.json"), json!([call]).to_string()).unwrap();
    let alert = json!({"level": "CRITICAL", "module": "sms",
        "message": "Found a URL on a known malicious domain \"https://example.org/x\"",
        "event_time": "2023-02-21 02:16:21.000000", "event": sms,
        "matched_indicator": {"value": "example.org", "type": "domains",
            "name": "TestMalware", "stix2_file_name": "test.stix2"}});
    fs::write(dir.path().join("alerts.json"), json!([alert]).to_string()).unwrap();
    let info = json!({"tool": "tracehound", "version": "0.1.0", "command": ["tracehound"],
        "started": "s", "finished": "f", "target_path": "backup", "acquisition": "ios_backup",
        "indicators": [{"path": "test.stix2", "sha256": "00", "counts": {"domains": 2},
            "malware": ["TestMalware"]}],
        "modules": [
            {"module": "sms", "status": "ok", "records": 1 + extra, "detections": {"CRITICAL": 1},
             "parse": {"ok": 1, "failed": 0}},
            {"module": "calls", "status": "ok", "records": 1, "detections": {},
             "parse": {"ok": 1, "failed": 0}},
            {"module": "calendar", "status": "not_found", "reason": "Calendar.sqlitedb",
             "records": 0, "detections": {}, "parse": {"ok": 0, "failed": 0}},
            {"module": "whatsapp", "status": "failed", "reason": "ChatStorage.sqlite could not be decrypted",
             "records": 0, "detections": {}, "parse": {"ok": 0, "failed": 0}}]});
    fs::write(dir.path().join("info.json"), info.to_string()).unwrap();
    let desc = format!(
        "SMS: g \"{}\" from {phone} (E:me)",
        body.replace('\n', "\\n")
    );
    let mut w = csv::Writer::from_path(dir.path().join("timeline.csv")).unwrap();
    w.write_record(["UTC Timestamp", "Plugin", "Event", "Description"])
        .unwrap();
    w.write_record([
        "2023-02-20T10:00:00.000000Z",
        "Calls",
        "call",
        &format!("Incoming phone audio call from {name} ({phone})"),
    ])
    .unwrap();
    w.write_record(["2023-02-21T02:16:21.000000Z", "SMS", "sms_received", &desc])
        .unwrap();
    w.flush().unwrap();
    dir
}

fn page(dir: &Path, opts: &ReportOptions) -> String {
    let data = from_dir(dir, opts).unwrap();
    let mut out = Vec::new();
    write_report(&mut out, &data).unwrap();
    String::from_utf8(out).unwrap()
}

/// The markup outside the embedded JSON and the script.
fn markup(page: &str) -> &str {
    &page[..page.find("<script type=\"application/json\"").unwrap()]
}

#[test]
fn evidence_is_escaped_in_text_attributes_and_json() {
    let dir = results_dir(EVIL, "+447700900123", EVIL, 0);
    let p = page(dir.path(), &ReportOptions::default());
    // Exactly two script elements: the JSON data and ours.
    assert_eq!(p.matches("<script").count(), 2, "{p}");
    assert_eq!(p.matches("</script>").count(), 2);
    assert!(!p.contains("<img"));
    assert!(!p.contains("<!-- "));
    assert!(markup(&p).contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    // The JSON parses back to the original text.
    let start = p.find("id=\"th-data\">").unwrap() + "id=\"th-data\">".len();
    let end = start + p[start..].find("</script>").unwrap();
    let v: serde_json::Value = serde_json::from_str(&p[start..end]).unwrap();
    let descs: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[3].as_str().unwrap())
        .collect();
    assert!(descs.iter().any(|d| d.contains(EVIL)), "{descs:?}");
    // The timeline tags the SMS event with the alert's level and adds the alert itself.
    let levels: Vec<u64> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[4].as_u64().unwrap())
        .collect();
    assert_eq!(levels, vec![0, 5, 5]);
    assert!(
        p.contains("default-src &#39;none&#39;"),
        "CSP in an attribute"
    );
}

#[test]
fn verdict_and_not_checked_come_first() {
    let dir = results_dir("hello there", "+447700900123", "Alice Example", 0);
    let p = page(dir.path(), &ReportOptions::default());
    let at = |s: &str| p.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("id=\"verdict\"") < at("id=\"detections\""));
    assert!(at("id=\"detections\"") < at("id=\"timeline\""));
    assert!(at("id=\"timeline\"") < at("id=\"modules\""));
    assert!(p.contains("Traces matching known spyware indicators were found: 1 match"));
    assert!(p.contains("What could not be checked (2)"));
    assert!(p.contains("ChatStorage.sqlite could not be decrypted"));
    assert!(p.contains("artefact not found"));
    assert!(p.contains("could not be decrypted"));
    assert!(p.contains("<title>tracehound report: indicators matched</title>"));
    assert!(p.contains("TestMalware") && p.contains("test.stix2"));
}

#[test]
fn redacted_report_holds_no_body_contact_or_number() {
    let body = "Meet me at the Old Mill\nbring the documents https://example.org/x";
    let dir = results_dir(body, "+447700900123", "Alice Example", 3);
    let opts = ReportOptions {
        redact: true,
        ..ReportOptions::default()
    };
    let p = page(dir.path(), &opts);
    for secret in [
        "Old Mill",
        "bring the documents",
        "447700900123",
        "Alice Example",
        "filler 1",
    ] {
        assert!(!p.contains(secret), "{secret} leaked");
    }
    assert!(p.contains("[redacted]"));
    assert!(p.contains("redacted-banner"));
    assert!(p.contains("example.org"), "the indicator stays");
    // Unredacted, they are all there.
    let p = page(dir.path(), &ReportOptions::default());
    assert!(p.contains("Old Mill") && p.contains("Alice Example") && p.contains("447700900123"));
}

#[test]
fn tables_are_capped_with_a_link() {
    let dir = results_dir("hi", "+447700900123", "A", 250);
    let opts = ReportOptions {
        max_table_rows: 20,
        results_link: Some(String::new()),
        ..ReportOptions::default()
    };
    let data = from_dir(dir.path(), &opts).unwrap();
    let sms = data.tables.iter().find(|t| t.slug == "sms").unwrap();
    assert_eq!((sms.total, sms.rows.len()), (251, 20));
    let mut out = Vec::new();
    write_report(&mut out, &data).unwrap();
    let p = String::from_utf8(out).unwrap();
    assert!(p.contains("Showing the first 20 of 251 records"));
    assert!(p.contains("<a href=\"sms.json\">sms.json</a>"));
}

#[test]
fn reads_mvt_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/expected");
    for name in ["ios_backup", "androidqf"] {
        let dir = root.join(name);
        if !dir.exists() {
            eprintln!("SKIPPED: {} not present", dir.display());
            continue;
        }
        let data = from_dir(&dir, &ReportOptions::default()).unwrap();
        assert!(data.modules.is_none());
        assert!(data.run.tool.starts_with("MVT"));
        assert!(!data.alerts.is_empty());
        assert!(!data.timeline.events.is_empty());
        let mut out = Vec::new();
        write_report(&mut out, &data).unwrap();
        let p = String::from_utf8(out).unwrap();
        assert!(p.contains("What could not be checked: unknown"), "{name}");
    }
}

#[test]
fn not_a_results_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = from_dir(dir.path(), &ReportOptions::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("not a results folder"));
}

#[test]
fn csp_hash_matches_a_known_digest() {
    assert_eq!(base64(b"Man"), "TWFu");
    assert_eq!(base64(b"Ma"), "TWE=");
    assert_eq!(base64(b"M"), "TQ==");
    // sha256("") in base64, as browsers compute it for an empty script.
    assert_eq!(
        csp_hash(""),
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
}
