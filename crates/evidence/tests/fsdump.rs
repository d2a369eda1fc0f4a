//! Full-filesystem dumps: the root found wherever it sits, wildcard finds, listing with folders
//! implied by archive contents, `-wal` replay, and hostile archive entries refused and reported.

use flate2::write::GzEncoder;
use std::io::{Cursor, Write};
use std::path::Path;
use tracehound_core::AcquisitionKind;
use tracehound_evidence::fsdump::looks_like_dump;
use tracehound_evidence::{Artifact, FsEntry, IosFsDump, IosSource};

const SMS: &str = "private/var/mobile/Library/SMS/sms.db";

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

/// A SQLite database in WAL mode with one row in the main file and one only in the `-wal`.
fn db_with_wal() -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    let conn = rusqlite::Connection::open(&p).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('main');
         PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO t VALUES ('wal');",
    )
    .unwrap();
    let main = std::fs::read(&p).unwrap();
    let wal = std::fs::read(dir.path().join("x.db-wal")).unwrap();
    drop(conn);
    (main, wal)
}

fn tree(root: &Path) {
    let (db, wal) = db_with_wal();
    write(root, SMS, &db);
    write(root, &format!("{SMS}-wal"), &wal);
    for app in ["AAAA", "BBBB"] {
        write(
            root,
            &format!(
                "private/var/mobile/Containers/Data/Application/{app}/Library/Caches/x/Cache.db"
            ),
            b"cache",
        );
    }
    write(root, "private/var/db/diagnostics/shutdown.log", b"log");
    write(root, "private/var/db/diagnostics/shutdown.1.log", b"log1");
    write(
        root,
        "System/Library/CoreServices/SystemVersion.plist",
        b"<plist/>",
    );
    std::fs::create_dir_all(root.join("private/var/tmp")).unwrap();
}

fn rows(dump: &IosFsDump, path: &str) -> Vec<String> {
    let f = dump
        .find(&Artifact {
            backup: &[],
            fs: &[SMS],
        })
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path, path);
    assert_eq!(f[0].relative_path, SMS);
    let db = dump.open_sqlite(&f[0]).unwrap();
    let mut stmt = db.conn().prepare("SELECT v FROM t ORDER BY rowid").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn listing(dump: &IosFsDump) -> Vec<(String, bool)> {
    let mut all = Vec::new();
    dump.list_all(&mut |e: &FsEntry<'_>| all.push((e.path.to_string(), e.is_dir)))
        .unwrap();
    all
}

fn matching(dump: &IosFsDump, pattern: &str) -> Vec<String> {
    let mut all = Vec::new();
    dump.list_matching(pattern, &mut |e| all.push(e.path.to_string()))
        .unwrap();
    all
}

fn check(dump: &IosFsDump, tree_prefix: &str) {
    assert_eq!(dump.kind(), AcquisitionKind::IosFilesystem);
    assert_eq!(rows(dump, &format!("{tree_prefix}{SMS}")), ["main", "wal"]);
    let inputs: Vec<String> = dump.inputs().into_iter().map(|i| i.path).collect();
    assert_eq!(
        inputs,
        [
            format!("{tree_prefix}{SMS}"),
            format!("{tree_prefix}{SMS}-wal")
        ]
    );
    let caches = dump
        .find(&Artifact {
            backup: &[],
            fs: &["**/Cache.db"],
        })
        .unwrap();
    assert_eq!(caches.len(), 2);
    assert!(caches[0].relative_path.contains("/AAAA/"));
    assert_eq!(
        matching(dump, "private/var/db/diagnostics/shutdown.*.log"),
        ["private/var/db/diagnostics/shutdown.1.log"]
    );
    assert_eq!(
        matching(dump, "private/var/mobile/Containers/Data/Application/*"),
        [
            "private/var/mobile/Containers/Data/Application/AAAA",
            "private/var/mobile/Containers/Data/Application/BBBB"
        ]
    );
    assert_eq!(matching(dump, "**/sms.db-wal").len(), 1);
    assert_eq!(matching(dump, "/private/var/tmp/"), ["private/var/tmp"]);
    let all = listing(dump);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert!(all.contains(&("private/var/mobile/Library".to_string(), true)));
    assert!(all.contains(&(
        "System/Library/CoreServices/SystemVersion.plist".to_string(),
        false
    )));
    // 7 files; folders: private, var, mobile, Library, SMS, Containers, Data, Application,
    // AAAA/BBBB (x3 each), db, diagnostics, tmp, System, Library, CoreServices.
    assert_eq!(all.iter().filter(|e| !e.1).count(), 7);
    assert_eq!(all.iter().filter(|e| e.1).count(), 22);
}

#[test]
fn folder_at_the_top_or_one_folder_down() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    assert!(looks_like_dump(tmp.path()));
    let dump = IosFsDump::open(tmp.path()).unwrap();
    assert_eq!(dump.root(), ("", ""));
    check(&dump, "");

    let tmp = tempfile::tempdir().unwrap();
    tree(&tmp.path().join("filesystem"));
    write(tmp.path(), "notes.txt", b"acquired by ...");
    assert!(looks_like_dump(tmp.path()));
    let dump = IosFsDump::open(tmp.path()).unwrap();
    assert_eq!(dump.root(), ("filesystem/", ""));
    assert!(dump
        .warnings()
        .iter()
        .any(|w| w.starts_with("1 entries outside")));
    check(&dump, "filesystem/");
}

