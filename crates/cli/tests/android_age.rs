//! androidqf acquisitions encrypted with age (`<uuid>.zip.age`, to the recipient of
//! `key.txt`): decrypted in memory with `--age-identity`, the same alerts as the plain folder,
//! clear errors for a missing or wrong identity and a damaged file, nothing written to disk.

mod common;

use age::secrecy::ExposeSecret;
use common::*;
use predicates::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

fn aqf() -> PathBuf {
    shared().join("fixtures/mvt/androidqf")
}

/// A zip of the androidqf fixture folder, in memory.
fn fixture_zip() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(aqf())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names {
        w.start_file(p.file_name().unwrap().to_str().unwrap(), opts)
            .unwrap();
        w.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn encrypt(plain: &[u8], to: &age::x25519::Recipient) -> Vec<u8> {
    let enc = age::Encryptor::with_recipients(std::iter::once(to as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// An androidqf output folder as androidqf leaves it when encrypting: `key.txt` and
/// `<uuid>.zip.age`. Returns (folder, age file, identity file).
fn encrypted_acquisition(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let id = age::x25519::Identity::generate();
    let folder = dir.join("acquisition");
    std::fs::create_dir_all(&folder).unwrap();
    let age_path = folder.join("5e7f0a3c-1b2d-4c5e-8f90-123456789abc.zip.age");
    std::fs::write(&age_path, encrypt(&fixture_zip(), &id.to_public())).unwrap();
    let key = dir.join("key.txt");
    std::fs::write(
        &key,
        format!(
            "# public key: {}\n{}\n",
            id.to_public(),
            id.to_string().expose_secret()
        ),
    )
    .unwrap();
    (folder, age_path, key)
}

/// Alerts without the paths of the files read (which name the container).
fn alerts(out: &Path) -> Vec<String> {
    let all = read_json(&out.join("alerts.json"));
    let mut v: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            serde_json::json!([a["module"], a["level"], a["matched_indicator"], a["event"]])
                .to_string()
        })
        .collect();
    v.sort();
    v
}

fn run(args: &[&std::ffi::OsStr], tmpdir: &Path) -> assert_cmd::assert::Assert {
    tracehound()
        .env("TMPDIR", tmpdir)
        .env_remove("TRACEHOUND_BACKUP_PASSWORD")
        .args(args)
        .assert()
}

#[test]
fn age_file_gives_the_folder_alerts_and_writes_nothing_decrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let (folder, age_path, key) = encrypted_acquisition(tmp.path());
    let tmpdir = tmp.path().join("tmpdir");
    std::fs::create_dir_all(&tmpdir).unwrap();
    let stix = test_stix();

    let plain_out = tmp.path().join("plain");
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            "--iocs".as_ref(),
            stix.as_os_str(),
            "--output".as_ref(),
            plain_out.as_os_str(),
            aqf().as_os_str(),
        ],
        &tmpdir,
    )
    .code(1);
    let expected = alerts(&plain_out);
    assert!(!expected.is_empty());

    for (i, target) in [&age_path, &folder].into_iter().enumerate() {
        let out = tmp.path().join(format!("age{i}"));
        run(
            &[
                "android".as_ref(),
                "check-androidqf".as_ref(),
                "--age-identity".as_ref(),
                key.as_os_str(),
                "--iocs".as_ref(),
                stix.as_os_str(),
                "--output".as_ref(),
                out.as_os_str(),
                target.as_os_str(),
            ],
            &tmpdir,
        )
        .code(1)
        .stderr(predicate::str::contains("decrypting it in memory"));
        assert_eq!(alerts(&out), expected, "{}", target.display());
        let info = read_json(&out.join("info.json"));
        assert_eq!(info["acquisition"], "androidqf");
    }
    // `tracehound check` recognises the .age file and decrypts it with the identity.
    let out = tmp.path().join("via_check");
    run(
        &[
            "check".as_ref(),
            "--age-identity".as_ref(),
            key.as_os_str(),
            "--iocs".as_ref(),
            stix.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
            age_path.as_os_str(),
        ],
        &tmpdir,
    )
    .code(1)
    .stderr(predicate::str::contains("is an androidqf acquisition"));
    assert_eq!(alerts(&out), expected);

    let left: Vec<_> = std::fs::read_dir(&tmpdir).unwrap().collect();
    assert!(left.is_empty(), "TMPDIR not empty: {left:?}");
    // Nothing but the results and our inputs under the test folder.
    for e in walkdir::WalkDir::new(tmp.path()) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            !["getprop.txt", "packages.json", "ps.txt", "backup.ab"].contains(&name.as_str()),
            "decrypted file on disk: {}",
            e.path().display()
        );
    }
}

