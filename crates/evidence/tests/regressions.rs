//! Inputs that fuzzing or the hostile corpus found harmful, kept as files under
//! `tests/regressions/` (or built here when large), each with its exact expected outcome.

use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tracehound_evidence::{plist_util, EvidenceError};

fn regression(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn plist_error(name: &str, bytes: &[u8]) -> String {
    match plist_util::parse(name, bytes) {
        Err(EvidenceError::Plist { name: n, detail }) => {
            assert_eq!(n, name);
            detail
        }
        other => panic!("{name}: expected a plist error, got {other:?}"),
    }
}

/// 170 bytes: eight arrays, each holding 14 references to the next — 14^8 (1.5 billion)
/// values once expanded. The `plist` crate alone grows past 4.9 GB within 20 s.
#[test]
fn binary_plist_reference_bomb_is_refused_quickly() {
    let bytes = regression("plist-reference-bomb.bplist");
    assert_eq!(bytes.len(), 170);
    let start = Instant::now();
    let detail = plist_error("bomb.plist", &bytes);
    assert!(detail.contains("expands to more than"), "{detail}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // The bound: 32 MiB plus 64 bytes per input byte.
    assert_eq!(plist_util::expansion_limit(170), (32 << 20) + 170 * 64);
}

fn nested_xml(depth: usize) -> Vec<u8> {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">"#);
    s.push_str(&"<array>".repeat(depth));
    s.push_str("<true/>");
    s.push_str(&"</array>".repeat(depth));
    s.push_str("</plist>");
    s.into_bytes()
}

/// Nested 100,000 deep: refused at the depth limit (the value it would build overflows a 2 MiB
/// thread stack when dropped).
#[test]
fn plist_nested_100000_deep_is_refused() {
    let detail = plist_error("deep.plist", &nested_xml(100_000));
    assert!(detail.contains("nested more than 512 deep"), "{detail}");
    // Just within the limit is fine.
    let v = plist_util::parse("ok.plist", &nested_xml(plist_util::MAX_DEPTH)).unwrap();
    assert!(v.as_array().is_some());
}

/// A binary plist whose top array declares a billion elements: refused before any allocation,
/// because the references it would need are not in the file.
#[test]
fn billion_element_declared_array_is_refused() {
    let mut b = b"bplist00".to_vec();
    b.push(0xaf); // array, length in the next integer
    b.push(0x12); // 4-byte integer
    b.extend_from_slice(&1_000_000_000u32.to_be_bytes());
    b.extend_from_slice(&[1; 8]); // 8 references to object 1
    let obj1 = b.len();
    b.push(0x09);
    let table = b.len();
    b.extend_from_slice(&[8, obj1 as u8]);
    b.extend_from_slice(&[0; 6]);
    b.extend_from_slice(&[1, 1]);
    b.extend_from_slice(&2u64.to_be_bytes());
    b.extend_from_slice(&0u64.to_be_bytes());
    b.extend_from_slice(&(table as u64).to_be_bytes());
    let detail = plist_error("huge.plist", &b);
    assert!(!detail.is_empty());
}

/// Ordinary plists parse exactly as the `plist` crate parses them.
#[test]
fn ordinary_plists_parse_as_the_plist_crate_does() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let mut seen = 0;
    for name in ["Info.plist", "Manifest.plist", "Status.plist"] {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        let ours = plist_util::parse(name, &bytes).unwrap();
        let theirs = plist::Value::from_reader(Cursor::new(&bytes)).unwrap();
        assert_eq!(ours, theirs, "{name}");
        seen += 1;
    }
    let mut dict = plist::Dictionary::new();
    dict.insert("a".into(), plist::Value::Array(vec![1.into(), "x".into()]));
    dict.insert("d".into(), plist::Value::Data(vec![0, 1, 2]));
    let v = plist::Value::Dictionary(dict);
    for binary in [false, true] {
        let mut buf = Vec::new();
        if binary {
            v.to_writer_binary(&mut buf).unwrap();
        } else {
            v.to_writer_xml(&mut buf).unwrap();
        }
        assert_eq!(plist_util::parse("x", &buf).unwrap(), v);
        seen += 1;
    }
    assert!(seen >= 2);
}

/// A 568-byte log whose one commit frame says the database has 3,000,000 pages of 512 bytes
/// (1.46 GiB, under the in-memory limit): before the fix, replay zero-filled all of it and
/// SQLite copied it again. Now refused, naming the log, with nothing allocated.
#[test]
fn wal_commit_beyond_its_pages_is_refused() {
    use tracehound_evidence::wal::WalError;
    use tracehound_evidence::{Db, SqliteError};
    let db = regression("wal-commit-beyond-pages.db");
    let wal = regression("wal-commit-beyond-pages.db-wal");
    match Db::from_bytes("x.db", db.clone(), Some(&wal)) {
        Err(SqliteError::Wal { name, source }) => {
            assert_eq!(name, "x.db");
            assert_eq!(
                source,
                WalError::CommitBeyondPages {
                    pages: 3_000_000,
                    present: 2
                }
            );
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("accepted"),
    }
    // The database alone is fine.
    assert!(Db::from_bytes("x.db", db, None).is_ok());
}

/// The same claim made by one frame for page 3,000,000 (so the highest page is "in the log"):
/// the 2,999,997 pages between are in neither, and are refused the same way.
#[test]
fn wal_frame_far_past_the_database_is_refused() {
    use tracehound_evidence::wal::{self, WalError};
    let mut db = regression("wal-commit-beyond-pages.db");
    let log = regression("wal-commit-far-page.db-wal");
    assert_eq!(
        wal::apply(&mut db, &log, u64::MAX),
        Err(WalError::CommitBeyondPages {
            pages: 3_000_000,
            present: 3
        })
    );
    assert_eq!(db.len(), 1024, "image untouched");
}

/// Found by the `mbfile` fuzz target: an MBFile whose root dictionary holds `Birth` twice (0,
/// then 1675639131). The fast reader took the first, the general parser (and MVT's plistlib)
/// the last, so one file could show two creation times depending on the path taken.
#[test]
fn mbfile_duplicate_key_reads_the_same_on_both_paths() {
    use tracehound_evidence::backup::{decode_mbfile, decode_mbfile_fast, decode_mbfile_general};
    let blob = regression("mbfile-duplicate-key.bplist");
    let fast = decode_mbfile_fast(&blob).unwrap();
    let general = decode_mbfile_general(&blob).unwrap();
    assert_eq!(fast, general);
    assert_eq!(fast.birth, Some(1_675_639_131));
    assert_eq!(decode_mbfile(&blob).unwrap(), general);
}

/// Found by the `mbfile` fuzz target: a root key whose length marker the fast reader rejects
/// (the `plist` crate only masks it) made every field `None` on the fast path while the general
/// parser read them. Such a blob now goes to the general parser.
#[test]
fn mbfile_unreadable_key_falls_back_to_the_general_parser() {
    use tracehound_evidence::backup::{decode_mbfile, decode_mbfile_fast, decode_mbfile_general};
    let blob = regression("mbfile-unreadable-key.bplist");
    assert_eq!(decode_mbfile_fast(&blob), None);
    let general = decode_mbfile_general(&blob).unwrap();
    assert_eq!(general.birth, Some(1_610_658_366));
    assert_eq!(decode_mbfile(&blob).unwrap(), general);
}

/// Found by the `mbfile` fuzz target: `LastStatusChange` pointing at a real number (not an
/// integer). The general parser converts it (to 0 here), the fast reader skipped it, so the
/// two paths disagreed. A number of another type now sends the blob to the general parser.
#[test]
fn mbfile_real_number_falls_back_to_the_general_parser() {
    use tracehound_evidence::backup::{decode_mbfile, decode_mbfile_fast, decode_mbfile_general};
    let blob = regression("mbfile-real-status-change.bplist");
    assert_eq!(decode_mbfile_fast(&blob), None);
    let general = decode_mbfile_general(&blob).unwrap();
    assert_eq!(general.last_status_change, Some(0));
    assert_eq!(general.last_modified, Some(1_610_658_375));
    assert_eq!(decode_mbfile(&blob).unwrap(), general);
}

/// Every column name of every table, read the way modules read rows (`SELECT *`).
fn all_column_names(db: &tracehound_evidence::Db) -> Vec<String> {
    let tables: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let stmt = db
            .conn()
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .unwrap();
        out.extend(
            tracehound_evidence::rawrow::column_names(&stmt)
                .iter()
                .cloned(),
        );
    }
    out
}

/// A column name that is not UTF-8 (`rusqlite` panics on reading it, so every `SELECT *`
/// module did): the database is refused as corrupt, naming it.
#[test]
fn sqlite_column_name_not_utf8_is_refused() {
    use tracehound_evidence::{Db, SqliteError};
    let db = regression("sqlite-invalid-utf8-column.db");
    match Db::from_bytes("x/sms.db", db, None) {
        Err(SqliteError::Corrupt { name, detail }) => {
            assert_eq!(name, "x/sms.db");
            assert!(detail.contains("not valid UTF-8"), "{detail}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("accepted"),
    }
    // Found by the `wal_replay` fuzz target: the same through a replayed log.
    let input = regression("wal-invalid-utf8-column.bin");
    let n = u16::from_le_bytes([input[0], input[1]]) as usize;
    let (image, log) = input[2..].split_at(n);
    if let Ok(db) = Db::from_bytes("x.db", image.to_vec(), Some(log)) {
        assert!(all_column_names(&db).iter().all(|c| !c.is_empty()));
    }
}

/// Found by the hostile corpus: a backup whose hash folder (`xx/`) is a symbolic link to a
/// folder outside holding a file of the right name. Only the file itself was checked for being
/// a link, so the call history was read from outside the backup. Now refused, naming it.
#[test]
fn backup_hash_folder_link_is_refused() {
    use tracehound_evidence::{Artifact, EvidenceError, IosBackup, IosSource};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("backup");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let id = "5a4935c78a5255723f707230a451d79c540d2741";
    let conn = rusqlite::Connection::open(root.join("Manifest.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, \
         flags INTEGER, file BLOB);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO Files VALUES (?1, 'HomeDomain', 'Library/x.db', 1, NULL)",
        [id],
    )
    .unwrap();
    drop(conn);
    std::fs::write(outside.join(id), "outside").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("5a")).unwrap();
    let backup = IosBackup::open(&root).unwrap();
    assert!(!backup.has_file(id));
    let artifact = Artifact {
        backup: &[("HomeDomain", "Library/x.db")],
        fs: &[],
    };
    match backup.find(&artifact) {
        Err(EvidenceError::Refused { path, reason }) => {
            assert_eq!(path, format!("5a/{id}"));
            assert!(reason.contains("symbolic link"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Found by the `wal_replay` fuzz target: a schema whose `CREATE TABLE` is stored as a blob
/// (SQLite parses it all the same) naming a column with a byte that is not UTF-8. The check of
/// the schema's text looked at text values only, so the blob slipped through and `rusqlite`
/// panicked on the column name. Now refused like the text case; and reading column names no
/// longer panics whatever the name.
#[test]
fn schema_stored_as_blob_with_invalid_utf8_column_is_refused() {
    use tracehound_evidence::{Db, SqliteError};
    let input = regression("wal-empty-log-invalid-utf8-column.bin");
    let n = (u16::from_le_bytes([input[0], input[1]]) as usize).min(input.len() - 2);
    let (image, log) = input[2..].split_at(n);
    assert!(log.is_empty());
    match Db::from_bytes("x/t.db", image.to_vec(), Some(log)) {
        Err(SqliteError::Corrupt { name, detail }) => {
            assert_eq!(name, "x/t.db");
            assert!(detail.contains("not valid UTF-8"), "{detail}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("accepted"),
    }
    // The statement-level fallback: a name that is not UTF-8 is shown lossily, not a panic.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(a)").unwrap();
    let stmt = conn.prepare("SELECT a AS \"x\" FROM t").unwrap();
    assert_eq!(
        &*tracehound_evidence::rawrow::column_names(&stmt),
        ["x".to_string()]
    );
}
