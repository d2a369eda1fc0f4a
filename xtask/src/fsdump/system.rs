//! The bulk of a dump: the system volume (daemons and their launchd plists, frameworks,
//! libraries, system apps), App Store app bundles, app data containers and photos, written
//! until the dump holds the requested number of files. Nine files in ten are empty (only
//! names and times matter to the checks), so a 200,000-file dump stays small. Names come from
//! the benign vocabulary of `noise`, so nothing here matches an indicator.

use super::{Fs, LIBEXEC};
use crate::noise;
use crate::rng::Rng;
use anyhow::Result;

fn content(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(0.1) {
        let n = rng.range(16, 256) as usize;
        rng.bytes(n)
    } else {
        Vec::new()
    }
}

fn title(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// Writes system and app files until the dump holds `target` files.
pub fn fill(fs: &mut Fs, target: u64) -> Result<()> {
    let mut rng = fs.rng("system");
    // Every daemon the generated databases name has its binary and launchd plist.
    for d in noise::DAEMONS {
        let t = rng.unix_time();
        fs.dump
            .file(&format!("{LIBEXEC}/{d}"), b"\xcf\xfa\xed\xfe", t)?;
        fs.dump.file(
            &format!("System/Library/LaunchDaemons/com.apple.{d}.plist"),
            b"<?xml version=\"1.0\"?><plist/>",
            t,
        )?;
    }
    let mut i = 0u64;
    while fs.dump.files() < target {
        i += 1;
        let t = rng.unix_time();
        let word = title(noise::WORDS[rng.below(noise::WORDS.len() as u64) as usize]);
        match rng.below(10) {
            0..=2 => {
                let kind = if rng.chance(0.5) {
                    "Frameworks"
                } else {
                    "PrivateFrameworks"
                };
                let fw = format!("System/Library/{kind}/{word}{i}.framework");
                for f in [
                    "Info.plist".to_string(),
                    format!("{word}{i}"),
                    "_CodeSignature/CodeResources".into(),
                    "en.lproj/Localizable.strings".into(),
                    "fr.lproj/Localizable.strings".into(),
                ] {
                    let c = content(&mut rng);
                    fs.dump.file(&format!("{fw}/{f}"), &c, t)?;
                }
            }
            3 => {
                let c = content(&mut rng);
                fs.dump.file(
                    &format!("usr/lib/lib{}{i}.dylib", word.to_lowercase()),
                    &c,
                    t,
                )?;
            }
            4..=5 => {
                let app = *rng.pick(noise::APPS);
                let name = title(app.rsplit('.').next().unwrap_or(app));
                let bundle = format!(
                    "private/var/containers/Bundle/Application/{}/{name}.app",
                    rng.uuid()
                );
                for f in [
                    "Info.plist",
                    &name,
                    "Assets.car",
                    "_CodeSignature/CodeResources",
                ] {
                    let c = content(&mut rng);
                    fs.dump.file(&format!("{bundle}/{f}"), &c, t)?;
                }
                for k in 0..rng.below(8) {
                    let c = content(&mut rng);
                    fs.dump
                        .file(&format!("{bundle}/{}{k}.png", word.to_lowercase()), &c, t)?;
                }
            }
            6..=8 => {
                let app = *rng.pick(noise::APPS);
                let data = format!(
                    "private/var/mobile/Containers/Data/Application/{}",
                    rng.uuid()
                );
                fs.dump.file(
                    &format!("{data}/Library/Preferences/{app}.plist"),
                    b"bplist00",
                    t,
                )?;
                for _ in 0..1 + rng.below(12) {
                    let c = content(&mut rng);
                    let id = rng.uuid();
                    fs.dump.file(
                        &format!("{data}/Library/Caches/{app}/fsCachedData/{id}"),
                        &c,
                        t,
                    )?;
                }
                fs.dump.dir(&format!("{data}/tmp"))?;
                fs.dump.dir(&format!("{data}/Documents"))?;
            }
            _ => {
                let folder = 100 + i / 500;
                for k in 0..1 + rng.below(20) {
                    fs.dump.file(
                        &format!(
                            "private/var/mobile/Media/DCIM/{folder}APPLE/IMG_{i:05}{k:02}.HEIC"
                        ),
                        b"",
                        t,
                    )?;
                }
            }
        }
    }
    Ok(())
}
