//! The backup folder: files stored under their IDs and the `Manifest.db` that lists them.
//!
//! Layout of an unencrypted iTunes/Finder backup (iOS 10+): every file lives at
//! `<fileID[0..2]>/<fileID>`, where `fileID` is the lower-case hex SHA-1 of
//! `"<domain>-<relativePath>"`. `Manifest.db` holds
//! `Files(fileID, domain, relativePath, flags, file)` with flags 1 = file, 2 = directory,
//! 4 = symlink and `file` an NSKeyedArchiver binary plist of an `MBFile` object; and an
//! (empty) `Properties(key, value)` table. Directories and symlinks have rows but no stored
//! file. See `manifest.rs` for the `MBFile` encoding.

use crate::manifest::{self, MbFile};
use crate::rng::Rng;
use anyhow::{Context, Result};
use sha1::{Digest, Sha1};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Kind of a Manifest row, as its `flags` column says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File = 1,
    Dir = 2,
    Symlink = 4,
}

/// One row of `Manifest.db`'s `Files` table.
#[derive(Clone, Debug)]
pub struct Entry {
    pub file_id: String,
    pub domain: String,
    pub relative_path: String,
    pub kind: Kind,
    pub meta: MbFile,
}

/// A backup folder being written.
pub struct Backup {
    root: PathBuf,
    staging: PathBuf,
    entries: Vec<Entry>,
    dirs: HashSet<(String, String)>,
    made_subdirs: HashSet<String>,
    rng: Rng,
    next_inode: u64,
    /// Small files not yet written: written in batches on several threads.
    pending: Vec<(PathBuf, Vec<u8>)>,
}

const BATCH: usize = 8192;
const WRITERS: usize = 4;

/// The backup file ID of `domain` + `relative_path`.
pub fn file_id(domain: &str, relative_path: &str) -> String {
    let mut h = Sha1::new();
    h.update(domain.as_bytes());
    h.update(b"-");
    h.update(relative_path.as_bytes());
    hex::encode(h.finalize())
}

impl Backup {
    /// Starts a backup in `root`, which must not exist or be empty.
    pub fn create(root: &Path, seed: u64) -> Result<Self> {
        if root.exists() && fs::read_dir(root)?.next().is_some() {
            anyhow::bail!("output folder {} exists and is not empty", root.display());
        }
        fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let staging = root.join(".staging");
        fs::create_dir_all(&staging)?;
        Ok(Backup {
            root: root.to_path_buf(),
            staging,
            entries: Vec::new(),
            dirs: HashSet::new(),
            made_subdirs: HashSet::new(),
            rng: Rng::derive(seed, "manifest-metadata"),
            next_inode: 100_000,
            pending: Vec::new(),
        })
    }

