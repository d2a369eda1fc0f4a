//! Planted rows of sms.db's `attachment` table (the database itself is written by
//! [`super::sms`]), each joined to an existing received message. MVT's `sms_attachments`
//! checks `filename` against file path and name indicators (HIGH) and flags a received
//! attachment stored under `/var/tmp/` whose name ends in `-1` (MEDIUM).

use crate::plant::Plant;
use crate::rng::{iso8601, mac_secs, Rng, NOW_UNIX};
use crate::sqlite::Db;
use anyhow::Result;
use rusqlite::params;
use serde_json::json;

/// Inserts the attachment carrying plant `p` (`file:name`, `file:path` or `heuristic`) and
/// returns its identifying fields.
pub fn plant(db: &Db, rng: &mut Rng, p: &Plant) -> Result<serde_json::Value> {
    let guid = rng.uuid();
    let (filename, name) = match p.kind.as_str() {
        "file:path" => {
            let name = p.value.rsplit('/').next().unwrap_or(&p.value).to_string();
            (p.value.clone(), name)
        }
        "file:name" => (
            format!(
                "~/Library/SMS/Attachments/{:02x}/{:02}/{guid}/{}",
                rng.below(256),
                rng.below(100),
                p.value
            ),
            p.value.clone(),
        ),
        // The heuristic: a received file left in a temporary folder, with a `-1` suffix.
        _ => {
            let name = format!("IMG_{}.gif", 5000 + rng.below(1000));
            (format!("/var/tmp/com.apple.messages/{guid}/{name}-1"), name)
        }
    };
    let received: i64 = db.conn.query_row(
        "SELECT count(*) FROM message WHERE is_from_me = 0",
        [],
        |r| r.get(0),
    )?;
    let message: Option<(i64, i64)> = if received > 0 {
        Some(db.conn.query_row(
            "SELECT ROWID, date FROM message WHERE is_from_me = 0 ORDER BY ROWID LIMIT 1 OFFSET ?1",
            [rng.below(received as u64) as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    } else {
        None
    };
    // Received with its message (message.date is Mac nanoseconds), else recently.
    let unix = message.map_or((NOW_UNIX - rng.range(3600, 86_400)) as f64, |(_, ns)| {
        ns as f64 / 1e9 + 978_307_200.0
    });
    db.conn.prepare_cached(
        "INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, transfer_state, is_outgoing, transfer_name, total_bytes, original_guid) VALUES (?1, ?2, 0, ?3, 'com.compuserve.gif', 'image/gif', 5, 0, ?4, ?5, ?1)",
    )?
    .execute(params![guid, mac_secs(unix) as i64, filename, name, rng.range(500, 90_000)])?;
    let id = db.conn.last_insert_rowid();
    if let Some((msg, _)) = message {
        db.conn
            .prepare_cached("INSERT INTO message_attachment_join VALUES (?1, ?2)")?
            .execute(params![msg, id])?;
    }
    Ok(
        json!({"table": "attachment", "rowid": id, "guid": guid, "filename": filename,
        "message_rowid": message.map(|(m, _)| m), "created_date": iso8601(unix.floor())}),
    )
}

#[cfg(test)]
mod tests {

    use crate::test_support::{generated, stored};

    #[test]
    fn planted_attachments_are_counted_and_joined() {
        let backup = generated();
        let (out, e) = (&backup.0, &backup.1);
        let db = stored(out, super::super::sms::DOMAIN, super::super::sms::PATH);
        let conn = rusqlite::Connection::open(db).expect("open");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM attachment", [], |r| r.get(0))
            .expect("count");
        assert_eq!(Some(&(n as u64)), e.records.get("sms_attachments"));
        let suspicious: i64 = conn
            .query_row(
                "SELECT count(*) FROM attachment JOIN message_attachment_join \
                 ON attachment_id = attachment.ROWID JOIN message ON message.ROWID = message_id \
                 WHERE filename LIKE '/var/tmp/%-1' AND is_outgoing = 0 AND is_from_me = 0",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(suspicious, 1);
        let planted = e
            .detections
            .iter()
            .filter(|d| d.module == "sms_attachments");
        assert_eq!(planted.count(), 2);
        drop(conn);
    }
}
