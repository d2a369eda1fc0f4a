//! The text and folder artefacts only dumps hold: shutdown logs (iOS 26 rotation included),
//! analytics journals, and WebKit website-data folders named after sites.

use super::artefacts::stamp;
use super::{Fs, LIBEXEC};
use crate::noise;
use crate::rng::{Rng, NOW_UNIX};
use anyhow::Result;
use serde_json::json;

/// shutdown.log with `scale/20000` reboots (≥ 3) where daemons delay the shutdown at most
/// twice, the planted processes running from a staging folder under `/private/var/db/` and
/// listed under three waits of one reboot; and a rotated shutdown.1.log with one reboot.
pub fn shutdown_log(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("shutdown_log");
    let reboots = fs.part(20_000, 3);
    let plants = fs.plants("shutdown_log");
    let dir = "private/var/db/diagnostics";
    let mut text = String::new();
    let mut records = 0;
    let reboot = |rng: &mut Rng, text: &mut String, time: i64, extra: &[String]| -> usize {
        let clients: Vec<String> = (0..1 + rng.below(3))
            .map(|_| format!("/{LIBEXEC}/{}", rng.pick(noise::DAEMONS)))
            .collect();
        let mut clients: Vec<String> = clients
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let waits = 1 + rng.below(2);
        for w in 0..waits {
            text.push_str(&format!(
                "After {}.{:02}s, these clients are still here:\n",
                w + 1,
                rng.below(100)
            ));
            for (i, c) in clients.iter().enumerate() {
                if w == 0 || i == 0 {
                    text.push_str(&format!("\tremaining client pid: {} ({c})\n", 100 + i));
                }
            }
        }
        for (k, c) in extra.iter().enumerate() {
            for w in waits..waits + 3 {
                if k == 0 {
                    text.push_str(&format!(
                        "After {}.{:02}s, these clients are still here:\n",
                        w + 1,
                        rng.below(100)
                    ));
                }
                text.push_str(&format!("\tremaining client pid: {} ({c})\n", 700 + k));
            }
        }
        text.push_str(&format!("SIGTERM: [{time}] Got SIGTERM\n"));
        clients.append(&mut extra.to_vec());
        clients.len()
    };
    let staged: Vec<String> = plants
        .iter()
        .map(|p| {
            format!(
                "/private/var/db/com.apple.xpc.roleaccountd.staging/{}",
                p.value
            )
        })
        .collect();
    let mut planted_time = 0;
    for r in 0..reboots {
        let time = NOW_UNIX - 60 * 86_400 + (r as i64) * 86_400 * 50 / reboots as i64;
        let extra = if r == reboots / 2 {
            planted_time = time;
            staged.clone()
        } else {
            Vec::new()
        };
        records += reboot(&mut rng, &mut text, time, &extra);
    }
    fs.dump
        .file(&format!("{dir}/shutdown.log"), text.as_bytes(), NOW_UNIX)?;
    let mut rotated = String::new();
    records += reboot(&mut rng, &mut rotated, NOW_UNIX - 85 * 86_400, &[]);
    fs.dump.file(
        &format!("{dir}/shutdown.1.log"),
        rotated.as_bytes(),
        NOW_UNIX - 85 * 86_400,
    )?;
    for (p, client) in plants.iter().zip(&staged) {
        let rec = json!({"client": client, "reboot": planted_time, "times_delayed": 3});
        let file = format!("{dir}/shutdown.log");
        fs.detect(p, "CRITICAL", &file, rec.clone());
        fs.heuristic(
            "shutdown_log",
            "HIGH",
            "odd-location",
            client,
            &file,
            rec.clone(),
        );
        fs.heuristic(
            "shutdown_log",
            "MEDIUM",
            "sticky-process",
            client,
            &file,
            rec,
        );
        // The staged binary itself, found by the Filesystem module through its path.
        fs.dump.file(
            client.trim_start_matches('/'),
            b"\xcf\xfa\xed\xfe",
            planted_time,
        )?;
        fs.detect_as(
            "filesystem",
            p,
            "CRITICAL",
            client.trim_start_matches('/'),
            json!({"path": client}),
        );
    }
    fs.records("shutdown_log", records as u64);
    Ok(())
}

