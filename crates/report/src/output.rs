//! Atomic results folders.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why results could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The destination exists with content and `--force` was not given.
    #[error(
        "{0} already exists and is not empty; choose another folder or pass --force to replace it"
    )]
    Exists(String),
    /// An I/O failure, with the file concerned.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A results folder being written: files go to a staging folder beside the destination, which
/// [`OutputDir::commit`] renames into place. Dropped without commit, the staging folder is
/// removed and the destination is untouched.
pub struct OutputDir {
    dest: PathBuf,
    staging: PathBuf,
    force: bool,
    committed: bool,
}

impl OutputDir {
    /// Prepares to write `dest`. Fails now if `dest` is a non-empty folder (or a file) and
    /// `force` is false, so nothing is computed in vain.
    pub fn create(dest: &Path, force: bool) -> Result<OutputDir, OutputError> {
        check_dest(dest, force)?;
        let staging = Self::staging_for(dest);
        if let Some(parent) = staging.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        Ok(OutputDir {
            dest: dest.to_path_buf(),
            staging,
            force,
            committed: false,
        })
    }

    /// Folders an earlier run writing `dest` left behind when it was killed: its staging
    /// folders (`.<name>.partial-<pid>`) and a previous folder moved aside
    /// (`.<name>.replaced-<pid>`) where the system could not swap them in one step. They may
    /// hold evidence-derived data, so they are reported, never removed silently.
    pub fn leftovers(dest: &Path) -> Vec<PathBuf> {
        let staging = Self::staging_for(dest);
        let (Some(parent), Some(own)) = (staging.parent(), staging.file_name()) else {
            return Vec::new();
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        let prefixes = [format!(".{name}.partial-"), format!(".{name}.replaced-")];
        let Ok(entries) = fs::read_dir(parent) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != own)
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                prefixes.iter().any(|p| n.starts_with(p.as_str()))
            })
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    }

    /// The staging folder [`OutputDir::create`] makes for `dest` in this process: a hidden
    /// sibling, `.<name>.partial-<pid>` (known beforehand, so it can be registered for
    /// clean-up before it exists).
    pub fn staging_for(dest: &Path) -> PathBuf {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        parent.join(format!(".{name}.partial-{}", std::process::id()))
    }

    /// The destination folder.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The staging folder the files are written to until [`OutputDir::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes one file into the staging folder (fully, then flushed and synced).
    pub fn write(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        let file = fs::File::create(&path).map_err(io_err(&path))?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        f(&mut w).map_err(io_err(&path))?;
        let file = w.into_inner().map_err(|e| io_err(&path)(e.into_error()))?;
        file.sync_all().map_err(io_err(&path))?;
        Ok(())
    }

    /// Moves the complete folder into place, replacing a previous one if `force` was given.
    ///
    /// A previous folder is swapped with the new one in one step where the system can
    /// (Linux's `renameat2` with `RENAME_EXCHANGE`), so the destination always holds one
    /// complete results folder; elsewhere it is first moved aside to `.<name>.replaced-<pid>`.
    /// The previous results are then deleted.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        check_dest(&self.dest, self.force)?;
        if fs::symlink_metadata(&self.dest).is_err() {
            fs::rename(&self.staging, &self.dest).map_err(io_err(&self.dest))?;
            self.committed = true;
            return Ok(self.dest.clone());
        }
        let old = if exchange(&self.staging, &self.dest) {
            // The staging path now holds the previous results.
            self.staging.clone()
        } else {
            let name = self.dest.file_name().unwrap_or_default().to_string_lossy();
            let aside = self
                .staging
                .with_file_name(format!(".{name}.replaced-{}", std::process::id()));
            fs::rename(&self.dest, &aside).map_err(io_err(&self.dest))?;
            fs::rename(&self.staging, &self.dest).map_err(io_err(&self.dest))?;
            aside
        };
        self.committed = true;
        let removed = if fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&old)
        } else {
            fs::remove_file(&old)
        };
        removed.map_err(io_err(&old))?;
        Ok(self.dest.clone())
    }
}

/// Swaps two paths atomically; false where the system or filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn check_dest(dest: &Path, force: bool) -> Result<(), OutputError> {
    match fs::symlink_metadata(dest) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => {
            let empty = fs::read_dir(dest).map_err(io_err(dest))?.next().is_none();
            if empty || force {
                Ok(())
            } else {
                Err(OutputError::Exists(dest.display().to_string()))
            }
        }
        Ok(_) if force => Ok(()),
        Ok(_) => Err(OutputError::Exists(dest.display().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_empty_without_force_and_replaces_with_force() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        fs::create_dir(&dest).unwrap();
        fs::write(dest.join("old.json"), "[]").unwrap();
        assert!(matches!(
            OutputDir::create(&dest, false),
            Err(OutputError::Exists(_))
        ));
        assert!(dest.join("old.json").exists(), "refusal must not touch it");
        let out = OutputDir::create(&dest, true).unwrap();
        out.write("new.json", |w| w.write_all(b"[]")).unwrap();
        out.commit().unwrap();
        assert!(dest.join("new.json").exists());
        assert!(!dest.join("old.json").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging or replaced folders left");
    }

    #[test]
    fn force_replaces_a_file_or_a_link_without_following_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        fs::write(&dest, "not a folder").unwrap();
        let out = OutputDir::create(&dest, true).unwrap();
        out.write("a.json", |w| w.write_all(b"[]")).unwrap();
        out.commit().unwrap();
        assert!(dest.join("a.json").is_file());

        let kept = tmp.path().join("kept");
        fs::create_dir(&kept).unwrap();
        fs::write(kept.join("x"), "x").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&kept, &link).unwrap();
        let out = OutputDir::create(&link, true).unwrap();
        out.write("b.json", |w| w.write_all(b"[]")).unwrap();
        out.commit().unwrap();
        assert!(link.join("b.json").is_file());
        assert!(!fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(kept.join("x").is_file(), "the link's target is not touched");
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["kept", "link", "out"],
            "no staging or replaced folders left"
        );
    }

    #[test]
    fn leftovers_of_killed_runs_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        assert!(OutputDir::leftovers(&dest).is_empty());
        for n in [
            ".out.partial-1",
            ".out.replaced-2",
            ".other.partial-3",
            "out",
        ] {
            fs::create_dir(tmp.path().join(n)).unwrap();
        }
        let names: Vec<String> = OutputDir::leftovers(&dest)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [".out.partial-1", ".out.replaced-2"]);
        // This process's own staging folder is not a leftover.
        let out = OutputDir::create(&dest, true).unwrap();
        assert_eq!(OutputDir::leftovers(&dest).len(), 2);
        drop(out);
    }

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        {
            let out = OutputDir::create(&dest, false).unwrap();
            out.write("a.json", |w| w.write_all(b"[]")).unwrap();
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
