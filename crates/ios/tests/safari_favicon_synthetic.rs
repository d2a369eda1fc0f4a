//! SafariFavicon on a synthetic dump: valid icons (page ⋈ icon) and rejected ones, from both
//! locations, sorted by time; both URLs as observables; a lone corrupt database is an error.

#[path = "support/dump.rs"]
mod dump;

use dump::{
    favicons, observables, records_json, run, timeline, SyntheticDump, FAVICONS_APP as APP,
    FAVICONS_MAIN as MAIN,
};
use serde_json::json;
use tracehound_core::ModuleError;

#[test]
fn valid_and_rejected_icons() {
    let mut d = SyntheticDump::new("favicon");
    favicons(&mut d);
    let dump = d.open();
    let out = run("safari_favicon", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    assert_eq!(r.as_array().unwrap().len(), 4);
    assert_eq!(
        r[0],
        json!({"url": "https://a.example.com/", "icon_url": "https://a.example.com/x.ico",
               "timestamp": 0.0, "isodate": "", "type": "rejected",
               "safari_favicon_db_path": MAIN})
    );
    assert_eq!(r[1]["url"], "https://b.example.com/");
    assert_eq!(r[1]["safari_favicon_db_path"], APP);
    assert_eq!(
        r[2],
        json!({"url": "https://evil.example.net/landing",
               "icon_url": "https://cdn.example.com/i.png", "timestamp": 640000000.25,
               "isodate": "2021-04-13 09:46:40.250000", "type": "valid",
               "safari_favicon_db_path": MAIN})
    );
    assert_eq!(r[3]["type"], "valid");
    assert_eq!(
        observables(&out, 2),
        [
            (
                "Url".to_string(),
                "https://evil.example.net/landing".to_string()
            ),
            (
                "Url".to_string(),
                "https://cdn.example.com/i.png".to_string()
            ),
        ]
    );
    assert_eq!(
        timeline(&out)[1],
        "2020-01-06 10:40:00.000000 safari_favicon Safari favicon from https://b.example.com/ \
         with icon URL None (valid)"
    );
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn a_lone_corrupt_database_is_an_error_naming_it() {
    let mut d = SyntheticDump::new("favicon-corrupt");
    d.add(MAIN, b"\x00\x01garbage");
    let dump = d.open();
    match run("safari_favicon", &dump) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, MAIN),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}