/// Three analytics journals dating iOS 16.2, 16.3 and 16.3.1.
pub fn journals(fs: &mut Fs) -> Result<()> {
    let versions = [
        ("16.2", "20C65", 80),
        ("16.3", "20D47", 40),
        ("16.3.1", "20D67", 20),
    ];
    for (v, build, days) in versions {
        let t = NOW_UNIX - days * 86_400;
        // Local time one hour ahead of UTC, with its offset, as analyticsd writes it.
        let line = json!({
            "timestamp": format!("{}.00 +0100", stamp(t + 3600)),
            "os_version": format!("iPhone OS {v} ({build})"),
        });
        fs.dump.file(
            &format!("private/var/db/analyticsd/Analytics-Journal-{t}.ips"),
            format!("{line}\n{{\"events\":[]}}\n").as_bytes(),
            t,
        )?;
    }
    fs.records("ios_version_history", 3);
    Ok(())
}

/// WebKit website data of `scale/5000` apps (≥ 2): named after sites (IndexedDB folders and
/// LocalStorage files, up to iOS 15) and in the hashed layout of iOS 16 and later (an `origin`
/// file per site, a planted site embedded in the app's first one); one app's SafariViewService
/// data; planted sites.
pub fn webkit(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("webkit");
    let apps = fs.part(5000, 2);
    let (mut idb, mut ls, mut origins) = (0u64, 0u64, 0u64);
    let base = "private/var/mobile/Containers/Data/Application";
    for a in 0..apps {
        let data = format!("{base}/{}/Library/WebKit/WebsiteData", rng.uuid());
        let hosts: std::collections::BTreeSet<String> = (0..1 + rng.below(3))
            .map(|_| {
                let site = noise::url(&mut rng);
                site.split('/').nth(2).unwrap_or("apple.com").to_string()
            })
            .collect();
        for host in hosts {
            fs.dump.file(
                &format!("{data}/IndexedDB/https_{host}_0/IndexedDB.sqlite3"),
                b"",
                NOW_UNIX,
            )?;
            idb += 1;
            fs.dump.file(
                &format!("{data}/LocalStorage/https_{host}_0.localstorage"),
                b"",
                NOW_UNIX,
            )?;
            ls += 1;
            hashed(fs, &mut rng, &data, &host, &host)?;
            origins += 1;
        }
        if a == 0 {
            for p in fs.plants("webkit_origins") {
                let path = hashed(fs, &mut rng, &data, "www.apple.com", &p.value)?;
                origins += 1;
                let url = format!("https://{}", p.value);
                fs.detect(&p, "CRITICAL", &path, json!({"folder": path, "url": url}));
            }
            for p in fs.plants("webkit_indexeddb") {
                let path = format!("{data}/IndexedDB/https_{}_0", p.value);
                fs.dump
                    .file(&format!("{path}/IndexedDB.sqlite3"), b"", NOW_UNIX)?;
                idb += 1;
                fs.detect(
                    &p,
                    "CRITICAL",
                    &path,
                    json!({"folder": format!("{data}/IndexedDB")}),
                );
            }
        }
    }
    let svs = format!(
        "{base}/{}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData",
        rng.uuid()
    );
    let mut svs_n = 0;
    for p in fs.plants("webkit_safari_view_service") {
        let path = format!("{svs}/https_{}_0", p.value);
        fs.dump.file(&format!("{path}/x"), b"", NOW_UNIX)?;
        svs_n += 1;
        fs.detect(&p, "CRITICAL", &path, json!({"folder": svs}));
    }
    fs.dump
        .file(&format!("{svs}/https_www.apple.com_0/x"), b"", NOW_UNIX)?;
    fs.records("webkit_indexeddb", idb);
    fs.add_records("webkit_local_storage", ls);
    fs.records("webkit_safari_view_service", svs_n + 1);
    fs.records("webkit_origins", origins);
    Ok(())
}

/// Writes the data `frame` stored under the top-level site `top` in the hashed layout of
/// `data` (an app's `WebsiteData`): an `origin` file and a LocalStorage database, in folders
/// named by (here random) hashes. Returns the folder.
fn hashed(fs: &mut Fs, rng: &mut Rng, data: &str, top: &str, frame: &str) -> Result<String> {
    let folder = format!("{data}/Default/{}/{}", rng.uuid(), rng.uuid());
    fs.dump.file(
        &format!("{folder}/origin"),
        &origin_file(top, frame),
        NOW_UNIX,
    )?;
    fs.dump.file(
        &format!("{folder}/LocalStorage/localstorage.sqlite3"),
        b"",
        NOW_UNIX,
    )?;
    Ok(folder)
}

/// An `origin` file as WebKit writes it for two `https` sites on their default port: per site,
/// the scheme and the host (each a little-endian `u32` length, 1 for Latin-1, the bytes), then
/// 0 for "no port". Hosts here are ASCII.
fn origin_file(top: &str, frame: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for host in [top, frame] {
        for s in ["https", host] {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.push(1);
            out.extend_from_slice(s.as_bytes());
        }
        out.push(0);
    }
    out
}
