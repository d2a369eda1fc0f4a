//! Databases: `Manifest.db`, a small `sms.db`, and damaged variants: truncated, a wrong page
//! size, a freelist that loops, a row over SQLite's value limit, invalid UTF-8.

use super::backup::{self, row, SMS};
use super::{Case, BACKUP};
use rusqlite::{params, Connection};
use std::io;
use std::path::Path;

fn db_err(e: rusqlite::Error) -> io::Error {
    io::Error::other(e)
}

/// Builds a database with `sql` in a temporary file and returns its bytes.
fn build(
    page_size: u32,
    f: impl FnOnce(&Connection) -> rusqlite::Result<()>,
) -> io::Result<Vec<u8>> {
    let tmp = std::env::temp_dir().join(format!(
        "th-hostile-{}-{:?}.db",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_file(&tmp);
    {
        let c = Connection::open(&tmp).map_err(db_err)?;
        c.execute_batch(&format!(
            "PRAGMA page_size={page_size}; PRAGMA journal_mode=DELETE;"
        ))
        .map_err(db_err)?;
        f(&c).map_err(db_err)?;
    }
    let bytes = std::fs::read(&tmp);
    let _ = std::fs::remove_file(&tmp);
    bytes
}

/// `Manifest.db` holding `rows` (file ID, domain bytes, path bytes), flags 1, no metadata blob.
pub fn manifest_db(rows: &[(String, Vec<u8>, Vec<u8>)]) -> io::Result<Vec<u8>> {
    build(4096, |c| {
        c.execute_batch(
            "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, \
             flags INTEGER, file BLOB);
             CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
        )?;
        for (id, domain, path) in rows {
            // CAST keeps invalid UTF-8 as TEXT, as a hostile writer can.
            c.execute(
                "INSERT INTO Files VALUES (?1, CAST(?2 AS TEXT), CAST(?3 AS TEXT), 1, NULL)",
                params![id, domain, path],
            )?;
        }
        Ok(())
    })
}

/// A small `sms.db` with `message` and `handle`; `text` and `handle` as raw bytes.
fn sms_db(page_size: u32, rows: &[(&[u8], &[u8])]) -> io::Result<Vec<u8>> {
    build(page_size, |c| {
        c.execute_batch(
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);
             CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, \
             handle_id INTEGER, service TEXT, date INTEGER, date_read INTEGER, is_from_me \
             INTEGER, account TEXT, cache_roomnames TEXT);",
        )?;
        for (i, (text, handle)) in rows.iter().enumerate() {
            c.execute(
                "INSERT INTO handle VALUES (?1, CAST(?2 AS TEXT), 'SMS')",
                params![i as i64 + 1, handle],
            )?;
            c.execute(
                "INSERT INTO message VALUES (?1, 'g' || ?1, CAST(?2 AS TEXT), ?1, 'SMS', \
                 700000000000000000, 0, 0, 'e:', NULL)",
                params![i as i64 + 1, text],
            )?;
        }
        Ok(())
    })
}

/// Ten ordinary messages.
fn sms_plain() -> io::Result<Vec<u8>> {
    let rows: Vec<(&[u8], &[u8])> = vec![
        (
            b"see https://example.org/a".as_slice(),
            b"+15550100".as_slice()
        );
        10
    ];
    sms_db(1024, &rows)
}

pub fn sms_db_invalid_utf8() -> io::Result<Vec<u8>> {
    sms_db(
        4096,
        &[
            (
                b"bad \xff\xfe https://ex\xc3\x28ample.org/",
                b"+1555\xed\xa0\x80",
            ),
            (b"\xf0\x9f\x98", b"\x80"),
        ],
    )
}

fn backup_with_sms(dir: &Path, sms: Vec<u8>) -> io::Result<()> {
    backup::write(dir, &[row(SMS, sms)], None)
}

fn truncated(dir: &Path, _: &Path) -> io::Result<()> {
    let mut db = sms_plain()?;
    db.truncate(db.len() / 2 + 100);
    backup_with_sms(dir, db)
}