    /// A scratch path (inside the output folder, so renames stay on one file system).
    pub fn staging_path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// Rows written so far.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn meta(&mut self, kind: Kind, relative_path: &str, size: u64, unix: i64) -> MbFile {
        self.next_inode += 1 + self.rng.below(40);
        let birth = unix - self.rng.below(30 * 86_400) as i64;
        MbFile {
            relative_path: relative_path.to_string(),
            birth,
            last_modified: unix,
            last_status_change: unix,
            mode: match kind {
                Kind::File => 0o100644,
                Kind::Dir => 0o40755,
                Kind::Symlink => 0o120755,
            },
            inode: self.next_inode,
            size,
            protection_class: if kind == Kind::File { 3 } else { 0 },
            encryption_key: (kind == Kind::File).then(|| {
                let mut key = vec![3, 0, 0, 0];
                key.extend(self.rng.bytes(40));
                key
            }),
            target: None,
        }
    }

    fn push(&mut self, domain: &str, relative_path: &str, kind: Kind, meta: MbFile) -> String {
        let id = file_id(domain, relative_path);
        self.entries.push(Entry {
            file_id: id.clone(),
            domain: domain.to_string(),
            relative_path: relative_path.to_string(),
            kind,
            meta,
        });
        id
    }

    /// Adds the directory rows for `domain`'s root and every parent of `relative_path`.
    fn parents(&mut self, domain: &str, relative_path: &str, unix: i64) {
        let mut prefixes = vec![String::new()];
        let parts: Vec<&str> = relative_path.split('/').collect();
        for i in 1..parts.len() {
            prefixes.push(parts[..i].join("/"));
        }
        for p in prefixes {
            self.dir(domain, &p, unix);
        }
    }

    /// Adds a directory row (once).
    pub fn dir(&mut self, domain: &str, relative_path: &str, unix: i64) {
        if self
            .dirs
            .insert((domain.to_string(), relative_path.to_string()))
        {
            let meta = self.meta(Kind::Dir, relative_path, 0, unix);
            self.push(domain, relative_path, Kind::Dir, meta);
        }
    }

    /// Adds a symlink row pointing at `target`.
    pub fn symlink(&mut self, domain: &str, relative_path: &str, target: &str, unix: i64) {
        self.parents(domain, relative_path, unix);
        let mut meta = self.meta(Kind::Symlink, relative_path, 0, unix);
        meta.target = Some(target.to_string());
        self.push(domain, relative_path, Kind::Symlink, meta);
    }

    fn stored_path(&mut self, id: &str) -> Result<PathBuf> {
        let sub = &id[..2];
        let dir = self.root.join(sub);
        if self.made_subdirs.insert(sub.to_string()) {
            fs::create_dir_all(&dir)?;
        }
        Ok(dir.join(id))
    }

    /// Stores `bytes` as file `relative_path` of `domain`; returns its file ID.
    pub fn file(
        &mut self,
        domain: &str,
        relative_path: &str,
        bytes: &[u8],
        unix: i64,
    ) -> Result<String> {
        self.parents(domain, relative_path, unix);
        let meta = self.meta(Kind::File, relative_path, bytes.len() as u64, unix);
        let id = self.push(domain, relative_path, Kind::File, meta);
        let path = self.stored_path(&id)?;
        self.pending.push((path, bytes.to_vec()));
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(id)
    }

    /// Moves a finished file from the staging area into the backup as `relative_path`.
    pub fn file_from(
        &mut self,
        domain: &str,
        relative_path: &str,
        src: &Path,
        unix: i64,
    ) -> Result<String> {
        self.parents(domain, relative_path, unix);
        let size = fs::metadata(src)
            .with_context(|| format!("reading {}", src.display()))?
            .len();
        let meta = self.meta(Kind::File, relative_path, size, unix);
        let id = self.push(domain, relative_path, Kind::File, meta);
        let path = self.stored_path(&id)?;
        fs::rename(src, &path).with_context(|| format!("moving {}", src.display()))?;
        Ok(id)
    }

    /// Writes the pending files, on [`WRITERS`] threads (file creation is syscall-bound).
    fn flush(&mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let chunk = pending.len().div_ceil(WRITERS).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = pending
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || -> Result<()> {
                        for (path, bytes) in part {
                            fs::write(path, bytes)
                                .with_context(|| format!("writing {}", path.display()))?;
                        }
                        Ok(())
                    })
                })
                .collect();
            for h in handles {
                h.join()
                    .map_err(|_| anyhow::anyhow!("writer thread panicked"))??;
            }
            Ok(())
        })
    }

    /// Writes `Manifest.db` and removes the staging area. Returns the number of rows.
    pub fn finish(mut self) -> Result<usize> {
        self.flush()?;
        let n = self.entries.len();
        manifest::write_manifest_db(&self.root.join("Manifest.db"), &self.entries)?;
        fs::remove_dir_all(&self.staging).ok();
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_backup_ids() {
        // IDs MVT looks up directly, from its modules' *_BACKUP_IDS.
        assert_eq!(
            file_id("HomeDomain", "Library/SMS/sms.db"),
            "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
        );
        assert_eq!(
            file_id("WirelessDomain", "Library/Databases/DataUsage.sqlite"),
            "0d609c54856a9bb2d56729df1d68f2958a88426b"
        );
        assert_eq!(
            file_id("RootDomain", "Library/Caches/locationd/clients.plist"),
            "a690d7769cce8904ca2b67320b107c8fe5f79412"
        );
    }
}
