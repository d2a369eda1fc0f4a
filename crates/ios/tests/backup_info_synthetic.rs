//! BackupInfo on synthetic Info.plist files.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};
use synthetic::SyntheticBackup;
use tracehound_core::ModuleError;

fn date(micros: u64) -> Value {
    Value::Date((UNIX_EPOCH + Duration::from_micros(micros)).into())
}

fn info(last_backup: Value) -> Value {
    let mut d = Dictionary::new();
    d.insert("Build Version".into(), "21B74".into());
    d.insert("Device Name".into(), "Phone".into());
    d.insert("Product Type".into(), "iPhone14,2".into());
    d.insert("Product Version".into(), "17.1".into());
    d.insert("Last Backup Date".into(), last_backup);
    d.insert(
        "Installed Applications".into(),
        Value::Array(vec![
            "com.example.app".into(),
            "net.whatsapp.WhatsApp".into(),
        ]),
    );
    d.insert("IMEI".into(), Value::Data(b"35\xff".to_vec()));
    d.insert("iTunes Files".into(), Dictionary::new().into());
    Value::Dictionary(d)
}

#[test]
fn device_facts_with_mvt_names() {
    let b = SyntheticBackup::new("backup-info");
    b.write_top(
        "Info.plist",
        &synthetic::xml_plist(&info(date(1_638_559_993_000_000))),
    );
    let out = synthetic::run("backup_info", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(
        records,
        json!({
            "Build Version": "21B74",
            "Device Name": "Phone",
            "Display Name": null,
            "GUID": null,
            "ICCID": null,
            "IMEI": "35\\xff",
            "MEID": null,
            "Installed Applications": ["com.example.app", "net.whatsapp.WhatsApp"],
            "Last Backup Date": "2021-12-03 19:33:13",
            "Phone Number": null,
            "Product Name": null,
            "Product Type": "iPhone14,2",
            "Product Version": "17.1",
            "Serial Number": null,
            "Target Identifier": null,
            "Target Type": null,
            "Unique Identifier": null,
            "iTunes Version": null
        })
    );
    let o = |v: &str| ("AppId".to_string(), v.to_string());
    assert_eq!(
        synthetic::observables(&out, 0),
        [o("com.example.app"), o("net.whatsapp.WhatsApp")]
    );
    assert_eq!(
        out.records
            .event_time(0)
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2021-12-03 19:33:13.000000")
    );
    assert!(synthetic::timeline(&out).is_empty());
    assert!(out.alerts.is_empty() && out.warnings.is_empty());
}

#[test]
fn sub_second_backup_dates_keep_microseconds_as_python_prints_them() {
    let b = SyntheticBackup::new("backup-info-binary");
    let plist = info(date(1_638_559_993_250_000));
    b.write_top("Info.plist", &synthetic::binary_plist(&plist));
    let out = synthetic::run("backup_info", &b.open()).unwrap();
    let records = synthetic::records_json(&out);
    assert_eq!(records["Last Backup Date"], "2021-12-03 19:33:13.250000");
}

#[test]
fn not_found_without_info_plist() {
    let b = SyntheticBackup::new("backup-info-none");
    let r = synthetic::run("backup_info", &b.open());
    assert!(matches!(r, Err(ModuleError::NotFound(_))), "{:?}", r.err());
}

#[test]
fn corrupt_info_plist_is_an_error_not_a_panic() {
    let b = SyntheticBackup::new("backup-info-corrupt");
    b.write_top("Info.plist", b"<?xml version=\"1.0\"?><plist><dict><key>x");
    b.write_manifest();
    // Only BackupInfo fails, naming the file; the backup itself still opens.
    let r = synthetic::run("backup_info", &b.open());
    match r {
        Err(ModuleError::Corrupted { reason, .. }) => {
            assert!(reason.contains("Info.plist"), "{reason}")
        }
        other => panic!("expected Corrupted, got {:?}", other.err()),
    }
}
