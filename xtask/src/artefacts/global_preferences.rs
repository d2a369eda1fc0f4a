//! `HomeDomain` / `Library/Preferences/.GlobalPreferences.plist` (backup ID 0dc926a1…): the
//! device-wide preferences, a binary plist. MVT lists every key and reads `LDMGlobalEnabled`:
//! `true` when Lockdown Mode is on (INFORMATIONAL), `false` when it was turned off (LOW). The
//! key is absent on phones where Lockdown Mode was never used, as here unless planted.

use crate::gen::Ctx;
use crate::plant::FileRef;
use crate::rng::NOW_UNIX;
use anyhow::Result;
use plist::{Date, Dictionary, Value};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/Preferences/.GlobalPreferences.plist";

fn strings(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect())
}

/// Writes the preferences of an English/French phone (11 keys) and, for a `heuristic` plant,
/// `LDMGlobalEnabled = true`.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("global_preferences");
    let mut d = Dictionary::new();
    d.insert("WebKitShowLinkPreviews".into(), Value::Boolean(false));
    d.insert("AddingEmojiKeybordHandled".into(), Value::Boolean(true));
    let asked = NOW_UNIX - rng.range(3600, 30 * 86_400);
    d.insert(
        "AKLastEmailListRequestDateKey".into(),
        Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(asked as u64))),
    );
    d.insert("AKLastIDMSEnvironment".into(), Value::from(0u64));
    d.insert("AppleLanguages".into(), strings(&["en-GB", "fr-FR"]));
    d.insert("AppleLanguagesSchemaVersion".into(), Value::from(3000u64));
    d.insert("AKLastLocale".into(), Value::String("en_GB".into()));
    d.insert(
        "AppleKeyboards".into(),
        strings(&["en_GB", "fr_FR", "emoji"]),
    );
    d.insert("PKKeychainVersionKey".into(), Value::from(8u64));
    d.insert("AppleLocale".into(), Value::String("en_GB".into()));
    d.insert(
        "ApplePasscodeKeyboards".into(),
        strings(&[
            "en_GB@sw=QWERTY;hw=Automatic",
            "fr_FR@sw=AZERTY-French;hw=Automatic",
        ]),
    );
    let plants = ctx.plants("global_preferences");
    if !plants.is_empty() {
        d.insert("LDMGlobalEnabled".into(), Value::Boolean(true));
    }
    let records = d.len() as u64;
    let mut bytes = Vec::new();
    Value::Dictionary(d).to_writer_binary(&mut bytes)?;
    let t = ctx.mtime();
    ctx.backup.file(DOMAIN, PATH, &bytes, t)?;
    for p in &plants {
        let rec = json!({"entry": "LDMGlobalEnabled", "value": true});
        ctx.planted(p, FileRef::new(DOMAIN, PATH), rec);
    }
    ctx.records("global_preferences", records);
    Ok(())
}
