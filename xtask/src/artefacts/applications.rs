//! `Info.plist` / `Applications` (top of the backup folder, not in Manifest.db): for each app
//! whose data was backed up, `{bundle id: {iTunesMetadata: <plist bytes>, PlaceholderIcon:
//! <png bytes>}}`. MVT checks `softwareVersionBundleId` against process and app-id
//! indicators and flags apps whose `sourceApp` is not the App Store or MDM (MEDIUM).
//!
//! [`generate`] builds the dictionary while the other artefacts are written; [`write`] adds it
//! to `Info.plist` once `device::write_plists` has written that file.

use crate::gen::Ctx;
use crate::noise;
use crate::plant::FileRef;
use crate::rng::{iso8601, Rng, NOW_UNIX};
use anyhow::{Context, Result};
use plist::{Dictionary, Value};
use serde_json::json;
use std::path::Path;

/// Installer of a sideloaded app (an alternative marketplace).
const SIDELOADER: &str = "com.example.altstore";

fn metadata(rng: &mut Rng, bundle: &str, source: &str, unix: i64) -> Result<Vec<u8>> {
    let mut download = Dictionary::new();
    download.insert("purchaseDate".into(), Value::String(iso_z(unix)));
    let mut m = Dictionary::new();
    m.insert(
        "softwareVersionBundleId".into(),
        Value::String(bundle.into()),
    );
    m.insert(
        "itemName".into(),
        Value::String(bundle.rsplit('.').next().unwrap_or(bundle).into()),
    );
    m.insert(
        "itemId".into(),
        Value::from(rng.range(300_000_000, 1_600_000_000) as u64),
    );
    m.insert(
        "artistName".into(),
        Value::String(format!("{} Inc.", rng.pick(noise::NAMES))),
    );
    m.insert(
        "bundleShortVersionString".into(),
        Value::String(format!("{}.{}", 1 + rng.below(9), rng.below(20))),
    );
    m.insert("sourceApp".into(), Value::String(source.into()));
    m.insert(
        "com.apple.iTunesStore.downloadInfo".into(),
        Value::Dictionary(download),
    );
    let mut out = Vec::new();
    Value::Dictionary(m).to_writer_xml(&mut out)?;
    Ok(out)
}

/// `2023-02-01T10:20:30Z`, the form of `purchaseDate`.
fn iso_z(unix: i64) -> String {
    let s = iso8601(unix as f64);
    format!("{}Z", s.split('.').next().unwrap_or(&s))
}

fn app(rng: &mut Rng, bundle: &str, source: &str, unix: i64) -> Result<Value> {
    let mut d = Dictionary::new();
    d.insert(
        "iTunesMetadata".into(),
        Value::Data(metadata(rng, bundle, source, unix)?),
    );
    d.insert("PlaceholderIcon".into(), Value::Data(rng.bytes(64)));
    Ok(Value::Dictionary(d))
}

/// Lists every third-party app of [`noise::APPS`] as installed from the App Store, and one
/// app per plant: with the planted bundle id, or sideloaded (`heuristic`).
pub fn generate(ctx: &mut Ctx) -> Result<Dictionary> {
    let mut rng = ctx.rng("applications");
    let mut apps = Dictionary::new();
    for bundle in noise::APPS.iter().filter(|a| !a.starts_with("com.apple.")) {
        let t = rng.unix_time();
        apps.insert(
            bundle.to_string(),
            app(&mut rng, bundle, "com.apple.AppStore", t)?,
        );
    }
    for p in ctx.plants("applications") {
        let t = NOW_UNIX - rng.range(86_400, 30 * 86_400);
        let (bundle, source) = match p.kind.as_str() {
            "heuristic" => ("org.sideloaded.tool".to_string(), SIDELOADER),
            _ => (p.value.clone(), "com.apple.AppStore"),
        };
        apps.insert(bundle.clone(), app(&mut rng, &bundle, source, t)?);
        let rec = json!({"name": bundle, "softwareVersionBundleId": bundle, "sourceApp": source,
            "isodate": iso8601(t as f64)});
        ctx.planted(&p, FileRef::new("", "Info.plist"), rec);
    }
    ctx.records("applications", apps.len() as u64);
    Ok(apps)
}

/// Adds `apps` to the `Info.plist` of the backup at `root`.
pub fn write(root: &Path, apps: Dictionary) -> Result<()> {
    let path = root.join("Info.plist");
    let mut info =
        Value::from_file(&path).with_context(|| format!("reading {}", path.display()))?;
    if let Some(d) = info.as_dictionary_mut() {
        d.insert("Applications".into(), Value::Dictionary(apps));
    }
    info.to_file_xml(&path)
        .with_context(|| format!("writing {}", path.display()))
}
