//! Writing a dump tree fast and reproducibly: files are queued and written in batches on a few
//! threads with their modification times set; folders get a fixed time at the end; the tree
//! can then be packed as a `.tar.gz` with sorted entries and fixed owners, so the same seed
//! gives the same archive bytes.

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

const BATCH: usize = 8192;
const WRITERS: usize = 4;

/// A dump folder being written. Paths are device paths relative to `/`.
pub struct Dump {
    root: PathBuf,
    made: HashSet<PathBuf>,
    pending: Vec<(PathBuf, Vec<u8>, i64)>,
    files: u64,
    /// Scratch folder for databases being built (removed at the end).
    scratch: PathBuf,
}

fn set_mtime(p: &Path, unix: i64) -> Result<()> {
    let t = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    fs::File::open(p)
        .and_then(|f| f.set_modified(t))
        .with_context(|| format!("setting the time of {}", p.display()))
}

impl Dump {
    /// Starts a dump in `root`, which must not exist or be empty.
    pub fn create(root: &Path) -> Result<Self> {
        if root.exists() && fs::read_dir(root)?.next().is_some() {
            anyhow::bail!("output folder {} exists and is not empty", root.display());
        }
        fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let scratch = root.with_extension("scratch");
        fs::create_dir_all(&scratch)?;
        Ok(Dump {
            root: root.to_path_buf(),
            made: HashSet::new(),
            pending: Vec::new(),
            files: 0,
            scratch,
        })
    }

    /// The dump folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Files written so far.
    pub fn files(&self) -> u64 {
        self.files
    }

    /// A path in the scratch folder (same file system as the dump, so renames are cheap).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.scratch.join(name)
    }

    fn parent_of(&mut self, path: &str) -> Result<PathBuf> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            if !self.made.contains(parent) {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
                let mut p = parent.to_path_buf();
                while p.starts_with(&self.root) && self.made.insert(p.clone()) {
                    if !p.pop() {
                        break;
                    }
                }
            }
        }
        Ok(full)
    }

    /// Creates the folder `path`.
    pub fn dir(&mut self, path: &str) -> Result<()> {
        self.parent_of(&format!("{path}/x")).map(|_| ())
    }

    /// Queues `bytes` as the file `path`, modified at `unix`.
    pub fn file(&mut self, path: &str, bytes: &[u8], unix: i64) -> Result<()> {
        let full = self.parent_of(path)?;
        self.pending.push((full, bytes.to_vec(), unix));
        self.files += 1;
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Moves a finished file (built in the scratch folder) to `path`.
    pub fn file_from(&mut self, path: &str, src: &Path, unix: i64) -> Result<()> {
        let full = self.parent_of(path)?;
        fs::rename(src, &full).with_context(|| format!("moving {}", src.display()))?;
        set_mtime(&full, unix)?;
        self.files += 1;
        Ok(())
    }

    /// Writes the queued files on [`WRITERS`] threads.
    pub fn flush(&mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let chunk = pending.len().div_ceil(WRITERS).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = pending
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || -> Result<()> {
                        for (path, bytes, unix) in part {
                            fs::write(path, bytes)
                                .with_context(|| format!("writing {}", path.display()))?;
                            set_mtime(path, *unix)?;
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

    /// Writes what is queued, gives every folder the time `unix`, removes the scratch
    /// folder, and returns the number of files and of folders.
    pub fn finish(mut self, unix: i64) -> Result<(u64, u64)> {
        self.flush()?;
        fs::remove_dir_all(&self.scratch).ok();
        let mut dirs: Vec<PathBuf> = self
            .made
            .iter()
            .filter(|d| **d != self.root)
            .cloned()
            .collect();
        dirs.sort();
        for d in &dirs {
            set_mtime(d, unix)?;
        }
        Ok((self.files, dirs.len() as u64))
    }
}

/// Every file and folder under `root` (relative paths, `/`-separated), sorted.
fn entries(root: &Path) -> Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d)? {
            let e = e?;
            let p = e.path();
            let is_dir = e.file_type()?.is_dir();
            let rel = p
                .strip_prefix(root)?
                .to_str()
                .context("non-UTF-8 name")?
                .to_string();
            if is_dir {
                stack.push(p);
            }
            out.push((rel, is_dir));
        }
    }
    out.sort();
    Ok(out)
}

/// Packs the folder `root` as the `.tar.gz` `out`: entries sorted, folders included, owners
/// root:wheel, times as on disk.
pub fn pack_tar_gz(root: &Path, out: &Path) -> Result<()> {
    let file = fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (rel, is_dir) in entries(root)? {
        let full = root.join(&rel);
        let meta = fs::metadata(&full)?;
        let mtime = meta.modified()?.duration_since(UNIX_EPOCH)?.as_secs();
        let mut h = tar::Header::new_gnu();
        h.set_mtime(mtime);
        h.set_uid(0);
        h.set_gid(0);
        if is_dir {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o755);
            h.set_size(0);
            b.append_data(&mut h, format!("{rel}/"), std::io::empty())?;
        } else {
            h.set_mode(0o644);
            h.set_size(meta.len());
            b.append_data(&mut h, &rel, fs::File::open(&full)?)?;
        }
    }
    let mut w = b.into_inner()?.finish()?;
    w.flush()?;
    Ok(())
}

/// Number of files and folders under `root`.
pub fn count_entries(root: &Path) -> Result<u64> {
    Ok(entries(root)?.len() as u64)
}
