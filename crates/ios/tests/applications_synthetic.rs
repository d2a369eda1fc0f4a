//! Applications: MVT's test backup has no `Applications` in its Info.plist (0 apps); a
//! synthetic Info.plist and a synthetic dump check metadata, icons, sideloading alerts and
//! damaged input.

#[path = "support/synthetic.rs"]
mod synthetic;

use plist::{Dictionary, Value};
use serde_json::json;
use std::path::PathBuf;
use synthetic::{observables, records_json, run, timeline, SyntheticBackup};
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, InputFile, Level, ModuleError, ModuleOutput};
use tracehound_evidence::backup::IosBackup;
use tracehound_evidence::{Artifact, Db, EvidenceError, FoundFile, IosSource};
use tracehound_ios::MODULES;

fn dict(pairs: Vec<(&str, Value)>) -> Dictionary {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    d
}

fn metadata(bundle: &str, source: Option<&str>, purchased: &str) -> Dictionary {
    let mut d = dict(vec![
        ("itemName", "Name".into()),
        ("artistName", "Vendor Ltd".into()),
        ("bundleShortVersionString", "2.1".into()),
        ("softwareVersionBundleId", bundle.into()),
        (
            "com.apple.iTunesStore.downloadInfo",
            Value::Dictionary(dict(vec![("purchaseDate", purchased.into())])),
        ),
    ]);
    if let Some(s) = source {
        d.insert("sourceApp".into(), s.into());
    }
    d
}

fn entry(meta: Option<&Dictionary>, icon: Option<&[u8]>) -> Value {
    let mut e = Dictionary::new();
    if let Some(m) = meta {
        let bytes = synthetic::binary_plist(&Value::Dictionary(m.clone()));
        e.insert("iTunesMetadata".into(), Value::Data(bytes));
    }
    if let Some(i) = icon {
        e.insert("PlaceholderIcon".into(), Value::Data(i.to_vec()));
    }
    Value::Dictionary(e)
}

fn info_plist() -> Vec<u8> {
    let store = metadata(
        "com.example.store",
        Some("com.apple.AppStore"),
        "2021-03-04T05:06:07Z",
    );
    let side = metadata(
        "com.evil.side",
        Some("com.example.altstore"),
        "2022-01-02T03:04:05Z",
    );
    let implicit = metadata("com.example.quiet", None, "2020-01-01T00:00:00Z");
    let mut bad = Dictionary::new();
    bad.insert(
        "iTunesMetadata".into(),
        Value::Data(b"bplist00junk".to_vec()),
    );
    let apps = dict(vec![
        ("com.example.store", entry(Some(&store), Some(b"png"))),
        ("com.evil.side", entry(Some(&side), None)),
        ("com.example.quiet", entry(Some(&implicit), None)),
        ("com.example.bare", entry(None, None)),
        ("com.example.broken", Value::Dictionary(bad)),
    ]);
    let info = dict(vec![
        ("Device Name", "iPhone".into()),
        ("Applications", Value::Dictionary(apps)),
    ]);
    synthetic::xml_plist(&Value::Dictionary(info))
}

#[test]
fn mvt_backup_has_no_applications() {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mvt/ios_backup");
    let out = run("applications", &IosBackup::open(&root).unwrap()).unwrap();
    assert_eq!(out.records.len(), 0);
    assert!(out.alerts.is_empty());
}

#[test]
fn backup_applications_metadata_icons_and_sideloading() {
    let b = SyntheticBackup::new("apps");
    b.write_top("Info.plist", &info_plist());
    let out = run("applications", &b.open()).unwrap();
    assert_eq!(out.records.len(), 5);
    let r = records_json(&out);
    assert_eq!(
        r[0],
        json!({
            "name": "com.example.store",
            "itemName": "Name",
            "artistName": "Vendor Ltd",
            "bundleShortVersionString": "2.1",
            "softwareVersionBundleId": "com.example.store",
            "com.apple.iTunesStore.downloadInfo": {"purchaseDate": "2021-03-04T05:06:07Z"},
            "sourceApp": "com.apple.AppStore",
            "isodate": "2021-03-04 05:06:07.000000",
            "icon_sha256": "8f8cbb7dcf46e0bc7d53265749a6c17d116093a6ba95e442764060c76fd4a86c"
        })
    );
    assert_eq!(r[3], json!({"name": "com.example.bare"}));
    let o = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        observables(&out, 1),
        [o("AppId", "com.evil.side"), o("Process", "com.evil.side")]
    );
    assert_eq!(observables(&out, 3), [o("AppId", "com.example.bare")]);

    let events = timeline(&out);
    assert_eq!(events.len(), 3);
    assert_eq!(events[1].event, "app_installed");
    assert_eq!(
        events[1].description,
        "App com.evil.side version 2.1 from Vendor Ltd installed from com.example.altstore"
    );
    assert_eq!(
        events[2].description,
        "App com.example.quiet version 2.1 from Vendor Ltd installed from "
    );

    let alerts: Vec<_> = out.alerts.iter().map(|a| (a.level, a.record)).collect();
    assert_eq!(
        alerts,
        [
            (Level::Medium, Some(1)),
            (Level::Medium, Some(3)),
            (Level::Medium, Some(4))
        ]
    );
    assert!(out.alerts[0].message.contains("com.example.altstore"));
    assert_eq!(
        out.alerts[0]
            .event_time
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2022-01-02 03:04:05.000000")
    );
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("com.example.broken"));
    assert_eq!((out.stats.ok, out.stats.failed), (5, 1));
}

