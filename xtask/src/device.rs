//! The three top-level plists of a backup: `Info.plist` (XML, read by MVT's `backup_info`),
//! `Manifest.plist` (binary: encryption flag, lockdown values, apps) and `Status.plist`
//! (binary: backup state).

use crate::noise::APPS;
use crate::rng::{Rng, NOW_UNIX};
use anyhow::Result;
use plist::{Date, Dictionary, Value};
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

/// Identity of the generated device.
pub struct Device {
    pub udid: String,
    pub serial: String,
    pub imei: String,
    pub iccid: String,
    pub name: String,
    pub product_type: &'static str,
    pub product_version: &'static str,
    pub build_version: &'static str,
    pub apps: Vec<String>,
}

impl Device {
    /// A device drawn from `rng`; `extra_apps` are appended to the installed apps.
    pub fn generate(rng: &mut Rng, extra_apps: &[String]) -> Self {
        let udid = hex::encode(rng.bytes(20));
        let mut apps: Vec<String> = APPS
            .iter()
            .filter(|a| !a.starts_with("com.apple."))
            .map(|s| s.to_string())
            .collect();
        apps.extend(extra_apps.iter().cloned());
        Device {
            udid,
            serial: format!("F{:010}", rng.below(10_000_000_000)),
            imei: format!("35{:013}", rng.below(10_000_000_000_000)),
            iccid: format!("8944{:015}", rng.below(1_000_000_000_000_000)),
            name: "Synthetic iPhone".into(),
            product_type: "iPhone12,1",
            product_version: "16.3.1",
            build_version: "20D67",
            apps,
        }
    }
}

fn date(unix: i64) -> Value {
    Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(unix as u64)))
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// Writes `Info.plist`, `Manifest.plist` and `Status.plist` into `root`.
pub fn write_plists(root: &Path, d: &Device) -> Result<()> {
    let mut info = Dictionary::new();
    info.insert("Build Version".into(), s(d.build_version));
    info.insert("Device Name".into(), s(&d.name));
    info.insert("Display Name".into(), s(&d.name));
    info.insert("GUID".into(), s(&d.udid[..32].to_uppercase()));
    info.insert("ICCID".into(), s(&d.iccid));
    info.insert("IMEI".into(), s(&d.imei));
    info.insert(
        "Installed Applications".into(),
        Value::Array(d.apps.iter().map(|a| s(a)).collect()),
    );
    info.insert("Last Backup Date".into(), date(NOW_UNIX));
    info.insert("Product Name".into(), s("iPhone 11"));
    info.insert("Product Type".into(), s(d.product_type));
    info.insert("Product Version".into(), s(d.product_version));
    info.insert("Serial Number".into(), s(&d.serial));
    info.insert("Target Identifier".into(), s(&d.udid));
    info.insert("Target Type".into(), s("Device"));
    info.insert("Unique Identifier".into(), s(&d.udid.to_uppercase()));
    info.insert("iTunes Version".into(), s("12.12.4"));
    Value::Dictionary(info).to_file_xml(root.join("Info.plist"))?;

    let mut lockdown = Dictionary::new();
    lockdown.insert("BuildVersion".into(), s(d.build_version));
    lockdown.insert("DeviceName".into(), s(&d.name));
    lockdown.insert("ProductType".into(), s(d.product_type));
    lockdown.insert("ProductVersion".into(), s(d.product_version));
    lockdown.insert("SerialNumber".into(), s(&d.serial));
    lockdown.insert("UniqueDeviceID".into(), s(&d.udid));
    let mut apps = Dictionary::new();
    for app in &d.apps {
        let mut a = Dictionary::new();
        a.insert("CFBundleIdentifier".into(), s(app));
        a.insert("CFBundleVersion".into(), s("1.0"));
        a.insert("ContainerContentClass".into(), s("Data/Application"));
        apps.insert(app.clone(), Value::Dictionary(a));
    }
    let mut manifest = Dictionary::new();
    manifest.insert("Version".into(), s("10.0"));
    manifest.insert("Date".into(), date(NOW_UNIX));
    manifest.insert("SystemDomainsVersion".into(), s("24.0"));
    manifest.insert("WasPasscodeSet".into(), Value::Boolean(true));
    manifest.insert("Lockdown".into(), Value::Dictionary(lockdown));
    manifest.insert("Applications".into(), Value::Dictionary(apps));
    manifest.insert("IsEncrypted".into(), Value::Boolean(false));
    Value::Dictionary(manifest).to_file_binary(root.join("Manifest.plist"))?;

    let mut status = Dictionary::new();
    status.insert("IsFullBackup".into(), Value::Boolean(false));
    status.insert("Version".into(), s("3.3"));
    status.insert("UUID".into(), s(&d.udid[..32].to_uppercase()));
    status.insert("Date".into(), date(NOW_UNIX));
    status.insert("BackupState".into(), s("new"));
    status.insert("SnapshotState".into(), s("finished"));
    Value::Dictionary(status).to_file_binary(root.join("Status.plist"))?;
    Ok(())
}
