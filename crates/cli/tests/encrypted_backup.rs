//! Encrypted backups: `fixtures/sample-backup-encrypted` is the encrypted twin of
//! `fixtures/sample-backup` (`cargo xtask gen-ios-backup-sample`, password
//! `tracehound-sample`). Checking either must give the same records and detections; wrong
//! passwords, damaged keybags, truncated files and an undecryptable Manifest.db each give one
//! clear message; and no plaintext of the evidence is left on disk.

mod common;

use common::*;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

const PASSWORD: &str = "tracehound-sample";
/// The key `extract-key` derives for the fixture (pins the derivation).
const FIXTURE_KEY: &str = "241146c2c6f7dd88fd103fbeb4149490b655c258bdcd4b99152568db283cef9a";
const SMS_DB: &str = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn encrypted() -> PathBuf {
    fixtures().join("sample-backup-encrypted")
}

fn plain() -> PathBuf {
    fixtures().join("sample-backup")
}

fn password_file(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("password.txt");
    fs::write(&p, text).unwrap();
    p
}

/// Checks `backup` into `out` with the password file `pw` (if any); returns the exit code.
fn check(backup: &Path, out: &Path, pw: Option<&Path>) -> i32 {
    let mut cmd = tracehound();
    cmd.args(["ios", "check-backup", "--output"]).arg(out);
    if let Some(pw) = pw {
        cmd.arg("--password-file").arg(pw);
    }
    let o = cmd.arg(backup).output().unwrap();
    o.status.code().unwrap()
}

/// Every results file except the run-specific ones, by name.
fn results(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n != "info.json" && n != "command.log"
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn encrypted_and_plain_give_the_same_records_and_detections() {
    let tmp = tempfile::tempdir().unwrap();
    let pw = password_file(tmp.path(), &format!("{PASSWORD}\n"));
    let (a, b) = (tmp.path().join("plain"), tmp.path().join("enc"));
    assert_eq!(check(&plain(), &a, None), 1);
    assert_eq!(check(&encrypted(), &b, Some(&pw)), 1);
    let (ra, rb) = (results(&a), results(&b));
    assert!(ra.len() > 20, "{} result files", ra.len());
    let names: Vec<&String> = ra.iter().map(|(n, _)| n).collect();
    assert_eq!(names, rb.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for ((name, x), (_, y)) in ra.iter().zip(&rb) {
        assert!(
            x == y,
            "{name} differs between the plain and encrypted backup"
        );
    }
    let alerts = read_json(&b.join("alerts.json"));
    assert!(alerts.as_array().unwrap().len() >= 10, "{alerts}");
    let info = read_json(&b.join("info.json"));
    let failed: Vec<_> = info["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "failed")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

#[test]
fn password_sources_and_key_file() {
    let tmp = tempfile::tempdir().unwrap();
    // From the environment.
    let key = tmp.path().join("backup.key");
    tracehound()
        .env("TRACEHOUND_BACKUP_PASSWORD", PASSWORD)
        .args(["ios", "extract-key", "--output"])
        .arg(&key)
        .arg(encrypted())
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(&key).unwrap().trim(), FIXTURE_KEY);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // To stdout with -p, which warns.
    tracehound()
        .args(["ios", "extract-key", "-p", PASSWORD])
        .arg(encrypted())
        .assert()
        .code(0)
        .stdout(format!("{FIXTURE_KEY}\n"))
        .stderr(predicate::str::contains(
            "is visible to other users of this computer in the process list",
        ));
    // The key file unlocks a check without the derivation.
    let out = tmp.path().join("out");
    tracehound()
        .args(["-q", "check", "--key-file"])
        .arg(&key)
        .arg("--output")
        .arg(&out)
        .arg(encrypted())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("Verdict: ").and(predicate::str::contains(" detections (")),
        );
    // A key that is not one.
    let bad = tmp.path().join("bad.key");
    fs::write(&bad, "00").unwrap();
    tracehound()
        .args(["ios", "check-backup", "--key-file"])
        .arg(&bad)
        .arg(encrypted())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a key saved by extract-key",
        ));
}

/// The `error:` lines of stderr: exactly one expected.
fn error_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains("error") || l.contains("Caused by") || l.contains("panicked"))
        .map(str::to_string)
        .collect()
}

