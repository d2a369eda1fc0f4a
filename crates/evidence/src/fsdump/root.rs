//! Where the device's `/` is in a dump, recognising a dump cheaply (for `tracehound check`),
//! and which files of a `.tar.gz` dump to keep in memory while it is listed.

use crate::archive::{clean_path, sniff, Tree, TreeFormat};
use crate::EvidenceError;
use flate2::read::GzDecoder;
use std::collections::BTreeSet;
use std::fs;
use std::io::{BufReader, Read};
use std::path::Path;

/// Folders only a dump of `/private` has at its top.
const PRIVATE_MARKERS: &[&str] = &["var/mobile", "var/root", "var/containers"];

/// Whether the tree lists `path` or anything under it.
fn holds(tree: &Tree, path: &str) -> bool {
    if tree.get(path).is_some() {
        return true;
    }
    let p = format!("{path}/");
    let entries = tree.entries();
    let i = entries.partition_point(|e| e.path < p);
    entries.get(i).is_some_and(|e| e.path.starts_with(&p))
}

/// The dump root (tree prefix, `""` or `"folder/"`) and what it stands for on the device
/// (`""` for `/`, `"private/"` for `/private`).
pub(super) fn find_root(tree: &Tree, shown: &str) -> Result<(String, &'static str), EvidenceError> {
    let tops: BTreeSet<&str> = tree
        .entries()
        .iter()
        .filter_map(|e| e.path.split_once('/').map(|(top, _)| top))
        .collect();
    let candidates = |mark: &str| -> Vec<String> {
        if holds(tree, mark) {
            return vec![String::new()];
        }
        tops.iter()
            .filter(|t| holds(tree, &format!("{t}/{mark}")))
            .map(|t| format!("{t}/"))
            .collect()
    };
    let mut found = candidates("private/var");
    let mut mount = "";
    if found.is_empty() {
        mount = "private/";
        for mark in PRIVATE_MARKERS {
            found = candidates(mark);
            if !found.is_empty() {
                break;
            }
        }
    }
    match found.len() {
        1 => Ok((found.remove(0), mount)),
        0 => Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: "not an iOS full-filesystem dump: no private/var folder at its top or one \
                     folder down"
                .into(),
        }),
        _ => Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!(
                "holds several filesystem dumps ({}); give the path of the one to check",
                found.join(", ")
            ),
        }),
    }
}

/// Whether an archive entry name or folder path (relative to the dump) looks like part of an
/// iOS filesystem: `private/var/...` or `var/mobile/...`, at the top or one folder down.
fn suggests_dump(raw: &str) -> bool {
    let Ok(Some(p)) = clean_path(raw) else {
        return false;
    };
    let at = |p: &str| {
        p.starts_with("private/var/")
            || p == "private/var"
            || PRIVATE_MARKERS
                .iter()
                .any(|m| p == *m || p.strip_prefix(m).is_some_and(|r| r.starts_with('/')))
    };
    at(&p) || p.split_once('/').is_some_and(|(_, rest)| at(rest))
}

/// Entries of a tar looked at before giving up on recognising it.
const SNIFF_ENTRIES: usize = 200_000;

/// Whether `path` looks like an iOS full-filesystem dump: a folder with `private/var` (or a
/// `/private` dump's `var/mobile`…) at its top or one folder down, or a zip or tar whose
/// entries show such paths (a tar is only looked at up to its first 200,000 entries). Cheap:
/// nothing is read but names.
pub fn looks_like_dump(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if meta.is_dir() {
        let is_dir = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        let marks = ["private/var", "var/mobile", "var/root", "var/containers"];
        let here = |d: &Path| marks.iter().any(|m| is_dir(&d.join(m)));
        if here(path) {
            return true;
        }
        let Ok(rd) = fs::read_dir(path) else {
            return false;
        };
        return rd
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .any(|e| here(&e.path()));
    }
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 512];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    let Ok(f) = fs::File::open(path) else {
        return false;
    };
    match sniff(head.get(..n).unwrap_or_default()) {
        Some(TreeFormat::Zip) => {
            zip::ZipArchive::new(BufReader::new(f)).is_ok_and(|z| z.file_names().any(suggests_dump))
        }
        Some(TreeFormat::Tar) => tar_suggests_dump(BufReader::new(f)),
        Some(TreeFormat::TarGz) => tar_suggests_dump(GzDecoder::new(BufReader::new(f))),
        _ => false,
    }
}

fn tar_suggests_dump(r: impl Read) -> bool {
    let mut archive = tar::Archive::new(r);
    let Ok(entries) = archive.entries() else {
        return false;
    };
    entries
        .take(SNIFF_ENTRIES)
        .map_while(Result::ok)
        .any(|e| suggests_dump(&String::from_utf8_lossy(&e.path_bytes())))
}

/// Largest file kept in memory while a `.tar.gz` dump is listed.
const MAX_CACHED_FILE: u64 = 64 << 20;
/// Most bytes kept in memory in all.
const MAX_CACHED_TOTAL: u64 = 1 << 30;

/// Chooses the files of a `.tar.gz` dump worth keeping in memory during its one listing pass:
/// databases and their logs, property lists and text logs — what modules read. Others are
/// read later by inflating the archive again up to them.
#[derive(Default)]
pub(super) struct CacheBudget {
    used: u64,
}

impl CacheBudget {
    pub(super) fn keep(&mut self, path: &str, size: u64, head: &[u8]) -> bool {
        if size > MAX_CACHED_FILE || self.used.saturating_add(size) > MAX_CACHED_TOTAL {
            return false;
        }
        let wal = head.starts_with(&[0x37, 0x7f, 0x06]) && matches!(head.get(3), Some(0x82 | 0x83));
        let wanted = head.starts_with(b"SQLite format 3\0")
            || wal
            || head.starts_with(b"bplist")
            || head.starts_with(b"<?xml")
            || [".log", ".ips", ".plist", "-wal", ".db", ".sqlite"]
                .iter()
                .any(|s| path.ends_with(s));
        if wanted {
            self.used += size;
        }
        wanted
    }
}

#[cfg(test)]
mod tests {
    use super::suggests_dump;

    #[test]
    fn names_that_suggest_a_dump() {
        assert!(suggests_dump("./private/var/mobile/Library/SMS/sms.db"));
        assert!(suggests_dump("dump/private/var"));
        assert!(suggests_dump("var/mobile/Library"));
        assert!(suggests_dump("x/var/containers/Bundle"));
        assert!(!suggests_dump("a/b/private/var/x"));
        assert!(!suggests_dump("/private/var/x"));
        assert!(!suggests_dump("var/mobilex"));
        assert!(!suggests_dump("Manifest.db"));
    }
}
