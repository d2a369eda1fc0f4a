//! SMSAttachments: MVT's test backup has an sms.db without attachment tables (nothing, as in
//! MVT); a synthetic sms.db checks the attachment rows as MVT writes them, the temporary-folder
//! heuristics, observables, timeline and damage.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::{Level, ModuleError};
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/SMS/sms.db";

const SMS_DB: &str = "
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,
  service TEXT NOT NULL);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
  text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
  created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,
  mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,
  user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0,
  sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID),
  attachment_id INTEGER REFERENCES attachment (ROWID), UNIQUE(message_id, attachment_id));
INSERT INTO handle VALUES (1, '+15555550100', 'iMessage'), (2, 'attacker@example.com', 'iMessage');
INSERT INTO message VALUES (1, 'M1', 'photo', 1, 'iMessage', 690000000000000000, 0),
  (2, 'M2', NULL, 2, 'iMessage', 690000000123456789, 0),
  (3, 'M3', NULL, 2, 'iMessage', 690000100000000000, 0),
  (4, 'M4', NULL, 2, 'SMS', 690000100000000000, 0),
  (5, 'M5', NULL, 1, 'iMessage', 690000100000000000, 1);
INSERT INTO attachment VALUES
  (1, 'A1', 690000000, 690000000, '~/Library/SMS/Attachments/ab/11/A1/IMG_0001.jpeg',
   'public.jpeg', 'image/jpeg', 5, 0, x'0102', 'IMG_0001.jpeg', 12345, 0, NULL, NULL, 0),
  (2, 'A2', 690000000123456789, 0, '/var/tmp/com.apple.messages/A2/image.gif-1',
   'com.compuserve.gif', 'image/gif', 5, 0, NULL, 'image.gif', 748, 0, NULL, NULL, 0),
  (3, 'A3', 690000100, 0, '/private/var/tmp/A3/x.png-1', NULL, NULL, 5, 0, NULL, 'x.png', 10,
   0, NULL, NULL, 0),
  (4, 'A4', 690000100, 0, '/tmp/payload.pdf', NULL, NULL, 5, 0, NULL, 'payload.pdf', 10, 0,
   NULL, NULL, 0),
  (5, 'A5', 690000100, 0, '/var/tmp/sent.gif-1', NULL, NULL, 5, 1, NULL, 'sent.gif', 10, 0,
   NULL, NULL, 0),
  (6, 'A6', 0, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, NULL, NULL, 0);
INSERT INTO message_attachment_join VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5);
";

#[test]
fn mvt_backup_sms_db_has_no_attachment_table() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    let out = run("sms_attachments", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 0);
    assert!(out.alerts.is_empty());
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("no attachment table"));
}

#[test]
fn attachments_fields_heuristics_and_timeline() {
    let mut b = SyntheticBackup::new("sms-attachments");
    b.add_sqlite(DOMAIN, PATH, SMS_DB);
    let out = run("sms_attachments", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 6);
    let records = records_json(&out);
    assert_eq!(
        records[0],
        json!({
            "attachment_id": 1,
            "ROWID": 1,
            "guid": "A1",
            "created_date": 690000000,
            "start_date": "2022-11-13 02:40:00.000000",
            "filename": "~/Library/SMS/Attachments/ab/11/A1/IMG_0001.jpeg",
            "uti": "public.jpeg",
            "mime_type": "image/jpeg",
            "transfer_state": 5,
            "is_outgoing": 0,
            "user_info": "AQI=",
            "transfer_name": "IMG_0001.jpeg",
            "total_bytes": 12345,
            "is_sticker": 0,
            "sticker_user_info": null,
            "attribution_info": null,
            "hide_attachment": 0,
            "service": "iMessage",
            "phone_number": "+15555550100",
            "isodate": "2022-11-13 02:40:00.000000",
            "direction": "received",
            "has_user_info": true,
        })
    );
    assert_eq!(records[1]["isodate"], "2022-11-13 02:40:00.123456");
    assert_eq!(records[1]["start_date"], "");
    assert_eq!(records[1]["has_user_info"], false);
    assert_eq!(records[4]["direction"], "sent");
    // No message: service and phone unknown, no file name.
    assert_eq!(records[5]["service"], "Unknown");
    assert_eq!(records[5]["phone_number"], json!(null));
    assert_eq!(records[5]["filename"], "NULL");
    assert_eq!(records[5]["isodate"], "");

    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        observables(&out, 1),
        [
            o("FilePath", "/var/tmp/com.apple.messages/A2/image.gif-1"),
            o("FileName", "image.gif")
        ]
    );
    assert!(observables(&out, 5).is_empty());

    let events = timeline(&out);
    assert_eq!(events.len(), 6);
    assert!(events.iter().all(|e| e.event == "sms_attachment"));
    assert_eq!(
        events[0].description,
        "iMessage: Attachment 'IMG_0001.jpeg' received from +15555550100 with 12345 bytes \
         (is_sticker: 0, has_user_info: True)"
    );
    assert_eq!(
        events[5].description,
        "Unknown: Attachment 'None' received from None with 0 bytes \
         (is_sticker: 0, has_user_info: False)"
    );

    let alerts: Vec<_> = out
        .alerts
        .iter()
        .map(|a| (a.level, a.record, a.message.as_str()))
        .collect();
    assert_eq!(
        alerts,
        [
            (
                Level::Medium,
                Some(1),
                "Suspicious iMessage attachment /var/tmp/com.apple.messages/A2/image.gif-1 on \
                 2022-11-13 02:40:00.123456"
            ),
            (
                Level::Medium,
                Some(2),
                "Suspicious iMessage attachment /private/var/tmp/A3/x.png-1 on \
                 2022-11-13 02:41:40.000000"
            ),
            (
                Level::Low,
                Some(3),
                "Received attachment /tmp/payload.pdf on 2022-11-13 02:41:40.000000 is stored \
                 in a temporary folder, not with the other message attachments"
            ),
        ]
    );
    assert_eq!(
        out.alerts[0]
            .event_time
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2022-11-13 02:40:00.123456")
    );
}

#[test]
fn attachment_table_alone_is_read() {
    let mut b = SyntheticBackup::new("sms-attachments-alone");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY, filename TEXT, is_outgoing INTEGER);
         INSERT INTO attachment VALUES (7, '/var/tmp/a-1', 0);",
    );
    let out = run("sms_attachments", &b.open()).unwrap_or_else(|e| panic!("{e}"));
    let records = records_json(&out);
    assert_eq!(records[0]["attachment_id"], 7);
    assert_eq!(records[0]["service"], "Unknown");
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].level, Level::Medium);
}

#[test]
fn corrupt_sms_db_is_reported_by_name() {
    let mut b = SyntheticBackup::new("sms-attachments-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0\x10\x00garbage");
    match run("sms_attachments", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
}
