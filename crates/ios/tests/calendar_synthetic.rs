//! Calendar on a synthetic Calendar.sqlitedb: an event shaped like QuaDream's invitations, odd
//! date values, a missing organizer, a damaged database.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::{Level, ModuleError};

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/Calendar/Calendar.sqlitedb";

/// Three items: a QuaDream-shaped invitation from a planted address with a link in its notes;
/// an event with a zero end date, text in a date column and no organizer; an event whose
/// organizer row is missing.
const SQL: &str = "
CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT,
  description TEXT, start_date REAL, end_date REAL, all_day INTEGER, calendar_id INTEGER,
  organizer_id INTEGER, url TEXT, last_modified REAL, external_id TEXT, external_mod_tag TEXT,
  unique_identifier TEXT, hidden INTEGER, UUID TEXT, creation_date REAL, action TEXT,
  created_by_id INTEGER);
CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, UUID TEXT, email TEXT,
  phone_number TEXT, comment TEXT, last_modified REAL);
INSERT INTO Participant VALUES (1, 'p-1', 'attacker@evil.example', NULL, NULL, 700000000.0);
INSERT INTO CalendarItem VALUES
  (1, 'Meeting', 'Notes', 600000000.0, 600003600.0, 0, 1, 1, 'https://evil.example/inv', 700000000.0,
   NULL, NULL, 'uid-1', 1, 'EV-1', 700000000.0, '', 0),
  (2, 'Dentist', 'see https://clinic.example/map', 700100000.0, 0, 0, 1, 0, NULL, NULL,
   NULL, NULL, '', 0, 'EV-2', 'yesterday', '', 0),
  (3, 'Lunch', NULL, 700200000, NULL, 1, 1, 9, '', NULL, NULL, NULL, '', 0, 'EV-3', NULL, NULL, 0);
";

#[test]
fn events_dates_observables_timeline_and_quadream_alert() {
    let mut b = SyntheticBackup::new("calendar");
    b.add_sqlite(DOMAIN, PATH, SQL);
    let out = run("calendar", &b.open()).unwrap();
    assert_eq!(out.records.len(), 3);
    let records = records_json(&out);
    assert_eq!(
        records[0],
        json!({
            "id": 1, "summary": "Meeting", "description": "Notes",
            "start_date": "2020-01-06 10:40:00.000000", "end_date": "2020-01-06 11:40:00.000000",
            "all_day": 0, "calendar_id": 1, "organizer_id": 1, "url": "https://evil.example/inv",
            "last_modified": "2023-03-08 20:26:40.000000", "external_id": null,
            "external_mod_tag": null, "unique_identifier": "uid-1", "hidden": 1, "uuid": "EV-1",
            "creation_date": "2023-03-08 20:26:40.000000", "action": "", "created_by_id": 0,
            "participant_uuid": "p-1", "participant_email": "attacker@evil.example",
            "participant_phone": null, "participant_comment": null,
            "participant_last_modified": "2023-03-08 20:26:40.000000"
        })
    );
    // Zero is "", text is kept, NULL is null; no organizer reads as NULLs.
    assert_eq!(records[1]["end_date"], "");
    assert_eq!(records[1]["creation_date"], "yesterday");
    assert_eq!(records[1]["last_modified"], json!(null));
    assert_eq!(records[1]["participant_email"], json!(null));
    assert_eq!(records[2]["start_date"], "2023-03-11 04:00:00.000000");
    assert_eq!(records[2]["participant_uuid"], json!(null));

    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        observables(&out, 0),
        [
            o("Email", "attacker@evil.example"),
            o("Url", "https://evil.example/inv"),
            o("Text", "Notes"),
        ]
    );
    assert_eq!(
        observables(&out, 1),
        [o("Text", "see https://clinic.example/map")]
    );
    assert!(observables(&out, 2).is_empty());

    let events = timeline(&out);
    // 5 dates for the first, start + text creation date for the second, start for the third.
    assert_eq!(events.len(), 8);
    assert_eq!(events[0].event, "start_date");
    assert_eq!(
        events[0].description,
        "Calendar event Meeting (Notes) (invitation by attacker@evil.example)"
    );
    assert_eq!(events[4].event, "participant_last_modified");
    assert_eq!(events[6].event, "creation_date");
    assert_eq!(events[6].timestamp, None);
    assert_eq!(
        events[7].description,
        "Calendar event Lunch (None) (invitation by None)"
    );

    assert_eq!(out.alerts.len(), 1);
    let a = &out.alerts[0];
    assert_eq!((a.level, a.record), (Level::High, Some(0)));
    assert!(
        a.message.contains("QuaDream") && a.message.contains("EV-1"),
        "{}",
        a.message
    );
}

#[test]
fn old_schema_without_participant_table() {
    let mut b = SyntheticBackup::new("calendar-old");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, start_date REAL);
         INSERT INTO CalendarItem VALUES (4, 'Old', 400000000.5);",
    );
    let out = run("calendar", &b.open()).unwrap();
    let records = records_json(&out);
    assert_eq!(records[0]["id"], 4);
    assert_eq!(records[0]["start_date"], "2013-09-04 15:06:40.500000");
    assert_eq!(records[0]["uuid"], json!(null));
    assert_eq!(timeline(&out).len(), 1);
    assert!(out.alerts.is_empty());
}

#[test]
fn corrupt_calendar_is_reported_not_panicked() {
    let mut b = SyntheticBackup::new("calendar-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0 truncated");
    match run("calendar", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
    let mut b = SyntheticBackup::new("calendar-notable");
    b.add_sqlite(DOMAIN, PATH, "CREATE TABLE Other (x);");
    let out = run("calendar", &b.open()).unwrap();
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.warnings.len(), 1);
}
