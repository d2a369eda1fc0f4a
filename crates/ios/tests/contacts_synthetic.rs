//! Contacts on a synthetic AddressBook.sqlitedb (MVT's test backup lists none).

#[path = "support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::backup::IosBackup;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/AddressBook/AddressBook.sqlitedb";

const SQL: &str = "
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT,
  Middle TEXT, Organization TEXT, CreationDate INTEGER);
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER,
  identifier INTEGER, label INTEGER, value TEXT);
INSERT INTO ABPerson VALUES (1, 'Ada', 'Lovelace', NULL, 'Engines Ltd', 0),
  (2, 'Op', NULL, NULL, NULL, 0), (3, 'Nobody', NULL, NULL, NULL, 0);
INSERT INTO ABMultiValue VALUES
  (10, 1, 3, 0, 1, '+44 20 7946 0000'),
  (11, 1, 4, 1, 2, 'ada@engines.example'),
  (12, 2, 22, 0, 3, 'https://c2.evil.example/p'),
  (13, 2, 4, 1, 2, 'Operator@Evil.Example'),
  (14, 2, 99, 2, 2, 'other@evil.example'),
  (15, 3, 3, 0, 1, NULL);
";

#[test]
fn values_names_and_observables() {
    let mut b = SyntheticBackup::new("contacts");
    b.add_sqlite(DOMAIN, PATH, SQL);
    let out = run("contacts", &b.open()).unwrap();
    assert_eq!(out.records.len(), 5);
    let r = records_json(&out);
    assert_eq!(
        r[0],
        json!({"value": "+44 20 7946 0000", "First": "Ada", "Middle": null, "Last": "Lovelace",
               "Organization": "Engines Ltd", "property": 3})
    );
    assert_eq!(r[3]["value"], "Operator@Evil.Example");
    let o = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    assert_eq!(observables(&out, 0), vec![]);
    assert_eq!(observables(&out, 1), o("Email", "ada@engines.example"));
    assert_eq!(observables(&out, 2), o("Url", "https://c2.evil.example/p"));
    assert_eq!(observables(&out, 3), o("Email", "Operator@Evil.Example"));
    // An unknown property holding an address is still checked as one.
    assert_eq!(observables(&out, 4), o("Email", "other@evil.example"));
    assert!(timeline(&out).is_empty());
    assert!(out.alerts.is_empty());
}

#[test]
fn mvt_backup_has_no_address_book() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let backup = IosBackup::open(&root).unwrap();
    assert!(matches!(
        run("contacts", &backup),
        Err(ModuleError::NotFound(_))
    ));
}

#[test]
fn corrupt_or_foreign_address_book() {
    let mut b = SyntheticBackup::new("contacts-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0\x10\x00garbage");
    match run("contacts", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
    let mut b = SyntheticBackup::new("contacts-foreign");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY);",
    );
    let out = run("contacts", &b.open()).unwrap();
    assert_eq!((out.records.len(), out.warnings.len()), (0, 1));
}
