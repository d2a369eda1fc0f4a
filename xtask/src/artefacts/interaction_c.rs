//! `HomeDomain` / `Library/CoreDuet/People/interactionC.db` (backup ID
//! 1f5a521220a3ad80ebfdc196978df8e7a2e49dee): CoreDuet's record of who the user talked to,
//! with which app, Core Data (iOS 14+). Entities: 1 attachment, 2 contact, 3 interaction,
//! 4 keyword; `Z_1INTERACTIONS` links attachments to interactions and
//! `Z_2INTERACTIONRECIPIENT` recipients to interactions, as MVT's query joins them. Dates are
//! Mac absolute seconds. MVT has no indicator check for this module.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::{core_data_bookkeeping, Db, CORE_DATA_TABLES};
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/CoreDuet/People/interactionC.db";

const SCHEMA: &str = "
CREATE TABLE ZATTACHMENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSIZEINBYTES INTEGER, ZCREATIONDATE TIMESTAMP, ZCLOUDIDENTIFIER VARCHAR, ZCONTENTTEXT VARCHAR, ZCONTENTURL VARCHAR, ZPHOTOLOCALIDENTIFIER VARCHAR, ZUTI VARCHAR, ZIDENTIFIER BLOB );
CREATE TABLE ZCONTACTS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCOMINGRECIPIENTCOUNT INTEGER, ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER, ZPERSONIDTYPE INTEGER, ZTYPE INTEGER, ZCREATIONDATE TIMESTAMP, ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP, ZCUSTOMIDENTIFIER VARCHAR, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPERSONID VARCHAR );
CREATE TABLE ZINTERACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER, ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP, ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDERIVEDINTENTIDENTIFIER VARCHAR, ZDOMAINIDENTIFIER VARCHAR, ZGROUPNAME VARCHAR, ZLOCATIONUUID VARCHAR, ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR );
CREATE TABLE ZKEYWORDS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKEYWORD VARCHAR );
CREATE TABLE Z_1INTERACTIONS ( Z_1ATTACHMENTS INTEGER, Z_3INTERACTIONS INTEGER, PRIMARY KEY (Z_1ATTACHMENTS, Z_3INTERACTIONS) );
CREATE TABLE Z_2INTERACTIONRECIPIENT ( Z_2RECIPIENTS INTEGER, Z_3INTERACTIONRECIPIENT INTEGER, PRIMARY KEY (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT) );
CREATE TABLE Z_3KEYWORDS ( Z_3INTERACTIONS INTEGER, Z_4KEYWORDS INTEGER, PRIMARY KEY (Z_3INTERACTIONS, Z_4KEYWORDS) );
CREATE INDEX ZINTERACTIONS_ZSENDER_INDEX ON ZINTERACTIONS (ZSENDER);
CREATE INDEX ZINTERACTIONS_ZSTARTDATE_INDEX ON ZINTERACTIONS (ZSTARTDATE);
CREATE INDEX ZCONTACTS_ZIDENTIFIER_INDEX ON ZCONTACTS (ZIDENTIFIER);
CREATE INDEX Z_1INTERACTIONS_Z_3INTERACTIONS_INDEX ON Z_1INTERACTIONS (Z_3INTERACTIONS, Z_1ATTACHMENTS);
CREATE INDEX Z_2INTERACTIONRECIPIENT_Z_3INTERACTIONRECIPIENT_INDEX ON Z_2INTERACTIONRECIPIENT (Z_3INTERACTIONRECIPIENT, Z_2RECIPIENTS);
";

const APPS: &[(&str, i64)] = &[
    ("com.apple.MobileSMS", 4),
    ("net.whatsapp.WhatsApp", 4),
    ("com.apple.mobilephone", 0),
    ("com.apple.mobilemail", 4),
];

struct W<'a> {
    db: &'a Db,
    interactions: i64,
    attachments: i64,
}

