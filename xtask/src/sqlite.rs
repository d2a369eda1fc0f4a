//! Building module databases in the staging area and storing them in the backup, optionally
//! with rows left only in a `-wal` file.
//!
//! For WAL output the database is opened in WAL mode with automatic checkpoints off, the base
//! rows are committed and checkpointed into the main file, the remaining rows are committed
//! (they stay in the log), and both files are copied while the connection is still open — as
//! a backup taken on a live phone would. SQLite salts every log with random numbers; we
//! rewrite them from the seed (and recompute the checksums) so output is byte-reproducible.

use crate::gen::Ctx;
use crate::plant::FileRef;
use anyhow::{Context, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// A database being built in the staging area.
pub struct Db {
    pub conn: Connection,
    path: PathBuf,
    wal: bool,
}

impl Db {
    /// Creates `name` in the staging area with `schema`. `wal` selects WAL journal mode.
    pub fn create(ctx: &Ctx, name: &str, schema: &str, wal: bool) -> Result<Self> {
        let path = ctx.backup.staging_path(name);
        let conn = Connection::open(&path).with_context(|| format!("creating {name}"))?;
        let mode = if wal { "WAL" } else { "DELETE" };
        conn.execute_batch(&format!(
            "PRAGMA page_size=4096; PRAGMA journal_mode={mode}; PRAGMA synchronous=OFF;
             PRAGMA wal_autocheckpoint=0;
             PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
        ))?;
        conn.execute_batch(schema)
            .with_context(|| format!("schema of {name}"))?;
        Ok(Db { conn, path, wal })
    }

    /// Stores the finished database as `domain`/`relative_path` (no `-wal` file).
    pub fn store(self, ctx: &mut Ctx, domain: &str, relative_path: &str) -> Result<FileRef> {
        if self.wal {
            self.conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        self.conn.close().map_err(|(_, e)| e)?;
        let t = ctx.mtime();
        ctx.backup.file_from(domain, relative_path, &self.path, t)?;
        Ok(FileRef::new(domain, relative_path))
    }

    /// Checkpoints everything written so far into the main file (WAL mode only); rows
    /// written afterwards stay in the log.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }

    /// Stores the main file and its un-checkpointed `-wal` as two backup files, like a live
    /// phone's backup. Returns the main file's reference.
    pub fn store_with_wal(
        self,
        ctx: &mut Ctx,
        domain: &str,
        relative_path: &str,
    ) -> Result<FileRef> {
        let main = std::fs::read(&self.path)?;
        let wal_path = wal_path(&self.path);
        let mut log = std::fs::read(&wal_path).unwrap_or_default();
        crate::wal::reseed(&mut log, ctx.seed)?;
        let t = ctx.mtime();
        ctx.backup.file(domain, relative_path, &main, t)?;
        ctx.backup
            .file(domain, &format!("{relative_path}-wal"), &log, t)?;
        // Closing would checkpoint into the staging copy; that copy is discarded anyway.
        drop(self.conn);
        std::fs::remove_file(&self.path).ok();
        std::fs::remove_file(&wal_path).ok();
        Ok(FileRef::new(domain, relative_path))
    }
}

fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

/// `Z_PRIMARYKEY`/`Z_METADATA`/`Z_MODELCACHE`, the bookkeeping tables of every Core Data store.
pub const CORE_DATA_TABLES: &str = "
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB);
";

/// Fills `Z_PRIMARYKEY` (entity number, name, max primary key) and `Z_METADATA`.
pub fn core_data_bookkeeping(conn: &Connection, entities: &[(i64, &str, i64)]) -> Result<()> {
    let mut stmt = conn.prepare("INSERT INTO Z_PRIMARYKEY VALUES (?1, ?2, 0, ?3)")?;
    for (ent, name, max) in entities {
        stmt.execute(rusqlite::params![ent, name, max])?;
    }
    let mut meta = plist::Dictionary::new();
    meta.insert(
        "NSPersistenceFrameworkVersion".into(),
        plist::Value::from(1244),
    );
    let mut blob = Vec::new();
    plist::Value::Dictionary(meta).to_writer_binary(&mut blob)?;
    conn.execute(
        "INSERT INTO Z_METADATA VALUES (1, ?1, ?2)",
        rusqlite::params![
            format!("{:08X}-0000-4000-8000-000000000000", entities.len()),
            blob
        ],
    )?;
    Ok(())
}
