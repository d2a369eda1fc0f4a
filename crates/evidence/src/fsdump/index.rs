//! The indexes a dump is searched with: its entries sorted by file name, and the folders its
//! entries imply but the archive does not list.

use crate::archive::{Tree, TreeEntry};
use std::collections::HashSet;
use std::ops::Range;

pub(super) fn name_of(entries: &[TreeEntry], i: u32) -> &str {
    let path = usize::try_from(i)
        .ok()
        .and_then(|i| entries.get(i))
        .map_or("", |e| e.path.as_str());
    path.rsplit('/').next().unwrap_or(path)
}

/// Indexes of the entries in `range`, sorted by file name then path.
pub(super) fn name_index(entries: &[TreeEntry], range: Range<usize>) -> Vec<u32> {
    let names: Vec<&str> = entries
        .get(range.clone())
        .unwrap_or_default()
        .iter()
        .map(|e| e.path.rsplit('/').next().unwrap_or_default())
        .collect();
    let mut order: Vec<u32> = (0..names.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    // A stable sort: entries are sorted by path, so equal names stay in path order.
    order.sort_by(|&a, &b| names.get(a as usize).cmp(&names.get(b as usize)));
    let base = range.start;
    order
        .into_iter()
        .filter_map(|i| u32::try_from(base + i as usize).ok())
        .collect()
}

/// Folders that entries under `root` imply but the tree does not list, sorted.
pub(super) fn implied_folders(tree: &Tree, range: Range<usize>, root: &str) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut implied = Vec::new();
    for e in tree.entries().get(range).unwrap_or_default() {
        let mut p = e.path.as_str();
        while let Some(slash) = p.rfind('/') {
            p = &p[..slash];
            if p.len() < root.len() || !seen.insert(p) {
                break;
            }
            if tree.get(p).is_none() {
                implied.push(p.to_string());
            }
        }
    }
    implied.sort();
    implied
}