#[test]
fn wrong_password_or_key_is_one_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let pw = password_file(tmp.path(), "not the password\n");
    let o = tracehound()
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg(encrypted())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        error_lines(&o.stderr),
        vec![format!(
            "error: wrong password: it does not unlock the encrypted backup {}",
            encrypted().display()
        )]
    );
    let key = tmp.path().join("k");
    fs::write(&key, "ab".repeat(32)).unwrap();
    let o = tracehound()
        .args(["ios", "decrypt-backup", "-d"])
        .arg(tmp.path().join("dest"))
        .arg("--key-file")
        .arg(&key)
        .arg(encrypted())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        error_lines(&o.stderr),
        vec![format!(
            "error: wrong key: it does not unlock the encrypted backup {}",
            encrypted().display()
        )]
    );
    assert!(!tmp.path().join("dest").exists());
}

#[test]
fn no_password_and_no_terminal_is_a_clear_error() {
    tracehound()
        .env_remove("TRACEHOUND_BACKUP_PASSWORD")
        .args(["ios", "check-backup"])
        .arg(encrypted())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is an encrypted backup and no password was given: use --password-file FILE, \
             TRACEHOUND_BACKUP_PASSWORD or --key-file FILE (there is no terminal to ask on)",
        ));
}

/// A copy of the encrypted fixture to damage.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("backup");
    copy_tree(&encrypted(), &dir);
    (tmp, dir)
}

fn edit_manifest_plist(dir: &Path, f: impl FnOnce(&mut plist::Dictionary)) {
    let path = dir.join("Manifest.plist");
    let mut d: plist::Dictionary = plist::from_file(&path).unwrap();
    f(&mut d);
    plist::Value::Dictionary(d).to_file_binary(&path).unwrap();
}

#[test]
fn damaged_keybag_is_named() {
    let (tmp, dir) = copy();
    let pw = password_file(tmp.path(), PASSWORD);
    edit_manifest_plist(&dir, |d| {
        let kb = d["BackupKeyBag"].as_data().unwrap().to_vec();
        d.insert(
            "BackupKeyBag".into(),
            plist::Value::Data(kb[..kb.len() - 20].to_vec()),
        );
    });
    let o = tracehound()
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let errors = error_lines(&o.stderr);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(
            "the encryption keys in Manifest.plist are damaged: BackupKeyBag: record WPKY at byte"
        ) && errors[0].ends_with("claims 40 bytes, only 20 left"),
        "{}",
        errors[0]
    );
    edit_manifest_plist(&dir, |d| {
        d.remove("BackupKeyBag");
    });
    tracehound()
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Manifest.plist has no BackupKeyBag",
        ));
}

#[test]
fn truncated_encrypted_file_fails_its_module_only() {
    let (tmp, dir) = copy();
    let pw = password_file(tmp.path(), PASSWORD);
    let sms = dir.join(SMS_DB);
    let bytes = fs::read(&sms).unwrap();
    for (cut, why) in [
        (bytes.len() - 7, "is not a whole number of AES blocks"),
        (bytes.len() - 4096, "does not decrypt"),
    ] {
        fs::write(&sms, &bytes[..cut]).unwrap();
        let out = tmp.path().join(format!("out-{cut}"));
        tracehound()
            .args(["ios", "check-backup", "--password-file"])
            .arg(&pw)
            .arg("--output")
            .arg(&out)
            .arg(&dir)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("SMS: FAILED: {SMS_DB}: ")))
            .stderr(predicate::str::contains(why))
            .stderr(predicate::str::contains("sms (failed)"));
        // Only the modules that read sms.db fail; the others run as on the intact backup.
        let info = read_json(&out.join("info.json"));
        let modules = info["modules"].as_array().unwrap();
        let status =
            |slug: &str| modules.iter().find(|m| m["module"] == slug).unwrap()["status"].clone();
        assert_eq!(status("sms"), "failed");
        for m in modules.iter().filter(|m| m["status"] == "failed") {
            assert!(m["module"].as_str().unwrap().starts_with("sms"), "{m}");
        }
        for slug in [
            "calls",
            "safari_history",
            "datausage",
            "manifest",
            "whatsapp",
        ] {
            assert_eq!(status(slug), "ok", "{slug}");
        }
    }
}

