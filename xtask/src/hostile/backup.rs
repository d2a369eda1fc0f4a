//! A minimal iTunes/Finder backup writer, and the cases that attack the backup layout itself:
//! file entries that are symbolic links, a hash folder that is one, file IDs with `../`, and
//! invalid UTF-8 in every text the backup holds.

use super::{sqlite, Case, BACKUP, SENTINEL};
use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::Path;

/// `Library/SMS/sms.db` in `HomeDomain`, as the sms module finds it.
pub const SMS: (&str, &str) = ("HomeDomain", "Library/SMS/sms.db");
/// The call history, read by the calls module.
pub const CALLS: (&str, &str) = ("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata");

/// One row of `Manifest.db`'s `Files` table; `data` is written at `xx/<fileID>` when given.
pub struct Row {
    pub file_id: String,
    pub domain: Vec<u8>,
    pub path: Vec<u8>,
    pub data: Option<Vec<u8>>,
}

/// A stand-in file ID: 40 hex digits from the domain and path (the reader checks the form,
/// not the SHA-1, and this keeps the module free of a SHA-1 dependency).
pub fn file_id(domain: &str, path: &str) -> String {
    let mut out = String::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..3u8 {
        for b in domain
            .bytes()
            .chain([b'-'])
            .chain(path.bytes())
            .chain([round])
        {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

pub fn row(entry: (&str, &str), data: Vec<u8>) -> Row {
    Row {
        file_id: file_id(entry.0, entry.1),
        domain: entry.0.into(),
        path: entry.1.into(),
        data: Some(data),
    }
}

/// Writes a plain backup at `dir`: `Manifest.db` with `rows`, their files, an unencrypted
/// `Manifest.plist`, and `Info.plist` (`info`, or a small valid one).
pub fn write(dir: &Path, rows: &[Row], info: Option<&[u8]>) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut db = Vec::new();
    for r in rows {
        db.push((r.file_id.clone(), r.domain.clone(), r.path.clone()));
        if let Some(data) = &r.data {
            let sub = dir.join(r.file_id.get(..2).unwrap_or("00"));
            fs::create_dir_all(&sub)?;
            fs::write(sub.join(&r.file_id), data)?;
        }
    }
    fs::write(dir.join("Manifest.db"), sqlite::manifest_db(&db)?)?;
    let mut mp = plist::Dictionary::new();
    mp.insert("IsEncrypted".into(), false.into());
    mp.insert("Version".into(), "10.0".into());
    plist::Value::Dictionary(mp)
        .to_file_xml(dir.join("Manifest.plist"))
        .map_err(io::Error::other)?;
    match info {
        Some(bytes) => fs::write(dir.join("Info.plist"), bytes),
        None => {
            let mut d = plist::Dictionary::new();
            d.insert("Device Name".into(), "hostile".into());
            d.insert("Product Version".into(), "17.0".into());
            plist::Value::Dictionary(d)
                .to_file_xml(dir.join("Info.plist"))
                .map_err(io::Error::other)
        }
    }
}

fn symlinked_files(dir: &Path, outside: &Path) -> io::Result<()> {
    // sms.db's file is a link to the sentinel; the call history's hash folder is a link to
    // the sentinel's folder, which holds a file of the right name.
    let sms = row(SMS, Vec::new());
    let calls = row(CALLS, Vec::new());
    write(dir, &[sms, calls], None)?;
    let sms_id = file_id(SMS.0, SMS.1);
    let sms_path = dir.join(&sms_id[..2]).join(&sms_id);
    fs::remove_file(&sms_path)?;
    symlink(outside.join("secret.txt"), &sms_path)?;
    let calls_id = file_id(CALLS.0, CALLS.1);
    let folder = dir.join(&calls_id[..2]);
    fs::remove_dir_all(&folder)?;
    symlink(outside, &folder)?;
    fs::write(outside.join(&calls_id), format!("{SENTINEL}\n"))?;
    // And /etc itself, as the issue has it.
    symlink("/etc/passwd", dir.join("Status.plist"))
}

fn traversal_ids(dir: &Path, outside: &Path) -> io::Result<()> {
    let _ = outside;
    let mut sms = row(SMS, Vec::new());
    sms.file_id = "../outside/secret.txt".into();
    sms.data = None;
    let mut calls = row(CALLS, Vec::new());
    calls.file_id = "3d/../../../../../../../../etc/passwd".into();
    calls.data = None;
    write(dir, &[sms, calls], None)
}

fn invalid_utf8(dir: &Path, _outside: &Path) -> io::Result<()> {
    let mut odd = row(("HomeDomain", "Library/odd"), b"\xff\xfe".to_vec());
    odd.domain = b"Home\xffDomain".to_vec();
    odd.path = b"Library/\xc3\x28/\xed\xa0\x80.db".to_vec();
    let sms = row(SMS, sqlite::sms_db_invalid_utf8()?);
    // An XML Info.plist with invalid UTF-8 in a string.
    let info = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>\
        <key>Device Name</key><string>bad\xff\xfename</string></dict></plist>\n";
    write(dir, &[odd, sms], Some(info))
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "backup-symlinks",
            what: "sms.db's file is a symbolic link out of the backup, the call history's hash \
                   folder is a link to a folder outside holding a file of the right name, and \
                   Status.plist links to /etc/passwd: each refused, the rest checked",
            args: BACKUP,
            exit: 0,
            says: &["symbolic link"],
            build: symlinked_files,
        },
        Case {
            name: "backup-traversal-fileids",
            what: "Manifest.db rows whose fileIDs are ../outside/secret.txt and \
                   3d/../../etc/passwd: refused as invalid file IDs, nothing opened",
            args: BACKUP,
            exit: 0,
            says: &["invalid fileID"],
            build: traversal_ids,
        },
        Case {
            name: "backup-invalid-utf8",
            what: "invalid UTF-8 in a Manifest.db domain and path, in SMS text and handles, \
                   and in Info.plist: replaced, never a crash",
            args: BACKUP,
            exit: 0,
            says: &["sms"],
            build: invalid_utf8,
        },
    ]
}
