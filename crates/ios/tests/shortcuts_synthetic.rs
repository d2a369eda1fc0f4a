//! Shortcuts on a synthetic Shortcuts.sqlite (MVT's test backup lists none).

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::ModuleError;

const DOMAIN: &str = "HomeDomain";
const PATH: &str = "Library/Shortcuts/Shortcuts.sqlite";

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dictionary(d)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Two actions: open a URL given directly, download from a URL inside a text token.
fn actions() -> Vec<u8> {
    let open = dict(vec![
        (
            "WFWorkflowActionIdentifier",
            "is.workflow.actions.openurl".into(),
        ),
        (
            "WFWorkflowActionParameters",
            dict(vec![("WFInput", "https://evil.example/landing".into())]),
        ),
    ]);
    let download = dict(vec![
        (
            "WFWorkflowActionIdentifier",
            "is.workflow.actions.downloadurl".into(),
        ),
        (
            "WFWorkflowActionParameters",
            dict(vec![(
                "WFURL",
                dict(vec![(
                    "Value",
                    dict(vec![
                        (
                            "string",
                            "get http://cdn.example.net/p.bin, then run".into(),
                        ),
                        ("attachmentsByRange", dict(vec![])),
                    ]),
                )]),
            )]),
        ),
    ]);
    synthetic::binary_plist(&Value::Array(vec![open, download]))
}

fn sql() -> String {
    format!(
        "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR, ZCREATIONDATE TIMESTAMP,
           ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR);
         CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, ZSHORTCUT INTEGER, ZDATA BLOB);
         INSERT INTO ZSHORTCUT VALUES (1, 'Update', 700000000, 700000060.5, 'Opens a page'),
           (2, X'4e6f74ff', NULL, 0, NULL), (3, 'Junk', 600000000, NULL, '');
         INSERT INTO ZSHORTCUTACTIONS VALUES (1, 1, X'{}'), (2, 3, X'0102');",
        hex(&actions())
    )
}

#[test]
fn shortcuts_actions_urls_and_timeline() {
    let mut b = SyntheticBackup::new("shortcuts");
    b.add_sqlite(DOMAIN, PATH, &sql());
    let out = run("shortcuts", &b.open()).unwrap();
    assert_eq!(out.records.len(), 3);
    let r = records_json(&out);
    assert_eq!(
        r[0],
        json!({
            "shortcut_id": 1, "shortcut_name": "Update",
            "modified_date": "2023-03-08 20:27:40.500000", "description": "Opens a page",
            "parsed_actions": 2,
            "action_urls": ["https://evil.example/landing", "http://cdn.example.net/p.bin"],
            "isodate": "2023-03-08 20:26:40.000000",
            "action_identifiers": ["is.workflow.actions.openurl", "is.workflow.actions.downloadurl"]
        })
    );
    // No actions row; invalid UTF-8 written as MVT writes bytes.
    assert_eq!(r[1]["shortcut_name"], "Not\\xff");
    assert_eq!(r[1]["action_urls"], json!(null));
    assert_eq!(r[1]["isodate"], "");
    assert_eq!(r[1]["modified_date"], "");
    // Unreadable action data.
    assert_eq!(r[2]["parsed_actions"], 0);
    assert_eq!(r[2]["action_urls"], json!(null));
    assert_eq!(out.stats.failed, 1);
    assert_eq!(out.warnings.len(), 1);

    let o = |v: &str| ("Url".to_string(), v.to_string());
    assert_eq!(
        observables(&out, 0),
        [
            o("https://evil.example/landing"),
            o("http://cdn.example.net/p.bin")
        ]
    );
    assert!(observables(&out, 1).is_empty());

    let events = timeline(&out);
    assert_eq!(events.len(), 6);
    assert_eq!(events[0].event, "shortcut_created");
    assert_eq!(
        events[0].description,
        "iOS Shortcut 'Update': Opens a page - URLs in actions: \
         https://evil.example/landing, http://cdn.example.net/p.bin"
    );
    assert_eq!(events[1].event, "shortcut_modified");
    assert_eq!(events[3].timestamp, None);
    assert_eq!(events[4].description, "iOS Shortcut 'Junk':  ");
    assert!(out.alerts.is_empty());
}

#[test]
fn corrupt_or_foreign_shortcuts_database() {
    let mut b = SyntheticBackup::new("shortcuts-corrupt");
    let name = b.add_file(DOMAIN, PATH, b"SQLite format 3\0\x00\x00");
    match run("shortcuts", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, name),
        other => panic!("{:?}", other.err()),
    }
    let mut b = SyntheticBackup::new("shortcuts-foreign");
    b.add_sqlite(DOMAIN, PATH, "CREATE TABLE ZOTHER (x);");
    let out = run("shortcuts", &b.open()).unwrap();
    assert_eq!((out.records.len(), out.warnings.len()), (0, 1));
    // A shortcuts table without an actions table still lists the shortcuts.
    let mut b = SyntheticBackup::new("shortcuts-noactions");
    b.add_sqlite(
        DOMAIN,
        PATH,
        "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR);
         INSERT INTO ZSHORTCUT VALUES (9, 'Alone');",
    );
    let out = run("shortcuts", &b.open()).unwrap();
    assert_eq!(records_json(&out)[0]["shortcut_name"], "Alone");
}
