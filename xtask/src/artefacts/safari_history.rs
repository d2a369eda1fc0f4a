//! `HomeDomain` / `Library/Safari/History.db` (MVT finds it by relative path): Safari history,
//! iOS 14–16 schema. `visit_time` is Mac absolute seconds (REAL). A redirect is two visits: the
//! origin's `redirect_destination` and the target's `redirect_source` point at each other.
//! MVT flags an `http://` visit redirected to another domain in under a second.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/Safari/History.db";

const SCHEMA: &str = "
CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL,status_code INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT 0,synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,generation INTEGER NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,start_time REAL NOT NULL,end_time REAL NOT NULL,url TEXT,generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_client_versions (client_version INTEGER PRIMARY KEY,last_seen REAL NOT NULL);
CREATE TABLE history_event_listeners (listener_name TEXT PRIMARY KEY NOT NULL UNIQUE,last_seen REAL NOT NULL);
CREATE TABLE history_events (id INTEGER PRIMARY KEY AUTOINCREMENT,event_type TEXT NOT NULL,event_time REAL NOT NULL,pending_listeners TEXT NOT NULL,value BLOB);
CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value);
CREATE INDEX history_items__domain_expansion ON history_items (domain_expansion);
CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC);
CREATE INDEX history_visits__origin ON history_visits (origin, generation);
";

fn domain_expansion(url: &str) -> String {
    let host = url.split('/').nth(2).unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host);
    host.rsplit_once('.')
        .map(|(h, _)| h)
        .unwrap_or(host)
        .to_string()
}

/// Returns the history item for `url`, creating it or bumping its visit count.
fn item(db: &Db, url: &str) -> Result<i64> {
    let existing: Option<i64> = db
        .conn
        .prepare_cached("SELECT id FROM history_items WHERE url = ?1")?
        .query_row([url], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        db.conn
            .prepare_cached("UPDATE history_items SET visit_count = visit_count + 1, visit_count_score = visit_count_score + 100 WHERE id = ?1")?
            .execute([id])?;
        return Ok(id);
    }
    db.conn
        .prepare_cached("INSERT INTO history_items (url, domain_expansion, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score, status_code) VALUES (?1, ?2, 1, x'', 0, 100, 0)")?
        .execute(params![url, domain_expansion(url)])?;
    Ok(db.conn.last_insert_rowid())
}

/// Inserts one visit of `url` at Unix time `t`; returns (visit id, item id).
fn visit(
    db: &Db,
    rng: &mut Rng,
    url: &str,
    t: f64,
    redirect_source: Option<i64>,
) -> Result<(i64, i64)> {
    let item = item(db, url)?;
    db.conn
        .prepare_cached("INSERT INTO history_visits (history_item, visit_time, title, load_successful, redirect_source, origin, generation, score) VALUES (?1, ?2, ?3, 1, ?4, 0, 1, 100)")?
        .execute(params![item, mac_secs(t), noise::sentence(rng), redirect_source])?;
    Ok((db.conn.last_insert_rowid(), item))
}

/// Inserts an origin → destination redirect `gap` seconds apart; returns both visit ids.
fn redirect(db: &Db, rng: &mut Rng, from: &str, to: &str, t: f64, gap: f64) -> Result<(i64, i64)> {
    let (origin, _) = visit(db, rng, from, t, None)?;
    let (dest, _) = visit(db, rng, to, t + gap, Some(origin))?;
    db.conn
        .prepare_cached("UPDATE history_visits SET redirect_destination = ?1 WHERE id = ?2")?
        .execute([dest, origin])?;
    Ok((origin, dest))
}

/// Writes History.db: `scale/3` visits (≥ 3), about half of them to new URLs, 1 in 200 an
/// `http` → `https` same-site redirect (two visits).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("safari_history");
    let visits = ctx.part(3, 3);
    let plants = ctx.plants("safari_history");
    let db = Db::create(ctx, "History.db", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    db.conn.execute(
        "INSERT INTO metadata VALUES ('version', 20), ('generation', 1)",
        [],
    )?;
    db.conn.execute(
        "INSERT INTO history_client_versions VALUES (1, ?1)",
        [mac_secs(NOW_UNIX as f64)],
    )?;
    let mut times: Vec<f64> = (0..visits).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    let mut urls: Vec<String> = Vec::new();
    let mut written = 0u64;
    let mut i = 0;
    while written < visits {
        let t = times[i.min(times.len() - 1)];
        i += 1;
        if visits - written >= 2 && rng.below(200) == 0 {
            let path = format!("{}/{}", rng.pick(noise::WORDS), rng.below(10_000));
            let host = format!("www.{}", rng.pick(noise::DOMAINS));
            let from = format!("http://{host}/{path}");
            let to = format!("https://{host}/{path}");
            let gap = 0.05 + rng.unit() * 0.4;
            redirect(&db, &mut rng, &from, &to, t, gap)?;
            written += 2;
            continue;
        }
        let url = if urls.is_empty() || rng.chance(0.5) {
            let u = noise::url(&mut rng);
            urls.push(u.clone());
            u
        } else {
            rng.pick(&urls).clone()
        };
        visit(&db, &mut rng, &url, t, None)?;
        written += 1;
    }
    let mut planted = Vec::new();
    for p in &plants {
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        if p.kind == "heuristic" {
            // An http visit bounced to an unrelated site in 0.3 s: MVT's injection heuristic.
            let from = format!("http://www.{}/", rng.pick(&noise::DOMAINS[..10]));
            let to = format!("https://{}/landing/{}", noise::DOMAINS[30], rng.below(1000));
            let (o, d) = redirect(&db, &mut rng, &from, &to, t, 0.3)?;
            planted.push((
                p.clone(),
                json!({"table": "history_visits", "visit_id": o,
                "url": from, "redirect_destination": d, "redirect_url": to,
                "visit_time": iso8601(t)}),
            ));
            written += 2;
        } else {
            let url = planted_url(p, &format!("index.html?id={}", rng.below(1_000_000)));
            let (v, item) = visit(&db, &mut rng, &url, t, None)?;
            planted.push((
                p.clone(),
                json!({"table": "history_visits", "visit_id": v,
                "history_item": item, "url": url, "visit_time": iso8601(t)}),
            ));
            written += 1;
        }
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("safari_history", written);
    Ok(())
}
