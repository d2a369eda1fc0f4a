//! Tiny synthetic iOS backups for module tests: a folder in the system temp directory with a
//! `Manifest.db` (`Files` table) and each file stored at `<fileID[0..2]>/<fileID>`.
//!
//! The backup reader only checks that a fileID is 40 hex digits, so IDs here are a stable
//! hash of `domain-relativePath`, not its SHA-1. Include with `mod support;` (when `mod.rs`
//! declares it) or `#[path = "support/synthetic.rs"] mod synthetic;`.
#![allow(dead_code)] // each test binary uses part of it

// Some tests include two of the support files; each brings its own copy.
#[allow(clippy::duplicate_mod)]
#[path = "outputs.rs"]
mod outputs;
#[allow(unused_imports)] // each test binary uses part of it
pub use outputs::{observables, records_json, timeline_events as timeline};

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tracehound_core::module::ModuleContext;
use tracehound_core::{ModuleError, ModuleOutput};
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::IosSource;
use tracehound_ios::MODULES;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A backup folder being built; removed when dropped.
pub struct SyntheticBackup {
    dir: PathBuf,
    rows: Vec<Row>,
}

/// A `Files` row: fileID, domain, relativePath, flags, `MBFile` blob.
struct Row(String, String, String, i64, Option<Vec<u8>>);

fn fnv(seed: u64, data: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A 40-hex-digit file ID for `domain-relative_path`.
pub fn file_id(domain: &str, relative_path: &str) -> String {
    let key = format!("{domain}-{relative_path}");
    let b = key.as_bytes();
    format!(
        "{:016x}{:016x}{:08x}",
        fnv(1, b),
        fnv(2, b),
        fnv(3, b) as u32
    )
}

/// The bytes of a SQLite database created by running `sql`.
pub fn sqlite_bytes(sql: &str) -> Vec<u8> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "tracehound-synth-db-{}-{n}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    bytes
}

impl SyntheticBackup {
    /// An empty backup folder whose name contains `name`.
    pub fn new(name: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "tracehound-synth-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        SyntheticBackup {
            dir,
            rows: Vec::new(),
        }
    }

    /// The backup folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds a file; returns its path inside the backup (`xx/<fileID>`).
    pub fn add_file(&mut self, domain: &str, relative_path: &str, bytes: &[u8]) -> String {
        let id = file_id(domain, relative_path);
        let sub = self.dir.join(&id[..2]);
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(&id), bytes).unwrap();
        self.rows.push(Row(
            id.clone(),
            domain.to_string(),
            relative_path.to_string(),
            1,
            None,
        ));
        format!("{}/{}", &id[..2], id)
    }

    /// Lists `domain:relative_path` with `flags` (1 file, 2 folder, 4 link) and metadata
    /// `blob`, storing `contents` in the folder when given; returns the fileID.
    pub fn add_entry(
        &mut self,
        domain: &str,
        relative_path: &str,
        flags: i64,
        blob: Option<Vec<u8>>,
        contents: Option<&[u8]>,
    ) -> String {
        let id = file_id(domain, relative_path);
        if let Some(bytes) = contents {
            let sub = self.dir.join(&id[..2]);
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(&id), bytes).unwrap();
        }
        self.rows.push(Row(
            id.clone(),
            domain.to_string(),
            relative_path.to_string(),
            flags,
            blob,
        ));
        id
    }

    /// Writes a file at the top of the backup folder (`Info.plist`, `Manifest.plist`…).
    pub fn write_top(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.join(name), bytes).unwrap();
    }

    /// Adds a SQLite database created by running `sql`; returns its path inside the backup.
    pub fn add_sqlite(&mut self, domain: &str, relative_path: &str, sql: &str) -> String {
        self.add_file(domain, relative_path, &sqlite_bytes(sql))
    }

    /// Writes `Manifest.db` and opens the backup.
    pub fn open(&self) -> IosBackup {
        self.write_manifest();
        IosBackup::open(&self.dir).unwrap()
    }

    /// Writes `Manifest.db` (for tests of what the backup reader makes of the folder).
    pub fn write_manifest(&self) {
        let manifest = self.dir.join("Manifest.db");
        let _ = std::fs::remove_file(&manifest);
        let conn = rusqlite::Connection::open(&manifest).unwrap();
        conn.execute_batch(
            "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, \
             flags INTEGER, file BLOB);",
        )
        .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        for Row(id, domain, path, flags, blob) in &self.rows {
            tx.execute(
                "INSERT OR REPLACE INTO Files VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, domain, path, flags, blob],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
}

impl Drop for SyntheticBackup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the module `slug` on `backup`.
pub fn run(slug: &str, backup: &IosBackup) -> Result<ModuleOutput, ModuleError> {
    let module = MODULES
        .iter()
        .find(|m| m.meta().slug == slug)
        .unwrap_or_else(|| panic!("module {slug} is not registered"));
    module.run(backup as &dyn IosSource, &ModuleContext::empty())
}

/// Times, mode, owner and size of an `MBFile` metadata blob.
#[derive(Clone, Copy, Debug)]
pub struct MbMeta {
    pub birth: i64,
    pub last_modified: i64,
    pub last_status_change: i64,
    pub mode: i64,
    pub user_id: i64,
    pub size: i64,
}

impl Default for MbMeta {
    fn default() -> Self {
        MbMeta {
            birth: 1_600_000_000,
            last_modified: 1_600_000_100,
            last_status_change: 1_600_000_200,
            mode: 0o100644,
            user_id: 501,
            size: 0,
        }
    }
}

/// An `MBFile` NSKeyedArchiver blob, as `Manifest.db`'s `file` column holds.
pub fn mbfile_blob(m: &MbMeta) -> Vec<u8> {
    use plist::{Dictionary, Uid, Value};
    let mut file = Dictionary::new();
    file.insert("$class".into(), Value::Uid(Uid::new(2)));
    for (k, v) in [
        ("Birth", m.birth),
        ("LastModified", m.last_modified),
        ("LastStatusChange", m.last_status_change),
        ("Mode", m.mode),
        ("UserID", m.user_id),
        ("GroupID", m.user_id),
        ("Size", m.size),
        ("ProtectionClass", 3),
    ] {
        file.insert(k.into(), Value::Integer(v.into()));
    }
    let mut class = Dictionary::new();
    class.insert("$classname".into(), "MBFile".into());
    class.insert(
        "$classes".into(),
        Value::Array(vec!["MBFile".into(), "NSObject".into()]),
    );
    let mut top = Dictionary::new();
    top.insert("root".into(), Value::Uid(Uid::new(1)));
    let mut archive = Dictionary::new();
    archive.insert("$version".into(), Value::Integer(100_000.into()));
    archive.insert("$archiver".into(), "NSKeyedArchiver".into());
    archive.insert("$top".into(), Value::Dictionary(top));
    let objects = vec![
        "$null".into(),
        Value::Dictionary(file),
        Value::Dictionary(class),
    ];
    archive.insert("$objects".into(), Value::Array(objects));
    binary_plist(&Value::Dictionary(archive))
}

/// A property list in binary form.
pub fn binary_plist(v: &plist::Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.to_writer_binary(&mut out).unwrap();
    out
}

/// A property list as XML.
pub fn xml_plist(v: &plist::Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.to_writer_xml(&mut out).unwrap();
    out
}
