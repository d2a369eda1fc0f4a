//! `AppDomainGroup-group.net.whatsapp.WhatsApp.shared` / `ChatStorage.sqlite` (backup ID
//! 7c7fba66680ef796b916b067077cc246adacf01d): WhatsApp's Core Data store. Dates are Mac
//! absolute seconds (`TIMESTAMP`). MVT left-joins `ZWAMESSAGE` with `ZWAMEDIAITEM` and
//! `ZWAMESSAGEDATAITEM` on `ZMESSAGE` and looks for links in `ZTEXT`, `ZMATCHEDTEXT`,
//! `ZMEDIAURL`, `ZCONTENT1`, `ZCONTENT2`; it also reads one summary row per `ZWACHATSESSION`.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::{core_data_bookkeeping, Db, CORE_DATA_TABLES};
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
pub const PATH: &str = "ChatStorage.sqlite";
/// Address book of WhatsApp users (backup ID b8548dc30aa1030df0ce18ef08b882cf7ab5212f).
pub const CONTACTS_PATH: &str = "ContactsV2.sqlite";

const CONTACTS_SCHEMA: &str = "
CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZPHONESTATUS INTEGER, ZSYNCPOLICY INTEGER, ZABOUTEXPIRATIONTIMESTAMP TIMESTAMP, ZABOUTTIMESTAMP TIMESTAMP, ZDISAPPEARINGMODEDURATION FLOAT, ZDISAPPEARINGMODETIMESTAMP TIMESTAMP, ZLASTUPDATED TIMESTAMP, ZABOUTEMOJI VARCHAR, ZABOUTTEXT VARCHAR, ZBUSINESSNAME VARCHAR, ZFULLNAME VARCHAR, ZGIVENNAME VARCHAR, ZIDENTIFIER VARCHAR, ZLASTNAME VARCHAR, ZLID VARCHAR, ZLOCALIZEDPHONENUMBER VARCHAR, ZNOTES VARCHAR, ZPHONENUMBER VARCHAR, ZUSERNAME VARCHAR, ZWHATSAPPID VARCHAR );
CREATE INDEX ZWAADDRESSBOOKCONTACT_ZWHATSAPPID_INDEX ON ZWAADDRESSBOOKCONTACT (ZWHATSAPPID);
";

const SCHEMA: &str = "
CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR );
CREATE TABLE ZWAGROUPINFO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSTATE INTEGER, ZCHATSESSION INTEGER, ZLASTMESSAGEOWNER INTEGER, ZCREATIONDATE TIMESTAMP, ZSUBJECTTIMESTAMP TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR, ZPICTUREID VARCHAR, ZPICTUREPATH VARCHAR, ZSOURCEJID VARCHAR, ZSUBJECTOWNERJID VARCHAR );
CREATE TABLE ZWAGROUPMEMBER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTABID INTEGER, ZISACTIVE INTEGER, ZISADMIN INTEGER, ZSENDERKEYSENT INTEGER, ZCHATSESSION INTEGER, ZRECENTGROUPCHAT INTEGER, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR );
CREATE TABLE ZWAMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER, ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, ZHACCURACY FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB );
CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR );
CREATE TABLE ZWAMESSAGEDATAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINDEX INTEGER, ZMESSAGE INTEGER, ZDATE TIMESTAMP, ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSENDERJID VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR, ZMETADATA BLOB );
CREATE INDEX ZWAMESSAGE_ZCHATSESSION_INDEX ON ZWAMESSAGE (ZCHATSESSION);
CREATE INDEX ZWAMESSAGE_ZMEDIAITEM_INDEX ON ZWAMESSAGE (ZMEDIAITEM);
CREATE INDEX ZWAMEDIAITEM_ZMESSAGE_INDEX ON ZWAMEDIAITEM (ZMESSAGE);
CREATE INDEX ZWAMESSAGEDATAITEM_ZMESSAGE_INDEX ON ZWAMESSAGEDATAITEM (ZMESSAGE);
";

const ENT_SESSION: i64 = 4;
const ENT_GROUPINFO: i64 = 6;
const ENT_MEDIA: i64 = 8;
const ENT_MESSAGE: i64 = 9;
const ENT_DATAITEM: i64 = 10;
const ME: &str = "447700900001@s.whatsapp.net";

struct Session {
    jid: String,
    count: i64,
    last: f64,
}

struct Writer<'a> {
    db: &'a Db,
    msgs: i64,
    media: i64,
    items: i64,
}

