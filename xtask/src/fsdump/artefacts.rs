//! The databases only full-filesystem dumps hold, each with planted indicators and the records
//! tracehound extracts from it: netusage.sqlite, the Keychains analytics databases, Cache.db
//! files and Safari's Favicons.db. (Text and folder artefacts are in `logs`.)

use super::writer::Dump;
use super::Fs;
use crate::noise;
use crate::rng::{mac_secs, Rng, NOW_UNIX};
use anyhow::Result;
use rusqlite::{params, Connection};
use serde_json::json;

/// Builds a SQLite database in the scratch folder with `schema`, fills it, and moves it to
/// `path`.
fn database(
    dump: &mut Dump,
    path: &str,
    schema: &str,
    fill: impl FnOnce(&Connection) -> Result<()>,
    unix: i64,
) -> Result<()> {
    let tmp = dump.scratch(&path.replace('/', "_"));
    let conn = Connection::open(&tmp)?;
    conn.execute_batch("PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF;")?;
    conn.execute_batch(schema)?;
    conn.execute_batch("BEGIN")?;
    fill(&conn)?;
    conn.execute_batch("COMMIT")?;
    conn.close().map_err(|(_, e)| e)?;
    dump.file_from(path, &tmp, unix)
}

/// A binary property list.
fn bplist(pairs: &[(&str, &str)]) -> Result<Vec<u8>> {
    let mut d = plist::Dictionary::new();
    for (k, v) in pairs {
        d.insert((*k).into(), (*v).into());
    }
    let mut out = Vec::new();
    plist::Value::Dictionary(d).to_writer_binary(&mut out)?;
    Ok(out)
}

pub const NETUSAGE: &str = "private/var/networkd/db/netusage.sqlite";

/// netusage.sqlite: `scale/300` processes (≥ 5), daemons (their binaries are in the dump)
/// and apps, one usage row each; planted processes have no bundle id and no binary.
pub fn netusage(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("netusage");
    let n = fs.part(300, 5) as i64;
    let plants = fs.plants("netusage");
    let mut planted = Vec::new();
    let schema = "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
        ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
      CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
        ZKIND INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);";
    let t = rng.unix_time();
    database(
        &mut fs.dump,
        NETUSAGE,
        schema,
        |c| {
            let add = |pk: i64, name: &str, bundle: Option<&str>, rng: &mut Rng| {
                let first = rng.unix_time_f() - 30.0 * 86_400.0;
                let last = first + rng.below(86_400 * 20) as f64;
                c.execute(
                    "INSERT INTO ZPROCESS VALUES (?1, 9, 1, ?2, ?3, ?4, ?5)",
                    params![pk, mac_secs(first), mac_secs(last), bundle, name],
                )?;
                c.execute(
                    "INSERT INTO ZLIVEUSAGE VALUES (?1, 8, 1, 0, ?1, ?2, ?3, ?4)",
                    params![
                        pk,
                        mac_secs(last),
                        rng.below(1 << 24) as f64,
                        rng.below(1 << 20) as f64
                    ],
                )?;
                anyhow::Ok(())
            };
            let container = rng.uuid();
            for pk in 1..=n {
                if pk % 2 == 0 {
                    let app = *rng.pick(noise::APPS);
                    add(pk, &format!("{container}/{app}"), Some(app), &mut rng)?;
                } else {
                    let daemon = *rng.pick(noise::DAEMONS);
                    add(pk, daemon, None, &mut rng)?;
                }
            }
            for (k, p) in plants.iter().enumerate() {
                let pk = n + 1 + k as i64;
                add(pk, &p.value, None, &mut rng)?;
                planted.push((p.clone(), pk));
            }
            Ok(())
        },
        t,
    )?;
    for (p, pk) in planted {
        let rec =
            json!({"table": "ZPROCESS", "z_pk": pk, "ZPROCNAME": p.value, "ZBUNDLENAME": null});
        fs.detect(&p, "CRITICAL", NETUSAGE, rec.clone());
        fs.heuristic(
            "netusage",
            "MEDIUM",
            "binary-missing",
            &p.value,
            NETUSAGE,
            rec,
        );
    }
    fs.records("netusage", (n as usize + plants.len()) as u64);
    Ok(())
}

