//! The InteractionC module on small synthetic backups: schemas of other iOS versions,
//! renumbered Core Data link tables, WhatsApp identifier resolution, damaged databases.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{ModuleError, Observable};

const HOME: &str = "HomeDomain";
const DB: &str = "Library/CoreDuet/People/interactionC.db";
const WA: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

/// An older schema: no target bundle, group name or intent columns, no attachment or
/// recipient tables; raw direction codes.
const OLD: &str = "
CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE TIMESTAMP,
    ZENDDATE TIMESTAMP, ZCREATIONDATE TIMESTAMP, ZBUNDLEID VARCHAR, ZACCOUNT VARCHAR,
    ZDIRECTION INTEGER, ZMECHANISM INTEGER);
CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR,
    ZLASTINCOMINGRECIPIENTDATE TIMESTAMP);
INSERT INTO ZCONTACTS VALUES (1, 'Eve', 'eve@example.net', 'n/a');
INSERT INTO ZINTERACTIONS VALUES (1, 1, 700000000, 700000000, 700000000, 'com.apple.MobileSMS',
    'me@icloud.com', 0, 4);
INSERT INTO ZINTERACTIONS VALUES (2, NULL, 700000100, NULL, NULL, 'com.apple.mobilephone',
    NULL, 1, 4);
INSERT INTO ZINTERACTIONS VALUES (3, 7, NULL, NULL, 700000200, NULL, NULL, 2, 4);
";

#[test]
fn old_schema_reads_missing_columns_as_null() {
    let mut b = SyntheticBackup::new("ic-old");
    b.add_sqlite(HOME, DB, OLD);
    let out = run("interaction_c", &b.open()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let recs = records_json(&out);
    let recs = recs.as_array().unwrap();
    assert_eq!(recs.len(), 3);
    assert_eq!(
        recs[0].as_object().unwrap().len(),
        39,
        "MVT's fields, no more"
    );
    assert_eq!(recs[0]["direction"], "INCOMING");
    assert_eq!(recs[1]["direction"], "OUTGOING");
    assert_eq!(recs[2]["direction"], 2, "unknown codes are kept");
    assert_eq!(recs[0]["sender_display_name"], "Eve");
    assert_eq!(
        recs[0]["last_incoming_recipient_date"], "n/a",
        "text kept as found"
    );
    assert_eq!(recs[0]["target_bundle_id"], json!(null));
    assert_eq!(recs[0]["attachment_id"], json!(null));
    assert_eq!(recs[0]["start_date"], "2023-03-08 20:26:40.000000");
    assert_eq!(recs[2]["sender_identifier"], json!(null), "dangling sender");
    let events: Vec<(String, String)> = timeline(&out)
        .into_iter()
        .map(|e| (e.event, e.description))
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "start_date".to_string(),
                "[com.apple.MobileSMS] me@icloud.com INCOMING from Eve (eve@example.net) to local user"
                    .to_string()
            ),
            (
                "start_date".to_string(),
                "[com.apple.mobilephone] OUTGOING from local user to unknown".to_string()
            ),
            (
                "interactions_creation_date".to_string(),
                "[None] 2 from unknown to unknown".to_string()
            ),
        ]
    );
    let mut obs = Vec::new();
    out.records.observables(0, &mut obs);
    assert_eq!(
        obs,
        vec![
            Observable::AppId("com.apple.MobileSMS"),
            Observable::Email("eve@example.net"),
        ]
    );
}

/// Link tables numbered differently from MVT's fixture, two attachments, two recipients.
const RENUMBERED: &str = "
CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE TIMESTAMP,
    ZENDDATE TIMESTAMP, ZCREATIONDATE TIMESTAMP, ZBUNDLEID VARCHAR, ZTARGETBUNDLEID VARCHAR,
    ZDIRECTION INTEGER, ZCONTENTURL VARCHAR, ZGROUPNAME VARCHAR);
CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR,
    ZCREATIONDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP);
CREATE TABLE ZATTACHMENT (Z_PK INTEGER PRIMARY KEY, ZCONTENTTEXT VARCHAR,
    ZCONTENTURL VARCHAR, ZIDENTIFIER BLOB);
