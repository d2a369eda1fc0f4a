//! `adb backup` files: MVT's `android_backup/*.ab` (plain, compressed, password-protected) and
//! its unpacked folder, the androidqf acquisition with a protected backup, and damaged files.
//! The SMS records must be MVT's (`expected/android_backup/sms.json`); the password of MVT's
//! protected test backups is the one its own test suite publishes (`123456`).

mod support;

use serde_json::Value;
use support::{covers, records_json, shared};
use tracehound_android::backup::{ab, ab_needs_password, open_backup, AbDecoder};
use tracehound_android::{AndroidAcquisition, AndroidSource, BACKUP_MODULES};
use tracehound_core::module::ModuleContext;
use tracehound_core::{ModuleError, ModuleOutput};
use tracehound_evidence::archive::Limits;
use tracehound_evidence::EvidenceError;
use zeroize::Zeroizing;

const PASSWORD: &[u8] = b"123456";

fn decoder(pw: Option<&[u8]>) -> AbDecoder {
    pw.map_or_else(AbDecoder::default, |p| {
        AbDecoder::with_password(Zeroizing::new(p.to_vec()))
    })
}

fn open(rel: &str, pw: Option<&[u8]>) -> Result<AndroidAcquisition, EvidenceError> {
    open_backup(&shared().join(rel), &decoder(pw), Limits::default())
}

fn sms(ev: &AndroidAcquisition) -> Result<ModuleOutput, ModuleError> {
    BACKUP_MODULES[0].run(ev as &dyn AndroidSource, &ModuleContext::empty())
}

#[test]
fn plain_backup_matches_mvt() {
    let out = sms(&open("android_backup/backup.ab", None).unwrap()).unwrap();
    let ours = records_json(&out);
    let theirs: Value = serde_json::from_slice(
        &std::fs::read(shared().join("expected/android_backup/sms.json")).unwrap(),
    )
    .unwrap();
    let mut diffs = Vec::new();
    covers(&ours, &theirs, "sms", &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // Field order as MVT writes it, too.
    assert_eq!(ours.to_string(), theirs.to_string());
    assert_eq!(out.stats.failed, 0);
}

#[test]
fn unpacked_folder_reads_the_same() {
    let out = sms(&open("android_backup", None).unwrap()).unwrap();
    assert_eq!(out.records.len(), 2);
}

#[test]
fn protected_backups_with_the_published_password() {
    for rel in ["android_backup/backup2.ab", "androidqf_encrypted/backup.ab"] {
        assert_eq!(ab_needs_password(&shared().join(rel)), Some(true), "{rel}");
        let out = sms(&open(rel, Some(PASSWORD)).unwrap()).unwrap();
        let r = records_json(&out);
        assert_eq!(r.as_array().unwrap().len(), 1, "{rel}");
        assert_eq!(r[0]["links"][0], "https://google.com/", "{rel}");
    }
    let out = sms(&open("android_backup/backup3.ab", None).unwrap()).unwrap();
    assert_eq!(out.records.len(), 1);
    assert_eq!(
        ab_needs_password(&shared().join("android_backup/backup.ab")),
        Some(false)
    );
}

#[test]
fn wrong_or_missing_password_is_one_clear_error() {
    for rel in ["android_backup/backup2.ab", "androidqf_encrypted/backup.ab"] {
        let e = open(rel, Some(b"654321")).err().unwrap();
        assert!(
            matches!(e, EvidenceError::WrongPassword { .. }),
            "{rel}: {e}"
        );
        assert!(e.to_string().starts_with("wrong password"), "{e}");
        let e = open(rel, None).err().unwrap();
        assert!(matches!(e, EvidenceError::Encrypted { .. }), "{rel}: {e}");
    }
}

#[test]
fn damaged_files_are_clear_errors() {
    let good = std::fs::read(shared().join("android_backup/backup.ab")).unwrap();
    let enc = std::fs::read(shared().join("android_backup/backup2.ab")).unwrap();
    let limits = Limits::default();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("zip, not ab", b"PK\x03\x04rest".to_vec()),
        ("bad version", b"ANDROID BACKUP\nfive\n1\nnone\n".to_vec()),
        ("header cut", b"ANDROID BACKUP\n5\n".to_vec()),
        ("compressed data cut", good[..good.len() / 2].to_vec()),
        ("encrypted data cut", enc[..enc.len() - 7].to_vec()),
        ("encrypted header cut", enc[..60].to_vec()),
    ];
    for (what, bytes) in cases {
        match ab::decode(what, bytes, Some(PASSWORD), &limits) {
            Err(EvidenceError::Corrupt { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("{what}: {:?}", other.map(|v| v.len())),
        }
    }
    // A tar stream that is not a tar.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, b"not a tar archive").unwrap();
    let mut ab = b"ANDROID BACKUP\n5\n1\nnone\n".to_vec();
    ab.extend(z.finish().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("x.ab");
    std::fs::write(&p, ab).unwrap();
    assert!(open_backup(&p, &AbDecoder::default(), limits).is_err());
}

#[test]
fn compression_bomb_is_refused() {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![0u8; 64 << 20]).unwrap();
    let mut ab = b"ANDROID BACKUP\n5\n1\nnone\n".to_vec();
    ab.extend(z.finish().unwrap());
    let e = ab::decode("bomb.ab", ab, None, &Limits::default()).unwrap_err();
    assert!(matches!(e, EvidenceError::Refused { .. }), "{e}");
}
