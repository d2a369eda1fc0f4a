//! WebkitOrigins: the hashed WebKit layout of iOS 16 and later, where only each folder's
//! `origin` file names the site, in a synthetic dump and a synthetic backup.

#[path = "support/dump.rs"]
mod dump;
#[path = "support/synthetic.rs"]
mod synthetic;

use dump::{observables, records_json, run, timeline, SyntheticDump};
use serde_json::json;
use synthetic::{mbfile_blob, MbMeta, SyntheticBackup};
use tracehound_core::ModuleError;
use tracehound_evidence::IosSource;
use tracehound_ios::webkit_origins::{encode_origin_file, ClientOrigin, SiteOrigin};

const APP: &str = "private/var/mobile/Containers/Data/Application";

fn site(host: &str, port: Option<u16>) -> SiteOrigin {
    SiteOrigin {
        protocol: "https".into(),
        host: host.into(),
        port,
    }
}

fn origin(top: SiteOrigin, frame: SiteOrigin) -> Vec<u8> {
    encode_origin_file(&ClientOrigin { top, frame })
}

/// WebkitOrigins: the hashed layout of iOS 16 and later, where only each folder's `origin` file
/// names the site (a first-party site, a frame embedded in another site, a Safari profile's
/// store); an unreadable origin file, and one too large to be one (refused unread), are
/// counted and named, and the others still read.
#[test]
fn origin_files_of_the_hashed_layout() {
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
        .add(&format!("{a}/H5/H5/origin"), b"\x05\x00\x00\x00\x01htt")
        .add(&format!("{a}/H6/H6/origin"), &vec![0; 70_000]);
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
    assert_eq!((out.stats.ok, out.stats.failed), (3, 2));
    let read: Vec<String> = dump.inputs().into_iter().map(|i| i.path).collect();
    assert_eq!(read.len(), 4, "{read:?}");
    assert!(
        !read.iter().any(|p| p.ends_with("H6/H6/origin")),
        "{read:?}"
    );
    assert_eq!(
        out.warnings,
        [
            format!("{a}/H5/H5/origin: the file ends at byte 8, inside the top-level scheme"),
            format!(
                "{a}/H6/H6/origin: 70000 bytes, more than an origin file holds (65536 at most)"
            ),
        ]
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

/// In a backup: apps' `Library` keeps its website data; each folder is named with its domain,
/// dated by the origin file's `MBFile` time; a folder listed without its origin file stored is
/// named as unreadable.
#[test]
fn origin_files_in_a_backup() {
    let d = "Library/WebKit/WebsiteData/Default";
    let mut b = SyntheticBackup::new("webkit-origins");
    let meta = MbMeta {
        last_modified: 1_700_000_000,
        ..MbMeta::default()
    };
    b.add_entry(
        "AppDomain-com.example.reader",
        &format!("{d}/H1/H1/origin"),
        1,
        Some(mbfile_blob(&meta)),
        Some(&origin(
            site("evil.example.net", None),
            site("evil.example.net", None),
        )),
    );
    b.add_entry(
        "AppDomain-com.example.reader",
        &format!("{d}/H1/H1/IndexedDB"),
        2,
        None,
        None,
    );
    b.add_file("AppDomain-com.example.reader", &format!("{d}/salt"), b"x");
    b.add_entry(
        "AppDomain-com.example.gone",
        &format!("{d}/H2/H2/origin"),
        1,
        None,
        None,
    );
    let backup = b.open();
    let out = synthetic::run("webkit_origins", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        records_json(&out),
        json!([{"folder": format!("AppDomain-com.example.reader:{d}/H1/H1"),
                "url": "https://evil.example.net", "top_url": "https://evil.example.net",
                "storage": ["IndexedDB"], "isodate": "2023-11-14 22:13:20.000000"}])
    );
    assert_eq!((out.stats.ok, out.stats.failed), (1, 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].starts_with(&format!("AppDomain-com.example.gone:{d}/H2/H2/origin: ")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn a_backup_without_the_layout_is_not_found() {
    let mut b = SyntheticBackup::new("webkit-origins-none");
    b.add_file(
        "AppDomain-com.example.reader",
        "Library/WebKit/WebsiteData/LocalStorage/https_a.example_0.localstorage",
        b"x",
    );
    let backup = b.open();
    assert!(matches!(
        synthetic::run("webkit_origins", &backup),
        Err(ModuleError::NotFound(_))
    ));
}

/// A path under both roots (a data store inside another's origin folder) is listed by both
/// patterns but gives one record.
#[test]
fn a_path_under_both_roots_counts_once() {
    let mut b = SyntheticBackup::new("webkit-origins-nested");
    b.add_file(
        "AppDomain-com.example.reader",
        "Library/WebKit/WebsiteDataStore/0F3A/Origins/A/B/x/WebsiteData/Default/C/D/origin",
        &origin(site("a.example", None), site("a.example", None)),
    );
    let backup = b.open();
    let out = synthetic::run("webkit_origins", &backup).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.records.len(), 1);
    assert_eq!(
        records_json(&out)[0]["folder"],
        "AppDomain-com.example.reader:Library/WebKit/WebsiteDataStore/0F3A/Origins/A/B/x/\
         WebsiteData/Default/C/D"
    );
}
