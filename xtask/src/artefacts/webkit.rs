//! `Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db` in app domains (MVT
//! finds every copy by relative path): WebKit's Intelligent Tracking Prevention store, one per
//! app using WebKit. Schema copied from the MVT test backup. `lastSeen` and
//! `mostRecentUserInteractionTime` are Unix seconds (REAL; -1 for "never"). MVT checks
//! `registrableDomain` against domain indicators.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const PATH: &str = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

/// App domains that get an observations.db; plants go to the first (Safari).
pub const APP_DOMAINS: &[&str] = &[
    "AppDomain-com.apple.mobilesafari",
    "AppDomain-com.google.chrome.ios",
    "AppDomain-com.apple.mobilemail",
];

const SCHEMA: &str = "
CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,isScheduledForAllButCookieDataRemoval INTEGER NOT NULL);
CREATE TABLE TopLevelDomains (topLevelDomainID INTEGER PRIMARY KEY, CONSTRAINT fkDomainID FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE StorageAccessUnderTopFrameDomains (domainID INTEGER NOT NULL, topLevelDomainID INTEGER NOT NULL ON CONFLICT FAIL, CONSTRAINT fkDomainID FOREIGN KEY(domainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(sourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsToSinceSameSiteStrictEnforcement (sourceDomainID INTEGER NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(sourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(targetDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameLinkDecorationsFrom (toDomainID INTEGER NOT NULL, lastUpdated REAL NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameLoadedThirdPartyScripts (topFrameDomainID INTEGER NOT NULL, subresourceDomainID INTEGER NOT NULL, FOREIGN KEY(topFrameDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(subresourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE SubframeUnderTopFrameDomains (subFrameDomainID INTEGER NOT NULL, lastUpdated REAL NOT NULL, topFrameDomainID INTEGER NOT NULL, FOREIGN KEY(subFrameDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(topFrameDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE SubresourceUnderTopFrameDomains (subresourceDomainID INTEGER NOT NULL, lastUpdated REAL NOT NULL, topFrameDomainID INTEGER NOT NULL, FOREIGN KEY(subresourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(topFrameDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE SubresourceUniqueRedirectsTo (subresourceDomainID INTEGER NOT NULL, lastUpdated REAL NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(subresourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE SubresourceUniqueRedirectsFrom (subresourceDomainID INTEGER NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(subresourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE OperatingDates (year INTEGER NOT NULL, month INTEGER NOT NULL, monthDay INTEGER NOT NULL);
CREATE UNIQUE INDEX StorageAccessUnderTopFrameDomains_domainID_topLevelDomainID on StorageAccessUnderTopFrameDomains ( domainID, topLevelDomainID );
CREATE UNIQUE INDEX TopFrameUniqueRedirectsTo_sourceDomainID_toDomainID on TopFrameUniqueRedirectsTo ( sourceDomainID, toDomainID );
CREATE UNIQUE INDEX TopFrameUniqueRedirectsToSinceSameSiteStrictEnforcement_sourceDomainID_toDomainID on TopFrameUniqueRedirectsToSinceSameSiteStrictEnforcement ( sourceDomainID, toDomainID );
CREATE UNIQUE INDEX TopFrameUniqueRedirectsFrom_targetDomainID_fromDomainID on TopFrameUniqueRedirectsFrom ( targetDomainID, fromDomainID );
CREATE UNIQUE INDEX TopFrameLinkDecorationsFrom_toDomainID_fromDomainID on TopFrameLinkDecorationsFrom ( toDomainID, fromDomainID );
CREATE UNIQUE INDEX TopFrameLoadedThirdPartyScripts_topFrameDomainID_subresourceDomainID on TopFrameLoadedThirdPartyScripts ( topFrameDomainID, subresourceDomainID );
CREATE UNIQUE INDEX SubframeUnderTopFrameDomains_subFrameDomainID_topFrameDomainID on SubframeUnderTopFrameDomains ( subFrameDomainID, topFrameDomainID );
CREATE UNIQUE INDEX SubresourceUnderTopFrameDomains_subresourceDomainID_topFrameDomainID on SubresourceUnderTopFrameDomains ( subresourceDomainID, topFrameDomainID );
CREATE UNIQUE INDEX SubresourceUniqueRedirectsTo_subresourceDomainID_toDomainID on SubresourceUniqueRedirectsTo ( subresourceDomainID, toDomainID );
CREATE UNIQUE INDEX OperatingDates_year_month_monthDay on OperatingDates ( year, month, monthDay );
";

const INSERT: &str =
    "INSERT INTO ObservedDomains VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, ?6, 0, 0)";

/// Writes one observations.db per app in [`APP_DOMAINS`]: `scale/30` domains in all (≥ 5).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("webkit_resource_load_statistics");
    let total = ctx.part(30, 5) as usize;
    let plants = ctx.plants("webkit_resource_load_statistics");
    let mut records = 0u64;
    for (a, app) in APP_DOMAINS.iter().enumerate() {
        let n = total / APP_DOMAINS.len() + usize::from(a < total % APP_DOMAINS.len());
        let db = Db::create(ctx, &format!("observations-{a}.db"), SCHEMA, false)?;
        db.conn.execute_batch("BEGIN")?;
        let mut stmt = db.conn.prepare(INSERT)?;
        // Each app saw a different slice of the web, overlapping a little.
        let start = a * n / 2;
        for i in 0..n {
            let seen = rng.unix_time() as f64;
            let interacted = rng.chance(0.4);
            let when = if interacted {
                seen - rng.below(86_400) as f64
            } else {
                -1.0
            };
            let domain = noise::registrable_domain(start + i);
            stmt.execute(params![
                i as i64 + 1,
                domain,
                seen,
                interacted as i64,
                when,
                interacted as i64
            ])?;
        }
        let mut planted = Vec::new();
        if a == 0 {
            for (k, p) in plants.iter().enumerate() {
                let id = (n + 1 + k) as i64;
                let seen = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
                stmt.execute(params![id, p.value, seen, 0, -1.0, 0])?;
                planted.push((
                    p.clone(),
                    json!({"table": "ObservedDomains", "domainID": id,
                    "registrableDomain": p.value, "lastSeen": iso8601(seen)}),
                ));
            }
        }
        drop(stmt);
        db.conn.execute_batch("COMMIT")?;
        records += (n + planted.len()) as u64;
        let file = db.store(ctx, app, PATH)?;
        for (p, rec) in planted {
            ctx.planted(&p, file.clone(), rec);
        }
    }
    ctx.records("webkit_resource_load_statistics", records);
    Ok(())
}