#[test]
fn damaged_or_missing_info_plist() {
    let b = SyntheticBackup::new("apps-corrupt");
    b.write_top("Info.plist", b"<?xml version=\"1.0\"?><plist><dict><key>x");
    match run("applications", &b.open()) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, "Info.plist"),
        other => panic!("{:?}", other.err()),
    }
    let b = SyntheticBackup::new("apps-none");
    assert!(matches!(
        run("applications", &b.open()),
        Err(ModuleError::NotFound(_))
    ));
}

/// A minimal full-filesystem dump: device paths mapped to bytes.
struct Dump(Vec<(String, Vec<u8>)>);

impl IosSource for Dump {
    fn kind(&self) -> AcquisitionKind {
        AcquisitionKind::IosFilesystem
    }
    fn find(&self, artifact: &Artifact) -> Result<Vec<FoundFile>, EvidenceError> {
        let mut out: Vec<FoundFile> = self
            .0
            .iter()
            .filter(|(p, _)| {
                artifact
                    .fs
                    .iter()
                    .any(|pat| tracehound_evidence::backup::wildcard_match(pat, p))
            })
            .map(|(p, _)| FoundFile {
                path: p.clone(),
                domain: None,
                relative_path: p.clone(),
            })
            .collect();
        out.sort();
        Ok(out)
    }
    fn read(&self, file: &FoundFile) -> Result<Vec<u8>, EvidenceError> {
        Ok(self
            .0
            .iter()
            .find(|(p, _)| *p == file.path)
            .map(|(_, b)| b.clone())
            .unwrap_or_default())
    }
    fn open_sqlite(&self, file: &FoundFile) -> Result<Db, EvidenceError> {
        Ok(Db::from_bytes(&file.path, self.read(file)?, None)?)
    }
    fn inputs(&self) -> Vec<InputFile> {
        Vec::new()
    }
}

fn run_dump(dump: &Dump) -> Result<ModuleOutput, ModuleError> {
    let m = MODULES
        .iter()
        .find(|m| m.meta().slug == "applications")
        .unwrap();
    m.run(dump as &dyn IosSource, &ModuleContext::empty())
}

const APP_DIR: &str = "private/var/containers/Bundle/Application";

#[test]
fn dump_itunes_metadata_files() {
    let side = metadata(
        "com.evil.side",
        Some("com.example.altstore"),
        "2022-01-02T03:04:05Z",
    );
    let store = metadata("com.example.store", Some("dmd"), "2021-03-04T05:06:07Z");
    let dump = Dump(vec![
        (
            format!("{APP_DIR}/AAAA/iTunesMetadata.plist"),
            synthetic::binary_plist(&Value::Dictionary(side)),
        ),
        (
            format!("{APP_DIR}/BBBB/iTunesMetadata.plist"),
            synthetic::xml_plist(&Value::Dictionary(store)),
        ),
        (
            format!("{APP_DIR}/CCCC/iTunesMetadata.plist"),
            b"garbage".to_vec(),
        ),
        (format!("{APP_DIR}/DDDD/Info.plist"), b"ignored".to_vec()),
    ]);
    let out = run_dump(&dump).unwrap();
    assert_eq!(out.records.len(), 2);
    let r = records_json(&out);
    assert_eq!(
        r[0]["file_path"],
        format!("{APP_DIR}/AAAA/iTunesMetadata.plist")
    );
    assert!(r[0].get("name").is_none());
    assert_eq!(r[1]["isodate"], "2021-03-04 05:06:07.000000");
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].record, Some(0));
    assert_eq!((out.stats.ok, out.stats.failed), (2, 1));
    assert_eq!(
        timeline(&out)[0].description,
        "App  version 2.1 from Vendor Ltd installed from com.example.altstore"
    );

    let only_bad = Dump(vec![(
        format!("{APP_DIR}/CCCC/iTunesMetadata.plist"),
        b"garbage".to_vec(),
    )]);
    match run_dump(&only_bad) {
        Err(ModuleError::Corrupted { path, .. }) => {
            assert!(path.ends_with("CCCC/iTunesMetadata.plist"))
        }
        other => panic!("{:?}", other.err()),
    }
    assert!(matches!(
        run_dump(&Dump(vec![])),
        Err(ModuleError::NotFound(_))
    ));
}