/// Keychains analytics: `ckks_analytics.db` with the three tables and `sos_analytics.db`
/// with `hard_failures` only; `scale/500` events (≥ 6) naming daemons and two builds.
pub fn analytics(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("analytics");
    let n = fs.part(500, 6);
    let plants = fs.plants("analytics");
    let table =
        |t: &str| format!("CREATE TABLE {t} (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB);");
    let schema = format!(
        "{}{}{}",
        table("hard_failures"),
        table("soft_failures"),
        table("all_events")
    );
    let dir = "private/var/Keychains/Analytics";
    let start = NOW_UNIX - 80 * 86_400;
    let mut events = Vec::new();
    for i in 0..n {
        let ts = start + (i as i64) * 600 + rng.below(500) as i64;
        let build = if i < n / 2 { "20C65" } else { "20D67" };
        let daemon = *rng.pick(noise::DAEMONS);
        events.push((
            ts,
            bplist(&[
                ("build", build),
                ("process", daemon),
                ("attribute", "ckksEventCount"),
            ])?,
        ));
    }
    let mut planted = Vec::new();
    for (k, p) in plants.iter().enumerate() {
        let value = match p.kind.as_str() {
            "domain-name" => format!("https://{}/analytics", p.value),
            _ => p.value.clone(),
        };
        let key = if p.kind == "domain-name" {
            "url"
        } else {
            "process"
        };
        let ts = start + 86_400 + k as i64;
        events.push((ts, bplist(&[("build", "20D67"), (key, &value)])?));
        planted.push((p.clone(), ts));
    }
    let tables = ["hard_failures", "soft_failures", "all_events"];
    let all = events.clone();
    database(
        &mut fs.dump,
        &format!("{dir}/ckks_analytics.db"),
        &schema,
        |c| {
            for (i, (ts, data)) in all.iter().enumerate().skip(1) {
                let t = tables[i % 3];
                c.execute(
                    &format!("INSERT INTO {t} (timestamp, data) VALUES (?1, ?2)"),
                    params![*ts as f64, data],
                )?;
            }
            Ok(())
        },
        NOW_UNIX,
    )?;
    let first = events.first().cloned();
    database(
        &mut fs.dump,
        &format!("{dir}/sos_analytics.db"),
        &table("hard_failures"),
        |c| {
            if let Some((ts, data)) = &first {
                c.execute(
                    "INSERT INTO hard_failures (timestamp, data) VALUES (?1, ?2)",
                    params![*ts as f64, data],
                )?;
            }
            Ok(())
        },
        NOW_UNIX,
    )?;
    for (p, ts) in planted {
        let rec = json!({"file": "ckks_analytics.db", "timestamp": ts});
        fs.detect(&p, "CRITICAL", &format!("{dir}/ckks_analytics.db"), rec);
    }
    fs.records("analytics", events.len() as u64);
    fs.records("analytics_ios_versions", 2);
    Ok(())
}

/// `scale/5000` apps (≥ 2) with a Cache.db of `scale/1000` responses (≥ 3) each; planted URLs
/// in the first.
pub fn cache_files(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("cache_files");
    let apps = fs.part(5000, 2);
    let per = fs.part(1000, 3);
    let plants = fs.plants("cache_files");
    let schema = "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY AUTOINCREMENT \
        UNIQUE, version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT \
        UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);";
    let mut total = 0;
    for a in 0..apps {
        let app = *rng.pick(noise::APPS);
        let path = format!(
            "private/var/mobile/Containers/Data/Application/{}/Library/Caches/{app}/Cache.db",
            rng.uuid()
        );
        let mut urls: Vec<String> = (0..per)
            .map(|i| format!("{}?r={a}-{i}", noise::url(&mut rng)))
            .collect();
        let mut planted = Vec::new();
        if a == 0 {
            for p in &plants {
                urls.push(format!("https://{}/c/{}", p.value, rng.below(1000)));
                planted.push((p.clone(), urls.len()));
            }
        }
        let t = rng.unix_time();
        let stamps: Vec<String> = urls.iter().map(|_| stamp(rng.unix_time())).collect();
        database(
            &mut fs.dump,
            &path,
            schema,
            |c| {
                for (url, when) in urls.iter().zip(&stamps) {
                    c.execute(
                    "INSERT INTO cfurl_cache_response (version, hash_value, storage_policy, request_key, time_stamp) VALUES (0, ?1, 0, ?2, ?3)",
                    params![url.len() as i64 * 7919, url, when],
                )?;
                }
                Ok(())
            },
            t,
        )?;
        for (p, id) in planted {
            fs.detect(
                &p,
                "CRITICAL",
                &path,
                json!({"table": "cfurl_cache_response", "entry_ID": id}),
            );
        }
        total += urls.len();
    }
    fs.records("cache_files", total as u64);
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` (UTC), as SQLite's `CURRENT_TIMESTAMP` writes.
pub(super) fn stamp(unix: i64) -> String {
    let s = crate::rng::iso8601(unix as f64);
    s.get(..19).unwrap_or(&s).replace('T', " ")
}

pub const FAVICONS: &str = "private/var/mobile/Library/Image Cache/Favicons/Favicons.db";

/// Favicons.db: `scale/1000` icons (≥ 3), one rejected icon, planted pages.
pub fn safari_favicon(fs: &mut Fs) -> Result<()> {
    let mut rng = fs.rng("safari_favicon");
    let n = fs.part(1000, 3);
    let plants = fs.plants("safari_favicon");
    let mut pages: Vec<String> = (0..n).map(|_| noise::url(&mut rng)).collect();
    for p in &plants {
        pages.push(format!("https://{}/landing", p.value));
    }
    let times: Vec<f64> = pages.iter().map(|_| mac_secs(rng.unix_time_f())).collect();
    let t = rng.unix_time();
    database(
        &mut fs.dump,
        FAVICONS,
        "CREATE TABLE page_url (uuid TEXT, url TEXT);
        CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL, width INTEGER, height INTEGER);
        CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, timestamp REAL);",
        |c| {
            for (i, (page, ts)) in pages.iter().zip(&times).enumerate() {
                let uuid = format!("{i:08X}-0000-4000-8000-000000000000");
                c.execute("INSERT INTO page_url VALUES (?1, ?2)", params![uuid, page])?;
                c.execute(
                    "INSERT INTO icon_info VALUES (?1, ?2, ?3, 32, 32)",
                    params![uuid, format!("{page}/favicon.ico"), ts],
                )?;
            }
            c.execute("INSERT INTO rejected_resources VALUES ('https://apple.com/', 'https://apple.com/x.ico', ?1)", params![mac_secs(NOW_UNIX as f64)])?;
            Ok(())
        },
        t,
    )?;
    for (k, p) in plants.iter().enumerate() {
        fs.detect(p, "CRITICAL", FAVICONS, json!({"table": "page_url", "uuid": format!("{:08X}-0000-4000-8000-000000000000", n as usize + k)}));
    }
    fs.records("safari_favicon", (pages.len() + 1) as u64);
    Ok(())
}
