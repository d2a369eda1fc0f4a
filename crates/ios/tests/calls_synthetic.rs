//! Calls on a synthetic CallHistory.storedata (MVT's test backup has none).

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/CallHistoryDB/CallHistory.storedata";

/// A ZCALLRECORD with the iOS 15 columns that matter, and four calls:
/// an answered incoming phone call, an unanswered outgoing FaceTime video call (address stored
/// as a BLOB), a missed WhatsApp video call through CallKit, and a row of NULLs.
const CALLS_SQL: &str = "
CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZANSWERED INTEGER, ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER,
  ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZLOCATION VARCHAR,
  ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
INSERT INTO ZCALLRECORD VALUES (1, 2, 1, 1, 1, 1, 0, 1, 650000000.5, 42.0, '+41790000000',
  'Switzerland', 'Alice', 'com.apple.Telephony', 'A1');
INSERT INTO ZCALLRECORD VALUES (2, 2, 1, 0, 2, 8, 1, 1, 650000100.0, 0.0,
  CAST('bob@example.com' AS BLOB), '', '', 'com.apple.FaceTime', 'B2');
INSERT INTO ZCALLRECORD VALUES (3, 2, 1, 0, 2, 1, 0, 0, 650000200.0, 0.0, '+4915100000000',
  NULL, NULL, 'net.whatsapp.WhatsApp', 'C3');
INSERT INTO ZCALLRECORD (Z_PK) VALUES (4);
";

#[test]
fn calls_are_read_with_direction_answer_and_kind() {
    let mut b = SyntheticBackup::new("calls");
    b.add_sqlite(DOMAIN, PATH, CALLS_SQL);
    let backup = b.open();
    let out = run("calls", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 4);
    assert!(out.alerts.is_empty());
    let records = records_json(&out);
    assert_eq!(
        records[0],
        json!({
            "isodate": "2021-08-07 03:33:20.500000",
            "duration": 42.0,
            "location": "Switzerland",
            "number": "+41790000000",
            "provider": "com.apple.Telephony",
            "direction": "incoming",
            "answered": true,
            "call_type": "phone",
            "media": "audio",
            "name": "Alice",
            "unique_id": "A1"
        })
    );
    assert_eq!(records[1]["number"], "bob@example.com");
    assert_eq!(records[1]["call_type"], "facetime");
    assert_eq!(records[1]["media"], "video");
    assert_eq!(records[1]["direction"], "outgoing");
    assert_eq!(records[1]["name"], json!(null));
    assert_eq!(records[2]["call_type"], "app");
    assert_eq!(records[2]["answered"], false);
    assert_eq!(records[3]["isodate"], json!(null));
    assert_eq!(records[3]["call_type"], "unknown");
    assert_eq!(records[3]["direction"], json!(null));

    let events = timeline(&out);
    let lines: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.timestamp.map(|t| t.to_mvt_string()).unwrap_or_default(),
                e.event,
                e.description
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "2021-08-07 03:33:20.500000 call Incoming phone audio call from +41790000000 \
             (Alice), 42 s (via com.apple.Telephony)",
            "2021-08-07 03:35:00.000000 call Unanswered outgoing FaceTime video call to \
             bob@example.com, 0 s (via com.apple.FaceTime)",
            "2021-08-07 03:36:40.000000 call Missed net.whatsapp.WhatsApp video call from \
             +4915100000000, 0 s",
            " call unknown call from unknown number, unknown length",
        ]
    );
}

#[test]
fn calls_absent_is_not_found() {
    let b = SyntheticBackup::new("calls-absent");
    let backup = b.open();
    assert!(matches!(
        run("calls", &backup),
        Err(ModuleError::NotFound(_))
    ));
}

#[test]
fn calls_in_a_corrupt_database_are_reported_not_panicked() {
    let mut b = SyntheticBackup::new("calls-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"this is not a database at all");
    let backup = b.open();
    match run("calls", &backup) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }

    // A real database cut short: header intact, pages missing.
    let mut b = SyntheticBackup::new("calls-truncated");
    let mut bytes = synthetic::sqlite_bytes(CALLS_SQL);
    bytes.truncate(1024);
    let name = b.add_file(DOMAIN, PATH, &bytes);
    let backup = b.open();
    match run("calls", &backup) {
        Err(ModuleError::Corrupted { path, reason }) => {
            assert!(path == name || reason.contains(&name), "{path}: {reason}")
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(out) => panic!("truncated database gave {} records", out.records.len()),
    }
}
