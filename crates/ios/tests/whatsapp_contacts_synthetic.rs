//! WhatsappContacts on synthetic ContactsV2.sqlite files: timer labels, blob strings, an older
//! schema without timers, WhatsApp Business, and a damaged database.

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use synthetic::{records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;

const GROUP: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const SMB: &str = "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared";
const PATH: &str = "ContactsV2.sqlite";

const SQL: &str = "
CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZFULLNAME BLOB, ZPHONENUMBER BLOB,
  ZWHATSAPPID BLOB, ZLID BLOB, ZABOUTTEXT BLOB, ZDISAPPEARINGMODEDURATION REAL,
  ZDISAPPEARINGMODETIMESTAMP REAL, ZABOUTTIMESTAMP REAL, ZLASTUPDATED REAL,
  ZPHONENUMBERSTATUS INTEGER);
INSERT INTO ZWAADDRESSBOOKCONTACT VALUES
  (1, X'4361726f6cff', '+100', '100@s.whatsapp.net', NULL, NULL, 604800, 700000000, NULL, NULL, 2),
  (2, NULL, NULL, NULL, '55@lid', 'busy', 3600.0, NULL, 700000100, 0, 1),
  (3, '', NULL, NULL, NULL, NULL, 0, NULL, NULL, 700000200, NULL);
";

#[test]
fn contacts_labels_and_timeline() {
    let mut b = SyntheticBackup::new("wa-contacts");
    b.add_sqlite(GROUP, PATH, SQL);
    let out = run("whatsapp_contacts", &b.open()).unwrap();
    assert_eq!(out.records.len(), 3);
    let r = records_json(&out);
    assert_eq!(r[0]["full_name"], "Carol\u{fffd}");
    assert_eq!(r[0]["whatsapp_id"], "100@s.whatsapp.net");
    assert_eq!(r[0]["disappearing_mode_label"], "7 days");
    assert_eq!(r[0]["disappearing_mode_is_on"], true);
    assert_eq!(
        r[0]["disappearing_mode_timestamp"],
        "2023-03-08 20:26:40.000000"
    );
    assert_eq!(r[0]["phone_status"], 2);
    assert_eq!(r[0]["sync_policy"], json!(null));
    assert_eq!(r[0]["given_name"], json!(null));
    assert_eq!(r[1]["disappearing_mode_label"], "3600 seconds");
    assert_eq!(r[1]["last_updated"], json!(null));
    assert_eq!(r[2]["disappearing_mode_label"], "off");
    assert_eq!(r[2]["disappearing_mode_is_on"], false);
    assert_eq!(r[2]["full_name"], "");

    let events: Vec<(String, String)> = timeline(&out)
        .into_iter()
        .map(|e| (e.event, e.description))
        .collect();
    let e = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        events,
        [
            e(
                "disappearing_mode_set",
                "WhatsApp disappearing messages timer set to '7 days' for 100@s.whatsapp.net (Carol\u{fffd})"
            ),
            e("about_changed", "WhatsApp about text of 55@lid changed to \"busy\""),
            e("contact_last_updated", "WhatsApp contact record for unknown updated"),
        ]
    );
    assert!(out.alerts.is_empty());
}

#[test]
fn old_schema_without_timer_and_business_app() {
    let mut b = SyntheticBackup::new("wa-contacts-old");
    b.add_sqlite(
        SMB,
        PATH,
        "CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR);
         INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (7, 'Dan');",
    );
    let out = run("whatsapp_contacts", &b.open()).unwrap();
    let r = records_json(&out);
    assert_eq!(r[0]["row_pk"], 7);
    assert_eq!(r[0]["disappearing_mode_is_on"], json!(null));
    assert_eq!(r[0]["disappearing_mode_label"], json!(null));
    assert_eq!(out.warnings.len(), 1);
    assert!(timeline(&out).is_empty());
}

#[test]
fn damaged_or_missing_database() {
    let b = SyntheticBackup::new("wa-contacts-none");
    assert!(matches!(
        run("whatsapp_contacts", &b.open()),
        Err(ModuleError::NotFound(_))
    ));
    let mut b = SyntheticBackup::new("wa-contacts-corrupt");
    let name = b.add_file(GROUP, PATH, b"not a database at all");
    match run("whatsapp_contacts", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
}