#[test]
fn manifest_db_that_does_not_decrypt() {
    let (tmp, dir) = copy();
    let pw = password_file(tmp.path(), PASSWORD);
    let db = dir.join("Manifest.db");
    let mut bytes = fs::read(&db).unwrap();
    // Damage the first block: the header no longer decrypts to "SQLite format 3".
    bytes[3] ^= 0x55;
    fs::write(&db, &bytes).unwrap();
    tracehound()
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Manifest.db: decrypted with the backup's ManifestKey but is not a SQLite file",
        ));
    fs::write(&db, &bytes[..1000]).unwrap();
    tracehound()
        .args(["ios", "check-backup", "--password-file"])
        .arg(&pw)
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Manifest.db: does not decrypt with the backup's ManifestKey: 1000 bytes is not a \
             whole number of AES blocks",
        ));
}

#[test]
fn decrypt_backup_writes_the_plain_backup_and_lists_damage() {
    let (tmp, dir) = copy();
    let pw = password_file(tmp.path(), PASSWORD);
    let dest = tmp.path().join("decrypted");
    tracehound()
        .args(["ios", "decrypt-backup", "--password-file"])
        .arg(&pw)
        .arg("--destination")
        .arg(&dest)
        .arg(&dir)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("Decrypted 20 files into"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    // Every stored file is the plain backup's, byte for byte.
    let (ours, theirs) = (tree_hashes(&dest), tree_hashes(&plain()));
    for (rel, h) in &theirs {
        if rel.contains('/') {
            let digest = |s: &str| s.split(' ').next().unwrap().to_string();
            let got = ours.get(rel).unwrap_or_else(|| panic!("{rel} not written"));
            assert_eq!(digest(got), digest(h), "{rel}");
        }
    }
    // The copy checks as a plain backup, with the same detections.
    tracehound()
        .args(["-q", "ios", "check-backup"])
        .arg(&dest)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("Verdict: ").and(predicate::str::contains(" detections (")),
        );
    // A damaged file is listed by name; the others are still written.
    let sms = dir.join(SMS_DB);
    let bytes = fs::read(&sms).unwrap();
    fs::write(&sms, &bytes[..bytes.len() - 3]).unwrap();
    let dest2 = tmp.path().join("decrypted2");
    tracehound()
        .args(["ios", "decrypt-backup", "--password-file"])
        .arg(&pw)
        .arg("-d")
        .arg(&dest2)
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "not decrypted: HomeDomain:Library/SMS/sms.db ({SMS_DB}): {SMS_DB}: does not decrypt"
        )))
        .stderr(predicate::str::contains(
            "error: 1 of 20 files could not be decrypted (listed above); the other 19 are in",
        ));
    assert!(!dest2.join(SMS_DB).exists());
    let files = |d: &Path| {
        walkdir::WalkDir::new(d)
            .into_iter()
            .filter(|e| e.as_ref().unwrap().file_type().is_file())
            .count()
    };
    assert_eq!(files(&dest2), files(&dest) - 1);
}

#[test]
fn plain_backup_ignores_a_password_and_decrypt_refuses_it() {
    let tmp = tempfile::tempdir().unwrap();
    tracehound()
        .args(["ios", "check-backup", "-p", "x", "--module", "calls"])
        .arg(plain())
        .assert()
        .stderr(predicate::str::contains(
            "is not encrypted; the password or key given is not used",
        ));
    tracehound()
        .args(["ios", "decrypt-backup", "-d"])
        .arg(tmp.path().join("d"))
        .arg(plain())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an encrypted backup"));
}

#[test]
fn decrypted_copy_never_goes_inside_the_evidence() {
    let (tmp, dir) = copy();
    let pw = password_file(tmp.path(), PASSWORD);
    let before = tree_hashes(&dir);
    tracehound()
        .args(["ios", "decrypt-backup", "--password-file"])
        .arg(&pw)
        .arg("-d")
        .arg(dir.join("sub/decrypted"))
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is inside the backup folder: write the decrypted copy elsewhere",
        ));
    assert_eq!(tree_hashes(&dir), before);
}
