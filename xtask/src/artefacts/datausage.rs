//! `WirelessDomain` / `Library/Databases/DataUsage.sqlite` (backup ID
//! 0d609c54856a9bb2d56729df1d68f2958a88426b): per-process network usage, Core Data; schema
//! copied from the MVT test backup. Timestamps are Mac absolute seconds. App processes are
//! named `<container UUID>/<bundle id>` with `ZBUNDLENAME` set; daemons by their bare name.
//! MVT unions `ZLIVEUSAGE ⟕ ZPROCESS` with processes lacking usage, and raises alerts for
//! gaps in `ZPROCESS.Z_PK` and for usage rows without a process — so we keep both tidy.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::{core_data_bookkeeping, Db, CORE_DATA_TABLES};
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "WirelessDomain";
pub const PATH: &str = "Library/Databases/DataUsage.sqlite";

const SCHEMA: &str = "
CREATE TABLE ZCHECKUPEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTIMESTAMP TIMESTAMP, ZSYNDROMEID VARCHAR );
CREATE TABLE ZDEMOLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCARNATION INTEGER, ZWIFIIN INTEGER, ZWIFIOUT INTEGER, ZWWANIN INTEGER, ZWWANOUT INTEGER, ZTIMESTAMP TIMESTAMP );
CREATE TABLE ZEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZHAPPENEDONNET INTEGER, ZHASPEER INTEGER, ZHASSCENE INTEGER, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT, ZRFU4 FLOAT, ZRFU5 FLOAT, ZTIMESTAMP TIMESTAMP, ZFAILUREIMPACT VARCHAR, ZFAILURESTRING VARCHAR, ZSYNDROMEID VARCHAR );
CREATE TABLE ZEVENTSCENE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZLINKQUALITY INTEGER, ZRSSI INTEGER, ZWITHEVENT INTEGER, ZCOURSE FLOAT, ZLATITUDE FLOAT, ZLOCACCURACY FLOAT, ZLONGITUDE FLOAT, ZRFU1 FLOAT, ZRFU3 FLOAT, ZSPEED FLOAT );
CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );
CREATE TABLE ZPEER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZADDRESS INTEGER, ZDSTPORT INTEGER, ZWITHEVENT INTEGER, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT, ZRFU4 FLOAT, ZRFU5 FLOAT, ZTIMESTAMP TIMESTAMP, ZFQDN VARCHAR );
CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );
CREATE TABLE ZTSHOOTINGDATA ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZWITHCHECKUPEVENT INTEGER, ZWITHEVENT INTEGER, ZTIMESTAMP TIMESTAMP, ZPROVIDERS BLOB );
CREATE TABLE ZWIFIDATA ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZISADHOC INTEGER, ZISCAPTIVE INTEGER, ZISLINKLOCALADDR INTEGER, ZLINKQUALITY INTEGER, ZSTATE INTEGER, ZSTATSTCPCNTACTUAL INTEGER, ZSTATSTCPCNTBASE INTEGER, ZTIMEAT INTEGER, ZDHCPLEASETIME FLOAT, ZLATITUDE FLOAT, ZLOCACCURACY FLOAT, ZLONGITUDE FLOAT, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT, ZRSSI FLOAT, ZSTATSINBYTESACTUAL FLOAT, ZSTATSINBYTESBASE FLOAT, ZSTATSOUTBYTESACTUAL FLOAT, ZSTATSOUTBYTESBASE FLOAT, ZTIMESTAMP TIMESTAMP, ZBSSID VARCHAR, ZSSID VARCHAR );
CREATE INDEX ZEVENT_ZHAPPENEDONNET_INDEX ON ZEVENT (ZHAPPENEDONNET);
CREATE INDEX ZEVENT_ZHASPEER_INDEX ON ZEVENT (ZHASPEER);
CREATE INDEX ZEVENT_ZHASSCENE_INDEX ON ZEVENT (ZHASSCENE);
CREATE INDEX ZEVENTSCENE_ZWITHEVENT_INDEX ON ZEVENTSCENE (ZWITHEVENT);
CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS);
CREATE INDEX ZPEER_ZWITHEVENT_INDEX ON ZPEER (ZWITHEVENT);
CREATE INDEX ZTSHOOTINGDATA_ZWITHCHECKUPEVENT_INDEX ON ZTSHOOTINGDATA (ZWITHCHECKUPEVENT);
CREATE INDEX ZTSHOOTINGDATA_ZWITHEVENT_INDEX ON ZTSHOOTINGDATA (ZWITHEVENT);
";

