//! Working out what kind of acquisition a path is.

use crate::android::{is_androidqf_archive, is_androidqf_dir};
use crate::android_detect::{
    age_in_folder, is_ab_file, is_ab_folder, is_age_file, is_bugreport, is_intrusion_logs,
};
use crate::backup::is_backup_dir;
use crate::fsdump::looks_like_dump;
use crate::sysdiagnose::{is_sysdiagnose_archive, looks_like_sysdiagnose};
use std::fs;
use std::path::{Path, PathBuf};

/// What a path given to `tracehound check` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// An iOS backup folder (possibly found one level down).
    IosBackup(PathBuf),
    /// An androidqf acquisition: a folder (possibly found one level down) or a zip, or one
    /// encrypted with age (a `.age` file, or the folder holding it beside `key.txt`).
    AndroidQf(PathBuf),
    /// An `adb bugreport` zip or its unpacked folder.
    AndroidBugreport(PathBuf),
    /// An `adb backup` file (`.ab`) or its unpacked folder.
    AndroidBackup(PathBuf),
    /// Android 16 intrusion logs (a folder or zip).
    AndroidIntrusionLogs(PathBuf),
    /// An iOS full-filesystem dump: a folder or a zip/tar/tar.gz archive.
    IosFilesystem(PathBuf),
    /// An iOS sysdiagnose: its `.tar.gz` (or `.tar`/`.zip`), or a folder holding it unpacked.
    IosSysdiagnose(PathBuf),
    /// A results folder (ours or MVT's), to re-check against indicators.
    Results(PathBuf),
}

/// Why a path could not be recognised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    /// The path does not exist or cannot be read.
    #[error("{0}: no such file or folder")]
    Missing(String),
    /// Several backups in one folder: the analyst must pick one.
    #[error("{path} holds {} backups ({}); give the path of the one to check", .found.len(), .found.join(", "))]
    Ambiguous {
        /// The folder.
        path: String,
        /// The backup sub-folders found.
        found: Vec<String>,
    },
    /// Nothing we know.
    #[error(
        "{0}: not a recognised acquisition (expected an iOS backup folder with Manifest.db, an \
         iOS full-filesystem dump with private/var, an iOS sysdiagnose, an androidqf folder or \
         zip, or a results folder)"
    )]
    Unrecognised(String),
}

/// Detects the acquisition at `path`: an iOS backup folder, or a folder holding exactly one;
/// an androidqf folder or zip, or a folder holding exactly one androidqf folder; an iOS
/// full-filesystem dump (folder or archive, `private/var` at its top or one folder down).
pub fn detect(path: &Path) -> Result<Detected, DetectError> {
    let shown = path.display().to_string();
    let meta = fs::metadata(path).map_err(|_| DetectError::Missing(shown.clone()))?;
    if !meta.is_dir() {
        if is_androidqf_archive(path) || is_age_file(path) {
            return Ok(Detected::AndroidQf(path.to_path_buf()));
        }
        if let Some(d) = android_other(path) {
            return Ok(d);
        }
        if is_sysdiagnose_archive(path) {
            return Ok(Detected::IosSysdiagnose(path.to_path_buf()));
        }
        if looks_like_dump(path) {
            return Ok(Detected::IosFilesystem(path.to_path_buf()));
        }
        if looks_like_sysdiagnose(path) {
            return Ok(Detected::IosSysdiagnose(path.to_path_buf()));
        }
        return Err(DetectError::Unrecognised(shown));
    }
    if is_backup_dir(path) {
        return Ok(Detected::IosBackup(path.to_path_buf()));
    }
    if is_androidqf_dir(path) || age_in_folder(path).is_some() {
        return Ok(Detected::AndroidQf(path.to_path_buf()));
    }
    if let Some(d) = android_other(path) {
        return Ok(d);
    }
    if looks_like_sysdiagnose(path) {
        return Ok(Detected::IosSysdiagnose(path.to_path_buf()));
    }
    if is_results_dir(path) {
        return Ok(Detected::Results(path.to_path_buf()));
    }
    let mut found: Vec<PathBuf> = fs::read_dir(path)
        .map_err(|_| DetectError::Missing(shown.clone()))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| is_backup_dir(p))
        .collect();
    found.sort();
    if found.is_empty() {
        let mut aqf: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|_| DetectError::Missing(shown.clone()))?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .filter(|p| is_androidqf_dir(p))
            .collect();
        if aqf.len() == 1 {
            return Ok(Detected::AndroidQf(aqf.remove(0)));
        }
        if looks_like_dump(path) {
            return Ok(Detected::IosFilesystem(path.to_path_buf()));
        }
    }
    match found.len() {
        0 => Err(DetectError::Unrecognised(shown)),
        1 => Ok(Detected::IosBackup(found.remove(0))),
        _ => Err(DetectError::Ambiguous {
            path: shown,
            found: found
                .iter()
                .map(|p| {
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect(),
        }),
    }
}

/// A results folder: `info.json` beside `alerts.json` or `<module>.json` files.
fn is_results_dir(dir: &Path) -> bool {
    let is_file = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    if !is_file(&dir.join("info.json")) {
        return false;
    }
    let Ok(rd) = fs::read_dir(dir) else {
        return false;
    };
    rd.flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.ends_with(".json") && name != "info.json" && is_file(&e.path())
    })
}

/// A bugreport, an `adb backup` or intrusion logs at `path` (file or folder).
fn android_other(path: &Path) -> Option<Detected> {
    let p = path.to_path_buf();
    if path.is_file() && is_ab_file(path) || path.is_dir() && is_ab_folder(path) {
        Some(Detected::AndroidBackup(p))
    } else if is_bugreport(path) {
        Some(Detected::AndroidBugreport(p))
    } else if is_intrusion_logs(path) {
        Some(Detected::AndroidIntrusionLogs(p))
    } else {
        None
    }
}