impl W<'_> {
    /// One interaction with one recipient row; returns its `Z_PK`.
    fn interaction(
        &mut self,
        rng: &mut Rng,
        contacts: i64,
        t: f64,
        url: Option<&str>,
    ) -> Result<i64> {
        self.interactions += 1;
        let pk = self.interactions;
        let (app, mech) = *rng.pick(APPS);
        let outgoing = rng.chance(0.5);
        let other = 2 + rng.below(contacts as u64 - 1) as i64;
        let (sender, recipient) = if outgoing { (1, other) } else { (other, 1) };
        let dom = format!(
            "{};-;{}",
            if app.ends_with("SMS") {
                "iMessage"
            } else {
                app
            },
            rng.uuid()
        );
        self.db.conn.prepare_cached("INSERT INTO ZINTERACTIONS (Z_PK, Z_ENT, Z_OPT, ZDIRECTION, ZISRESPONSE, ZMECHANISM, ZRECIPIENTCOUNT, ZSENDER, ZCREATIONDATE, ZENDDATE, ZSTARTDATE, ZACCOUNT, ZBUNDLEID, ZCONTENTURL, ZDERIVEDINTENTIDENTIFIER, ZDOMAINIDENTIFIER, ZTARGETBUNDLEID, ZUUID) VALUES (?1, 3, 1, ?2, ?3, ?4, 1, ?5, ?6, ?6, ?6, 'me@icloud.com', ?7, ?8, ?9, ?10, ?7, ?11)")?
            .execute(params![pk, outgoing as i64, rng.chance(0.3) as i64, mech, sender, mac_secs(t), app, url, rng.uuid(), dom, rng.uuid()])?;
        self.db
            .conn
            .prepare_cached("INSERT INTO Z_2INTERACTIONRECIPIENT VALUES (?1, ?2)")?
            .execute([recipient, pk])?;
        if let Some(u) = url {
            self.attachments += 1;
            self.db.conn.prepare_cached("INSERT INTO ZATTACHMENT (Z_PK, Z_ENT, Z_OPT, ZSIZEINBYTES, ZCREATIONDATE, ZCONTENTTEXT, ZCONTENTURL, ZUTI, ZIDENTIFIER) VALUES (?1, 1, 1, 0, ?2, NULL, ?3, 'public.url', ?4)")?
                .execute(params![self.attachments, mac_secs(t), u, rng.bytes(16)])?;
            self.db
                .conn
                .prepare_cached("INSERT INTO Z_1INTERACTIONS VALUES (?1, ?2)")?
                .execute([self.attachments, pk])?;
        }
        Ok(pk)
    }
}

/// Writes interactionC.db: `scale/10` interactions (≥ 3) between the user (contact 1) and
/// `scale/50` contacts (≥ 3); one in ten shares a link as a `public.url` attachment.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("interaction_c");
    let n = ctx.part(10, 3);
    let contacts = ctx.part(50, 3) as i64;
    let plants = ctx.plants("interaction_c");
    let db = Db::create(
        ctx,
        "interactionC.db",
        &format!("{SCHEMA}{CORE_DATA_TABLES}"),
        false,
    )?;
    db.conn.execute_batch("BEGIN")?;
    for pk in 1..=contacts {
        let (ident, name) = if pk == 1 {
            ("me@icloud.com".to_string(), "Me".to_string())
        } else if rng.chance(0.7) {
            (noise::phone(&mut rng), rng.pick(noise::NAMES).to_string())
        } else {
            (noise::email(&mut rng), rng.pick(noise::NAMES).to_string())
        };
        let first = mac_secs(rng.unix_time_f() - 60.0 * 86_400.0);
        let last = mac_secs(rng.unix_time_f());
        db.conn.prepare_cached("INSERT INTO ZCONTACTS (Z_PK, Z_ENT, Z_OPT, ZINCOMINGRECIPIENTCOUNT, ZINCOMINGSENDERCOUNT, ZOUTGOINGRECIPIENTCOUNT, ZPERSONIDTYPE, ZTYPE, ZCREATIONDATE, ZFIRSTINCOMINGRECIPIENTDATE, ZFIRSTINCOMINGSENDERDATE, ZFIRSTOUTGOINGRECIPIENTDATE, ZLASTINCOMINGRECIPIENTDATE, ZLASTINCOMINGSENDERDATE, ZLASTOUTGOINGRECIPIENTDATE, ZDISPLAYNAME, ZIDENTIFIER, ZPERSONID) VALUES (?1, 2, 1, ?2, ?3, ?4, 0, 0, ?5, ?5, ?5, ?5, ?6, ?6, ?6, ?7, ?8, ?9)")?
            .execute(params![pk, rng.below(50) as i64, rng.below(50) as i64, rng.below(50) as i64, first, last, name, ident, rng.uuid()])?;
    }
    let mut w = W {
        db: &db,
        interactions: 0,
        attachments: 0,
    };
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    for t in times {
        let url = rng.chance(0.1).then(|| noise::url(&mut rng));
        w.interaction(&mut rng, contacts, t, url.as_deref())?;
    }
    let mut planted = Vec::new();
    for p in &plants {
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        let url = planted_url(p, &format!("p/{}", rng.below(1_000_000)));
        let pk = w.interaction(&mut rng, contacts, t, Some(&url))?;
        planted.push((
            p.clone(),
            json!({"table": "ZATTACHMENT", "interaction_z_pk": pk,
            "attachment_z_pk": w.attachments, "ZCONTENTURL": url, "start_date": iso8601(t)}),
        ));
    }
    let (ni, na) = (w.interactions, w.attachments);
    core_data_bookkeeping(
        &db.conn,
        &[
            (1, "Attachment", na),
            (2, "Contacts", contacts),
            (3, "Interactions", ni),
            (4, "Keywords", 0),
        ],
    )?;
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("interaction_c", ni as u64);
    Ok(())
}
