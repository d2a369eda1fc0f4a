//! Property-list artefacts (all binary plists, as on the phone):
//! - `RootDomain` / `Library/Caches/locationd/clients.plist` (backup ID a690d7769cce…):
//!   one dict per location client, keyed by bundle ID or `…executable-<path>`; times are Mac
//!   absolute seconds. MVT checks the last path component of the key as a process name.
//! - `HomeDomain` / `Library/Preferences/com.apple.identityservices.idstatuscache.plist`
//!   (6b97989189901cea…): `{service: {"mailto:…"|"tel:…": {IDStatus, LookupDate}}}` with
//!   `LookupDate` in Mac absolute seconds. MVT checks `mailto:` addresses as e-mail indicators.
//! - `HomeDomain` / `Library/Preferences/com.apple.osanalytics.addaily.plist`
//!   (f65b5fafc69bbd3c…): `netUsageBaseline: {process: [date, wifiIn, wifiOut, wwanIn,
//!   wwanOut]}`. MVT checks each process name.

use crate::gen::Ctx;
use crate::noise;
use crate::plant::FileRef;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use anyhow::Result;
use plist::{Date, Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};

pub const LOCATIOND: &str = "Library/Caches/locationd/clients.plist";
pub const IDSTATUSCACHE: &str =
    "Library/Preferences/com.apple.identityservices.idstatuscache.plist";
pub const ADDAILY: &str = "Library/Preferences/com.apple.osanalytics.addaily.plist";

fn binary(v: Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    v.to_writer_binary(&mut out)?;
    Ok(out)
}

/// The `i`-th client/process name: known apps and daemons first, then synthetic bundle IDs.
fn name(i: usize) -> String {
    let known: Vec<&str> = noise::APPS.iter().chain(noise::DAEMONS).copied().collect();
    match known.get(i) {
        Some(n) => n.to_string(),
        None => format!("com.vendor{}.app{}", i % 97, i),
    }
}

fn locationd_client(rng: &mut Rng, bundle: Option<&str>, exe: &str) -> Dictionary {
    let mut d = Dictionary::new();
    let t = rng.unix_time_f();
    d.insert("Authorization".into(), Value::from(*rng.pick(&[2u64, 4])));
    d.insert("SupportedAuthorizationMask".into(), Value::from(7u64));
    if let Some(b) = bundle {
        d.insert("BundleId".into(), Value::String(b.into()));
        let app = format!(
            "/private/var/containers/Bundle/Application/{}/App.app",
            rng.uuid()
        );
        d.insert("BundlePath".into(), Value::String(app));
    }
    d.insert("Executable".into(), Value::String(exe.into()));
    d.insert("Registered".into(), Value::String(exe.into()));
    d.insert(
        "ConsumptionPeriodBegin".into(),
        Value::Real(mac_secs(t - 86_400.0)),
    );
    d.insert(
        "ReceivingLocationInformationTimeStopped".into(),
        Value::Real(mac_secs(t)),
    );
    d.insert("LocationTimeStopped".into(), Value::Real(mac_secs(t)));
    d
}

fn locationd(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("locationd_clients");
    let n = ctx.part(300, 5) as usize;
    let mut root = Dictionary::new();
    for i in 0..n {
        let nm = name(i);
        if nm.contains('.') {
            let exe = format!(
                "/private/var/containers/Bundle/Application/{}/App.app/App",
                rng.uuid()
            );
            root.insert(
                nm.clone(),
                Value::Dictionary(locationd_client(&mut rng, Some(&nm), &exe)),
            );
        } else {
            let exe = format!("/usr/libexec/{nm}");
            let key = format!("com.apple.locationd.executable-{exe}:");
            root.insert(
                key,
                Value::Dictionary(locationd_client(&mut rng, None, &exe)),
            );
        }
    }
    let mut planted = Vec::new();
    for p in ctx.plants("locationd_clients") {
        let exe = format!(
            "/private/var/db/com.apple.xpc.roleaccountd.staging/{}",
            p.value
        );
        let key = format!("com.apple.locationd.executable-{exe}:");
        root.insert(
            key.clone(),
            Value::Dictionary(locationd_client(&mut rng, None, &exe)),
        );
        planted.push((
            p,
            json!({"key": key, "package": key.trim_end_matches(':'), "Executable": exe}),
        ));
    }
    let records = root.len() as u64;
    let t = ctx.mtime();
    ctx.backup.file(
        "RootDomain",
        LOCATIOND,
        &binary(Value::Dictionary(root))?,
        t,
    )?;
    for (p, rec) in planted {
        ctx.planted(&p, FileRef::new("RootDomain", LOCATIOND), rec);
    }
    ctx.records("locationd_clients", records);
    Ok(())
}

