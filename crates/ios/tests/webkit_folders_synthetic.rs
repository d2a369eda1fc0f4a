//! WebkitIndexedDB, WebkitLocalStorage and WebkitSafariViewService on a synthetic dump: the
//! origin-named entries of each app's website-data folders, dated by the folder's time.

#[path = "support/dump.rs"]
mod dump;

use dump::{observables, records_json, run, timeline, webkit, SyntheticDump};
use serde_json::json;
use tracehound_core::ModuleError;

const APP: &str = "private/var/mobile/Containers/Data/Application";

#[test]
fn origins_in_website_data_folders() {
    let mut d = SyntheticDump::new("webkit");
    webkit(&mut d);
    let dump = d.open();
    let out = run("webkit_indexeddb", &dump).unwrap_or_else(|e| panic!("{e}"));
    let folder = format!("{APP}/AAAA/Library/WebKit/WebsiteData/IndexedDB");
    assert_eq!(
        records_json(&out),
        json!([{"folder": folder, "url": "https://www.example.com",
                "isodate": "2021-06-15 10:00:00.000000"}])
    );
    assert_eq!(
        timeline(&out),
        [format!(
            "2021-06-15 10:00:00.000000 webkit_indexeddb IndexedDB folder {folder} containing \
             file for URL https://www.example.com"
        )]
    );
    assert_eq!(
        observables(&out, 0),
        [("Url".to_string(), "https://www.example.com".to_string())]
    );

    let out = run("webkit_local_storage", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    let urls: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        ["https://evil.example.net", "http://news.example.org"]
    );
    assert!(timeline(&out)[0].contains(" webkit_local_storage WebKit Local Storage folder "));

    let out = run("webkit_safari_view_service", &dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 1);
    assert_eq!(records_json(&out)[0]["url"], "https://t.example.com");
}

#[test]
fn no_folders_is_not_found() {
    let mut d = SyntheticDump::new("webkit-none");
    d.add("private/var/mobile/Library/x", b"x");
    let dump = d.open();
    for slug in [
        "webkit_indexeddb",
        "webkit_local_storage",
        "webkit_safari_view_service",
    ] {
        assert!(
            matches!(run(slug, &dump), Err(ModuleError::NotFound(_))),
            "{slug}"
        );
    }
}
