//! Interoperability with an independent implementation, the `iphone_backup_decrypt` package
//! (PyPI), driven by `scripts/interop-iphone-backup-decrypt`:
//! - the encrypted fixture our generator wrote decrypts with it to the plain twin's files;
//! - a backup encrypted by the script's own writer (checked by the package) gives the same
//!   results as the plain backup when we check it, and decrypts to the same files.
//!
//! The Python used is `TRACEHOUND_INTEROP_PYTHON`, else the venv the README's development
//! section creates (`~/.cache/tracehound-interop/venv`), else `python3`. When none can import
//! the package the tests print why and pass without checking (CI may have no PyPI).

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use tracehound_evidence::Db;

const PASSWORD: &str = "tracehound-sample";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn script() -> PathBuf {
    repo().join("scripts/interop-iphone-backup-decrypt")
}

/// A Python that can import iphone_backup_decrypt, or `None` (after saying so).
fn python() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("TRACEHOUND_INTEROP_PYTHON") {
        candidates.push(p.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cache/tracehound-interop/venv/bin/python"));
    }
    candidates.push("python3".into());
    for py in &candidates {
        let ok = Command::new(py)
            .arg(script())
            .arg("check")
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py.clone());
        }
    }
    eprintln!(
        "SKIPPED: iphone_backup_decrypt is not importable by {candidates:?}; see the README's \
         development section to run the interop tests"
    );
    None
}

fn run_script(py: &Path, tmpdir: &Path, args: &[&std::ffi::OsStr]) {
    let o = Command::new(py)
        .env("TMPDIR", tmpdir)
        .arg(script())
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{:?} failed: {}",
        args,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `(fileID, domain, relativePath)` of every file row, read in memory.
fn file_rows(manifest_db: &Path) -> Vec<(String, String, String)> {
    let db = Db::from_bytes("Manifest.db", fs::read(manifest_db).unwrap(), None).unwrap();
    let mut st = db
        .conn()
        .prepare("SELECT fileID, domain, relativePath FROM Files WHERE flags = 1 ORDER BY fileID")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn our_encrypted_backup_decrypts_with_iphone_backup_decrypt() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let pw = tmp.path().join("pw");
    fs::write(&pw, PASSWORD).unwrap();
    let out = tmp.path().join("decrypted");
    let enc = repo().join("fixtures/sample-backup-encrypted");
    run_script(
        &py,
        tmp.path(),
        &[
            "decrypt".as_ref(),
            enc.as_os_str(),
            pw.as_os_str(),
            out.as_os_str(),
        ],
    );
    let plain = repo().join("fixtures/sample-backup");
    let rows = file_rows(&plain.join("Manifest.db"));
    assert_eq!(rows, file_rows(&out.join("Manifest.db")));
    assert!(rows.len() >= 20);
    for (id, domain, path) in rows {
        let theirs = fs::read(out.join("files").join(&domain).join(&path)).unwrap();
        let ours = fs::read(plain.join(&id[..2]).join(&id)).unwrap();
        assert!(theirs == ours, "{domain}:{path} differs");
    }
}

#[test]
fn backup_encrypted_by_the_python_writer_checks_like_the_plain_one() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let pw = tmp.path().join("pw");
    fs::write(&pw, "another password, with ünïcödé\n").unwrap();
    let plain = repo().join("fixtures/sample-backup");
    let enc = tmp.path().join("encrypted");
    run_script(
        &py,
        tmp.path(),
        &[
            "encrypt".as_ref(),
            plain.as_os_str(),
            enc.as_os_str(),
            pw.as_os_str(),
        ],
    );
    let check = |backup: &Path, out: &Path, with_pw: bool| {
        let mut c = tracehound();
        c.args(["-q", "ios", "check-backup", "--output"]).arg(out);
        if with_pw {
            c.arg("--password-file").arg(&pw);
        }
        c.arg(backup).assert().code(1);
    };
    let (a, b) = (tmp.path().join("plain-out"), tmp.path().join("enc-out"));
    check(&plain, &a, false);
    check(&enc, &b, true);
    for e in fs::read_dir(&a).unwrap() {
        let name = e.unwrap().file_name();
        if name == "info.json" || name == "command.log" {
            continue;
        }
        assert!(
            fs::read(a.join(&name)).unwrap() == fs::read(b.join(&name)).unwrap(),
            "{name:?} differs"
        );
    }
    // Our decrypted copy holds the plain files.
    let dest = tmp.path().join("copy");
    tracehound()
        .args(["ios", "decrypt-backup", "--password-file"])
        .arg(&pw)
        .arg("-d")
        .arg(&dest)
        .arg(&enc)
        .assert()
        .code(0);
    for (id, ..) in file_rows(&plain.join("Manifest.db")) {
        let rel = Path::new(&id[..2]).join(&id);
        assert!(fs::read(dest.join(&rel)).unwrap() == fs::read(plain.join(&rel)).unwrap());
    }
}
