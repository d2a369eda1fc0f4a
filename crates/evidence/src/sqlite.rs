//! Opening evidence SQLite databases without ever letting SQLite touch the evidence.
//!
//! The database bytes (and its `-wal`, replayed by [`crate::wal`]) are loaded into an in-memory
//! SQLite database. Nothing is written beside the evidence, no checkpoint can happen, and the
//! same path serves decrypted backup files that must never reach the disk. Hostile databases
//! meet SQLite's defensive settings: no triggers or views from the file run our code
//! (`trusted_schema=OFF`), cell sizes are checked, and a single value is capped in size.

use crate::wal::{self, WalStats};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};
use std::io::Cursor;
use thiserror::Error;

/// Largest database image we load into memory (SQLite's in-memory API takes an `int` size).
pub const MAX_IN_MEMORY: u64 = 1 << 30 | 1 << 29; // 1.5 GiB
/// Largest single string or blob a query may return (a hostile "huge row" stops here).
const MAX_VALUE_BYTES: i32 = 256 << 20;

/// Why a database could not be opened or read.
#[derive(Debug, Error)]
pub enum SqliteError {
    /// Not a SQLite database, or damaged beyond what SQLite will read.
    #[error("{name}: not a readable SQLite database ({detail})")]
    Corrupt {
        /// The file, as named in the acquisition.
        name: String,
        /// SQLite's or our explanation.
        detail: String,
    },
    /// The `-wal` file could not be applied.
    #[error("{name}-wal: {source}")]
    Wal {
        /// The database file.
        name: String,
        /// What was wrong with the log.
        #[source]
        source: wal::WalError,
    },
    /// Too large to load in memory.
    #[error("{name}: {size} bytes is over the {MAX_IN_MEMORY}-byte limit for databases")]
    TooLarge {
        /// The file.
        name: String,
        /// Its size after WAL replay.
        size: u64,
    },
    /// Any other SQLite failure.
    #[error("{name}: {source}")]
    Sqlite {
        /// The file.
        name: String,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
}

impl SqliteError {
    /// Classifies a SQLite error by its result code: corruption vs other failures.
    pub fn from_rusqlite(name: &str, e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => SqliteError::Corrupt {
                name: name.to_string(),
                detail: e.to_string(),
            },
            _ => SqliteError::Sqlite {
                name: name.to_string(),
                source: e,
            },
        }
    }
}

/// An evidence database loaded in memory.
pub struct Db {
    conn: Connection,
    name: String,
    /// What replaying the `-wal` did, if there was one.
    pub wal: Option<WalStats>,
}

impl Db {
    /// Loads a database image and its optional WAL. `name` names the file in errors.
    pub fn from_bytes(
        name: &str,
        mut image: Vec<u8>,
        wal: Option<&[u8]>,
    ) -> Result<Db, SqliteError> {
        let corrupt = |detail: &str| SqliteError::Corrupt {
            name: name.to_string(),
            detail: detail.to_string(),
        };
        let wal_stats = match wal {
            Some(w) if !w.is_empty() => {
                Some(wal::apply(&mut image, w, MAX_IN_MEMORY).map_err(|source| {
                    SqliteError::Wal {
                        name: name.to_string(),
                        source,
                    }
                })?)
            }
            _ => None,
        };
        if image.len() as u64 > MAX_IN_MEMORY {
            return Err(SqliteError::TooLarge {
                name: name.to_string(),
                size: image.len() as u64,
            });
        }
        if image.is_empty() {
            return Err(corrupt("empty file"));
        }
        if !image.starts_with(b"SQLite format 3\0") {
            return Err(corrupt("missing SQLite header"));
        }
        if image.len() < 100 {
            return Err(corrupt("truncated header"));
        }
        // Bytes 18–19 say "WAL mode"; the log is already applied and in-memory databases have
        // none, so mark the image as a rollback-journal database.
        image[18] = 1;
        image[19] = 1;
        let mut conn = Connection::open_with_flags(
            ":memory:",
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| SqliteError::from_rusqlite(name, e))?;
        harden(&conn).map_err(|e| SqliteError::from_rusqlite(name, e))?;
        let len = image.len();
        conn.deserialize_read_exact(MAIN_DB, Cursor::new(image), len, false)
            .map_err(|e| SqliteError::from_rusqlite(name, e))?;
        let db = Db {
            conn,
            name: name.to_string(),
            wal: wal_stats,
        };
        // Touch the schema now so a non-database fails here, with the file's name.
        db.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| SqliteError::from_rusqlite(name, e))?;
        db.check_schema_text()?;
        Ok(db)
    }

    /// Refuses a schema holding names or SQL that are not valid UTF-8 (or UTF-16 that does not
    /// convert): `rusqlite` panics on such a column name, and no real database has one.
    fn check_schema_text(&self) -> Result<(), SqliteError> {
        let err = |e| SqliteError::from_rusqlite(&self.name, e);
        let mut stmt = self
            .conn
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master")
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            for i in 0..4 {
                // The SQL may be stored as a blob: SQLite parses it all the same.
                if let Ok(ValueRef::Text(t) | ValueRef::Blob(t)) = row.get_ref(i) {
                    if let Err(e) = std::str::from_utf8(t) {
                        return Err(SqliteError::Corrupt {
                            name: self.name.clone(),
                            detail: format!(
                                "its schema holds text that is not valid UTF-8 ({e}): {:?}",
                                String::from_utf8_lossy(t.get(..t.len().min(80)).unwrap_or(t))
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The connection, for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The file name used in errors.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a table exists.
    pub fn has_table(&self, table: &str) -> bool {
        self.conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1",
                [table],
                |_| Ok(()),
            )
            .is_ok()
    }

    /// The column names of a table (empty if it does not exist).
    pub fn columns(&self, table: &str) -> Vec<String> {
        let Ok(mut stmt) = self.conn.prepare("SELECT name FROM pragma_table_info(?1)") else {
            return Vec::new();
        };
        stmt.query_map([table], |r| r.get::<_, String>(0))
            .map(|rows| rows.flatten().collect())
            .unwrap_or_default()
    }

    /// Wraps a query error with this database's name, classified by result code.
    pub fn error(&self, e: rusqlite::Error) -> SqliteError {
        SqliteError::from_rusqlite(&self.name, e)
    }
}

fn harden(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::config::DbConfig;
    use rusqlite::limits::Limit;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, true)?;
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)?;
    // temp_store=MEMORY: sorts and temporary indexes never spill evidence (decrypted or not)
    // into temporary files.
    conn.execute_batch(
        "PRAGMA cell_size_check=ON; PRAGMA query_only=OFF; PRAGMA temp_store=MEMORY;",
    )?;
    Ok(())
}
