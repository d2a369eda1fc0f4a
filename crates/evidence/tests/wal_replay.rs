//! WAL replay must give exactly what SQLite itself reads from a database and its log.

use rusqlite::Connection;
use std::fs;
use tracehound_evidence::{wal, Db};

/// Writes a WAL-mode database whose last `in_wal` rows exist only in the log, and returns the
/// main file and log bytes as they are on disk while the writer is still open.
fn db_with_wal(in_wal: usize) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);
         INSERT INTO t(body) VALUES ('checkpointed');
         PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .unwrap();
    for i in 0..in_wal {
        conn.execute(
            "INSERT INTO t(body) VALUES (?1)",
            [format!("wal row {i} {}", "x".repeat(300))],
        )
        .unwrap();
    }
    let main = fs::read(&path).unwrap();
    let log = fs::read(dir.path().join("t.db-wal")).unwrap();
    drop(conn);
    (main, log)
}

fn count(db: &Db) -> i64 {
    db.conn()
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn committed_wal_rows_are_read() {
    let (main, log) = db_with_wal(50);
    assert!(!log.is_empty());
    let without = Db::from_bytes("t.db", main.clone(), None).unwrap();
    assert_eq!(
        count(&without),
        1,
        "only the checkpointed row is in the main file"
    );
    let with = Db::from_bytes("t.db", main, Some(&log)).unwrap();
    assert_eq!(count(&with), 51);
    let stats = with.wal.unwrap();
    assert!(stats.committed_frames > 0);
    assert_eq!(stats.uncommitted_frames, 0);
    assert_eq!(stats.trailing_bytes, 0);
}

#[test]
fn torn_last_frame_keeps_earlier_commits() {
    let (main, log) = db_with_wal(50);
    let torn = &log[..log.len() - 100];
    let db = Db::from_bytes("t.db", main, Some(torn)).unwrap();
    let n = count(&db);
    assert!((1..51).contains(&n), "got {n} rows");
    assert!(db.wal.unwrap().trailing_bytes > 0);
}

#[test]
fn damaged_logs_are_errors_or_ignored_never_panics() {
    let (main, log) = db_with_wal(5);
    let mut bad_magic = log.clone();
    bad_magic[0] ^= 0xff;
    assert!(matches!(
        wal::apply(&mut main.clone(), &bad_magic, u64::MAX),
        Err(wal::WalError::BadMagic(_))
    ));
    let mut bad_sum = log.clone();
    bad_sum[25] ^= 1;
    assert_eq!(
        wal::apply(&mut main.clone(), &bad_sum, u64::MAX),
        Err(wal::WalError::BadHeaderChecksum)
    );
    // A flipped byte inside a page stops replay at that frame.
    let mut flipped = log.clone();
    let at = 32 + 24 + 10;
    flipped[at] ^= 0xff;
    let mut image = main.clone();
    let stats = wal::apply(&mut image, &flipped, u64::MAX).unwrap();
    assert_eq!(stats.committed_frames, 0);
    assert_eq!(image, main);
    // Every truncation of the log is handled.
    for cut in (0..log.len()).step_by(97) {
        let mut image = main.clone();
        let _ = wal::apply(&mut image, &log[..cut], u64::MAX);
    }
    // A size limit is enforced.
    assert!(matches!(
        wal::apply(&mut main.clone(), &log, 10),
        Err(wal::WalError::TooLarge(_))
    ));
}

#[test]
fn non_databases_are_named_errors() {
    for (bytes, what) in [
        (Vec::new(), "empty file"),
        (b"hello world".to_vec(), "missing SQLite header"),
        (b"SQLite format 3\0\x10\x00".to_vec(), "truncated header"),
    ] {
        let err = Db::from_bytes("xx/evidence.db", bytes, None)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("xx/evidence.db") && err.contains(what),
            "{err}"
        );
    }
    let (main, _) = db_with_wal(0);
    let mut truncated = main.clone();
    truncated.truncate(main.len() / 2);
    let garbage: Vec<u8> = main
        .iter()
        .enumerate()
        .map(|(i, b)| if i > 100 { b ^ 0x5a } else { *b })
        .collect();
    for image in [truncated, garbage] {
        // Either opening or querying fails with a named error; nothing panics.
        if let Ok(db) = Db::from_bytes("xx/evidence.db", image, None) {
            let _ = db
                .conn()
                .query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0));
        }
    }
}
