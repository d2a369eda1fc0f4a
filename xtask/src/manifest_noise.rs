//! Background `Manifest.db` rows (files, directories, symlinks of many domains) and the
//! `manifest` plants: a WebKit LocalStorage file named after a domain
//! (`https_<domain>_0.localstorage`, which MVT splits on `_` and checks as a URL) and a file
//! named after a `file:name` indicator. Runs last: it tops the manifest up to `scale` rows.

use crate::gen::Ctx;
use crate::noise;
use crate::plant::FileRef;
use anyhow::Result;
use serde_json::json;

const DOMAINS: &[(&str, &str, &str)] = &[
    // (domain, base directory, file extension)
    ("CameraRollDomain", "Media/DCIM/100APPLE", "HEIC"),
    (
        "CameraRollDomain",
        "Media/PhotoData/Thumbnails/V2/DCIM/100APPLE",
        "JPG",
    ),
    ("MediaDomain", "Library/SMS/Attachments", "jpeg"),
    ("HomeDomain", "Library/Caches", "cache"),
    ("HomeDomain", "Library/Preferences", "plist"),
    (
        "AppDomain-com.apple.mobilesafari",
        "Library/Caches/com.apple.mobilesafari",
        "db",
    ),
    ("AppDomain-net.whatsapp.WhatsApp", "Library/Caches", "dat"),
    (
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
        "Message/Media",
        "jpg",
    ),
    (
        "AppDomain-com.google.chrome.ios",
        "Library/Application Support/Google/Chrome/Default",
        "json",
    ),
    ("HealthDomain", "Health", "hfd"),
];

/// Plants `manifest` indicators, then adds rows until the manifest holds `scale` of them:
/// 65 % directories, 30 % files (nine in ten empty, the rest 16–512 bytes), 5 % symlinks —
/// about the mix of the MVT test backup's manifest.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("manifest");
    for p in ctx.plants("manifest") {
        let (domain, path) = if p.kind == "file:name" {
            ("RootDomain", format!("Library/Preferences/{}", p.value))
        } else {
            (
                "AppDomain-com.apple.mobilesafari",
                format!(
                    "Library/WebKit/WebsiteData/LocalStorage/https_{}_0.localstorage",
                    p.value
                ),
            )
        };
        let t = ctx.mtime();
        let bytes = rng.bytes(64);
        ctx.backup.file(domain, &path, &bytes, t)?;
        let rec = json!({"domain": domain, "relative_path": path, "flags": 1});
        ctx.planted(&p, FileRef::new(domain, &path), rec);
    }
    let target = ctx.scale as usize;
    let dirs_per_base = (ctx.scale / 400).max(1);
    let mut i = 0u64;
    while ctx.backup.entries().len() < target {
        i += 1;
        let (domain, base, ext) = *rng.pick(DOMAINS);
        let t = ctx.mtime();
        let roll = rng.below(100);
        let dir = format!(
            "{base}/{}{}",
            rng.pick(noise::WORDS),
            rng.below(dirs_per_base)
        );
        if roll < 65 {
            ctx.backup.dir(domain, &format!("{dir}/{i:x}"), t);
        } else if roll < 95 {
            let name = if ext == "HEIC" || ext == "JPG" {
                format!("{dir}/IMG_{i:05}.{ext}")
            } else {
                format!("{dir}/{}.{ext}", &rng.uuid()[..8])
            };
            let bytes = if rng.chance(0.1) {
                let len = rng.range(16, 512) as usize;
                rng.bytes(len)
            } else {
                Vec::new()
            };
            ctx.backup.file(domain, &name, &bytes, t)?;
        } else {
            let target = format!(
                "/var/mobile/Containers/Data/Application/{}/{base}",
                rng.uuid()
            );
            ctx.backup
                .symlink(domain, &format!("{dir}/link{i:x}"), &target, t);
        }
    }
    Ok(())
}
