//! Where things are in Android acquisitions, for detection and for opening them.
//!
//! androidqf (all versions) writes its command outputs as files at the top of its acquisition
//! folder; zipped by hand or by androidqf, they may sit one folder down (`androidqf/…`).

use crate::archive::{glob_match, sniff, Limits, Tree, TreeFormat};
use std::path::Path;

/// Files that androidqf writes at the top of an acquisition; any one is enough. (`bugreport.zip`
/// and `backup.ab` alone are not: they are acquisitions of their own.)
pub const ANDROIDQF_MARKERS: &[&str] = &[
    "acquisition.json",
    "packages.json",
    "getprop.txt",
    "ps.txt",
    "processes.txt",
    "settings_*.txt",
    "dumpsys.txt",
    "files.json",
    "root_binaries.json",
    "mounts.json",
];

/// Where an androidqf acquisition starts inside `tree`: `Some("")` for its root, `Some("dir/")`
/// when everything sits in one top-level folder, `None` when neither holds androidqf files.
/// With several candidate folders the first in path order is taken.
pub fn androidqf_root(tree: &Tree) -> Option<String> {
    let has_marker = |prefix: &str| {
        tree.entries().iter().any(|e| {
            !e.is_dir
                && e.path.strip_prefix(prefix).is_some_and(|rest| {
                    !rest.contains('/') && ANDROIDQF_MARKERS.iter().any(|m| glob_match(m, rest))
                })
        })
    };
    if has_marker("") {
        return Some(String::new());
    }
    let mut tops: Vec<&str> = tree
        .entries()
        .iter()
        .filter_map(|e| e.path.split_once('/').map(|(top, _)| top))
        .collect();
    tops.dedup();
    tops.into_iter()
        .map(|t| format!("{t}/"))
        .find(|p| has_marker(p))
}

/// Whether `dir` holds androidqf files at its top (a cheap check: one folder listing).
pub fn is_androidqf_dir(dir: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.flatten().any(|e| {
        e.file_type().is_ok_and(|t| t.is_file())
            && e.file_name()
                .to_str()
                .is_some_and(|n| ANDROIDQF_MARKERS.iter().any(|m| glob_match(m, n)))
    })
}

/// Whether `path` is a zip holding an androidqf acquisition (at its top or one folder down).
pub fn is_androidqf_archive(path: &Path) -> bool {
    let mut head = [0u8; 4];
    let is_zip = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && sniff(&head) == Some(TreeFormat::Zip);
    is_zip
        && Tree::open(path, Limits::default())
            .ok()
            .is_some_and(|t| androidqf_root(&t).is_some())
}
