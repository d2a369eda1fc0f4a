//! `HomeDomain` / `Library/Calendar/Calendar.sqlitedb` (backup ID 2041457d…): calendar items
//! with their organizer (`Participant`, joined on `CalendarItem.organizer_id`); dates are Mac
//! absolute seconds. MVT checks the organizer's e-mail against e-mail indicators and flags
//! events titled "Meeting" with the note "Notes" (QuaDream's invitations) HIGH.

use crate::gen::Ctx;
use crate::noise;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/Calendar/Calendar.sqlitedb";

const SCHEMA: &str = "
CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, color TEXT, UUID TEXT);
CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, location_id INTEGER, client_location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL, end_tz TEXT, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, invitation_status INTEGER, availability INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id TEXT, external_rep BLOB, response_comment TEXT, last_synced_response_comment TEXT, hidden INTEGER, has_recurrences INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, creation_date REAL, action TEXT, app_link BLOB, display_order INTEGER, created_by_id INTEGER, modified_by_id INTEGER);
CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, phone_number TEXT, is_self INTEGER, comment TEXT, schedule_agent INTEGER, flags INTEGER, last_modified REAL, proposed_start_date REAL, invited_by TEXT, proposed_start_date_status INTEGER, comment_last_modified REAL);
CREATE INDEX CalendarItem_organizer ON CalendarItem (organizer_id);
";

/// Inserts an organizer; returns its row id.
fn organizer(db: &Db, rng: &mut Rng, email: &str, unix: f64) -> Result<i64> {
    db.conn
        .prepare_cached("INSERT INTO Participant (entity_type, type, status, role, UUID, email, is_self, last_modified) VALUES (7, 1, 1, 0, ?1, ?2, 0, ?3)")?
        .execute(params![rng.uuid().to_lowercase(), email, mac_secs(unix)])?;
    Ok(db.conn.last_insert_rowid())
}

/// Inserts an event starting at `start`; returns its row id and UUID.
fn event(
    db: &Db,
    rng: &mut Rng,
    summary: &str,
    notes: &str,
    start: f64,
    organizer: i64,
) -> Result<(i64, String)> {
    let uuid = rng.uuid();
    let created = start - rng.range(3600, 20 * 86_400) as f64;
    db.conn
        .prepare_cached("INSERT INTO CalendarItem (summary, description, start_date, start_tz, end_date, end_tz, all_day, calendar_id, organizer_id, url, last_modified, unique_identifier, hidden, has_attendees, UUID, entity_type, creation_date, action, created_by_id) VALUES (?1, ?2, ?3, 'Europe/London', ?4, 'Europe/London', 0, 1, ?5, '', ?6, '', 0, ?7, ?8, 2, ?9, '', 0)")?
        .execute(params![
            summary,
            notes,
            mac_secs(start),
            mac_secs(start + 3600.0),
            organizer,
            mac_secs(created + 60.0),
            (organizer > 0) as i64,
            uuid,
            mac_secs(created)
        ])?;
    Ok((db.conn.last_insert_rowid(), uuid))
}

/// Writes `scale/50` [3] events, a third of them invitations from someone else, and one
/// invitation per plant: from the planted address, or shaped like QuaDream's (`heuristic`).
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("calendar");
    let plants = ctx.plants("calendar");
    let db = Db::create(ctx, "Calendar.sqlitedb", SCHEMA, false)?;
    db.conn.execute_batch("BEGIN")?;
    db.conn.execute(
        "INSERT INTO Calendar (title, color, UUID) VALUES ('Home', '#1BADF8', ?1)",
        [rng.uuid()],
    )?;
    let n = ctx.part(50, 3);
    for _ in 0..n {
        let start = rng.unix_time_f().floor();
        let org = if rng.chance(0.33) {
            let email = noise::email(&mut rng);
            organizer(&db, &mut rng, &email, start - 86_400.0)?
        } else {
            0
        };
        let summary = format!("{} {}", rng.pick(noise::WORDS), rng.pick(noise::WORDS));
        let notes = noise::sentence(&mut rng);
        event(&db, &mut rng, &summary, &notes, start, org)?;
    }
    let mut planted = Vec::new();
    for p in &plants {
        let start = (NOW_UNIX - rng.range(3600, 30 * 86_400)) as f64;
        let (email, summary, notes) = match p.kind.as_str() {
            "heuristic" => (noise::email(&mut rng), "Meeting", "Notes"),
            _ => (p.value.clone(), "Catch-up", "Agenda attached"),
        };
        let org = organizer(&db, &mut rng, &email, start - 86_400.0)?;
        let (id, uuid) = event(&db, &mut rng, summary, notes, start, org)?;
        planted.push((
            p.clone(),
            json!({"table": "CalendarItem", "id": id, "uuid": uuid, "summary": summary,
                "participant_email": email, "start_date": iso8601(start)}),
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let file = db.store(ctx, DOMAIN, PATH)?;
    for (p, rec) in planted {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("calendar", n + plants.len() as u64);
    Ok(())
}