#[test]
fn a_dump_of_private_only() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "var/mobile/Library/SMS/sms.db", b"x");
    write(tmp.path(), "var/db/diagnostics/shutdown.log", b"x");
    let dump = IosFsDump::open(tmp.path()).unwrap();
    assert_eq!(dump.root(), ("", "private/"));
    assert_eq!(matching(&dump, "private/var/*/diagnostics/*.log").len(), 1);
    assert_eq!(matching(&dump, "var/db/diagnostics/*.log").len(), 0);
    let f = dump
        .find(&Artifact {
            backup: &[],
            fs: &[SMS],
        })
        .unwrap();
    assert_eq!(f[0].path, "var/mobile/Library/SMS/sms.db");
    assert_eq!(dump.read(&f[0]).unwrap(), b"x");
    assert!(listing(&dump).iter().any(|e| e.0 == "private/var/mobile"));
}

#[test]
fn not_a_dump_and_ambiguous_dumps_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Manifest.db", b"x");
    assert!(!looks_like_dump(tmp.path()));
    let e = IosFsDump::open(tmp.path()).err().unwrap().to_string();
    assert!(e.contains("not an iOS full-filesystem dump"), "{e}");
    write(tmp.path(), "a/private/var/x", b"x");
    write(tmp.path(), "b/private/var/x", b"x");
    let e = IosFsDump::open(tmp.path()).err().unwrap().to_string();
    assert!(e.contains("several filesystem dumps (a/, b/)"), "{e}");
}

/// Packs the folder `root` as a tar (no folder entries: archives often have none), with
/// hostile entries added.
fn tar_of(root: &Path, gz: bool) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in walkdir(root) {
        let rel = e.strip_prefix(root).unwrap().to_str().unwrap().to_string();
        let data = std::fs::read(&e).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mtime(1_600_000_000);
        h.set_mode(0o644);
        b.append_data(&mut h, format!("./{rel}"), &data[..])
            .unwrap();
    }
    for (name, kind) in [
        (&b"../escape.txt"[..], tar::EntryType::Regular),
        (b"/private/var/abs.txt", tar::EntryType::Regular),
        (b"private/var/link", tar::EntryType::Symlink),
    ] {
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        h.set_entry_type(kind);
        h.set_size(0);
        h.set_cksum();
        b.append(&h, &[][..]).unwrap();
    }
    let bytes = b.into_inner().unwrap();
    if !gz {
        return bytes;
    }
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&bytes).unwrap();
    enc.finish().unwrap()
}

fn walkdir(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn tar_and_tar_gz_read_in_place_with_hostile_entries_refused() {
    let src = tempfile::tempdir().unwrap();
    tree(src.path());
    for gz in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(if gz { "dump.tar.gz" } else { "dump.tar" });
        std::fs::write(&path, tar_of(src.path(), gz)).unwrap();
        assert!(looks_like_dump(&path));
        let dump = IosFsDump::open(&path).unwrap();
        let w = dump.warnings().join("\n");
        assert!(
            w.contains("escape.txt") && w.contains("abs.txt") && w.contains("link"),
            "{w}"
        );
        // The empty private/var/tmp folder is not in the archive; everything else is.
        let all = listing(&dump);
        assert_eq!(all.iter().filter(|e| !e.1).count(), 7);
        assert_eq!(all.iter().filter(|e| e.1).count(), 21);
        assert!(all.iter().any(|(p, d)| p == "private/var/db" && *d));
        // Nothing was extracted beside the archive.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        if gz {
            // Databases were kept in memory during the one inflation that listed the archive.
            std::fs::remove_file(&path).unwrap();
        }
        assert_eq!(rows(&dump, SMS), ["main", "wal"]);
    }
}

#[test]
fn zip_dumps_work_too() {
    let src = tempfile::tempdir().unwrap();
    tree(src.path());
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in walkdir(src.path()) {
        let rel = e.strip_prefix(src.path()).unwrap().to_str().unwrap();
        w.start_file(
            format!("dump/{rel}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(&std::fs::read(&e).unwrap()).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("dump.zip");
    std::fs::write(&path, bytes).unwrap();
    assert!(looks_like_dump(&path));
    let dump = IosFsDump::open(&path).unwrap();
    assert_eq!(dump.root(), ("dump/", ""));
    assert_eq!(rows(&dump, &format!("dump/{SMS}")), ["main", "wal"]);
    assert_eq!(dump.sha256(&format!("dump/{SMS}")).unwrap().len(), 64);
}
