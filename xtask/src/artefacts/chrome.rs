//! Chrome for iOS, `AppDomain-com.google.chrome.ios`:
//! `Library/Application Support/Google/Chrome/Default/History` (backup ID
//! faf971ce92c3ac508c018dce1bef2a8b8e9838f1) and `…/Default/Favicons` (backup ID
//! 55680ab883d0fdcffd94f959b1632e5fbbb18c5b). Chrome's own schemas (trimmed to the tables
//! that matter); times are microseconds since 1601-01-01. MVT's `chrome_history` joins
//! `urls`/`visits` and checks each URL; `chrome_favicon` joins `icon_mapping`, `favicons` and
//! `favicon_bitmaps` and checks the page and icon URLs.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "AppDomain-com.google.chrome.ios";
pub const HISTORY: &str = "Library/Application Support/Google/Chrome/Default/History";
pub const FAVICONS: &str = "Library/Application Support/Google/Chrome/Default/Favicons";

const HISTORY_SCHEMA: &str = "
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,visit_time INTEGER NOT NULL,from_visit INTEGER,transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,visit_duration INTEGER DEFAULT 0 NOT NULL,incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL);
CREATE TABLE visit_source(id INTEGER PRIMARY KEY,source INTEGER NOT NULL);
CREATE INDEX visits_url_index ON visits (url);
CREATE INDEX visits_from_index ON visits (from_visit);
CREATE INDEX visits_time_index ON visits (visit_time);
CREATE INDEX urls_url_index ON urls (url);
INSERT INTO meta VALUES ('version', '56'), ('last_compatible_version', '16');
";

const FAVICONS_SCHEMA: &str = "
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY,page_url LONGVARCHAR NOT NULL,icon_id INTEGER);
CREATE TABLE favicons(id INTEGER PRIMARY KEY,url LONGVARCHAR NOT NULL,icon_type INTEGER DEFAULT 1);
CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY,icon_id INTEGER NOT NULL,last_updated INTEGER DEFAULT 0,image_data BLOB,width INTEGER DEFAULT 0,height INTEGER DEFAULT 0,last_requested INTEGER DEFAULT 0);
CREATE INDEX icon_mapping_page_url_idx ON icon_mapping(page_url);
CREATE INDEX icon_mapping_icon_id_idx ON icon_mapping(icon_id);
CREATE INDEX favicons_url ON favicons(url);
CREATE INDEX favicon_bitmaps_icon_id ON favicon_bitmaps(icon_id);
INSERT INTO meta VALUES ('version', '8'), ('last_compatible_version', '8');
";

/// Chrome/WebKit time: microseconds since 1601-01-01.
pub fn chrome_time(unix: f64) -> i64 {
    ((unix + 11_644_473_600.0) * 1e6) as i64
}

/// `https://host/` of a URL (for favicon addresses).
fn origin(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split('/').next().unwrap_or(rest);
    format!("https://{host}/")
}

struct History<'a> {
    db: &'a Db,
}

impl History<'_> {
    /// Adds a URL and one visit to it; returns the visit id.
    fn visit(&self, url: &str, unix: f64, from: i64, transition: i64) -> Result<i64> {
        let t = chrome_time(unix);
        self.db.conn.prepare_cached(
            "INSERT INTO urls (url, title, visit_count, last_visit_time) VALUES (?1, ?2, 1, ?3)",
        )?
        .execute(params![url, url.rsplit('/').next().unwrap_or(url), t])?;
        let url_id = self.db.conn.last_insert_rowid();
        self.db.conn.prepare_cached(
            "INSERT INTO visits (url, visit_time, from_visit, transition, segment_id) VALUES (?1, ?2, ?3, ?4, 0)",
        )?
        .execute(params![url_id, t, from, transition])?;
        Ok(self.db.conn.last_insert_rowid())
    }
}

