//! Replaying a SQLite write-ahead log onto a database image in memory.
//!
//! Phones keep recent rows (the last SMS, the latest DataUsage entries) in `*.db-wal` files
//! until a checkpoint; backups copy both files. WAL content is evidence, so we read it — but we
//! never let SQLite open the evidence itself (a WAL open can checkpoint and write). Instead we
//! apply the log's committed frames to an in-memory copy of the database, exactly as a
//! checkpoint would, and hand SQLite that copy.
//!
//! Format (sqlite.org/fileformat2.html#walformat): a 32-byte header (magic 0x377f0682/3, version,
//! page size, checkpoint sequence, two salts, two checksums) then frames of a 24-byte header
//! (page number, database size in pages for commit frames else 0, salts, cumulative checksums)
//! and one page. Frames count only if their salts match the header and the running checksum
//! holds; pages of a transaction apply only when its commit frame is valid.

use std::collections::HashMap;
use thiserror::Error;

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;
const MAGIC_LE: u32 = 0x377f_0682;
const MAGIC_BE: u32 = 0x377f_0683;
/// Bytes of pages a commit may leave unbacked beyond the log's own size (see [`apply`]).
const UNBACKED_SLACK: u64 = 16 << 20;

/// Why a WAL could not be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WalError {
    /// The header is not a WAL header.
    #[error("not a SQLite WAL file (bad magic {0:#010x})")]
    BadMagic(u32),
    /// The page size is not a power of two between 512 and 65536.
    #[error("invalid WAL page size {0}")]
    BadPageSize(u32),
    /// The header checksum does not match.
    #[error("WAL header checksum mismatch")]
    BadHeaderChecksum,
    /// The database's page size differs from the log's.
    #[error("WAL page size {wal} differs from database page size {db}")]
    PageSizeMismatch {
        /// Page size in the WAL header.
        wal: u32,
        /// Page size in the database header.
        db: u32,
    },
    /// The replayed database would exceed the size limit.
    #[error("replayed database would be {0} bytes, over the limit")]
    TooLarge(u64),
    /// The last commit gives the database more pages than the database and the log hold (a
    /// damaged or hostile log: a few hundred bytes could otherwise claim a gigabyte of zeros).
    #[error(
        "the log's last commit gives the database {pages} pages, but only {present} are in the \
         database and the log"
    )]
    CommitBeyondPages {
        /// Database size in pages, as the commit frame says.
        pages: u32,
        /// Pages the database image and the committed frames actually hold.
        present: u64,
    },
}

/// What a replay did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WalStats {
    /// Pages written by committed transactions.
    pub committed_frames: u32,
    /// Pages of frames after the last commit (an unfinished transaction; not applied).
    pub uncommitted_frames: u32,
    /// Bytes after the last valid frame (a torn write, or an older log's leftovers).
    pub trailing_bytes: u64,
}

fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// SQLite's WAL checksum: Fibonacci-weighted sums over 32-bit words.
fn checksum(data: &[u8], big_endian: bool, mut s0: u32, mut s1: u32) -> (u32, u32) {
    for pair in data.chunks_exact(8) {
        let (x0, x1) = if big_endian {
            (
                u32::from_be_bytes([pair[0], pair[1], pair[2], pair[3]]),
                u32::from_be_bytes([pair[4], pair[5], pair[6], pair[7]]),
            )
        } else {
            (
                u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]),
                u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]),
            )
        };
        s0 = s0.wrapping_add(x0).wrapping_add(s1);
        s1 = s1.wrapping_add(x1).wrapping_add(s0);
    }
    (s0, s1)
}

/// Page size recorded in a database header (bytes 16–17; 1 means 65536), if the image has one.
pub fn db_page_size(db: &[u8]) -> Option<u32> {
    let raw = u16::from_be_bytes([*db.get(16)?, *db.get(17)?]) as u32;
    let size = if raw == 1 { 65536 } else { raw };
    (size >= 512 && size.is_power_of_two()).then_some(size)
}

