//! Recognising a sysdiagnose cheaply (for `tracehound check`): names only, nothing read.

use super::{MARKER_FILES, MARKER_FOLDERS};
use crate::archive::{sniff, TreeFormat};
use flate2::read::GzDecoder;
use std::io::{BufReader, Read};
use std::path::Path;

/// Whether a file name is one iOS gives sysdiagnose archives.
fn archive_name(name: &str) -> bool {
    name.starts_with("sysdiagnose_")
        && [".tar.gz", ".tgz", ".tar", ".zip"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// Whether an entry name (relative to the archive) shows a sysdiagnose root at the top or one
/// folder down.
fn suggests_sysdiagnose(raw: &str) -> bool {
    let p = raw.trim_start_matches("./");
    let at = |p: &str| MARKER_FILES.contains(&p);
    at(p)
        || p.split_once('/').is_some_and(|(top, rest)| {
            at(rest)
                || (top.starts_with("sysdiagnose_")
                    && MARKER_FOLDERS
                        .iter()
                        .any(|m| rest == *m || rest.starts_with(&format!("{m}/"))))
        })
}

/// Whether `path` is a file named as iOS names sysdiagnose archives
/// (`sysdiagnose_….tar.gz`, `.tgz`, `.tar`, `.zip`) that is an archive: the cheap test, made
/// before looking inside archives for other acquisitions.
pub fn is_sysdiagnose_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !archive_name(&name) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(512);
    (&mut f).take(512).read_to_end(&mut head).is_ok() && sniff(&head).is_some()
}

/// Entries of a tar looked at before giving up on recognising it.
const SNIFF_ENTRIES: usize = 50_000;

/// Whether `path` looks like a sysdiagnose, cheaply (names only): a folder with `ps.txt`,
/// `sysdiagnose.log`… at its top or in a `sysdiagnose_*` folder one down; or an archive named
/// `sysdiagnose_*.tar.gz` (or `.tgz`, `.tar`, `.zip`), or whose first entries show such a
/// root.
pub fn looks_like_sysdiagnose(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let is_file = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    let is_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    if meta.is_dir() {
        let here = |d: &Path| MARKER_FILES.iter().any(|m| is_file(&d.join(m)));
        if here(path) {
            return true;
        }
        let Ok(rd) = std::fs::read_dir(path) else {
            return false;
        };
        return rd.flatten().any(|e| {
            let p = e.path();
            let named = e.file_name().to_string_lossy().starts_with("sysdiagnose_");
            is_dir(&p) && (here(&p) || named && MARKER_FOLDERS.iter().any(|m| is_dir(&p.join(m))))
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(512);
    if (&mut f).take(512).read_to_end(&mut head).is_err() {
        return false;
    }
    let Some(format) = sniff(&head) else {
        return false;
    };
    if archive_name(&name) {
        return true;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    match format {
        TreeFormat::Zip => zip::ZipArchive::new(BufReader::new(f))
            .is_ok_and(|z| z.file_names().any(suggests_sysdiagnose)),
        TreeFormat::Tar => tar_suggests(BufReader::new(f)),
        TreeFormat::TarGz => tar_suggests(GzDecoder::new(BufReader::new(f))),
        TreeFormat::Folder => false,
    }
}

fn tar_suggests(r: impl Read) -> bool {
    let mut archive = tar::Archive::new(r);
    let Ok(entries) = archive.entries() else {
        return false;
    };
    entries
        .take(SNIFF_ENTRIES)
        .map_while(Result::ok)
        .any(|e| suggests_sysdiagnose(&String::from_utf8_lossy(&e.path_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(archive_name(
            "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_20F66.tar.gz"
        ));
        assert!(!archive_name("sysdiagnose_notes.txt"));
        assert!(suggests_sysdiagnose("ps.txt"));
        assert!(suggests_sysdiagnose("./x/taskinfo.txt"));
        assert!(suggests_sysdiagnose("sysdiagnose_1/logs/a.log"));
        assert!(!suggests_sysdiagnose("x/logs/a.log"));
        assert!(!suggests_sysdiagnose("a/b/ps.txt"));
    }
}
