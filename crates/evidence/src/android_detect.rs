//! Recognising Android bugreports, `adb backup` files and folders, and Android 16 intrusion
//! logs, for `tracehound check` (androidqf acquisitions are recognised in [`crate::android`]).

use crate::archive::{glob_match, Limits, Tree};
use std::io::Read;
use std::path::Path;

/// The event types that open an intrusion-log line.
const INTRUSION_KEYS: &[&str] = &["\"dns_event\"", "\"connect_event\"", "\"security_event\""];

/// An `adb backup` file: it starts with `ANDROID BACKUP\n`.
pub fn is_ab_file(path: &Path) -> bool {
    let mut head = [0u8; 15];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"ANDROID BACKUP\n")
}

/// A binary age file (an androidqf acquisition encrypted with age, `<uuid>.zip.age`): it
/// starts with `age-encryption.org/v1\n`.
pub fn is_age_file(path: &Path) -> bool {
    const MAGIC: &[u8] = b"age-encryption.org/v1\n";
    let mut head = [0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == MAGIC)
}

/// The one age file (`*.age`) at the top of `dir`, as androidqf leaves it beside its
/// `key.txt` when it encrypts an acquisition; `None` when there is none or more than one.
pub fn age_in_folder(dir: &Path) -> Option<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "age") && is_age_file(p))
        .collect();
    (found.len() == 1).then(|| found.remove(0))
}

/// The entries adb writes under `apps/<package>/`: the manifest and the domain folders.
const AB_DOMAINS: &[&str] = &[
    "_manifest",
    "a",
    "f",
    "db",
    "d_f",
    "ef",
    "sp",
    "r",
    "c",
    "k",
];

/// An unpacked `adb backup`: an `apps/<package>/` holding `_manifest` or a domain folder
/// (`d_f`, `db`, `sp`, …).
pub fn is_ab_folder(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("apps"))
        .map(|it| {
            it.flatten()
                .any(|e| AB_DOMAINS.iter().any(|d| e.path().join(d).exists()))
        })
        .unwrap_or(false)
}

fn entry_point(rel: &str) -> bool {
    rel == "main_entry.txt" || glob_match("dumpState_*.log", rel) || rel.ends_with("/dumpsys.txt")
}

/// A bugreport zip or folder: `main_entry.txt`, `dumpState_*.log` or a `dumpsys.txt` in a
/// sub-folder, at its top or one folder down.
pub fn is_bugreport(path: &Path) -> bool {
    let Ok(tree) = Tree::open(path, Limits::default()) else {
        return false;
    };
    tree.entries().iter().any(|e| {
        entry_point(&e.path)
            || e.path
                .split_once('/')
                .is_some_and(|(_, rest)| entry_point(rest))
    })
}

/// Intrusion logs: a folder or zip whose `.txt` files (or those of zips inside it) hold
/// NDJSON lines of `dns_event`, `connect_event` or `security_event`.
pub fn is_intrusion_logs(path: &Path) -> bool {
    Tree::open(path, Limits::default()).is_ok_and(|t| tree_has_events(&t, 0))
}

fn tree_has_events(tree: &Tree, depth: usize) -> bool {
    let mut looked = 0;
    for e in tree.entries().iter().filter(|e| !e.is_dir) {
        if looked >= 20 {
            break;
        }
        let lower = e.path.to_ascii_lowercase();
        if lower.ends_with(".txt") && e.size <= 256 << 20 {
            looked += 1;
            if let Ok(data) = tree.read(&e.path) {
                let head = String::from_utf8_lossy(&data[..data.len().min(4096)]);
                let first = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                if first.trim_start().starts_with('{')
                    && INTRUSION_KEYS.iter().any(|k| first.contains(k))
                {
                    return true;
                }
            }
        } else if lower.ends_with(".zip") && depth < 2 {
            looked += 1;
            if tree
                .open_nested(&e.path)
                .is_ok_and(|t| tree_has_events(&t, depth + 1))
            {
                return true;
            }
        }
    }
    false
}
