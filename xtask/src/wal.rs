//! Making SQLite write-ahead logs reproducible.
//!
//! A WAL starts with a 32-byte header (magic, version, page size, checkpoint sequence, salt-1,
//! salt-2, checksum-1, checksum-2) followed by frames of a 24-byte header (page number, commit
//! size, salt-1, salt-2, checksum-1, checksum-2) and one page. SQLite draws salt-2 at random,
//! and every checksum chains from the header, so we set both salts from the seed and recompute
//! the chain (format: sqlite.org/fileformat2.html, "WAL File Format").

use anyhow::{bail, Result};

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

fn checksum(data: &[u8], big_endian: bool, mut s0: u32, mut s1: u32) -> (u32, u32) {
    for chunk in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s0 = s0.wrapping_add(word(&chunk[..4]).wrapping_add(s1));
        s1 = s1.wrapping_add(word(&chunk[4..]).wrapping_add(s0));
    }
    (s0, s1)
}

/// Replaces the salts of `log` with values derived from `seed` and fixes every checksum.
/// An empty log is left alone.
pub fn reseed(log: &mut [u8], seed: u64) -> Result<()> {
    if log.is_empty() {
        return Ok(());
    }
    if log.len() < HEADER {
        bail!("WAL shorter than its header");
    }
    let magic = u32::from_be_bytes([log[0], log[1], log[2], log[3]]);
    if magic & !1 != 0x377f_0682 {
        bail!("not a WAL (magic {magic:#x})");
    }
    let big_endian = magic & 1 == 1;
    let page = u32::from_be_bytes([log[8], log[9], log[10], log[11]]) as usize;
    let salt1 = (seed as u32).to_be_bytes();
    let salt2 = ((seed >> 32) as u32 ^ 0x5eed_5a17).to_be_bytes();
    log[16..20].copy_from_slice(&salt1);
    log[20..24].copy_from_slice(&salt2);
    let (mut s0, mut s1) = checksum(&log[..24], big_endian, 0, 0);
    log[24..28].copy_from_slice(&s0.to_be_bytes());
    log[28..32].copy_from_slice(&s1.to_be_bytes());
    let mut off = HEADER;
    while off + FRAME_HEADER + page <= log.len() {
        log[off + 8..off + 12].copy_from_slice(&salt1);
        log[off + 12..off + 16].copy_from_slice(&salt2);
        (s0, s1) = checksum(&log[off..off + 8], big_endian, s0, s1);
        let body = off + FRAME_HEADER;
        (s0, s1) = checksum(&log[body..body + page], big_endian, s0, s1);
        log[off + 16..off + 20].copy_from_slice(&s0.to_be_bytes());
        log[off + 20..off + 24].copy_from_slice(&s1.to_be_bytes());
        off = body + page;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// Rows in a reseeded log are still visible to SQLite, and two runs give equal bytes.
    #[test]
    fn reseeded_log_is_valid_and_reproducible() {
        let mut logs = Vec::new();
        for round in 0..2 {
            let dir =
                std::env::temp_dir().join(format!("xtask-wal-{}-{round}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            let db = dir.join("t.db");
            let conn = Connection::open(&db).expect("open");
            conn.execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
                 CREATE TABLE t(x); INSERT INTO t VALUES (1); PRAGMA wal_checkpoint(TRUNCATE);
                 INSERT INTO t VALUES (2); INSERT INTO t VALUES (3);",
            )
            .expect("sql");
            let main = std::fs::read(&db).expect("main");
            let mut log = std::fs::read(dir.join("t.db-wal")).expect("wal");
            drop(conn);
            reseed(&mut log, 42).expect("reseed");
            let copy = dir.join("copy");
            std::fs::create_dir_all(&copy).expect("copy dir");
            std::fs::write(copy.join("c.db"), &main).expect("w");
            std::fs::write(copy.join("c.db-wal"), &log).expect("w");
            let c = Connection::open(copy.join("c.db")).expect("open copy");
            let n: i64 = c
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .expect("q");
            assert_eq!(n, 3, "rows from the reseeded log must be read");
            drop(c);
            std::fs::remove_dir_all(&dir).ok();
            logs.push(log);
        }
        assert_eq!(logs[0], logs[1]);
    }
}
