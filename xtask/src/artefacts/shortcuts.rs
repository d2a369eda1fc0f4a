//! `HomeDomain` / `Library/Shortcuts/Shortcuts.sqlite` (backup ID 5b4d0b44…): Siri Shortcuts,
//! Core Data. `ZSHORTCUT` (name, dates in Mac absolute seconds, description) and
//! `ZSHORTCUTACTIONS.ZDATA`, a binary plist array of `{WFWorkflowActionIdentifier,
//! WFWorkflowActionParameters}`. MVT finds links in the parameters and checks them as URLs.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use plist::{Dictionary, Value};
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/Shortcuts/Shortcuts.sqlite";

const SCHEMA: &str = "
CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACTIONCOUNT INTEGER, ZHIDDENFROMLIBRARY INTEGER, ZRUNEVENTSCOUNT INTEGER, ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR);
CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSHORTCUT INTEGER, ZDATA BLOB);
CREATE INDEX ZSHORTCUTACTIONS_ZSHORTCUT_INDEX ON ZSHORTCUTACTIONS (ZSHORTCUT);
";

fn action(id: &str, params: Vec<(&str, Value)>) -> Value {
    let mut p = Dictionary::new();
    for (k, v) in params {
        p.insert(k.into(), v);
    }
    let mut a = Dictionary::new();
    a.insert(
        "WFWorkflowActionIdentifier".into(),
        Value::String(id.into()),
    );
    a.insert("WFWorkflowActionParameters".into(), Value::Dictionary(p));
    Value::Dictionary(a)
}

/// Inserts shortcut `pk` with its `actions`.
fn shortcut(
    db: &Db,
    rng: &mut Rng,
    pk: i64,
    name: &str,
    actions: Vec<Value>,
    t: f64,
) -> Result<()> {
    let count = actions.len() as i64;
    let mut data = Vec::new();
    Value::Array(actions).to_writer_binary(&mut data)?;
    db.conn
        .prepare_cached("INSERT INTO ZSHORTCUT (Z_PK, Z_ENT, Z_OPT, ZACTIONCOUNT, ZHIDDENFROMLIBRARY, ZRUNEVENTSCOUNT, ZACTIONS, ZCREATIONDATE, ZMODIFICATIONDATE, ZACTIONSDESCRIPTION, ZNAME, ZWORKFLOWID) VALUES (?1, 1, 1, ?2, 0, 0, ?1, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![pk, count, mac_secs(t), mac_secs(t + 600.0), noise::sentence(rng), name, rng.uuid()])?;
    db.conn
        .prepare_cached("INSERT INTO ZSHORTCUTACTIONS (Z_PK, Z_ENT, Z_OPT, ZSHORTCUT, ZDATA) VALUES (?1, 2, 1, ?1, ?2)")?
        .execute(params![pk, data])?;
    Ok(())
}

/// Writes `scale/100` [2] shortcuts (show the weather, open a benign page) and one per plant
/// whose text action holds the planted address, followed by an "open URLs" action.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("shortcuts");
    let plants = ctx.plants("shortcuts");
    let db = Db::create(ctx, "Shortcuts.sqlite", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    let n = ctx.part(100, 2);
    for pk in 1..=n as i64 {
        let t = rng.unix_time_f();
        let actions = if pk % 2 == 0 {
            vec![action(
                "is.workflow.actions.openurl",
                vec![("WFInput", Value::String(noise::url(&mut rng)))],
            )]
        } else {
            vec![
                action("is.workflow.actions.weather.currentconditions", vec![]),
                action("is.workflow.actions.showresult", vec![]),
            ]
        };
        let name = format!("{} {}", rng.pick(noise::WORDS), pk);
        shortcut(&db, &mut rng, pk, &name, actions, t)?;
    }
    let mut planted = Vec::new();
    for (i, p) in plants.iter().enumerate() {
        let pk = n as i64 + 1 + i as i64;
        let url = super::planted_url(p, &format!("u/{}", rng.below(1_000_000)));
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        // The address sits inside text, followed by a word, so that MVT's link search
        // (a regex over the parameters' Python repr) ends it where it ends.
        let text = format!("{url} now");
        let actions = vec![
            action(
                "is.workflow.actions.gettext",
                vec![("WFTextActionText", Value::String(text))],
            ),
            action("is.workflow.actions.openurl", vec![]),
        ];
        shortcut(&db, &mut rng, pk, "Update", actions, t)?;
        planted.push((
            p.clone(),
            json!({"table": "ZSHORTCUT", "shortcut_id": pk, "url": url, "isodate": iso8601(t)}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("shortcuts", n + plants.len() as u64);
    Ok(())
}