/// Writes History (`scale/20` visits [3], one in ten a server redirect counted as 2 visits)
/// and Favicons (`scale/50` page mappings [2]), plus one record per plant.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("chrome_history");
    let n = ctx.part(20, 3);
    let history_plants = ctx.plants("chrome_history");
    let db = Db::create(ctx, "chrome-History", HISTORY_SCHEMA, false)?;
    let h = History { db: &db };
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    let mut visits = 0u64;
    let mut pages = Vec::new();
    db.conn.execute_batch("BEGIN")?;
    for t in times {
        let url = noise::url(&mut rng);
        if rng.chance(0.1) {
            // A link through a redirector: LINK|CHAIN_START, then LINK|SERVER_REDIRECT|CHAIN_END
            // (Chrome stores the transition as a signed 32-bit integer).
            let from = h.visit(&url, t, 0, 0x1000_0000)?;
            let dest = noise::url(&mut rng);
            h.visit(&dest, t + 0.3, from, 0xA000_0000u32 as i32 as i64)?;
            visits += 2;
        } else {
            h.visit(&url, t, 0, 0x3000_0000)?;
            visits += 1;
        }
        pages.push(url);
    }
    let mut planted = Vec::new();
    for p in &history_plants {
        let url = planted_url(p, &format!("r/{}", rng.below(1_000_000)));
        let t = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
        let visit = h.visit(&url, t, 0, 0x3000_0000)?;
        planted.push((
            p.clone(),
            json!({"table": "visits", "visit_id": visit, "url": url,
            "visit_time": chrome_time(t), "isodate": iso8601(t)}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, HISTORY)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("chrome_history", visits + history_plants.len() as u64);
    favicons(ctx, &pages)
}

/// Favicons: one icon per site, mapped from `scale/50` [2] visited pages, plus one per plant.
fn favicons(ctx: &mut Ctx, pages: &[String]) -> Result<()> {
    let mut rng: Rng = ctx.rng("chrome_favicon");
    let n = ctx.part(50, 2).min(pages.len() as u64);
    let plants = ctx.plants("chrome_favicon");
    let db = Db::create(ctx, "chrome-Favicons", FAVICONS_SCHEMA, false)?;
    let mut icons: Vec<String> = Vec::new();
    let map = |page: &str, icon_url: &str, icons: &mut Vec<String>, t: f64| -> Result<i64> {
        let icon = match icons.iter().position(|i| i == icon_url) {
            Some(i) => i as i64 + 1,
            None => {
                icons.push(icon_url.to_string());
                let id = icons.len() as i64;
                db.conn
                    .prepare_cached("INSERT INTO favicons VALUES (?1, ?2, 1)")?
                    .execute(params![id, icon_url])?;
                db.conn
                    .prepare_cached(
                        "INSERT INTO favicon_bitmaps (icon_id, last_updated, image_data, width, height, last_requested) VALUES (?1, ?2, x'89504e47', 16, 16, 0)",
                    )?
                    .execute(params![id, chrome_time(t)])?;
                id
            }
        };
        db.conn
            .prepare_cached("INSERT INTO icon_mapping (page_url, icon_id) VALUES (?1, ?2)")?
            .execute(params![page, icon])?;
        Ok(db.conn.last_insert_rowid())
    };
    db.conn.execute_batch("BEGIN")?;
    for page in pages.iter().take(n as usize) {
        let t = rng.unix_time_f();
        map(page, &format!("{}favicon.ico", origin(page)), &mut icons, t)?;
    }
    let mut planted = Vec::new();
    for p in &plants {
        let page = planted_url(p, &format!("p/{}", rng.below(1_000_000)));
        let icon_url = format!("{}apple-touch-icon.png", origin(&page));
        let t = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
        let id = map(&page, &icon_url, &mut icons, t)?;
        planted.push((
            p.clone(),
            json!({"table": "icon_mapping", "id": id, "page_url": page,
            "icon_url": icon_url}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, FAVICONS)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("chrome_favicon", n + plants.len() as u64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::file_id;

    #[test]
    fn paths_match_mvt_backup_ids() {
        let id = |p| file_id(DOMAIN, p);
        assert_eq!(id(HISTORY), "faf971ce92c3ac508c018dce1bef2a8b8e9838f1");
        assert_eq!(id(FAVICONS), "55680ab883d0fdcffd94f959b1632e5fbbb18c5b");
        assert_eq!(chrome_time(0.0), 11_644_473_600_000_000);
        assert_eq!(origin("http://a.example/x/y"), "https://a.example/");
    }

    use crate::test_support::{generated, stored};

    #[test]
    fn counts_match_the_databases() {
        let backup = generated();
        let (out, e) = (&backup.0, &backup.1);
        let count = |path: &str, sql: &str| -> u64 {
            let conn = rusqlite::Connection::open(stored(out, DOMAIN, path)).expect("open");
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .expect("count") as u64
        };
        let visits = "SELECT count(*) FROM urls JOIN visits ON visits.url = urls.id";
        assert_eq!(
            Some(&count(HISTORY, visits)),
            e.records.get("chrome_history")
        );
        let icons = "SELECT count(*) FROM icon_mapping \
            JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id \
            JOIN favicons ON icon_mapping.icon_id = favicons.id";
        assert_eq!(
            Some(&count(FAVICONS, icons)),
            e.records.get("chrome_favicon")
        );
        let planted = |m: &str| e.detections.iter().filter(|d| d.module == m).count();
        assert_eq!(
            (planted("chrome_history"), planted("chrome_favicon")),
            (2, 1)
        );
    }
}
