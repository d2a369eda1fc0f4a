//! The backup reader on MVT's public test backup.

use std::path::PathBuf;
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::{Artifact, IosSource};

fn mvt_backup() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup")
}

#[test]
fn reads_manifest_entries_and_metadata() {
    let backup = IosBackup::open(&mvt_backup()).unwrap();
    let mut n = 0;
    let mut decoded = 0;
    let mut sms = None;
    backup
        .for_each_entry(|row| {
            n += 1;
            if row.meta.is_ok() {
                decoded += 1;
            }
            if row.relative_path == "Library/SMS/sms.db" && row.domain == "HomeDomain" {
                sms = Some(row);
            }
        })
        .unwrap();
    assert_eq!(n, 3721, "MVT reports 3721 file metadata items");
    assert_eq!(decoded, n);
    let sms = sms.unwrap();
    assert_eq!(sms.file_id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    assert_eq!(sms.flags, 1);
    let meta = sms.meta.unwrap();
    assert!(meta.size.unwrap() > 0);
    assert_eq!(meta.mode.unwrap() & 0o170000, 0o100000);
    assert_eq!(
        backup
            .info()
            .unwrap()
            .get("Product Version")
            .and_then(|v| v.as_string()),
        Some("14.3")
    );
}

#[test]
fn finds_and_opens_module_databases() {
    let backup = IosBackup::open(&mvt_backup()).unwrap();
    let sms = Artifact {
        backup: &[("HomeDomain", "Library/SMS/sms.db")],
        fs: &[],
    };
    let found = backup.find(&sms).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    let db = backup.open_sqlite(&found[0]).unwrap();
    assert!(db.has_table("message"));
    let wildcard = Artifact {
        backup: &[(
            "AppDomain-*",
            "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
        )],
        fs: &[],
    };
    assert_eq!(backup.find(&wildcard).unwrap().len(), 1);
    let absent = Artifact {
        backup: &[("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata")],
        fs: &[],
    };
    assert!(backup.find(&absent).unwrap().is_empty());
    let inputs = backup.inputs();
    assert!(inputs.iter().any(|i| i.path == found[0].path));
}

#[test]
fn fast_mbfile_reader_agrees_with_the_plist_parser_on_every_blob() {
    use tracehound_evidence::backup::{decode_mbfile_fast, decode_mbfile_general};
    let backup = IosBackup::open(&mvt_backup()).unwrap();
    let mut n = 0;
    backup
        .for_each_raw_entry(|row| {
            let blob = row.blob.unwrap();
            let fast = decode_mbfile_fast(&blob).expect("fast reader handles real blobs");
            assert_eq!(
                fast,
                decode_mbfile_general(&blob).unwrap(),
                "{}",
                row.file_id
            );
            // Every truncation falls back or fails cleanly, never panics.
            for cut in (0..blob.len()).step_by(37) {
                let _ = decode_mbfile_fast(&blob[..cut]);
            }
            n += 1;
        })
        .unwrap();
    assert_eq!(n, 3721);
}
