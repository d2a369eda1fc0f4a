//! Firefox for iOS, `AppDomainGroup-group.org.mozilla.ios.Firefox` /
//! `profile.profile/browser.db` (backup ID 2e57c396a35b0d1bcbc624725002d98bd61d142b): the
//! browser schema of Firefox for iOS before its move to `places.db`. `visits.date` is Unix
//! microseconds and `favicons.date` Unix seconds, both REAL. MVT's `firefox_history` joins
//! `visits` with `history` on `siteID`; `firefox_favicon` joins `favicons` → `favicon_sites`
//! → `history`. Both check the URLs.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "AppDomainGroup-group.org.mozilla.ios.Firefox";
pub const PATH: &str = "profile.profile/browser.db";

const SCHEMA: &str = "
CREATE TABLE domains (id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL UNIQUE, showOnTopSites TINYINT NOT NULL DEFAULT 1);
CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE, CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));
CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));
CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);
CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE, UNIQUE (siteID, faviconID));
CREATE INDEX idx_visits_siteID_is_local_date ON visits (siteID, is_local, date);
";

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

struct Browser<'a> {
    db: &'a Db,
}

impl Browser<'_> {
    /// The `history` row of `url`, created if needed.
    fn page(&self, rng: &mut crate::rng::Rng, url: &str, unix: f64) -> Result<i64> {
        if let Ok(id) =
            self.db
                .conn
                .query_row("SELECT id FROM history WHERE url = ?1", [url], |r| r.get(0))
        {
            return Ok(id);
        }
        let h = host(url);
        self.db
            .conn
            .prepare_cached("INSERT OR IGNORE INTO domains (domain) VALUES (?1)")?
            .execute([h])?;
        let domain: i64 =
            self.db
                .conn
                .query_row("SELECT id FROM domains WHERE domain = ?1", [h], |r| {
                    r.get(0)
                })?;
        let micros = (unix * 1e6) as i64;
        self.db.conn.prepare_cached(
            "INSERT INTO history (guid, url, title, local_modified, is_deleted, should_upload, domain_id) VALUES (?1, ?2, ?3, ?4, 0, 1, ?5)",
        )?
        .execute(params![&rng.uuid()[..12], url, h, micros / 1000, domain])?;
        Ok(self.db.conn.last_insert_rowid())
    }

    /// A visit to `url`; returns `(visit id, history id)`.
    fn visit(&self, rng: &mut crate::rng::Rng, url: &str, unix: f64) -> Result<(i64, i64)> {
        let site = self.page(rng, url, unix)?;
        self.db
            .conn
            .prepare_cached(
                "INSERT INTO visits (siteID, date, type, is_local) VALUES (?1, ?2, ?3, 1)",
            )?
            .execute(params![site, (unix * 1e6).round(), 1 + rng.below(2) as i64])?;
        Ok((self.db.conn.last_insert_rowid(), site))
    }

    /// Links `icon_url` (created if needed) to page `site`; returns the favicon id.
    fn icon(&self, icon_url: &str, site: i64, unix: f64) -> Result<i64> {
        self.db
            .conn
            .prepare_cached("INSERT OR IGNORE INTO favicons (url, width, height, type, date) VALUES (?1, 32, 32, 1, ?2)")?
            .execute(params![icon_url, unix.round()])?;
        let id: i64 =
            self.db
                .conn
                .query_row("SELECT id FROM favicons WHERE url = ?1", [icon_url], |r| {
                    r.get(0)
                })?;
        self.db
            .conn
            .prepare_cached("INSERT INTO favicon_sites (siteID, faviconID) VALUES (?1, ?2)")?
            .execute([site, id])?;
        Ok(id)
    }
}

/// Writes browser.db: `scale/20` visits [3]; one favicon link per distinct visited page
/// (`firefox_favicon` records); one visit per `firefox_history` plant and one icon on a
/// planted page per `firefox_favicon` plant.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("firefox_history");
    let n = ctx.part(20, 3);
    let history_plants = ctx.plants("firefox_history");
    let icon_plants = ctx.plants("firefox_favicon");
    let db = Db::create(ctx, "firefox-browser.db", SCHEMA, false)?;
    let b = Browser { db: &db };
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    db.conn.execute_batch("BEGIN")?;
    let mut links = 0u64;
    for t in times {
        let url = noise::url(&mut rng);
        let (_, site) = b.visit(&mut rng, &url, t)?;
        let icon = format!("https://{}/favicon.ico", host(&url));
        let linked: bool = db.conn.query_row(
            "SELECT count(*) > 0 FROM favicon_sites WHERE siteID = ?1",
            [site],
            |r| r.get(0),
        )?;
        if !linked {
            b.icon(&icon, site, t)?;
            links += 1;
        }
    }
    let mut planted = Vec::new();
    for p in &history_plants {
        let url = planted_url(p, &format!("v/{}", rng.below(1_000_000)));
        let t = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
        let (visit, _) = b.visit(&mut rng, &url, t)?;
        planted.push((
            p.clone(),
            json!({"table": "visits", "id": visit, "url": url,
            "isodate": iso8601(t)}),
        ));
    }
    let mut icon_planted = Vec::new();
    for p in &icon_plants {
        // A page saved without a visit (a bookmark or synced tab), with the attacker's icon.
        let page = planted_url(p, &format!("i/{}", rng.below(1_000_000)));
        let t = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
        let site = b.page(&mut rng, &page, t)?;
        let icon_url = format!("https://{}/apple-touch-icon.png", host(&page));
        let id = b.icon(&icon_url, site, t)?;
        icon_planted.push((
            p.clone(),
            json!({"table": "favicons", "id": id, "url": icon_url,
            "history_url": page}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted.into_iter().chain(icon_planted) {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("firefox_history", n + history_plants.len() as u64);
    ctx.records("firefox_favicon", links + icon_plants.len() as u64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_matches_mvt_backup_id() {
        assert_eq!(
            crate::backup::file_id(DOMAIN, PATH),
            "2e57c396a35b0d1bcbc624725002d98bd61d142b"
        );
        assert_eq!(host("https://a.example/x"), "a.example");
    }

    use crate::test_support::{generated, stored};

    #[test]
    fn counts_match_the_database() {
        let backup = generated();
        let (out, e) = (&backup.0, &backup.1);
        let conn = rusqlite::Connection::open(stored(out, DOMAIN, PATH)).expect("open");
        let count = |sql: &str| -> u64 {
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .expect("count") as u64
        };
        let visits = "SELECT count(*) FROM visits, history WHERE visits.siteID = history.id";
        assert_eq!(Some(&count(visits)), e.records.get("firefox_history"));
        let icons = "SELECT count(*) FROM favicons \
            JOIN favicon_sites ON favicon_sites.faviconID = favicons.id \
            JOIN history ON favicon_sites.siteID = history.id";
        assert_eq!(Some(&count(icons)), e.records.get("firefox_favicon"));
        drop(conn);
    }
}
