//! `Manifest.db` and the `MBFile` metadata blob of each row.
//!
//! The blob is an NSKeyedArchiver binary plist, as in real backups (checked against the MVT
//! test backup's `Manifest.db`):
//! `{$archiver: "NSKeyedArchiver", $version: 100000, $top: {root: UID(1)}, $objects: ["$null",
//! {Birth, LastModified, LastStatusChange, Flags, GroupID, UserID, InodeNumber, Mode, Size,
//! ProtectionClass, RelativePath: UID(2), [EncryptionKey: UID], [Target: UID], $class: UID},
//! relativePath, [target string], [{NS.data, $class} NSMutableData], {$classname: "MBFile",
//! $classes: ["MBFile", "NSObject"]}]}`. Times are Unix seconds (integers); files carry an
//! `EncryptionKey` (4-byte little-endian protection class + 40-byte wrapped key) even in
//! unencrypted backups.

use crate::backup::Entry;
use anyhow::{Context, Result};
use plist::{Dictionary, Uid, Value};
use std::path::Path;

/// Metadata of one backed-up file, directory or symlink.
#[derive(Clone, Debug)]
pub struct MbFile {
    pub relative_path: String,
    pub birth: i64,
    pub last_modified: i64,
    pub last_status_change: i64,
    pub mode: u32,
    pub inode: u64,
    pub size: u64,
    pub protection_class: u8,
    pub encryption_key: Option<Vec<u8>>,
    pub target: Option<String>,
}

fn uid(n: u64) -> Value {
    Value::Uid(Uid::new(n))
}

fn class(name: &str, supers: &[&str]) -> Value {
    let mut d = Dictionary::new();
    d.insert("$classname".into(), Value::String(name.into()));
    let classes = std::iter::once(name)
        .chain(supers.iter().copied())
        .map(|s| Value::String(s.into()))
        .collect();
    d.insert("$classes".into(), Value::Array(classes));
    Value::Dictionary(d)
}

impl MbFile {
    /// The NSKeyedArchiver object graph.
    pub fn to_plist(&self) -> Value {
        let mut objects = vec![
            Value::String("$null".into()),
            Value::Boolean(false), // placeholder for the MBFile dict, filled below
            Value::String(self.relative_path.clone()),
        ];
        let mut root = Dictionary::new();
        root.insert("LastModified".into(), Value::from(self.last_modified));
        root.insert("Flags".into(), Value::from(0));
        root.insert("GroupID".into(), Value::from(501));
        root.insert(
            "LastStatusChange".into(),
            Value::from(self.last_status_change),
        );
        root.insert("RelativePath".into(), uid(2));
        root.insert("Birth".into(), Value::from(self.birth));
        if let Some(target) = &self.target {
            root.insert("Target".into(), uid(objects.len() as u64));
            objects.push(Value::String(target.clone()));
        }
        if let Some(key) = &self.encryption_key {
            root.insert("EncryptionKey".into(), uid(objects.len() as u64));
            let mut data = Dictionary::new();
            data.insert("NS.data".into(), Value::Data(key.clone()));
            data.insert("$class".into(), uid(objects.len() as u64 + 1));
            objects.push(Value::Dictionary(data));
            objects.push(class("NSMutableData", &["NSData", "NSObject"]));
        }
        root.insert("Size".into(), Value::from(self.size));
        root.insert("InodeNumber".into(), Value::from(self.inode));
        root.insert("Mode".into(), Value::from(u64::from(self.mode)));
        root.insert("UserID".into(), Value::from(501));
        root.insert(
            "ProtectionClass".into(),
            Value::from(u64::from(self.protection_class)),
        );
        root.insert("$class".into(), uid(objects.len() as u64));
        objects.push(class("MBFile", &["NSObject"]));
        objects[1] = Value::Dictionary(root);

        let mut top = Dictionary::new();
        top.insert("root".into(), uid(1));
        let mut archive = Dictionary::new();
        archive.insert("$version".into(), Value::from(100_000));
        archive.insert("$archiver".into(), Value::String("NSKeyedArchiver".into()));
        archive.insert("$top".into(), Value::Dictionary(top));
        archive.insert("$objects".into(), Value::Array(objects));
        Value::Dictionary(archive)
    }

    /// The binary plist stored in `Files.file`.
    pub fn to_blob(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(512);
        self.to_plist().to_writer_binary(&mut out)?;
        Ok(out)
    }
}

/// Writes `Manifest.db` with the schema of iOS 10+ backups.
///
/// Real backups leave `Manifest.db` in WAL journal mode (header bytes 18–19 = 2) with
/// `user_version` 2 and no `-wal` file; so do we (the log is checkpointed before closing).
pub fn write_manifest_db(path: &Path, entries: &[Entry]) -> Result<()> {
    let mut conn =
        rusqlite::Connection::open(path).with_context(|| format!("creating {}", path.display()))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         PRAGMA synchronous=OFF;
         PRAGMA cache_size=-262144;
         PRAGMA user_version=2;
         CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
         CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
    )?;
    // Encoding the plists dominates; do it on all cores, then insert in order.
    let blobs = encode_parallel(entries)?;
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (e, blob) in entries.iter().zip(blobs) {
            stmt.execute(rusqlite::params![
                e.file_id,
                e.domain,
                e.relative_path,
                e.kind as i64,
                blob
            ])
            .with_context(|| format!("manifest row {}/{}", e.domain, e.relative_path))?;
        }
    }
    tx.commit()?;
    conn.execute_batch(
        "CREATE INDEX FilesDomainIdx ON Files(domain);
         CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
         CREATE INDEX FilesFlagsIdx ON Files(flags);
         PRAGMA wal_checkpoint(TRUNCATE);",
    )?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The `MBFile` blobs of `entries`, in order, encoded on every available core.
fn encode_parallel(entries: &[Entry]) -> Result<Vec<Vec<u8>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = entries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|e| e.meta.to_blob())
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(entries.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| anyhow::anyhow!("encoder thread panicked"))??;
            out.extend(part);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_round_trips_like_a_real_one() {
        let f = MbFile {
            relative_path: "Library/SMS/sms.db".into(),
            birth: 1,
            last_modified: 2,
            last_status_change: 3,
            mode: 0o100644,
            inode: 42,
            size: 4096,
            protection_class: 3,
            encryption_key: Some(vec![3, 0, 0, 0, 9]),
            target: None,
        };
        let v =
            Value::from_reader(std::io::Cursor::new(f.to_blob().expect("blob"))).expect("plist");
        let objs = v
            .as_dictionary()
            .and_then(|d| d["$objects"].as_array())
            .expect("objs");
        let root = objs[1].as_dictionary().expect("root");
        assert_eq!(root["Mode"].as_unsigned_integer(), Some(0o100644));
        assert_eq!(root["RelativePath"], uid(2));
        assert_eq!(objs[2].as_string(), Some("Library/SMS/sms.db"));
        let cls = root["$class"].as_uid().expect("class").get() as usize;
        let name = objs[cls].as_dictionary().expect("cls")["$classname"].as_string();
        assert_eq!(name, Some("MBFile"));
    }
}