fn lookup(status: u64, unix: f64) -> Value {
    let mut d = Dictionary::new();
    d.insert("IDStatus".into(), Value::from(status));
    d.insert("LookupDate".into(), Value::Real(mac_secs(unix)));
    Value::Dictionary(d)
}

fn idstatuscache(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("id_status_cache");
    let n = ctx.part(30, 5) as usize;
    let mut madrid = Dictionary::new();
    let mut ess = Dictionary::new();
    for i in 0..n {
        let key = if i % 3 == 0 {
            format!(
                "mailto:{}.{i}@icloud.com",
                rng.pick(noise::NAMES).to_lowercase().replace('é', "e")
            )
        } else {
            format!("tel:+4470{:08}", i)
        };
        let status = *rng.pick(&[1u64, 1, 1, 2]);
        let target = if i % 4 == 3 { &mut ess } else { &mut madrid };
        target.insert(key, lookup(status, rng.unix_time_f()));
    }
    let mut planted = Vec::new();
    for p in ctx.plants("id_status_cache") {
        let key = format!("mailto:{}", p.value);
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        madrid.insert(key.clone(), lookup(1, t));
        planted.push((
            p,
            json!({"package": "com.apple.madrid", "user": key, "LookupDate": iso8601(t)}),
        ));
    }
    let records = (madrid.len() + ess.len()) as u64;
    let mut root = Dictionary::new();
    root.insert("com.apple.madrid".into(), Value::Dictionary(madrid));
    root.insert("com.apple.ess".into(), Value::Dictionary(ess));
    let t = ctx.mtime();
    ctx.backup.file(
        "HomeDomain",
        IDSTATUSCACHE,
        &binary(Value::Dictionary(root))?,
        t,
    )?;
    for (p, rec) in planted {
        ctx.planted(&p, FileRef::new("HomeDomain", IDSTATUSCACHE), rec);
    }
    ctx.records("id_status_cache", records);
    Ok(())
}

fn usage(rng: &mut Rng, unix: i64) -> Value {
    let date = Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(unix as u64)));
    let mut v = vec![date];
    v.extend((0..4).map(|_| Value::from(rng.below(500_000_000))));
    Value::Array(v)
}

fn addaily(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("os_analytics_ad_daily");
    let n = ctx.part(100, 5) as usize;
    let mut base = Dictionary::new();
    for i in 0..n {
        let t = rng.unix_time();
        base.insert(name(i), usage(&mut rng, t));
    }
    let mut planted = Vec::new();
    for p in ctx.plants("os_analytics_ad_daily") {
        let t = NOW_UNIX - rng.range(3600, 30 * 86_400);
        base.insert(p.value.clone(), usage(&mut rng, t));
        planted.push((
            p.clone(),
            json!({"key": "netUsageBaseline", "package": p.value, "ts": iso8601(t as f64)}),
        ));
    }
    let records = base.len() as u64;
    let mut root = Dictionary::new();
    root.insert("netUsageBaseline".into(), Value::Dictionary(base));
    root.insert(
        "baselineTime".into(),
        Value::Real(mac_secs(NOW_UNIX as f64 - 3600.0)),
    );
    let t = ctx.mtime();
    ctx.backup
        .file("HomeDomain", ADDAILY, &binary(Value::Dictionary(root))?, t)?;
    for (p, rec) in planted {
        ctx.planted(&p, FileRef::new("HomeDomain", ADDAILY), rec);
    }
    ctx.records("os_analytics_ad_daily", records);
    Ok(())
}

/// Writes clients.plist (`scale/300` clients, ≥ 5), idstatuscache.plist (`scale/30`
/// lookups, ≥ 5) and addaily.plist (`scale/100` processes, ≥ 5).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    locationd(ctx)?;
    idstatuscache(ctx)?;
    addaily(ctx)
}