impl Writer<'_> {
    fn message(
        &mut self,
        rng: &mut Rng,
        s: &mut Session,
        pk_s: i64,
        text: &str,
        t: f64,
    ) -> Result<i64> {
        self.msgs += 1;
        let from_me = rng.chance(0.45);
        let (from, to) = if from_me {
            (None, Some(s.jid.as_str()))
        } else {
            (Some(s.jid.as_str()), None)
        };
        self.db.conn.prepare_cached("INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZSORT, ZCHATSESSION, ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZSTANZAID, ZTEXT, ZTOJID, ZFLAGS) VALUES (?1, ?2, 3, ?3, ?4, 0, ?1, ?5, ?6, ?6, ?7, ?8, ?9, ?10, 0)")?
            .execute(params![self.msgs, ENT_MESSAGE, from_me as i64, if from_me { 8 } else { 6 }, pk_s, mac_secs(t), from, hex::encode_upper(rng.bytes(10)), text, to])?;
        s.count += 1;
        s.last = s.last.max(t);
        Ok(self.msgs)
    }

    fn media(&mut self, rng: &mut Rng, msg: i64) -> Result<()> {
        self.media += 1;
        let path = format!("Media/{}/{}/{}.jpg", ME, rng.below(16), rng.uuid());
        let url = format!(
            "https://mmg.whatsapp.net/v/t62.7118-24/{}.enc",
            rng.below(1 << 40)
        );
        self.db.conn.prepare_cached("INSERT INTO ZWAMEDIAITEM (Z_PK, Z_ENT, Z_OPT, ZFILESIZE, ZMESSAGE, ZMEDIALOCALPATH, ZMEDIAURL, ZMEDIAKEY) VALUES (?1, ?2, 2, ?3, ?4, ?5, ?6, ?7)")?
            .execute(params![self.media, ENT_MEDIA, rng.range(20_000, 2_000_000), msg, path, url, rng.bytes(32)])?;
        self.db
            .conn
            .prepare_cached(
                "UPDATE ZWAMESSAGE SET ZMEDIAITEM = ?1, ZMESSAGETYPE = 1 WHERE Z_PK = ?2",
            )?
            .execute([self.media, msg])?;
        Ok(())
    }

    fn link_preview(&mut self, rng: &mut Rng, msg: i64, url: &str, t: f64) -> Result<()> {
        self.items += 1;
        self.db.conn.prepare_cached("INSERT INTO ZWAMESSAGEDATAITEM (Z_PK, Z_ENT, Z_OPT, ZINDEX, ZMESSAGE, ZDATE, ZCONTENT1, ZMATCHEDTEXT, ZSUMMARY, ZTITLE) VALUES (?1, ?2, 1, 0, ?3, ?4, ?5, ?5, ?6, ?7)")?
            .execute(params![self.items, ENT_DATAITEM, msg, mac_secs(t), url, noise::sentence(rng), noise::sentence(rng)])?;
        Ok(())
    }
}

