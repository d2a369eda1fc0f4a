//! Where things are in Android acquisitions, for detection and for opening them.
//!
//! androidqf (all versions) writes its command outputs as files at the top of its acquisition
//! folder; zipped by hand or by androidqf, they may sit one folder down (`androidqf/…`).

use crate::archive::{glob_match, Tree};

/// Files that only androidqf writes at the top of an acquisition; any one is enough.
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
    "bugreport.zip",
    "backup.ab",
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