const ENT_LIVEUSAGE: i64 = 5;
const ENT_PROCESS: i64 = 7;

/// Inserts a process and its live-usage row; returns the process `Z_PK`.
fn process(
    db: &Db,
    rng: &mut Rng,
    pk: i64,
    name: &str,
    bundle: Option<&str>,
    first: f64,
) -> Result<f64> {
    let last = first + rng.below(30 * 86_400) as f64 + rng.unit();
    db.conn
        .prepare_cached("INSERT INTO ZPROCESS VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)")?
        .execute(params![
            pk,
            ENT_PROCESS,
            mac_secs(first),
            mac_secs(last),
            bundle,
            name
        ])?;
    let wifi = rng.chance(0.7);
    let (a, b) = (rng.below(50_000_000) as f64, rng.below(5_000_000) as f64);
    let (wi, wo, ci, co) = if wifi {
        (a, b, 0.0, 0.0)
    } else {
        (0.0, 0.0, a, b)
    };
    db.conn
        .prepare_cached(
            "INSERT INTO ZLIVEUSAGE VALUES (?1, ?2, ?3, 0, 0, 1, ?1, NULL, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            pk,
            ENT_LIVEUSAGE,
            1 + rng.below(20) as i64,
            mac_secs(last),
            wi,
            wo,
            ci,
            co
        ])?;
    Ok(last)
}

/// Writes DataUsage.sqlite: `scale/30` processes (≥ 3), each with one `ZLIVEUSAGE` row.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("datausage");
    let n = ctx.part(30, 3) as i64;
    let plants = ctx.plants("datausage");
    let db = Db::create(
        ctx,
        "DataUsage.sqlite",
        &format!("{SCHEMA}{CORE_DATA_TABLES}"),
        false,
    )?;
    db.conn.execute_batch("BEGIN")?;
    let container = rng.uuid();
    for pk in 1..=n {
        let first = rng.unix_time_f() - 30.0 * 86_400.0;
        if rng.chance(0.3) {
            let daemon = *rng.pick(noise::DAEMONS);
            process(&db, &mut rng, pk, daemon, None, first)?;
        } else {
            let app = *rng.pick(noise::APPS);
            // Reinstalled apps get new containers: vary the UUID so names stay realistic.
            let uuid = if rng.chance(0.8) {
                container.clone()
            } else {
                rng.uuid()
            };
            process(
                &db,
                &mut rng,
                pk,
                &format!("{uuid}/{app}"),
                Some(app),
                first,
            )?;
        }
    }
    let mut planted = Vec::new();
    for (k, p) in plants.iter().enumerate() {
        let pk = n + 1 + k as i64;
        let first = (NOW_UNIX - rng.range(86_400, 40 * 86_400)) as f64;
        let last = process(&db, &mut rng, pk, &p.value, None, first)?;
        planted.push((
            p.clone(),
            json!({"table": "ZPROCESS", "z_pk": pk, "ZPROCNAME": p.value,
            "ZBUNDLENAME": null, "first_timestamp": iso8601(first), "timestamp": iso8601(last)}),
        ));
    }
    let total = n + plants.len() as i64;
    core_data_bookkeeping(
        &db.conn,
        &[
            (ENT_LIVEUSAGE, "LiveUsage", total),
            (ENT_PROCESS, "Process", total),
        ],
    )?;
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("datausage", total as u64);
    Ok(())
}
