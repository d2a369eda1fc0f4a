//! `HomeDomain` / `Library/CallHistoryDB/CallHistory.storedata` (backup ID
//! 5a4935c78a5255723f707230a451d79c540d2741): call log, Core Data (iOS 14–16). `ZDATE` is Mac
//! absolute seconds, `ZDURATION` seconds. `ZADDRESS` is a phone number or, for FaceTime, an
//! e-mail address (older iOS stored it as a BLOB; MVT accepts both). MVT reads `ZDATE`,
//! `ZDURATION`, `ZLOCATION`, `ZADDRESS`, `ZSERVICE_PROVIDER` and has no indicator check.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::{core_data_bookkeeping, Db, CORE_DATA_TABLES};
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/CallHistoryDB/CallHistory.storedata";

const SCHEMA: &str = "
CREATE TABLE ZCALLDBPROPERTIES ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKEY VARCHAR, ZVALUE BLOB );
CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZHANDLE_TYPE INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZJUNKCONFIDENCE INTEGER, ZJUNKIDENTIFICATIONCATEGORY INTEGER, ZVERIFICATIONSTATUS INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR, ZLOCALPARTICIPANTUUID BLOB, ZOUTGOINGLOCALPARTICIPANTUUID BLOB, ZPARTICIPANTGROUPUUID BLOB );
CREATE TABLE ZHANDLE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTYPE INTEGER, ZNORMALIZEDVALUE VARCHAR, ZVALUE VARCHAR );
CREATE TABLE Z_2REMOTEPARTICIPANTHANDLES ( Z_2REMOTEPARTICIPANTCALLS INTEGER, Z_4REMOTEPARTICIPANTHANDLES INTEGER, PRIMARY KEY (Z_2REMOTEPARTICIPANTCALLS, Z_4REMOTEPARTICIPANTHANDLES) );
CREATE INDEX ZCALLRECORD_ZDATE_INDEX ON ZCALLRECORD (ZDATE);
CREATE INDEX Z_2REMOTEPARTICIPANTHANDLES_Z_4REMOTEPARTICIPANTHANDLES_INDEX ON Z_2REMOTEPARTICIPANTHANDLES (Z_4REMOTEPARTICIPANTHANDLES, Z_2REMOTEPARTICIPANTCALLS);
";

const ENT_CALL: i64 = 2;
const ENT_HANDLE: i64 = 4;

/// Inserts a call (and its remote handle); `handle_type` 2 = phone number, 3 = e-mail.
fn call(db: &Db, rng: &mut Rng, pk: i64, address: &str, handle_type: i64, t: f64) -> Result<()> {
    let facetime = handle_type == 3 || rng.chance(0.2);
    let provider = if facetime {
        "com.apple.FaceTime"
    } else {
        "com.apple.Telephony"
    };
    let answered = rng.chance(0.8);
    let duration = if answered {
        rng.below(3600) as f64 + rng.unit()
    } else {
        0.0
    };
    db.conn.prepare_cached("INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZANSWERED, ZCALL_CATEGORY, ZCALLTYPE, ZDISCONNECTED_CAUSE, ZFACE_TIME_DATA, ZHANDLE_TYPE, ZNUMBER_AVAILABILITY, ZORIGINATED, ZREAD, ZJUNKCONFIDENCE, ZJUNKIDENTIFICATIONCATEGORY, ZVERIFICATIONSTATUS, ZDATE, ZDURATION, ZADDRESS, ZISO_COUNTRY_CODE, ZLOCATION, ZSERVICE_PROVIDER, ZUNIQUE_ID) VALUES (?1, ?2, 1, ?3, 1, ?4, 0, NULL, ?5, 0, ?6, 1, 0, 0, 0, ?7, ?8, ?9, 'gb', ?10, ?11, ?12)")?
        .execute(params![pk, ENT_CALL, answered as i64, if facetime { 8 } else { 1 }, handle_type,
            rng.chance(0.5) as i64, mac_secs(t), duration, address, "United Kingdom", provider, rng.uuid()])?;
    db.conn
        .prepare_cached("INSERT INTO ZHANDLE VALUES (?1, ?2, 1, ?3, ?4, ?4)")?
        .execute(params![pk, ENT_HANDLE, handle_type, address])?;
    db.conn
        .prepare_cached("INSERT INTO Z_2REMOTEPARTICIPANTHANDLES VALUES (?1, ?1)")?
        .execute([pk])?;
    Ok(())
}

/// Writes CallHistory.storedata: `scale/10` calls (≥ 3).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("calls");
    let n = ctx.part(10, 3) as i64;
    let plants = ctx.plants("calls");
    let db = Db::create(
        ctx,
        "CallHistory.storedata",
        &format!("{SCHEMA}{CORE_DATA_TABLES}"),
        false,
    )?;
    db.conn.execute_batch("BEGIN")?;
    let contacts: Vec<String> = (0..20).map(|_| noise::phone(&mut rng)).collect();
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    for (i, t) in times.iter().enumerate() {
        let (addr, ty) = if rng.chance(0.1) {
            (noise::email(&mut rng), 3)
        } else if rng.chance(0.7) {
            (rng.pick(&contacts).clone(), 2)
        } else {
            (noise::phone(&mut rng), 2)
        };
        call(&db, &mut rng, i as i64 + 1, &addr, ty, *t)?;
    }
    let mut planted = Vec::new();
    for (k, p) in plants.iter().enumerate() {
        let pk = n + 1 + k as i64;
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        call(&db, &mut rng, pk, &p.value, 3, t)?;
        planted.push((
            p.clone(),
            json!({"table": "ZCALLRECORD", "z_pk": pk, "ZADDRESS": p.value,
            "ZSERVICE_PROVIDER": "com.apple.FaceTime", "date": iso8601(t)}),
        ));
    }
    let total = n + plants.len() as i64;
    core_data_bookkeeping(
        &db.conn,
        &[
            (ENT_CALL, "CallRecord", total),
            (ENT_HANDLE, "Handle", total),
        ],
    )?;
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("calls", total as u64);
    Ok(())
}
