//! The WhatsApp module on small synthetic backups: schema variants, WhatsApp Business beside
//! WhatsApp, damaged and hostile databases.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::{ModuleError, Observable};

const WA: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const SMB: &str = "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared";

/// An older-looking ChatStorage: extra message columns, no link-preview table, media items
/// without author, sessions without group info, LID pairs inside ChatStorage itself.
const VARIANT: &str = "
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZCHATSESSION INTEGER,
    ZFROMJID TEXT, ZTOJID TEXT, ZTEXT TEXT, ZMESSAGEDATE REAL, ZSTARRED INTEGER);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZMEDIAURL TEXT);
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID TEXT, ZPARTNERNAME TEXT,
    ZLASTMESSAGEDATE REAL);
CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, ZLID TEXT, ZPHONENUMBER TEXT,
    ZTIMESTAMP REAL);
INSERT INTO ZWAMESSAGE VALUES (1, 9, 1, '200000000000002@lid', NULL, NULL, 700000000.0, 0);
INSERT INTO ZWAMEDIAITEM VALUES (1, 1, 'https://mmg.whatsapp.net/d/f/abc.enc');
INSERT INTO ZWAMESSAGE VALUES (2, 9, 1, '200000000000002@lid', NULL,
    'see http://evil.example/a and http://evil.example/a
line2 HTTPS://Other.example/x', 700000100.0, 1);
INSERT INTO ZWAMEDIAITEM VALUES (2, 2, 'https://cdn.example.net/file.jpg');
INSERT INTO ZWAMESSAGE VALUES (3, 9, 2, NULL, NULL, 'hello', 0, 0);
INSERT INTO ZWACHATSESSION VALUES (1, '200000000000002@lid', 'Mallory', 700000200.0);
INSERT INTO ZWACHATSESSION VALUES (2, '33612345678@s.whatsapp.net', NULL, NULL);
INSERT INTO ZWAPHONENUMBERLIDPAIR VALUES (1, '200000000000002', '+33698765432', NULL);
";

#[test]
fn schema_variant_with_pairs_in_chatstorage() {
    let mut b = SyntheticBackup::new("wa-variant");
    b.add_sqlite(WA, "ChatStorage.sqlite", VARIANT);
    let out = run("whatsapp", &b.open()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(out.alerts.is_empty());
    let recs = records_json(&out);
    let recs = recs.as_array().unwrap();
    assert_eq!(recs.len(), 6);
    assert_eq!(
        recs[0],
        json!({
            "Z_PK": 1, "Z_ENT": 9, "ZCHATSESSION": 1, "ZFROMJID": "200000000000002@lid",
            "ZTOJID": null, "ZTEXT": "", "ZMESSAGEDATE": 700000000.0, "ZSTARRED": 0,
            "ZAUTHORNAME": null, "ZMEDIAURL": "https://mmg.whatsapp.net/d/f/abc.enc",
            "ZCONTENT1": null, "ZCONTENT2": null, "ZMATCHEDTEXT": null, "ZSUMMARY": null,
            "ZTITLE": null, "isodate": "2023-03-08 20:26:40.000000", "links": []
        })
    );
    assert_eq!(
        recs[1]["links"],
        json!([
            "http://evil.example/a",
            "HTTPS://Other.example/x",
            "https://cdn.example.net/file.jpg"
        ])
    );
    assert_eq!(recs[2]["isodate"], json!(null));
    assert!(recs[2].get("links").is_none());
    assert_eq!(
        recs[3],
        json!({"record_type": "lid_phone_number_pair", "lid": "200000000000002",
               "phone_number": "+33698765432", "pair_timestamp": null})
    );
    assert_eq!(
        recs[4],
        json!({
            "session_pk": 1, "contact_jid": "200000000000002@lid", "partner_name": "Mallory",
            "session_type": null, "archived": null, "removed": null, "message_counter": null,
            "last_message_date": "2023-03-08 20:30:00.000000", "group_creation_date": null,
            "first_stored_message_date": "2023-03-08 20:26:40.000000",
            "last_stored_message_date": "2023-03-08 20:28:20.000000",
            "stored_message_count": 2, "record_type": "chat_session",
            "partner_resolved_phone_number": "+33698765432"
        })
    );
    assert_eq!(recs[5]["stored_message_count"], json!(1));
    assert_eq!(recs[5]["first_stored_message_date"], json!(null));
    assert_eq!(recs[5]["partner_resolved_phone_number"], json!(null));

    let events: Vec<(Option<String>, String, String)> = timeline(&out)
        .into_iter()
        .map(|e| {
            (
                e.timestamp.map(|t| t.to_mvt_string()),
                e.event,
                e.description,
            )
        })
        .collect();
    let at = |s: &str| Some(s.to_string());
    let chat = "WhatsApp chat with 'Mallory' (+33698765432)";
    assert_eq!(
        events,
        vec![
            (at("2023-03-08 20:26:40.000000"), "message".into(), "'' from 200000000000002@lid".into()),
            (
                at("2023-03-08 20:28:20.000000"),
                "message".into(),
                "'see http://evil.example/a and http://evil.example/a\\nline2 HTTPS://Other.example/x' \
                 from 200000000000002@lid - Embedded links: http://evil.example/a, \
                 HTTPS://Other.example/x, https://cdn.example.net/file.jpg"
                    .into()
            ),
            (None, "message".into(), "'hello' from None".into()),
            (at("2023-03-08 20:26:40.000000"), "chat_first_message".into(), format!("First stored message in {chat}")),
            (at("2023-03-08 20:30:00.000000"), "chat_last_message".into(), format!("Last message in {chat}")),
        ]
    );

    let mut obs = Vec::new();
    out.records.observables(1, &mut obs);
    assert!(obs.contains(&Observable::Url("https://cdn.example.net/file.jpg")));
    assert!(!obs.iter().any(|o| o.value().contains("mmg.whatsapp.net")));
    obs.clear();
    out.records.observables(4, &mut obs);
    assert!(obs.is_empty(), "chat sessions carry no observables");
}

fn chat_with_session(jid: &str) -> String {
    format!(
        "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZTEXT TEXT,
             ZMESSAGEDATE REAL);
         CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID TEXT);
         INSERT INTO ZWACHATSESSION VALUES (1, '{jid}');"
    )
}