CREATE TABLE Z_7KEYWORDS (Z_7INTERACTIONS INTEGER, Z_9KEYWORDS INTEGER);
CREATE TABLE Z_4INTERACTIONS (Z_2ATTACHMENTS INTEGER, Z_5INTERACTIONS INTEGER);
CREATE TABLE Z_3INTERACTIONRECIPIENT (Z_3RECIPIENTS INTEGER, Z_5INTERACTIONRECIPIENT INTEGER);
INSERT INTO ZCONTACTS VALUES (1, '+1 (415) 555-0199', '+14155550199', 699000000, 699000000);
INSERT INTO ZCONTACTS VALUES (2, 'Ann', 'ann@example.org', NULL, NULL);
INSERT INTO ZCONTACTS VALUES (3, NULL, '+14155550123', NULL, NULL);
INSERT INTO ZATTACHMENT VALUES (1, 'look https://evil.example/x', 'https://evil.example/x',
    X'0102ABCD');
INSERT INTO ZATTACHMENT VALUES (2, NULL, 'file:///var/mobile/a.jpg', NULL);
INSERT INTO ZINTERACTIONS VALUES (1, 1, 700000000, 700003700, 699990000, 'com.apple.MobileSMS',
    'com.example.ext', 1, 'sms://open?x', 'Friends');
INSERT INTO Z_4INTERACTIONS VALUES (1, 1);
INSERT INTO Z_4INTERACTIONS VALUES (2, 1);
INSERT INTO Z_3INTERACTIONRECIPIENT VALUES (2, 1);
INSERT INTO Z_3INTERACTIONRECIPIENT VALUES (3, 1);
";

#[test]
fn renumbered_link_tables_are_found() {
    let mut b = SyntheticBackup::new("ic-links");
    b.add_sqlite(HOME, DB, RENUMBERED);
    let out = run("interaction_c", &b.open()).unwrap();
    let recs = records_json(&out);
    let recs = recs.as_array().unwrap();
    assert_eq!(recs.len(), 4, "one row per attachment and recipient");
    let pairs: Vec<(serde_json::Value, serde_json::Value)> = recs
        .iter()
        .map(|r| {
            (
                r["attachment_id"].clone(),
                r["recipient_identifier"].clone(),
            )
        })
        .collect();
    for want in [
        (json!("0102ABCD"), json!("ann@example.org")),
        (json!("0102ABCD"), json!("+14155550123")),
        (json!(""), json!("ann@example.org")),
        (json!(""), json!("+14155550123")),
    ] {
        assert!(pairs.contains(&want), "{want:?} not in {pairs:?}");
    }
    let first = recs
        .iter()
        .position(|r| {
            r["attachment_id"] == "0102ABCD" && r["recipient_identifier"] == "ann@example.org"
        })
        .unwrap();
    assert_eq!(recs[first]["content"], "look https://evil.example/x");
    assert_eq!(recs[first]["group_name"], "Friends");
    assert!(recs[first].get("sender_resolved_phone_number").is_none());

    let mut obs = Vec::new();
    out.records.observables(first, &mut obs);
    assert_eq!(
        obs,
        vec![
            Observable::AppId("com.apple.MobileSMS"),
            Observable::AppId("com.example.ext"),
            Observable::Url("sms://open?x"),
            Observable::Url("https://evil.example/x"),
            Observable::Text("look https://evil.example/x"),
            Observable::Email("ann@example.org"),
        ]
    );

    let mut events = Vec::new();
    out.records.timeline(first, &mut events);
    let events: Vec<(String, String, String)> = events
        .into_iter()
        .map(|e| (e.timestamp.unwrap().to_mvt_string(), e.event, e.description))
        .collect();
    let data = "[com.apple.MobileSMS] OUTGOING from +14155550199 to Ann (ann@example.org) \
                (group: Friends): look https://evil.example/x";
    assert_eq!(
        events,
        vec![
            (
                "2023-03-08 20:26:40.000000".into(),
                "start_date".into(),
                data.into()
            ),
            (
                "2023-03-08 21:28:20.000000".into(),
                "end_date".into(),
                data.into()
            ),
            (
                "2023-03-08 17:40:00.000000".into(),
                "interactions_creation_date".into(),
                format!("Interaction record created 3 hours before the event: {data}")
            ),
            (
                "2023-02-25 06:40:00.000000".into(),
                "contacts_creation_date".into(),
                "Contact +14155550199 first recorded in interactionC".into()
            ),
            (
                "2023-02-25 06:40:00.000000".into(),
                "first_outgoing_recipient_date".into(),
                "First outgoing interaction to +14155550199".into()
            ),
        ]
    );
}

