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

/// WebkitOrigins: the hashed layout of iOS 16 and later, where only each folder's `origin` file
/// names the site (a first-party site, a frame embedded in another site, a Safari profile's
/// store); an unreadable origin file is counted and named, and the others still read.
#[test]
fn origin_files_of_the_hashed_layout() {
    use tracehound_ios::webkit_origins::{encode_origin_file, ClientOrigin, SiteOrigin};
    let site = |host: &str, port| SiteOrigin {
        protocol: "https".into(),
        host: host.into(),
        port,
    };
    let origin = |top, frame| encode_origin_file(&ClientOrigin { top, frame });
    let a = format!("{APP}/AAAA/Library/WebKit/WebsiteData/Default");
    let b = format!(
        "{APP}/BBBB/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/Default"
    );
    let p = format!("{APP}/CCCC/Library/WebKit/WebsiteDataStore/0F3A/Origins");
    let mut d = SyntheticDump::new("webkit-origins");
    d.add(&format!("{a}/salt"), b"0123456789abcdef")
        .add(
            &format!("{a}/H1/H1/origin"),
            &origin(
                site("evil.example.net", None),
                site("evil.example.net", None),
            ),
        )
        .touch(&format!("{a}/H1/H1/origin"), 1_700_000_000)
        .add(&format!("{a}/H1/H1/IndexedDB/v1/x.sqlite3"), b"x")
        .add(
            &format!("{a}/H1/H1/LocalStorage/localstorage.sqlite3"),
            b"x",
        )
        .add(
            &format!("{b}/H2/H3/origin"),
            &origin(
                site("news.example.org", None),
                site("ads.example.com", Some(8443)),
            ),
        )
        .touch(&format!("{b}/H2/H3/origin"), 1_600_000_000)
        .add(&format!("{b}/H2/H3/CacheStorage/salt"), b"x")
        .add(
            &format!("{p}/H4/H4/origin"),
            &origin(site("profile.example", None), site("profile.example", None)),
        )
        .touch(&format!("{p}/H4/H4/origin"), 1_650_000_000)
        .add(&format!("{a}/H5/H5/origin"), b"\x05\x00\x00\x00\x01htt");
    let dump = d.open();
    let out = run("webkit_origins", &dump).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([
            {"folder": format!("{b}/H2/H3"), "url": "https://ads.example.com:8443",
             "top_url": "https://news.example.org", "storage": ["CacheStorage"],
             "isodate": "2020-09-13 12:26:40.000000"},
            {"folder": format!("{p}/H4/H4"), "url": "https://profile.example",
             "top_url": "https://profile.example", "storage": [],
             "isodate": "2022-04-15 05:20:00.000000"},
            {"folder": format!("{a}/H1/H1"), "url": "https://evil.example.net",
             "top_url": "https://evil.example.net", "storage": ["IndexedDB", "LocalStorage"],
             "isodate": "2023-11-14 22:13:20.000000"},
        ])
    );
    assert_eq!(
        timeline(&out)[0],
        format!(
            "2020-09-13 12:26:40.000000 webkit_origins Site https://ads.example.com:8443 \
             embedded in https://news.example.org stored website data (CacheStorage) in {b}/H2/H3"
        )
    );
    assert_eq!(
        observables(&out, 0),
        [
            (
                "Url".to_string(),
                "https://ads.example.com:8443".to_string()
            ),
            ("Url".to_string(), "https://news.example.org".to_string())
        ]
    );
    assert_eq!(observables(&out, 2).len(), 1);
    assert_eq!((out.stats.ok, out.stats.failed), (3, 1));
    assert_eq!(
        out.warnings,
        [format!(
            "{a}/H5/H5/origin: the file ends at byte 8, inside the top-level scheme"
        )]
    );
}

#[test]
fn no_origin_files_is_not_found() {
    let mut d = SyntheticDump::new("webkit-origins-none");
    d.add(
        &format!("{APP}/AAAA/Library/WebKit/WebsiteData/Default/salt"),
        b"x",
    );
    let dump = d.open();
    assert!(matches!(
        run("webkit_origins", &dump),
        Err(ModuleError::NotFound(_))
    ));
}
