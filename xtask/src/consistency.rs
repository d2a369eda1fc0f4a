//! End-to-end checks of a generated backup: every manifest file is stored with the size its
//! `MBFile` claims, record counts in the expected file match the databases, WAL rows are only
//! visible with the log, and the same seed gives the same bytes.

use crate::backup::file_id;
use crate::gen::{self, Options};
use crate::plant;
use crate::test_support::stored;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()));
    remove(&dir);
    dir
}

/// Removes a generated backup and the expectations written beside it.
fn remove(out: &Path) {
    std::fs::remove_dir_all(out).ok();
    std::fs::remove_file(gen::expected_path(out)).ok();
}

fn generate(out: &Path, wal: bool) -> crate::plant::Expected {
    let opts = Options {
        out: out.to_path_buf(),
        scale: 300,
        seed: 7,
        wal,
        plants: plant::load(None).expect("plants"),
    };
    gen::run(&opts).expect("generate")
}

fn count(db: &Path, sql: &str) -> u64 {
    let conn = Connection::open(db).expect("open");
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .expect("count") as u64
}

#[test]
fn manifest_matches_stored_files() {
    let out = tmp("manifest");
    let expected = generate(&out, false);
    let conn = Connection::open(out.join("Manifest.db")).expect("manifest");
    let mut stmt = conn
        .prepare("SELECT fileID, domain, relativePath, flags, file FROM Files")
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("rows");
    let mut n = 0;
    for row in rows {
        let (id, domain, path, flags, blob): (String, String, String, i64, Vec<u8>) =
            row.expect("row");
        n += 1;
        assert_eq!(id, file_id(&domain, &path));
        let v = plist::Value::from_reader(std::io::Cursor::new(blob)).expect("blob");
        let meta = &v.as_dictionary().expect("dict")["$objects"]
            .as_array()
            .expect("objs")[1];
        let size = meta.as_dictionary().expect("meta")["Size"].as_unsigned_integer();
        let file = out.join(&id[..2]).join(&id);
        if flags == 1 {
            let len = std::fs::metadata(&file).expect("stored file").len();
            assert_eq!(Some(len), size, "{domain}/{path}");
        } else {
            assert!(
                !file.exists(),
                "{domain}/{path} has flags {flags} but is stored"
            );
        }
    }
    assert_eq!(Some(&n), expected.records.get("manifest"));
    assert!(n >= 300);
    for f in ["Info.plist", "Manifest.plist", "Status.plist"] {
        plist::Value::from_file(out.join(f)).expect(f);
    }
    remove(&out);
}

#[test]
fn record_counts_match_databases() {
    let out = tmp("counts");
    let e = generate(&out, false);
    let checks = [
        (
            "sms",
            "HomeDomain",
            "Library/SMS/sms.db",
            "SELECT count(*) FROM message JOIN handle ON handle.ROWID = message.handle_id",
        ),
        (
            "safari_history",
            "HomeDomain",
            "Library/Safari/History.db",
            "SELECT count(*) FROM history_visits",
        ),
        (
            "datausage",
            "WirelessDomain",
            "Library/Databases/DataUsage.sqlite",
            "SELECT count(*) FROM ZPROCESS",
        ),
        (
            "tcc",
            "HomeDomain",
            "Library/TCC/TCC.db",
            "SELECT count(*) FROM access",
        ),
        (
            "calls",
            "HomeDomain",
            "Library/CallHistoryDB/CallHistory.storedata",
            "SELECT count(*) FROM ZCALLRECORD",
        ),
        (
            "interaction_c",
            "HomeDomain",
            "Library/CoreDuet/People/interactionC.db",
            "SELECT count(*) FROM ZINTERACTIONS",
        ),
        (
            "whatsapp",
            "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
            "ChatStorage.sqlite",
            "SELECT (SELECT count(*) FROM ZWAMESSAGE) + (SELECT count(*) FROM ZWACHATSESSION)",
        ),
        (
            "calendar",
            "HomeDomain",
            "Library/Calendar/Calendar.sqlitedb",
            "SELECT count(*) FROM CalendarItem",
        ),
        (
            "safari_browser_state",
            "HomeDomain",
            "Library/Safari/BrowserState.db",
            "SELECT count(*) FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid",
        ),
        (
            "contacts",
            "HomeDomain",
            "Library/AddressBook/AddressBook.sqlitedb",
            "SELECT count(*) FROM ABMultiValue WHERE value IS NOT NULL",
        ),
        (
            "shortcuts",
            "HomeDomain",
            "Library/Shortcuts/Shortcuts.sqlite",
            "SELECT count(*) FROM ZSHORTCUT LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK",
        ),
    ];
    for (module, domain, path, sql) in checks {
        assert_eq!(
            Some(&count(&stored(&out, domain, path), sql)),
            e.records.get(module),
            "{module}"
        );
    }
    // Files outside Manifest.db (Info.plist) have no domain and sit at the top.
    assert!(e.detections.iter().all(|d| match d.file.domain.as_str() {
        "" => out.join(&d.file.relative_path).exists(),
        domain => stored(&out, domain, &d.file.relative_path).exists(),
    }));
    remove(&out);
}

#[test]
fn wal_rows_need_the_log_and_output_is_reproducible() {
    let (a, b) = (tmp("wal-a"), tmp("wal-b"));
    let e = generate(&a, true);
    generate(&b, true);
    let main = stored(&a, "HomeDomain", "Library/SMS/sms.db");
    let log = stored(&a, "HomeDomain", "Library/SMS/sms.db-wal");
    let sql = "SELECT count(*) FROM message";
    let copy = a.with_extension("copy");
    std::fs::create_dir_all(&copy).expect("dir");
    std::fs::copy(&main, copy.join("sms.db")).expect("copy");
    assert_eq!(
        Some(&count(&copy.join("sms.db"), sql)),
        e.records.get("sms")
    );
    std::fs::copy(&log, copy.join("sms.db-wal")).expect("copy wal");
    let with_log = count(&copy.join("sms.db"), sql);
    assert_eq!(with_log, e.records["sms"] + e.wal_only_records["sms"]);
    assert!(e.detections.iter().any(|d| d.wal_only && !d.mvt_detects));
    for entry in walk(&a) {
        let rel = entry.strip_prefix(&a).expect("rel");
        let other = std::fs::read(b.join(rel)).expect("same file in second run");
        assert!(
            std::fs::read(&entry).expect("read") == other,
            "{} differs",
            rel.display()
        );
    }
    for d in [a, b, copy] {
        remove(&d);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