const WHATSAPP_INTERACTIONS: &str = "
CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE TIMESTAMP,
    ZBUNDLEID VARCHAR, ZDIRECTION INTEGER, ZDOMAINIDENTIFIER VARCHAR);
CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZIDENTIFIER VARCHAR, ZCUSTOMIDENTIFIER VARCHAR);
INSERT INTO ZCONTACTS VALUES (1, NULL, '300000000000003@lid');
INSERT INTO ZCONTACTS VALUES (2, '33611111111@s.whatsapp.net', NULL);
INSERT INTO ZINTERACTIONS VALUES (1, 1, 700000000, 'net.whatsapp.WhatsApp', 0, NULL);
INSERT INTO ZINTERACTIONS VALUES (2, 2, 700000100, 'net.whatsapp.WhatsApp', 0, '1203@g.us');
INSERT INTO ZINTERACTIONS VALUES (3, 1, 700000200, 'net.whatsapp.WhatsAppSMB', 0, NULL);
";

#[test]
fn whatsapp_lids_resolve_through_lid_database() {
    let mut b = SyntheticBackup::new("ic-wa");
    b.add_sqlite(HOME, DB, WHATSAPP_INTERACTIONS);
    b.add_sqlite(
        WA,
        "LID.sqlite",
        "CREATE TABLE ZWAPHONENUMBERLIDPAIR (ZLID TEXT, ZPHONENUMBER TEXT, ZTIMESTAMP REAL);
         INSERT INTO ZWAPHONENUMBERLIDPAIR VALUES ('300000000000003', '33699999999', NULL);",
    );
    b.add_file(WA, "ContactsV2.sqlite", b"not sqlite");
    let out = run("interaction_c", &b.open()).unwrap();
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("ContactsV2.sqlite"));
    let recs = records_json(&out);
    assert_eq!(recs[0]["sender_resolved_phone_number"], "+33699999999");
    assert_eq!(recs[0]["sender_resolved_name"], json!(null));
    assert_eq!(recs[1]["sender_resolved_phone_number"], "+33611111111");
    assert_eq!(recs[1]["domain_resolved_phone_number"], json!(null));
    assert!(
        recs[2].get("sender_resolved_phone_number").is_none(),
        "not WhatsApp"
    );
    let events = timeline(&out);
    assert_eq!(
        events[0].description,
        "[net.whatsapp.WhatsApp] INCOMING from +33699999999 to local user"
    );
    assert_eq!(
        events[1].description,
        "[net.whatsapp.WhatsApp] INCOMING from +33611111111 to 1203@g.us"
    );
}

#[test]
fn damaged_database_is_corrupted_and_names_the_file() {
    let mut b = SyntheticBackup::new("ic-corrupt");
    let path = b.add_file(
        HOME,
        DB,
        b"SQLite format 3\0 but nothing else of a database",
    );
    match run("interaction_c", &b.open()) {
        Err(ModuleError::Corrupted { path: p, reason }) => {
            assert!(p.contains(&path) || reason.contains(&path), "{p}: {reason}")
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a damaged database was accepted"),
    }
}

#[test]
fn database_without_interactions_warns() {
    let mut b = SyntheticBackup::new("ic-empty");
    b.add_sqlite(
        HOME,
        DB,
        "CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY);",
    );
    let out = run("interaction_c", &b.open()).unwrap();
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.warnings.len(), 1);
    let b = SyntheticBackup::new("ic-none");
    assert!(matches!(
        run("interaction_c", &b.open()),
        Err(ModuleError::NotFound(_))
    ));
}