#[test]
fn check_says_an_identity_is_needed() {
    let tmp = tempfile::tempdir().unwrap();
    let (folder, age_path, _) = encrypted_acquisition(tmp.path());
    for target in [&age_path, &folder] {
        run(&["check".as_ref(), target.as_os_str()], tmp.path())
            .code(2)
            .stderr(predicate::str::contains("is an androidqf acquisition"))
            .stderr(predicate::str::contains("encrypted with age"))
            .stderr(predicate::str::contains("--age-identity FILE"));
    }
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            age_path.as_os_str(),
        ],
        tmp.path(),
    )
    .code(2)
    .stderr(predicate::str::contains("--age-identity FILE"));
}

#[test]
fn wrong_identity_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, age_path, _) = encrypted_acquisition(tmp.path());
    let other = tmp.path().join("other.txt");
    std::fs::write(
        &other,
        age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .as_bytes(),
    )
    .unwrap();
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            "--age-identity".as_ref(),
            other.as_os_str(),
            age_path.as_os_str(),
        ],
        tmp.path(),
    )
    .code(2)
    .stderr(predicate::str::contains("does not decrypt it"));

    let junk = tmp.path().join("junk.txt");
    std::fs::write(&junk, "not a key\n").unwrap();
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            "--age-identity".as_ref(),
            junk.as_os_str(),
            age_path.as_os_str(),
        ],
        tmp.path(),
    )
    .code(2)
    .stderr(predicate::str::contains("not an age X25519 identity"));
}

#[test]
fn truncated_age_file_is_reported_as_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, age_path, key) = encrypted_acquisition(tmp.path());
    let bytes = std::fs::read(&age_path).unwrap();
    for cut in [bytes.len() - 100, 60] {
        std::fs::write(&age_path, &bytes[..cut]).unwrap();
        run(
            &[
                "android".as_ref(),
                "check-androidqf".as_ref(),
                "--age-identity".as_ref(),
                key.as_os_str(),
                age_path.as_os_str(),
            ],
            tmp.path(),
        )
        .code(2)
        .stderr(predicate::str::contains("damaged"));
    }
}

#[test]
fn passphrase_encrypted_age_file_opens_with_the_password_options() {
    let tmp = tempfile::tempdir().unwrap();
    let mut enc = age::scrypt::Recipient::new("correct horse".to_string().into());
    enc.set_work_factor(10);
    let enc =
        age::Encryptor::with_recipients(std::iter::once(&enc as &dyn age::Recipient)).unwrap();
    let mut data = Vec::new();
    let mut w = enc.wrap_output(&mut data).unwrap();
    w.write_all(&fixture_zip()).unwrap();
    w.finish().unwrap();
    let age_path = tmp.path().join("acq.zip.age");
    std::fs::write(&age_path, data).unwrap();
    let pw = tmp.path().join("pw.txt");
    std::fs::write(&pw, "correct horse\n").unwrap();
    let out = tmp.path().join("out");
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            "--password-file".as_ref(),
            pw.as_os_str(),
            "--iocs".as_ref(),
            test_stix().as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
            age_path.as_os_str(),
        ],
        tmp.path(),
    )
    .code(1);
    assert!(!alerts(&out).is_empty());
    run(
        &[
            "android".as_ref(),
            "check-androidqf".as_ref(),
            age_path.as_os_str(),
        ],
        tmp.path(),
    )
    .code(2)
    .stderr(predicate::str::contains("--password-file FILE"));
}
