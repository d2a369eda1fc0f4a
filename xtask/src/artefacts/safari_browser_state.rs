//! `HomeDomain` / `Library/Safari/BrowserState.db` (MVT finds it by relative path): Safari's
//! open tabs (`tabs`, `last_viewed_time` in Mac absolute seconds) and, since iOS 12, each
//! tab's back/forward list in `tab_sessions.session_data`: a 4-byte header, then a binary
//! plist `{SessionHistory: {SessionHistoryEntries: [{SessionHistoryEntryURL, …}]}}`. MVT
//! checks every tab URL and every session entry URL.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use plist::{Dictionary, Value};
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/Safari/BrowserState.db";

const SCHEMA: &str = "
CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,standalone INTEGER NOT NULL DEFAULT 0,private_browsing BOOL DEFAULT 0,extra_data BLOB);
CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT 0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT 0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT 0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL,FOREIGN KEY(browser_window_id) REFERENCES browser_windows(id) ON DELETE CASCADE);
CREATE INDEX tabs__uuid ON tabs (uuid);
CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL UNIQUE,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0,FOREIGN KEY(tab_uuid) REFERENCES tabs(uuid) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX tab_sessions__uuid ON tab_sessions (tab_uuid);
";

/// A `session_data` blob whose history is `urls`, oldest first.
fn session_blob(rng: &mut Rng, urls: &[String]) -> Result<Vec<u8>> {
    let entries = urls
        .iter()
        .map(|u| {
            let mut e = Dictionary::new();
            e.insert(
                "SessionHistoryEntryTitle".into(),
                Value::String(noise::sentence(rng)),
            );
            e.insert("SessionHistoryEntryURL".into(), Value::String(u.clone()));
            e.insert(
                "SessionHistoryEntryOriginalURL".into(),
                Value::String(u.clone()),
            );
            e.insert("SessionHistoryEntryData".into(), Value::Data(rng.bytes(32)));
            Value::Dictionary(e)
        })
        .collect();
    let mut history = Dictionary::new();
    history.insert(
        "SessionHistoryCurrentIndex".into(),
        Value::from(urls.len().saturating_sub(1) as u64),
    );
    history.insert("SessionHistoryEntries".into(), Value::Array(entries));
    history.insert("SessionHistoryVersion".into(), Value::from(1u64));
    let mut root = Dictionary::new();
    root.insert("SessionHistory".into(), Value::Dictionary(history));
    root.insert("IsAppInitiated".into(), Value::Boolean(false));
    let mut blob = vec![0, 0, 0, 2];
    Value::Dictionary(root).to_writer_binary(&mut blob)?;
    Ok(blob)
}

/// Inserts a tab whose history is `urls` (the last one is the page shown); returns its UUID.
fn tab(
    db: &Db,
    rng: &mut Rng,
    window: &str,
    order: u64,
    urls: &[String],
    t: f64,
) -> Result<String> {
    let uuid = rng.uuid();
    let shown = urls.last().cloned().unwrap_or_default();
    db.conn
        .prepare_cached("INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time, browser_window_uuid, browser_window_id) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, 1)")?
        .execute(params![uuid, noise::sentence(rng), shown, order, mac_secs(t), window])?;
    let blob = session_blob(rng, urls)?;
    db.conn
        .prepare_cached("INSERT INTO tab_sessions (tab_uuid, session_data, uncompressed_session_data_size) VALUES (?1, ?2, ?3)")?
        .execute(params![uuid, blob, blob.len() as i64])?;
    Ok(uuid)
}

/// Writes `scale/30` [2] tabs with 1–3 pages of history each, and one tab per plant whose
/// back list holds the planted URL (the tab now shows a benign page).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("safari_browser_state");
    let plants = ctx.plants("safari_browser_state");
    let db = Db::create(ctx, "BrowserState.db", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    let window = rng.uuid();
    db.conn.execute(
        "INSERT INTO browser_windows (id, uuid) VALUES (1, ?1)",
        [&window],
    )?;
    let n = ctx.part(30, 2);
    for i in 0..n {
        let pages: Vec<String> = (0..1 + rng.below(3))
            .map(|_| noise::url(&mut rng))
            .collect();
        let t = rng.unix_time_f();
        tab(&db, &mut rng, &window, i, &pages, t)?;
    }
    let mut planted = Vec::new();
    for (i, p) in plants.iter().enumerate() {
        let url = planted_url(p, &format!("s/{}", rng.below(1_000_000)));
        let pages = vec![url.clone(), noise::url(&mut rng)];
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        let uuid = tab(&db, &mut rng, &window, n + i as u64, &pages, t)?;
        planted.push((
            p.clone(),
            json!({"table": "tab_sessions", "tab_uuid": uuid, "entry_url": url,
                "last_viewed_time": iso8601(t)}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("safari_browser_state", n + plants.len() as u64);
    Ok(())
}
