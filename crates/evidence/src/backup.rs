//! An iTunes/Finder backup folder: `Info.plist`, `Manifest.plist`, `Status.plist`, `Manifest.db`
//! and the files themselves under `xx/<fileID>`.
//!
//! `Manifest.db`'s `Files` table maps each file's domain (`HomeDomain`, `AppDomain-<bundle>`…)
//! and relative path to a `fileID` (SHA-1 of `domain-relativePath`) and an `MBFile` metadata
//! blob (NSKeyedArchiver plist: size, mode, times, protection class, per-file key when
//! encrypted). The database is loaded in memory with its WAL; lookups use indexes we build on
//! that in-memory copy. File IDs are validated before any path is built from them, and symbolic
//! links in the backup folder are never followed.
//!
//! An encrypted backup is opened with its password or key ([`IosBackup::open_with`]):
//! `Manifest.db` and each file are then decrypted in memory as they are read (see [`crate::crypto`]).

use crate::crypto::{BackupKeys, Secret};
use crate::ios::{Artifact, FoundFile, IosSource};
use crate::plist_util::{self, as_i64, KeyedArchive};
use crate::read_log::ReadLog;
use crate::sqlite::{Db, MAX_IN_MEMORY};
use crate::EvidenceError;
use plist::{Dictionary, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracehound_core::{AcquisitionKind, InputFile};

/// A row of `Manifest.db`'s `Files` table with its decoded metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    /// SHA-1 of `domain-relativePath`, 40 hex characters.
    pub file_id: String,
    /// Backup domain.
    pub domain: String,
    /// Path relative to the domain's root.
    pub relative_path: String,
    /// 1 file, 2 directory, 4 symbolic link.
    pub flags: i64,
    /// Decoded `MBFile`, or why it could not be decoded.
    pub meta: Result<MbFile, String>,
}

/// A row of `Files` with its metadata blob not yet decoded, for callers that decode in parallel.
#[derive(Debug, Clone, PartialEq)]
pub struct RawManifestRow {
    /// SHA-1 of `domain-relativePath`, 40 hex characters.
    pub file_id: String,
    /// Backup domain.
    pub domain: String,
    /// Path relative to the domain's root.
    pub relative_path: String,
    /// 1 file, 2 directory, 4 symbolic link.
    pub flags: i64,
    /// The `MBFile` blob, when the column holds one.
    pub blob: Option<Vec<u8>>,
}

impl RawManifestRow {
    /// The row `SELECT fileID, domain, relativePath, flags, file` returned; text that is not
    /// UTF-8 is kept lossily and a value of the wrong type reads as empty, so one hostile row
    /// never stops a listing.
    fn from_row(row: &rusqlite::Row<'_>) -> RawManifestRow {
        let text = |i: usize| -> String {
            match row.get_ref(i) {
                Ok(rusqlite::types::ValueRef::Text(t)) => String::from_utf8_lossy(t).into(),
                _ => String::new(),
            }
        };
        RawManifestRow {
            file_id: text(0),
            domain: text(1),
            relative_path: text(2),
            flags: row.get::<_, Option<i64>>(3).ok().flatten().unwrap_or(0),
            blob: match row.get_ref(4) {
                Ok(rusqlite::types::ValueRef::Blob(b)) => Some(b.to_vec()),
                _ => None,
            },
        }
    }

    /// Decodes the metadata blob.
    pub fn decode(self) -> ManifestRow {
        ManifestRow {
            meta: match &self.blob {
                Some(b) => decode_mbfile(b),
                None => Err("no metadata blob".into()),
            },
            file_id: self.file_id,
            domain: self.domain,
            relative_path: self.relative_path,
            flags: self.flags,
        }
    }
}