/// Writes ChatStorage.sqlite: `scale/10` messages (≥ 3) in `scale/200` sessions (≥ 2, one in
/// five a group); one message in five has a media item, links get a preview data item.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("whatsapp");
    let n = ctx.part(10, 3);
    let plants = ctx.plants("whatsapp");
    let db = Db::create(
        ctx,
        "ChatStorage.sqlite",
        &format!("{SCHEMA}{CORE_DATA_TABLES}"),
        false,
    )?;
    let mut sessions: Vec<Session> = (0..ctx.part(200, 2))
        .map(|i| Session {
            jid: if i % 5 == 4 {
                format!("1203630{:011}@g.us", rng.below(100_000_000_000))
            } else {
                format!("{}@s.whatsapp.net", &noise::phone(&mut rng)[1..])
            },
            count: 0,
            last: 0.0,
        })
        .collect();
    db.conn.execute_batch("BEGIN")?;
    let mut w = Writer {
        db: &db,
        msgs: 0,
        media: 0,
        items: 0,
    };
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    for t in times {
        let si = rng.below(sessions.len() as u64) as usize;
        let link = rng.chance(0.2).then(|| noise::url(&mut rng));
        let text = match &link {
            Some(u) => format!("{} {u}", noise::sentence(&mut rng)),
            None => noise::sentence(&mut rng),
        };
        let msg = w.message(&mut rng, &mut sessions[si], si as i64 + 1, &text, t)?;
        if let Some(u) = link {
            w.link_preview(&mut rng, msg, &u, t)?;
        } else if rng.chance(0.2) {
            w.media(&mut rng, msg)?;
        }
    }
    let mut planted = Vec::new();
    for p in &plants {
        let t = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        let url = planted_url(p, &format!("s/{}", rng.below(1_000_000)));
        let si = rng.below(sessions.len() as u64) as usize;
        let text = format!("Look at this {url}");
        let msg = w.message(&mut rng, &mut sessions[si], si as i64 + 1, &text, t)?;
        w.link_preview(&mut rng, msg, &url, t)?;
        planted.push((
            p.clone(),
            json!({"table": "ZWAMESSAGE", "z_pk": msg,
            "chat_jid": sessions[si].jid, "text": text, "url": url, "date": iso8601(t)}),
        ));
    }
    let mut groups = 0;
    for (i, s) in sessions.iter().enumerate() {
        let pk = i as i64 + 1;
        let group = s.jid.ends_with("@g.us");
        let info = if group {
            groups += 1;
            db.conn.execute("INSERT INTO ZWAGROUPINFO (Z_PK, Z_ENT, Z_OPT, ZSTATE, ZCHATSESSION, ZCREATIONDATE, ZCREATORJID, ZOWNERJID) VALUES (?1, ?2, 1, 0, ?3, ?4, ?5, ?5)",
                params![groups, ENT_GROUPINFO, pk, mac_secs((NOW_UNIX - 200 * 86_400) as f64), ME])?;
            Some(groups)
        } else {
            None
        };
        let last = if s.count > 0 {
            Some(mac_secs(s.last))
        } else {
            None
        };
        db.conn.execute("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZARCHIVED, ZHIDDEN, ZMESSAGECOUNTER, ZREMOVED, ZSESSIONTYPE, ZUNREADCOUNT, ZGROUPINFO, ZLASTMESSAGEDATE, ZCONTACTJID, ZPARTNERNAME) VALUES (?1, ?2, 5, 0, 0, ?3, 0, ?4, 0, ?5, ?6, ?7, ?8)",
            params![pk, ENT_SESSION, s.count, group as i64, info, last, s.jid, rng.pick(noise::NAMES)])?;
    }
    core_data_bookkeeping(
        &db.conn,
        &[
            (ENT_SESSION, "WAChatSession", sessions.len() as i64),
            (ENT_GROUPINFO, "WAGroupInfo", groups),
            (ENT_MEDIA, "WAMediaItem", w.media),
            (ENT_MESSAGE, "WAMessage", w.msgs),
            (ENT_DATAITEM, "WAMessageDataItem", w.items),
        ],
    )?;
    let msgs = w.msgs as u64;
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    // MVT counts one record per message plus one per chat session.
    ctx.records("whatsapp", msgs + sessions.len() as u64);
    contacts(ctx, &mut rng, &sessions)
}

/// Writes ContactsV2.sqlite: one address-book contact per one-to-one chat.
fn contacts(ctx: &mut Ctx, rng: &mut Rng, sessions: &[Session]) -> Result<()> {
    let db = Db::create(
        ctx,
        "ContactsV2.sqlite",
        &format!("{CONTACTS_SCHEMA}{CORE_DATA_TABLES}"),
        false,
    )?;
    db.conn.execute_batch("BEGIN")?;
    let mut n = 0i64;
    for s in sessions
        .iter()
        .filter(|s| s.jid.ends_with("@s.whatsapp.net"))
    {
        n += 1;
        let digits = s.jid.trim_end_matches("@s.whatsapp.net");
        let given = rng.pick(noise::NAMES);
        let updated = mac_secs(rng.unix_time_f());
        db.conn.prepare_cached("INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, Z_ENT, Z_OPT, ZPHONESTATUS, ZSYNCPOLICY, ZLASTUPDATED, ZFULLNAME, ZGIVENNAME, ZIDENTIFIER, ZLOCALIZEDPHONENUMBER, ZPHONENUMBER, ZWHATSAPPID, ZABOUTTEXT, ZDISAPPEARINGMODEDURATION) VALUES (?1, 1, 1, 1, 0, ?2, ?3, ?4, ?5, ?6, ?6, ?7, 'Hey there! I am using WhatsApp.', 0)")?
            .execute(params![n, updated, format!("{given} {}", rng.pick(noise::NAMES)), given, rng.uuid(), format!("+{digits}"), s.jid])?;
    }
    core_data_bookkeeping(&db.conn, &[(1, "WAAddressBookContact", n)])?;
    db.conn.execute_batch("COMMIT")?;
    db.store(ctx, DOMAIN, CONTACTS_PATH)?;
    ctx.records("whatsapp_contacts", n as u64);
    Ok(())
}
