//! No plaintext of an encrypted backup's evidence reaches the disk during a check: not in the
//! temporary folder (`TMPDIR` points at a folder of this test's own, which must stay empty), not
//! beside the evidence (the backup folder is unchanged), and not in the results folder beyond
//! the records themselves (no database or plist bytes, none of the strings no module extracts).

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};

const SMS_DB: &str = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every file under `root` with its bytes.
fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Strings of the fixture's sms.db (read from the plain twin): message bodies, which the
/// sms module reports, and chat GUIDs, which no module reports (attachment GUIDs are reported
/// by SMSAttachments).
fn sms_strings() -> (Vec<String>, Vec<String>) {
    // In memory: opening the fixture with SQLite would leave -shm/-wal files beside it.
    let bytes = fs::read(fixtures().join("sample-backup").join(SMS_DB)).unwrap();
    let db = tracehound_evidence::Db::from_bytes("sms.db", bytes, None).unwrap();
    let conn = db.conn();
    let col = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| r.get::<_, Option<String>>(0))
            .unwrap()
            .filter_map(|r| r.unwrap())
            .filter(|s| s.len() >= 12)
            .collect()
    };
    (
        col("SELECT text FROM message"),
        col("SELECT guid FROM chat"),
    )
}

#[test]
fn no_plaintext_left_on_disk_after_a_check() {
    let tmp = tempfile::tempdir().unwrap();
    let scratch = tmp.path().join("tmpdir");
    fs::create_dir(&scratch).unwrap();
    let backup = tmp.path().join("backup");
    copy_tree(&fixtures().join("sample-backup-encrypted"), &backup);
    let before = tree_hashes(&backup);
    let pw = tmp.path().join("pw");
    fs::write(&pw, "tracehound-sample").unwrap();
    let out = tmp.path().join("results");
    tracehound()
        .env("TMPDIR", &scratch)
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg("--output")
        .arg(&out)
        .arg(&backup)
        .assert()
        .code(1);

    // Nothing in the temporary folder, nothing new or changed beside the evidence.
    let left: Vec<_> = walkdir::WalkDir::new(&scratch)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    assert_eq!(tree_hashes(&backup), before, "the backup folder changed");

    let (bodies, unreported) = sms_strings();
    assert!(bodies.len() > 40 && unreported.len() >= 3);
    let results = files(&out);
    // The scan sees plaintext where it is meant to be: message bodies are sms records.
    let sms_json = fs::read(out.join("sms.json")).unwrap();
    assert!(bodies.iter().all(|b| contains(&sms_json, b.as_bytes())));
    // No raw decrypted file content anywhere in the results.
    for (path, bytes) in &results {
        for marker in [&b"SQLite format 3\0"[..], b"bplist00"] {
            assert!(
                !contains(bytes, marker),
                "{} holds {:?}",
                path.display(),
                String::from_utf8_lossy(marker)
            );
        }
        for s in &unreported {
            assert!(
                !contains(bytes, s.as_bytes()),
                "{} holds {s:?}",
                path.display()
            );
        }
    }
    // And the plaintext really is only in memory: the stored file is ciphertext.
    let stored = fs::read(backup.join(SMS_DB)).unwrap();
    assert!(!contains(&stored, b"SQLite format 3"));
    assert!(!bodies.iter().any(|b| contains(&stored, b.as_bytes())));
}
