//! `HomeDomain` / `Library/TCC/TCC.db` (backup ID 64d0019cb3d46bfc8cce545a8ba54b93e7ea9347):
//! privacy permissions. Schema copied from the MVT test backup (iOS 14+: `auth_value`,
//! `auth_reason`, `auth_version`; `last_modified` in Unix seconds). `client_type` 0 is a bundle
//! ID, 1 an absolute path. MVT checks the base name of `client` against process indicators.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/TCC/TCC.db";

const SCHEMA: &str = "
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE policies (    id        INTEGER    NOT NULL PRIMARY KEY,     bundle_id    TEXT    NOT NULL,     uuid        TEXT    NOT NULL,     display        TEXT    NOT NULL,     UNIQUE (bundle_id, uuid));
CREATE TABLE active_policy (    client        TEXT    NOT NULL,     client_type    INTEGER    NOT NULL,     policy_id    INTEGER NOT NULL,     PRIMARY KEY (client, client_type),     FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE access_overrides (    service        TEXT    NOT NULL PRIMARY KEY);
CREATE TABLE expired (    service        TEXT        NOT NULL,     client         TEXT        NOT NULL,     client_type    INTEGER     NOT NULL,     csreq          BLOB,     last_modified  INTEGER     NOT NULL ,     expired_at     INTEGER     NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),     PRIMARY KEY (service, client, client_type));
CREATE TABLE IF NOT EXISTS \"access\" (    service        TEXT        NOT NULL,     client         TEXT        NOT NULL,     client_type    INTEGER     NOT NULL,     auth_value     INTEGER     NOT NULL,     auth_reason    INTEGER     NOT NULL,     auth_version   INTEGER     NOT NULL,     csreq          BLOB,     policy_id      INTEGER,     indirect_object_identifier_type    INTEGER,     indirect_object_identifier         TEXT NOT NULL DEFAULT 'UNUSED',     indirect_object_code_identity      BLOB,     flags          INTEGER,     last_modified  INTEGER     NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),     PRIMARY KEY (service, client, client_type, indirect_object_identifier),    FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX active_policy_id ON active_policy(policy_id);
";

fn grant(
    db: &Db,
    rng: &mut Rng,
    service: &str,
    client: &str,
    client_type: i64,
    t: i64,
) -> Result<()> {
    let auth = *rng.pick(&[0i64, 2, 2, 2, 3]);
    db.conn
        .prepare_cached("INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, flags, last_modified) VALUES (?1, ?2, ?3, ?4, ?5, 1, 0, ?6)")?
        .execute(params![service, client, client_type, auth, *rng.pick(&[2i64, 4, 5]), t])?;
    Ok(())
}

/// Writes TCC.db: `scale/100` access rows (≥ 5), distinct (service, client) pairs over the
/// known apps, then over synthetic `com.vendorN.appM` bundle IDs.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("tcc");
    let n = ctx.part(100, 5);
    let plants = ctx.plants("tcc");
    let db = Db::create(ctx, "TCC.db", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    db.conn
        .execute("INSERT INTO admin VALUES ('version', 20)", [])?;
    let services = noise::TCC_SERVICES;
    for i in 0..n as usize {
        let app = i / services.len();
        let client = match noise::APPS.get(app) {
            Some(a) => a.to_string(),
            None => format!("com.vendor{}.app{}", app % 97, app),
        };
        let t = rng.unix_time();
        grant(&db, &mut rng, services[i % services.len()], &client, 0, t)?;
    }
    let mut planted = Vec::new();
    for p in &plants {
        let t = NOW_UNIX - rng.range(86_400, 40 * 86_400);
        let client = format!("/private/var/db/com.apple.xpc.{0}.staging/{0}", p.value);
        grant(&db, &mut rng, "kTCCServiceMicrophone", &client, 1, t)?;
        planted.push((
            p.clone(),
            json!({"table": "access", "service": "kTCCServiceMicrophone",
            "client": client, "client_type": 1, "last_modified": iso8601(t as f64)}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("tcc", n + plants.len() as u64);
    Ok(())
}