fn lid_db(lid: &str, phone: &str) -> String {
    format!(
        "CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, ZTIMESTAMP REAL,
             ZLID TEXT, ZPHONENUMBER TEXT);
         INSERT INTO ZWAPHONENUMBERLIDPAIR VALUES (1, 700000000.0, '{lid}', '{phone}');"
    )
}

#[test]
fn whatsapp_business_uses_its_own_lid_database() {
    let mut b = SyntheticBackup::new("wa-smb");
    b.add_sqlite(WA, "ChatStorage.sqlite", &chat_with_session("7@lid"));
    b.add_sqlite(WA, "LID.sqlite", &lid_db("7", "111@s.whatsapp.net"));
    b.add_sqlite(SMB, "ChatStorage.sqlite", &chat_with_session("7@lid"));
    b.add_sqlite(SMB, "LID.sqlite", &lid_db("7@lid", "+222"));
    let out = run("whatsapp", &b.open()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(out.inputs.len(), 4);
    let recs = records_json(&out);
    let resolved: Vec<&serde_json::Value> = recs
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["record_type"] == "chat_session")
        .map(|r| &r["partner_resolved_phone_number"])
        .collect();
    // Sorted by backup path, so either order is possible: compare as a set.
    let mut resolved: Vec<String> = resolved.iter().map(|v| v.to_string()).collect();
    resolved.sort();
    assert_eq!(resolved, vec!["\"+111\"", "\"+222\""]);
    let events = timeline(&out);
    assert!(events.iter().any(|e| e.event == "lid_pair_recorded"
        && e.description == "WhatsApp associated LID 7@lid with phone number +222"));
}

#[test]
fn damaged_chatstorage_is_corrupted_and_names_the_file() {
    for bytes in [
        b"definitely not a database".to_vec(),
        synthetic::sqlite_bytes(VARIANT)[..1024].to_vec(),
    ] {
        let mut b = SyntheticBackup::new("wa-corrupt");
        let path = b.add_file(WA, "ChatStorage.sqlite", &bytes);
        match run("whatsapp", &b.open()) {
            Err(ModuleError::Corrupted { path: p, reason }) => {
                assert!(p.contains(&path) || reason.contains(&path), "{p}: {reason}")
            }
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a damaged database was accepted"),
        }
    }
}

#[test]
fn damaged_lid_database_only_warns() {
    let mut b = SyntheticBackup::new("wa-badlid");
    b.add_sqlite(WA, "ChatStorage.sqlite", VARIANT);
    b.add_file(WA, "LID.sqlite", b"garbage");
    let out = run("whatsapp", &b.open()).unwrap();
    assert_eq!(out.records.len(), 6, "pairs fall back to ChatStorage");
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("LID.sqlite"), "{:?}", out.warnings);
}

#[test]
fn missing_database_is_not_found() {
    let b = SyntheticBackup::new("wa-none");
    assert!(matches!(
        run("whatsapp", &b.open()),
        Err(ModuleError::NotFound(_))
    ));
}

#[test]
fn hostile_values_do_not_panic() {
    let mut b = SyntheticBackup::new("wa-hostile");
    b.add_sqlite(
        WA,
        "ChatStorage.sqlite",
        "CREATE TABLE ZWAMESSAGE (Z_PK, ZCHATSESSION, ZFROMJID, ZTEXT, ZMESSAGEDATE);
         INSERT INTO ZWAMESSAGE VALUES (1, 'x', 42, X'68747470733A2F2F6261642E6578616D706C652FFF', 1e300);
         INSERT INTO ZWAMESSAGE VALUES ('pk', NULL, X'00', 12, -9223372036854775808);
         INSERT INTO ZWAMESSAGE VALUES (3, 1, NULL, 'x', 'not a date');
         CREATE TABLE ZWACHATSESSION (Z_PK, ZCONTACTJID, ZLASTMESSAGEDATE);
         INSERT INTO ZWACHATSESSION VALUES (1, X'FFFE', 'soon');",
    );
    let out = run("whatsapp", &b.open()).unwrap();
    assert_eq!(out.records.len(), 4);
    let recs = records_json(&out);
    assert_eq!(recs[0]["isodate"], json!(null));
    assert_eq!(recs[0]["links"], json!(["https://bad.example/\u{fffd}"]));
    let events = timeline(&out);
    assert_eq!(events.len(), 3, "{events:?}");
}

#[test]
fn one_damaged_database_does_not_hide_the_other() {
    let mut b = SyntheticBackup::new("wa-half");
    b.add_sqlite(WA, "ChatStorage.sqlite", VARIANT);
    b.add_file(SMB, "ChatStorage.sqlite", b"garbage");
    let out = run("whatsapp", &b.open()).unwrap();
    assert_eq!(out.records.len(), 6);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains(SMB), "{:?}", out.warnings);
}
