//! A folder on disk as a tree. Symbolic links are listed as refused and never followed, and
//! every component of a path is checked again when a file is read, so a link swapped in after
//! listing is not followed either.

use super::{clean_path, read_bounded, Limits, Listing, TreeEntry};
use crate::EvidenceError;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use tracehound_core::Timestamp;

pub(crate) struct FolderBackend {
    root: PathBuf,
    /// Listed path → the real relative path (names that are not UTF-8 are listed lossily).
    real: HashMap<String, PathBuf>,
}

impl FolderBackend {
    pub(crate) fn open(root: &Path, limits: &Limits) -> Result<(Self, Listing), EvidenceError> {
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        let mut real = HashMap::new();
        let mut special = 0u64;
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            let dir = root.join(&rel);
            let rd = fs::read_dir(&dir).map_err(|e| EvidenceError::io(&dir, e))?;
            for item in rd {
                let item = item.map_err(|e| EvidenceError::io(&dir, e))?;
                let child = rel.join(item.file_name());
                let shown = child.to_string_lossy().replace('\\', "/");
                let ft = item
                    .file_type()
                    .map_err(|e| EvidenceError::io(&item.path(), e))?;
                if ft.is_symlink() {
                    let target = fs::read_link(item.path())
                        .map(|t| t.display().to_string())
                        .unwrap_or_default();
                    warnings.push(format!(
                        "{shown}: refused: symbolic link (to {target:?}), not followed"
                    ));
                    continue;
                }
                if !ft.is_dir() && !ft.is_file() {
                    special += 1;
                    continue;
                }
                let path = match clean_path(&shown) {
                    Ok(Some(p)) => p,
                    Ok(None) => continue,
                    Err(why) => {
                        warnings.push(format!("{shown}: refused: {why}"));
                        continue;
                    }
                };
                if entries.len() >= limits.max_entries {
                    return Err(EvidenceError::Refused {
                        path: root.display().to_string(),
                        reason: format!("more than {} entries", limits.max_entries),
                    });
                }
                let meta = item.metadata().ok();
                entries.push(TreeEntry {
                    path: path.clone(),
                    size: if ft.is_dir() {
                        0
                    } else {
                        meta.as_ref().map_or(0, |m| m.len())
                    },
                    is_dir: ft.is_dir(),
                    modified: meta.and_then(|m| m.modified().ok()).and_then(system_time),
                });
                if ft.is_dir() {
                    stack.push(child.clone());
                }
                real.insert(path, child);
            }
        }
        if special > 0 {
            warnings.push(format!(
                "{special} special files (devices, sockets, fifos) skipped"
            ));
        }
        let backend = FolderBackend {
            root: root.to_path_buf(),
            real,
        };
        Ok((backend, Listing { entries, warnings }))
    }

    pub(crate) fn read(
        &self,
        path: &str,
        shown: &str,
        limits: &Limits,
        out: &mut Vec<u8>,
    ) -> Result<(), EvidenceError> {
        let rel = self.real.get(path).ok_or_else(|| EvidenceError::Io {
            path: shown.to_string(),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        // Re-check every component: none may have become a link since listing.
        let mut at = self.root.clone();
        for comp in rel.components() {
            at.push(comp);
            let meta = fs::symlink_metadata(&at).map_err(|e| EvidenceError::io(&at, e))?;
            if meta.file_type().is_symlink() {
                return Err(EvidenceError::Refused {
                    path: shown.to_string(),
                    reason: "a symbolic link is on its path; not followed".into(),
                });
            }
        }
        let mut f = fs::File::open(&at).map_err(|e| EvidenceError::io(&at, e))?;
        read_bounded(&mut f, shown, limits.max_entry_size, out)
    }
}

fn system_time(t: std::time::SystemTime) -> Option<Timestamp> {
    let micros = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).ok()?,
        Err(e) => -i64::try_from(e.duration().as_micros()).ok()?,
    };
    Timestamp::from_unix_micros(micros)
}