/// Applies the committed frames of `wal` to the database image `db`, limiting the result to
/// `max_len` bytes, and to the image's size plus twice the log's plus 16 MiB. An empty or
/// header-only log changes nothing.
pub fn apply(db: &mut Vec<u8>, wal: &[u8], max_len: u64) -> Result<WalStats, WalError> {
    let mut stats = WalStats::default();
    if wal.len() < HEADER {
        stats.trailing_bytes = wal.len() as u64;
        return Ok(stats);
    }
    let magic = be32(wal, 0);
    let big_endian = match magic {
        MAGIC_BE => true,
        MAGIC_LE => false,
        other => return Err(WalError::BadMagic(other)),
    };
    let page_size = be32(wal, 8);
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(WalError::BadPageSize(page_size));
    }
    let (c0, c1) = checksum(&wal[..24], big_endian, 0, 0);
    if (c0, c1) != (be32(wal, 24), be32(wal, 28)) {
        return Err(WalError::BadHeaderChecksum);
    }
    if let Some(db_ps) = db_page_size(db) {
        if db_ps != page_size {
            return Err(WalError::PageSizeMismatch {
                wal: page_size,
                db: db_ps,
            });
        }
    }
    let (salt1, salt2) = (be32(wal, 16), be32(wal, 20));
    let ps = page_size as usize;
    let frame_len = FRAME_HEADER + ps;

    let mut committed: HashMap<u32, usize> = HashMap::new();
    let mut pending: HashMap<u32, usize> = HashMap::new();
    let mut db_pages: Option<u32> = None;
    let (mut s0, mut s1) = (c0, c1);
    let mut off = HEADER;
    let mut last_valid_end = HEADER;
    while off + frame_len <= wal.len() {
        let frame = &wal[off..off + frame_len];
        let pgno = be32(frame, 0);
        let commit_size = be32(frame, 4);
        if pgno == 0 || be32(frame, 8) != salt1 || be32(frame, 12) != salt2 {
            break;
        }
        let (n0, n1) = checksum(&frame[..8], big_endian, s0, s1);
        let (n0, n1) = checksum(&frame[FRAME_HEADER..], big_endian, n0, n1);
        if (n0, n1) != (be32(frame, 16), be32(frame, 20)) {
            break;
        }
        (s0, s1) = (n0, n1);
        pending.insert(pgno, off + FRAME_HEADER);
        if commit_size != 0 {
            stats.committed_frames += pending.len() as u32;
            committed.extend(pending.drain());
            db_pages = Some(commit_size);
        }
        off += frame_len;
        last_valid_end = off;
    }
    stats.uncommitted_frames = pending.len() as u32;
    stats.trailing_bytes = (wal.len() - last_valid_end) as u64;

    let Some(pages) = db_pages else {
        return Ok(stats);
    };
    let new_len = pages as u64 * page_size as u64;
    if new_len > max_len {
        return Err(WalError::TooLarge(new_len));
    }
    // The pages of a committed database are in the file or in the log (SQLite writes a page to
    // the log when it allocates it; only a page freed in the transaction that allocated it may
    // be skipped). Zero-filling more than the log's own size (plus some slack) would let a few
    // bytes of log claim gigabytes.
    let file_pages = db.len() as u64 / page_size as u64;
    let backed = committed
        .keys()
        .filter(|&&p| u64::from(p) > file_pages && p <= pages)
        .count() as u64;
    let unbacked = u64::from(pages).saturating_sub(file_pages + backed);
    if unbacked * u64::from(page_size) > wal.len() as u64 + UNBACKED_SLACK {
        return Err(WalError::CommitBeyondPages {
            pages,
            present: file_pages + backed,
        });
    }
    let new_len = new_len as usize;
    if db.len() < new_len {
        db.resize(new_len, 0);
    }
    for (pgno, at) in committed {
        let start = (pgno as usize - 1) * ps;
        if start + ps > new_len {
            continue; // a page past the committed size: truncated away by the commit
        }
        db[start..start + ps].copy_from_slice(&wal[at..at + ps]);
    }
    db.truncate(new_len);
    Ok(stats)
}