/// The `MBFile` metadata of a backup entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MbFile {
    /// Size in bytes.
    pub size: Option<i64>,
    /// Unix mode bits (type and permissions).
    pub mode: Option<i64>,
    /// Owner uid.
    pub user_id: Option<i64>,
    /// Creation time (Unix seconds).
    pub birth: Option<i64>,
    /// Modification time (Unix seconds).
    pub last_modified: Option<i64>,
    /// Inode change time (Unix seconds).
    pub last_status_change: Option<i64>,
    /// Data-protection class.
    pub protection_class: Option<i64>,
    /// Wrapped per-file key (encrypted backups).
    pub encryption_key: Option<Vec<u8>>,
}

/// Decodes an `MBFile` NSKeyedArchiver blob: the fast reader first, the general plist parser
/// for anything it does not recognise.
pub fn decode_mbfile(blob: &[u8]) -> Result<MbFile, String> {
    match decode_mbfile_fast(blob) {
        Some(m) => Ok(m),
        None => decode_mbfile_general(blob),
    }
}

impl MbFile {
    /// The record from its numeric fields, read by key with `int` (both readers build it so).
    fn from_fields(int: impl Fn(&str) -> Option<i64>, encryption_key: Option<Vec<u8>>) -> MbFile {
        MbFile {
            size: int("Size"),
            mode: int("Mode"),
            user_id: int("UserID"),
            birth: int("Birth"),
            last_modified: int("LastModified"),
            last_status_change: int("LastStatusChange"),
            protection_class: int("ProtectionClass"),
            encryption_key,
        }
    }
}

/// `MBFile` through [`crate::bplist`]: `$top.root` → a UID into `$objects` → the MBFile dict.
pub fn decode_mbfile_fast<'a>(blob: &'a [u8]) -> Option<MbFile> {
    use crate::bplist::{Bplist, Obj};
    let b = Bplist::new(blob)?;
    let top = b.object(b.top())?;
    let Obj::Array(objects_at, objects_len) = b.get(top, "$objects")? else {
        return None;
    };
    let resolve = |o: Obj<'a>| -> Option<Obj<'a>> {
        match o {
            Obj::Uid(u) => {
                let u = usize::try_from(u).ok().filter(|&u| u < objects_len)?;
                b.object(b.reference(objects_at, u)?)
            }
            other => Some(other),
        }
    };
    let root = resolve(b.get(b.get(top, "$top")?, "root")?)?;
    let Obj::Dict(at, len) = root else {
        return None;
    };
    // A key or value this reader cannot read (the general parser is more lenient) sends the
    // blob to the general parser, so the two paths never disagree on what a blob says.
    for i in 0..len.checked_mul(2)? {
        b.object(b.reference(at, i)?)?;
    }
    // A number stored as anything but an integer (a real, say) is left to the general
    // parser, which converts it, so both paths read it alike.
    let odd = std::cell::Cell::new(false);
    let int = |k: &str| match b.get(root, k).and_then(resolve) {
        Some(Obj::Int(i)) => Some(i),
        None => None,
        Some(_) => {
            odd.set(true);
            None
        }
    };
    let encryption_key = match b.get(root, "EncryptionKey").and_then(resolve) {
        Some(Obj::Data(d)) => Some(d.to_vec()),
        Some(d @ Obj::Dict(..)) => match b.get(d, "NS.data").and_then(resolve) {
            Some(Obj::Data(d)) => Some(d.to_vec()),
            _ => None,
        },
        _ => None,
    };
    let m = MbFile::from_fields(int, encryption_key);
    (!odd.get()).then_some(m)
}

