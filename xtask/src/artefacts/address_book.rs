//! `HomeDomain` / `Library/AddressBook/AddressBook.sqlitedb` (backup ID 31bb7ba8…): the
//! address book. `ABPerson` holds names; `ABMultiValue` one row per phone number (property
//! 3), e-mail address (4) or URL (22) of a person (`record_id`). MVT lists each non-NULL
//! value with the person's names and checks nothing; tracehound checks e-mail addresses.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{mac_secs, Rng};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/AddressBook/AddressBook.sqlitedb";

const SCHEMA: &str = "
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER, CompositeNameFallback TEXT, ExternalIdentifier TEXT, ExternalModificationTag TEXT, ExternalUUID TEXT, StoreID INTEGER, DisplayName TEXT, ExternalRepresentation BLOB, FirstSortSection TEXT, LastSortSection TEXT, FirstSortLanguageIndex INTEGER DEFAULT 2147483647, LastSortLanguageIndex INTEGER DEFAULT 2147483647, PersonLink INTEGER DEFAULT -1, ImageURI TEXT, IsPreferredName INTEGER DEFAULT 1, guid TEXT, PhonemeData TEXT, AlternateBirthday TEXT, MapsData TEXT, FirstPronunciation TEXT, MiddlePronunciation TEXT, LastPronunciation TEXT, OrganizationPhonetic TEXT, OrganizationPronunciation TEXT, PreviousFamilyName TEXT, PreferredLikenessSource TEXT, PreferredPersonaIdentifier TEXT);
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT);
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
CREATE INDEX ABMultiValueRecordIDIndex ON ABMultiValue (record_id);
";

/// Inserts a person; returns its row id.
fn person(db: &Db, rng: &mut Rng, first: &str, last: &str, org: Option<&str>) -> Result<i64> {
    let created = mac_secs(rng.unix_time_f()) as i64;
    db.conn
        .prepare_cached("INSERT INTO ABPerson (First, Last, Organization, Kind, CreationDate, ModificationDate, DisplayName, guid) VALUES (?1, ?2, ?3, 0, ?4, ?4, '', ?5)")?
        .execute(params![first, last, org, created, rng.uuid()])?;
    Ok(db.conn.last_insert_rowid())
}

fn value(db: &Db, rng: &mut Rng, person: i64, property: i64, label: i64, v: &str) -> Result<()> {
    db.conn
        .prepare_cached("INSERT INTO ABMultiValue (record_id, property, identifier, label, value, guid) VALUES (?1, ?2, 0, ?3, ?4, ?5)")?
        .execute(params![person, property, label, v, rng.uuid()])?;
    Ok(())
}

/// Writes `scale/30` [3] people with a phone number each and, for half of them, an e-mail
/// address; and one person per plant whose e-mail address is the planted one.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("contacts");
    let plants = ctx.plants("contacts");
    let db = Db::create(ctx, "AddressBook.sqlitedb", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    db.conn.execute_batch(
        "INSERT INTO ABMultiValueLabel VALUES ('_$!<Mobile>!$_'), ('_$!<Home>!$_'), ('_$!<Work>!$_');",
    )?;
    let mut values = 0u64;
    for _ in 0..ctx.part(30, 3) {
        let (first, last) = (*rng.pick(noise::NAMES), *rng.pick(noise::NAMES));
        let id = person(&db, &mut rng, first, last, None)?;
        let phone = noise::phone(&mut rng);
        value(&db, &mut rng, id, 3, 1, &phone)?;
        values += 1;
        if rng.chance(0.5) {
            let email = noise::email(&mut rng);
            value(&db, &mut rng, id, 4, 2, &email)?;
            values += 1;
        }
    }
    let mut planted = Vec::new();
    for p in &plants {
        let id = person(&db, &mut rng, "Support", "Team", Some("Helpdesk"))?;
        value(&db, &mut rng, id, 4, 3, &p.value)?;
        values += 1;
        planted.push((
            p.clone(),
            json!({"table": "ABMultiValue", "record_id": id, "property": 4, "value": p.value}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("contacts", values);
    Ok(())
}
