//! `HomeDomain` / `Library/SMS/sms.db` (backup ID 3d0d7e5fb2ce288813306e4d4636395e047a3d28):
//! iMessage/SMS store. `message.date`, `date_read`, `date_delivered` are Mac absolute
//! nanoseconds; `attachment.created_date` is Mac absolute seconds. The `message` and `handle`
//! tables are copied from the MVT test backup (iOS 14); `chat`, the join tables and
//! `attachment` follow iOS 14 as well. MVT's `sms` module joins `message` with `handle`;
//! `sms_attachments` joins `attachment` → `message_attachment_join` → `message` → `handle`.

use super::planted_url;
use crate::gen::Ctx;
use crate::noise;
use crate::rng::{mac_nanos, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

pub const DOMAIN: &str = "HomeDomain";
pub const PATH: &str = "Library/SMS/sms.db";

const SCHEMA: &str = "
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE deleted_messages (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, guid TEXT NOT NULL);
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service) );
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER, engram_id TEXT, server_change_token TEXT, ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0, sr_server_change_token TEXT, sr_ck_sync_state INTEGER DEFAULT 0, cloudkit_record_id TEXT, sr_cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_record_id TEXT, sr_ck_record_change_tag TEXT, is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT DEFAULT NULL, sort_id INTEGER DEFAULT 0, is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT DEFAULT NULL, thread_originator_part TEXT DEFAULT NULL);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_server_change_token_blob BLOB, sr_ck_record_id TEXT, is_commsafety_sensitive INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
CREATE INDEX message_idx_handle ON message(handle_id, date);
CREATE INDEX chat_message_join_idx_message_date_id_chat_id ON chat_message_join(chat_id, message_date, message_id);
CREATE INDEX message_attachment_join_idx_message_id ON message_attachment_join(message_id);
";

const INSERT_MESSAGE: &str = "INSERT INTO message (guid, text, handle_id, service, account, \
    account_guid, date, date_read, date_delivered, is_delivered, is_finished, is_from_me, \
    is_read, is_sent, cache_has_attachments, destination_caller_id) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13, ?14, ?15)";

struct Handle {
    id: String,
    service: &'static str,
}

/// A message to insert; returns its ROWID.
fn insert_message(
    db: &Db,
    rng: &mut Rng,
    handles: &[Handle],
    handle: usize,
    text: &str,
    unix: f64,
    attachments: bool,
) -> Result<i64> {
    let h = &handles[handle];
    let from_me = rng.chance(0.4);
    let date = mac_nanos(unix);
    let read = if from_me {
        0
    } else {
        date + rng.range(1, 3600) * 1_000_000_000
    };
    db.conn.prepare_cached(INSERT_MESSAGE)?.execute(params![
        rng.uuid(),
        text,
        handle as i64 + 1,
        h.service,
        "E:me@icloud.com",
        "1F0C9B8E-7A6D-4C5B-9A8F-7E6D5C4B3A29",
        date,
        read,
        if from_me { date + 2_000_000_000 } else { 0 },
        from_me as i64,
        from_me as i64,
        (!from_me) as i64,
        from_me as i64,
        attachments as i64,
        "me@icloud.com",
    ])?;
    let id = db.conn.last_insert_rowid();
    db.conn
        .prepare_cached("INSERT INTO chat_message_join VALUES (?1, ?2, ?3)")?
        .execute(params![handle as i64 + 1, id, date])?;
    Ok(id)
}

