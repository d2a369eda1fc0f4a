//! `SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles` /
//! `Library/ConfigurationProfiles/profile-<hash>.stub`: installed configuration profiles (MVT
//! reads every file of that domain whose name starts with `profile-`). Each stub is a binary
//! plist of the profile: `PayloadUUID`, `PayloadDisplayName`, `PayloadContent` (array of
//! payload dicts with `PayloadType`…) and `InstallDate`. MVT flags known profile UUIDs and
//! profiles whose first payload is `com.apple.notificationsettings` (used to hide alerts).

use crate::gen::Ctx;
use crate::plant::FileRef;
use crate::rng::{iso8601, Rng, NOW_UNIX};
use anyhow::Result;
use plist::{Date, Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};

pub const DOMAIN: &str = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn profile(rng: &mut Rng, uuid: &str, name: &str, payload_type: &str, unix: i64) -> Value {
    let mut payload = Dictionary::new();
    payload.insert("PayloadType".into(), s(payload_type));
    payload.insert("PayloadUUID".into(), s(&rng.uuid()));
    payload.insert(
        "PayloadIdentifier".into(),
        s(&format!("{payload_type}.{}", rng.uuid())),
    );
    payload.insert("PayloadVersion".into(), Value::from(1u64));
    payload.insert("PayloadDisplayName".into(), s(name));
    let mut d = Dictionary::new();
    d.insert(
        "PayloadContent".into(),
        Value::Array(vec![Value::Dictionary(payload)]),
    );
    d.insert("PayloadDisplayName".into(), s(name));
    d.insert("PayloadDescription".into(), s(&format!("{name} settings")));
    d.insert(
        "PayloadIdentifier".into(),
        s(&format!("org.synthetic.profile.{}", rng.below(10_000))),
    );
    d.insert("PayloadRemovalDisallowed".into(), Value::Boolean(false));
    d.insert("PayloadType".into(), s("Configuration"));
    d.insert("PayloadUUID".into(), s(uuid));
    d.insert("PayloadVersion".into(), Value::from(1u64));
    d.insert(
        "InstallDate".into(),
        Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(unix as u64))),
    );
    d.insert(
        "InstallOptions".into(),
        Value::Dictionary(Dictionary::new()),
    );
    Value::Dictionary(d)
}

fn store(ctx: &mut Ctx, rng: &mut Rng, v: Value) -> Result<FileRef> {
    let path = format!(
        "Library/ConfigurationProfiles/profile-{}.stub",
        hex::encode(rng.bytes(32))
    );
    let mut bytes = Vec::new();
    v.to_writer_binary(&mut bytes)?;
    let t = ctx.mtime();
    ctx.backup.file(DOMAIN, &path, &bytes, t)?;
    Ok(FileRef::new(DOMAIN, &path))
}

/// Writes one benign Wi-Fi profile plus one stub per plant.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("configuration_profiles");
    let uuid = rng.uuid();
    let t = rng.unix_time();
    let wifi = profile(&mut rng, &uuid, "Office Wi-Fi", "com.apple.wifi.managed", t);
    store(ctx, &mut rng, wifi)?;
    let plants = ctx.plants("configuration_profiles");
    for p in &plants {
        let t = NOW_UNIX - rng.range(86_400, 60 * 86_400);
        let (uuid, ptype) = if p.kind == "heuristic" {
            (rng.uuid(), p.value.clone())
        } else {
            (p.value.clone(), "com.apple.webClip.managed".to_string())
        };
        let v = profile(&mut rng, &uuid, "Notifications", &ptype, t);
        let file = store(ctx, &mut rng, v)?;
        let rec = json!({"PayloadUUID": uuid, "PayloadContent[0].PayloadType": ptype,
            "install_date": iso8601(t as f64)});
        ctx.planted(p, file, rec);
    }
    ctx.records("configuration_profiles", 1 + plants.len() as u64);
    Ok(())
}