fn wrong_page_size(dir: &Path, _: &Path) -> io::Result<()> {
    let mut db = sms_plain()?;
    // Bytes 16-17: 1000 is not a power of two.
    db[16..18].copy_from_slice(&1000u16.to_be_bytes());
    backup_with_sms(dir, db)
}

/// `Manifest.db` whose freelist trunk page points at itself, with a large free-page count:
/// SQLite takes free pages when we build our lookup indexes on the in-memory copy.
fn looping_freelist(dir: &Path, _: &Path) -> io::Result<()> {
    let rows: Vec<(String, Vec<u8>, Vec<u8>)> = (0..200)
        .map(|i| {
            let p = format!("Library/f{i:03}-{}", "x".repeat(60));
            (
                backup::file_id("HomeDomain", &p),
                b"HomeDomain".to_vec(),
                p.into_bytes(),
            )
        })
        .collect();
    let mut db = manifest_db(&rows)?;
    let page = 4096usize;
    let pages = db.len() / page;
    let trunk = pages as u32; // the last page becomes the trunk
                              // Header: first freelist trunk page (32-35), number of free pages (36-39).
    db[32..36].copy_from_slice(&trunk.to_be_bytes());
    db[36..40].copy_from_slice(&1_000_000u32.to_be_bytes());
    let at = (trunk as usize - 1) * page;
    db[at..at + 4].copy_from_slice(&trunk.to_be_bytes()); // next trunk: itself
    db[at + 4..at + 8].copy_from_slice(&1u32.to_be_bytes()); // one leaf...
    db[at + 8..at + 12].copy_from_slice(&trunk.to_be_bytes()); // ...which is itself
    backup::write(dir, &[], None)?;
    std::fs::write(dir.join("Manifest.db"), db)
}

/// One message whose text is 257 MiB, over the 256 MiB a value may have.
fn huge_row(dir: &Path, _: &Path) -> io::Result<()> {
    let db = build(65536, |c| {
        c.execute_batch(
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);
             CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, \
             handle_id INTEGER, service TEXT, date INTEGER, date_read INTEGER, is_from_me \
             INTEGER, account TEXT, cache_roomnames TEXT);
             INSERT INTO handle VALUES (1, '+15550100', 'SMS');",
        )?;
        c.execute(
            "INSERT INTO message VALUES (1, 'g1', CAST(zeroblob(?1) AS TEXT), 1, 'SMS', 0, 0, \
             0, 'e:', NULL)",
            params![257i64 << 20],
        )?;
        Ok(())
    })?;
    backup_with_sms(dir, db)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "sqlite-truncated",
            what: "sms.db cut in the middle of a page: the sms module fails naming it, the \
                   other modules run",
            args: BACKUP,
            exit: 0,
            says: &["SMS: FAILED", "not a readable SQLite database"],
            build: truncated,
        },
        Case {
            name: "sqlite-wrong-page-size",
            what: "sms.db whose header gives a page size of 1000: not a readable database",
            args: BACKUP,
            exit: 0,
            says: &["not a readable SQLite database"],
            build: wrong_page_size,
        },
        Case {
            name: "sqlite-looping-freelist",
            what: "Manifest.db whose freelist trunk page is its own successor and only leaf, \
                   claiming a million free pages: SQLite's corruption checks stop it",
            args: BACKUP,
            exit: 2,
            says: &["Manifest.db"],
            build: looping_freelist,
        },
        Case {
            name: "sqlite-huge-row",
            what: "an SMS whose text is 257 MiB, over the 256 MiB a value may take: the sms \
                   module fails (under the 1 GiB address-space limit SQLite reports a failed \
                   allocation before its length check: the image, SQLite's copy and the value \
                   do not fit), the other modules run",
            args: BACKUP,
            exit: 0,
            says: &["SMS: FAILED"],
            build: huge_row,
        },
    ]
}