/// Writes sms.db: `scale` messages, `scale/20` handles (≥ 3), `scale/50` attachments.
pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = ctx.rng("sms");
    let n = ctx.scale;
    let wal = ctx.wal;
    let plants = ctx.plants("sms");
    let (att_plants, mut att_rng) = (ctx.plants("sms_attachments"), ctx.rng("sms_attachments"));
    let mut db = Db::create(ctx, "sms.db", SCHEMA, wal)?;

    let mut seen = std::collections::HashSet::new();
    let mut handles: Vec<Handle> = Vec::new();
    while handles.len() < ctx.part(20, 3) as usize {
        let i = handles.len();
        let (id, service) = match i % 3 {
            2 => (noise::email(&mut rng), "iMessage"),
            0 => (noise::phone(&mut rng), "iMessage"),
            _ => (noise::phone(&mut rng), "SMS"),
        };
        // handle (id, service) is UNIQUE: draw again on a collision.
        if seen.insert((id.clone(), service)) {
            handles.push(Handle { id, service });
        }
    }

    let tx = db.conn.transaction()?;
    tx.execute(
        "INSERT INTO _SqliteDatabaseProperties VALUES ('_ClientVersion', '14006'), \
         ('counter_in_all', '0'), ('counter_out_all', '0')",
        [],
    )?;
    {
        let mut h = tx.prepare("INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id) VALUES (?1, 'gb', ?2, NULL, NULL)")?;
        let mut c = tx.prepare("INSERT INTO chat (guid, style, state, account_id, chat_identifier, service_name, account_login, last_addressed_handle) VALUES (?1, 45, 3, ?2, ?3, ?4, 'E:me@icloud.com', 'me@icloud.com')")?;
        let mut j = tx.prepare("INSERT INTO chat_handle_join VALUES (?1, ?1)")?;
        for (i, hd) in handles.iter().enumerate() {
            h.execute(params![hd.id, hd.service])?;
            let guid = format!("{};-;{}", hd.service, hd.id);
            c.execute(params![guid, rng.uuid(), hd.id, hd.service])?;
            j.execute(params![i as i64 + 1])?;
        }
    }
    tx.commit()?;

    // Background messages, oldest first, as ROWIDs grow with time on a phone.
    let mut times: Vec<f64> = (0..n).map(|_| rng.unix_time_f()).collect();
    times.sort_by(f64::total_cmp);
    let n_att = n / 50;
    let with_att = |i: u64| n_att > 0 && i % 50 == 7;
    let mut attached = Vec::new();
    let in_wal = |p: &crate::plant::Plant| p.wal_only && wal;
    db.conn.execute_batch("BEGIN")?;
    for (i, t) in times.iter().enumerate() {
        let text = if rng.chance(0.3) {
            format!("{} {}", noise::sentence(&mut rng), noise::url(&mut rng))
        } else {
            noise::sentence(&mut rng)
        };
        let handle = rng.below(handles.len() as u64) as usize;
        let att = with_att(i as u64);
        let id = insert_message(&db, &mut rng, &handles, handle, &text, *t, att)?;
        if att {
            attached.push((id, handle, *t));
        }
    }
    let mut planted_rows = Vec::new();
    for p in plants.iter().filter(|p| !in_wal(p)) {
        planted_rows.push((p.clone(), plant_message(&db, &mut rng, &handles, p)?));
    }
    for (k, (msg, _, t)) in attached.iter().enumerate() {
        let guid = rng.uuid();
        let name = format!("IMG_{:04}.jpeg", 1000 + k);
        let filename = format!(
            "~/Library/SMS/Attachments/{:02x}/{:02}/{guid}/{name}",
            rng.below(256),
            rng.below(100)
        );
        db.conn.prepare_cached("INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, transfer_state, is_outgoing, transfer_name, total_bytes, original_guid) VALUES (?1, ?2, 0, ?3, 'public.jpeg', 'image/jpeg', 5, 0, ?4, ?5, ?1)")?
            .execute(params![guid, mac_secs(*t) as i64, filename, name, rng.range(20_000, 3_000_000)])?;
        let att = db.conn.last_insert_rowid();
        db.conn
            .prepare_cached("INSERT INTO message_attachment_join VALUES (?1, ?2)")?
            .execute(params![msg, att])?;
    }
    let mut att_rows = Vec::new();
    for p in &att_plants {
        att_rows.push((
            p.clone(),
            super::sms_attachments::plant(&db, &mut att_rng, p)?,
        ));
    }
    db.conn.execute_batch("COMMIT")?;
    let main_rows = n + planted_rows.len() as u64;

    // With --wal: the newest messages (1 in 100, ≥ 1) and wal_only plants stay in the log.
    let mut wal_rows = 0;
    if wal {
        db.checkpoint()?;
        db.conn.execute_batch("BEGIN")?;
        for _ in 0..(n / 100).max(1) {
            let t = (NOW_UNIX - rng.range(60, 86_400)) as f64;
            let handle = rng.below(handles.len() as u64) as usize;
            let text = noise::sentence(&mut rng);
            insert_message(&db, &mut rng, &handles, handle, &text, t, false)?;
            wal_rows += 1;
        }
        for p in plants.iter().filter(|p| in_wal(p)) {
            planted_rows.push((p.clone(), plant_message(&db, &mut rng, &handles, p)?));
            wal_rows += 1;
        }
        db.conn.execute_batch("COMMIT")?;
    }
    let file = if wal {
        db.store_with_wal(ctx, DOMAIN, PATH)?
    } else {
        db.store(ctx, DOMAIN, PATH)?
    };
    for (p, rec) in planted_rows.into_iter().chain(att_rows) {
        ctx.planted(&p, file.clone(), rec);
    }
    ctx.records("sms", main_rows);
    ctx.wal_records("sms", wal_rows);
    ctx.records(
        "sms_attachments",
        (attached.len() + att_plants.len()) as u64,
    );
    Ok(())
}

/// Inserts the message carrying plant `p`; returns its identifying fields.
fn plant_message(
    db: &Db,
    rng: &mut Rng,
    handles: &[Handle],
    p: &crate::plant::Plant,
) -> Result<serde_json::Value> {
    let url = planted_url(p, &format!("track/{}", rng.below(1_000_000)));
    let text = format!("Your parcel could not be delivered. Reschedule: {url}");
    let t = (NOW_UNIX - rng.range(3600, 20 * 86_400)) as f64;
    let handle = rng.below(handles.len() as u64) as usize;
    let id = insert_message(db, rng, handles, handle, &text, t, false)?;
    let guid: String =
        db.conn
            .query_row("SELECT guid FROM message WHERE ROWID = ?1", [id], |r| {
                r.get(0)
            })?;
    Ok(json!({
        "table": "message",
        "rowid": id,
        "guid": guid,
        "handle": handles[handle].id,
        "date": crate::rng::iso8601(t),
        "text": text,
        "url": url,
    }))
}