/// `MBFile` through the general `plist` parser.
pub fn decode_mbfile_general(blob: &[u8]) -> Result<MbFile, String> {
    let value = plist_util::parse("MBFile", blob).map_err(|e| e.to_string())?;
    let archive = KeyedArchive::new(&value).ok_or("not an NSKeyedArchiver archive")?;
    let root = archive
        .top("root")
        .and_then(Value::as_dictionary)
        .ok_or("archive has no root object")?;
    let int = |k: &str| archive.field(root, k).and_then(as_i64);
    let encryption_key = archive.field(root, "EncryptionKey").and_then(|v| match v {
        Value::Data(d) => Some(d.clone()),
        Value::Dictionary(d) => match archive.field(d, "NS.data") {
            Some(Value::Data(b)) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    });
    Ok(MbFile::from_fields(int, encryption_key))
}

/// An opened backup.
pub struct IosBackup {
    root: PathBuf,
    manifest: Mutex<Db>,
    info: Option<Dictionary>,
    info_error: Option<String>,
    manifest_plist: Option<Dictionary>,
    reads: ReadLog,
    keys: Option<BackupKeys>,
}

/// Whether `dir` looks like a backup folder (has `Manifest.db` or `Manifest.plist`).
pub fn is_backup_dir(dir: &Path) -> bool {
    dir.join("Manifest.db").is_file() || dir.join("Manifest.plist").is_file()
}

fn is_file_id(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Translates our `*` wildcard into SQL `LIKE` (escaping `%`, `_` and `\`).
fn like_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            '*' => out.push('%'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl IosBackup {
    /// Opens the backup at `root`, reading its plists and `Manifest.db`. An encrypted backup is
    /// refused with [`EvidenceError::Encrypted`]: open it with [`IosBackup::open_with`].
    pub fn open(root: &Path) -> Result<IosBackup, EvidenceError> {
        IosBackup::open_with(root, None)
    }

    /// Opens the backup at `root`; `secret` unlocks it if it is encrypted (and is unused if not).
    pub fn open_with(root: &Path, secret: Option<&Secret>) -> Result<IosBackup, EvidenceError> {
        let not_backup = |reason: String| EvidenceError::NotABackup {
            path: root.display().to_string(),
            reason,
        };
        if !root.is_dir() {
            return Err(not_backup("not a folder".into()));
        }
        let manifest_plist = read_optional_plist(root, "Manifest.plist")?;
        // A damaged Info.plist only costs the BackupInfo module, not the whole check.
        let (info, info_error) = match read_optional_plist(root, "Info.plist") {
            Ok(info) => (info, None),
            Err(e) => (None, Some(e.to_string())),
        };
        let keys = match (&manifest_plist, secret) {
            (Some(mp), Some(secret)) if plist_says_encrypted(mp) => {
                Some(BackupKeys::unlock(&root.display().to_string(), mp, secret)?)
            }
            (Some(mp), None) if plist_says_encrypted(mp) => {
                return Err(EvidenceError::Encrypted {
                    path: root.display().to_string(),
                })
            }
            _ => None,
        };
        let db_path = root.join("Manifest.db");
        if !db_path.is_file() {
            return Err(not_backup("Manifest.db is missing".into()));
        }
        let mut image = read_bounded(&db_path, MAX_IN_MEMORY)?;
        let wal_path = root.join("Manifest.db-wal");
        let mut wal = if wal_path.is_file() {
            Some(read_bounded(&wal_path, MAX_IN_MEMORY)?)
        } else {
            None
        };
        if let Some(k) = &keys {
            image = k.decrypt_manifest_db("Manifest.db", image)?;
            wal = wal
                .map(|w| k.decrypt_manifest_db("Manifest.db-wal", w))
                .transpose()?;
        }
        let db = Db::from_bytes("Manifest.db", image, wal.as_deref())?;
        if !db.has_table("Files") {
            return Err(EvidenceError::Corrupt {
                path: "Manifest.db".into(),
                reason: "no Files table".into(),
            });
        }
        // Indexes on our in-memory copy make per-module lookups cheap.
        db.conn()
            .execute_batch(
                "CREATE INDEX IF NOT EXISTS th_dom_path ON Files(domain, relativePath);
                 CREATE INDEX IF NOT EXISTS th_path ON Files(relativePath);",
            )
            .map_err(|e| db.error(e))?;
        // Hashed from disk later: these were read (and decrypted) before the log existed.
        let reads = ReadLog::new();
        for name in [
            "Manifest.db",
            "Manifest.db-wal",
            "Manifest.plist",
            "Info.plist",
        ] {
            if root.join(name).is_file() {
                reads.note(InputFile {
                    path: name.into(),
                    artifact: None,
                });
            }
        }
        Ok(IosBackup {
            root: root.to_path_buf(),
            manifest: Mutex::new(db),
            info,
            info_error,
            manifest_plist,
            reads,
            keys,
        })
    }

    /// The unlocked keys, when the backup is encrypted.
    pub fn keys(&self) -> Option<&BackupKeys> {
        self.keys.as_ref()
    }

    /// The decoded `MBFile` record of `file_id`.
    fn file_record(&self, file_id: &str) -> Result<MbFile, EvidenceError> {
        let db = self.manifest.lock().map_err(|_| EvidenceError::Poisoned)?;
        let blob: Option<Vec<u8>> = db
            .conn()
            .query_row("SELECT file FROM Files WHERE fileID = ?1", [file_id], |r| {
                r.get(0)
            })
            .map_err(|e| db.error(e))?;
        decode_mbfile(&blob.unwrap_or_default()).map_err(|e| EvidenceError::Corrupt {
            path: format!("Manifest.db record of {file_id}"),
            reason: e,
        })
    }

    /// The backup folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `Info.plist`, if present and readable.
    pub fn info(&self) -> Option<&Dictionary> {
        self.info.as_ref()
    }

    /// Why `Info.plist` could not be read, if it is present but damaged.
    pub fn info_error(&self) -> Option<&str> {
        self.info_error.as_deref()
    }

    /// `Manifest.plist`, if present and readable.
    pub fn manifest_plist(&self) -> Option<&Dictionary> {
        self.manifest_plist.as_ref()
    }

    /// Calls `f` for every row of `Files`, in `rowid` order, with decoded metadata.
    pub fn for_each_entry(&self, mut f: impl FnMut(ManifestRow)) -> Result<(), EvidenceError> {
        self.for_each_raw_entry(|row| f(row.decode()))
    }

    /// Calls `f` for every row of `Files`, in `rowid` order, metadata left undecoded.
    pub fn for_each_raw_entry(
        &self,
        mut f: impl FnMut(RawManifestRow),
    ) -> Result<(), EvidenceError> {
        let db = self.manifest.lock().map_err(|_| EvidenceError::Poisoned)?;
        let mut stmt = db
            .conn()
            .prepare("SELECT fileID, domain, relativePath, flags, file FROM Files ORDER BY rowid")
            .map_err(|e| db.error(e))?;
        let mut rows = stmt.query([]).map_err(|e| db.error(e))?;
        while let Some(row) = rows.next().map_err(|e| db.error(e))? {
            f(RawManifestRow::from_row(row));
        }
        Ok(())
    }

    /// The rows of `Files` (files, folders and links) whose domain and relative path match the
    /// case-sensitive `*` patterns `domain` and `path` (`*` also spans `/`), with decoded
    /// metadata, sorted by domain and path.
    pub fn entries_matching(
        &self,
        domain: &str,
        path: &str,
    ) -> Result<Vec<ManifestRow>, EvidenceError> {
        let db = self.manifest.lock().map_err(|_| EvidenceError::Poisoned)?;
        let sql = "SELECT fileID, domain, relativePath, flags, file FROM Files \
                   WHERE domain LIKE ?1 ESCAPE '\\' AND relativePath LIKE ?2 ESCAPE '\\' \
                   ORDER BY domain, relativePath";
        let mut stmt = db.conn().prepare_cached(sql).map_err(|e| db.error(e))?;
        let mut rows = stmt
            .query([like_pattern(domain), like_pattern(path)])
            .map_err(|e| db.error(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| db.error(e))? {
            let r = RawManifestRow::from_row(row);
            // SQL LIKE is case-insensitive for ASCII; device paths are not.
            if wildcard_match(domain, &r.domain) && wildcard_match(path, &r.relative_path) {
                out.push(r.decode());
            }
        }
        Ok(out)
    }

    /// Whether the file for `file_id` is present in the folder (a regular file, in a real
    /// folder: links are never followed).
    pub fn has_file(&self, file_id: &str) -> bool {
        matches!(self.stored(file_id), Ok(true))
    }

    /// Whether `file_id`'s file is stored: absent is `Ok(false)`; a file or hash folder that is
    /// a symbolic link is refused (it would lead out of the backup: `xx/` linked to another
    /// folder holding a file of the right name is read from there otherwise).
    fn stored(&self, file_id: &str) -> Result<bool, EvidenceError> {
        if !is_file_id(file_id) {
            return Ok(false);
        }
        let refused = |what: &str| EvidenceError::Refused {
            path: format!("{}/{}", &file_id[..2], file_id),
            reason: format!(
                "{what} is a symbolic link; backups never contain links, refusing to follow"
            ),
        };
        let folder = self.root.join(&file_id[..2]);
        match fs::symlink_metadata(&folder) {
            Ok(m) if m.file_type().is_symlink() => return Err(refused("its folder")),
            Ok(m) if m.is_dir() => {}
            _ => return Ok(false),
        }
        match fs::symlink_metadata(self.file_path(file_id)) {
            Ok(m) if m.file_type().is_symlink() => Err(refused("it")),
            Ok(m) => Ok(m.is_file()),
            Err(_) => Ok(false),
        }
    }

    fn file_path(&self, file_id: &str) -> PathBuf {
        self.root.join(&file_id[..2]).join(file_id)
    }

    fn lookup(
        &self,
        domain: &str,
        path: &str,
    ) -> Result<Vec<(String, String, String)>, EvidenceError> {
        let db = self.manifest.lock().map_err(|_| EvidenceError::Poisoned)?;
        let sql = "SELECT fileID, domain, relativePath FROM Files \
                   WHERE domain LIKE ?1 ESCAPE '\\' AND relativePath LIKE ?2 ESCAPE '\\' \
                   AND flags = 1 ORDER BY domain, relativePath";
        let exact = "SELECT fileID, domain, relativePath FROM Files \
                     WHERE domain = ?1 AND relativePath = ?2 AND flags = 1";
        let wild = domain.contains('*') || path.contains('*');
        let (q, a, b) = if wild {
            (sql, like_pattern(domain), like_pattern(path))
        } else {
            (exact, domain.to_string(), path.to_string())
        };
        let mut stmt = db.conn().prepare_cached(q).map_err(|e| db.error(e))?;
        let rows = stmt
            .query_map([a, b], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| db.error(e))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(|e| db.error(e))?);
        }
        // SQL LIKE is case-insensitive for ASCII; device paths are not.
        if wild {
            out.retain(|(_, d, p): &(String, String, String)| {
                wildcard_match(domain, d) && wildcard_match(path, p)
            });
        }
        Ok(out)
    }

    /// SHA-256 (hex) of the input at `path` as it was read from disk (before decryption),
    /// when it was read through [`IosSource::read`].
    pub fn input_sha256(&self, path: &str) -> Option<String> {
        self.reads.sha256(path)
    }
}

/// Case-sensitive `*` wildcard match.
pub fn wildcard_match(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

impl IosSource for IosBackup {
    fn kind(&self) -> AcquisitionKind {
        AcquisitionKind::IosBackup
    }

    fn find(&self, artifact: &Artifact) -> Result<Vec<FoundFile>, EvidenceError> {
        let mut found = BTreeSet::new();
        for (domain, path) in artifact.backup {
            for (file_id, d, p) in self.lookup(domain, path)? {
                if !is_file_id(&file_id) {
                    return Err(EvidenceError::Refused {
                        path: format!("Manifest.db entry {d}:{p}"),
                        reason: format!("invalid fileID {file_id:?}"),
                    });
                }
                if self.stored(&file_id)? {
                    found.insert(FoundFile {
                        path: format!("{}/{}", &file_id[..2], file_id),
                        domain: Some(d),
                        relative_path: p,
                    });
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    fn read(&self, file: &FoundFile) -> Result<Vec<u8>, EvidenceError> {
        let file_id = file.path.rsplit('/').next().unwrap_or_default();
        if !is_file_id(file_id) {
            return Err(EvidenceError::Refused {
                path: file.path.clone(),
                reason: "not a backup file id".into(),
            });
        }
        self.stored(file_id)?;
        let path = self.file_path(file_id);
        let meta = fs::symlink_metadata(&path).map_err(|e| EvidenceError::io(&path, e))?;
        if meta.file_type().is_symlink() {
            return Err(EvidenceError::Refused {
                path: file.path.clone(),
                reason: "is a symbolic link; backups never contain links, refusing to follow"
                    .into(),
            });
        }
        let bytes = read_bounded(&path, MAX_IN_MEMORY)?;
        // The file as stored is what was read (and what is hashed), whether or not it then
        // decrypts.
        self.reads.record(file.input(), &bytes);
        match &self.keys {
            Some(keys) => keys.decrypt_file(&file.path, &self.file_record(file_id)?, bytes),
            None => Ok(bytes),
        }
    }

    fn open_sqlite(&self, file: &FoundFile) -> Result<Db, EvidenceError> {
        let image = self.read(file)?;
        let wal = match &file.domain {
            Some(d) => {
                let wal_path = format!("{}-wal", file.relative_path);
                match self.lookup(d, &wal_path)?.into_iter().next() {
                    Some((id, d, p)) if self.has_file(&id) => {
                        let wf = FoundFile {
                            path: format!("{}/{}", &id[..2], id),
                            domain: Some(d),
                            relative_path: p,
                        };
                        Some(self.read(&wf)?)
                    }
                    _ => None,
                }
            }
            None => None,
        };
        Ok(Db::from_bytes(&file.path, image, wal.as_deref())?)
    }

    fn backup(&self) -> Option<&IosBackup> {
        Some(self)
    }

    fn inputs(&self) -> Vec<InputFile> {
        self.reads.inputs()
    }
}

fn plist_says_encrypted(manifest_plist: &Dictionary) -> bool {
    manifest_plist
        .get("IsEncrypted")
        .and_then(Value::as_boolean)
        == Some(true)
}

/// Whether the backup at `root` says it is encrypted (`Manifest.plist` → `IsEncrypted`).
pub fn is_encrypted(root: &Path) -> Result<bool, EvidenceError> {
    Ok(read_optional_plist(root, "Manifest.plist")?.is_some_and(|mp| plist_says_encrypted(&mp)))
}

fn read_optional_plist(root: &Path, name: &str) -> Result<Option<Dictionary>, EvidenceError> {
    let path = root.join(name);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = read_bounded(&path, plist_util::MAX_PLIST_BYTES as u64)?;
    plist_util::parse_dict(name, &bytes).map(Some)
}

/// Reads a regular file (never through a symbolic link) of at most `max` bytes.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, EvidenceError> {
    let meta = fs::symlink_metadata(path).map_err(|e| EvidenceError::io(path, e))?;
    if meta.file_type().is_symlink() {
        return Err(EvidenceError::Refused {
            path: path.display().to_string(),
            reason: "is a symbolic link; refusing to follow".into(),
        });
    }
    if meta.len() > max {
        return Err(EvidenceError::TooLarge {
            path: path.display().to_string(),
            size: meta.len(),
            limit: max,
        });
    }
    fs::read(path).map_err(|e| EvidenceError::io(path, e))
}
