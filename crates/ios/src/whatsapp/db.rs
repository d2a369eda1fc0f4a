//! Reading ChatStorage.sqlite and LID.sqlite.

use super::sql::{mac_time, py_str, query_values, Table};
use super::{ChatSession, LidPair, WhatsappMessage, WhatsappRecord};
use crate::common::query_error;
use std::collections::HashMap;
use tracehound_core::text::extract_links;
use tracehound_core::{InputFile, ModuleError};
use tracehound_evidence::rawrow::{column_names, RawRow, RawValue};
use tracehound_evidence::{Db, FoundFile, IosSource};

/// Columns that can carry links: the text, the matched link of a preview, media and preview URLs.
const LINK_COLUMNS: [&str; 5] = [
    "ZTEXT",
    "ZMATCHEDTEXT",
    "ZMEDIAURL",
    "ZCONTENT1",
    "ZCONTENT2",
];

/// WhatsApp's own media CDN: every media message links there.
const MEDIA_CDN: [&str; 2] = ["https://mmg-fna.whatsapp.net/", "https://mmg.whatsapp.net/"];

/// What reading the databases produced.
#[derive(Default)]
pub(super) struct Collected {
    pub records: Vec<WhatsappRecord>,
    pub warnings: Vec<String>,
    pub inputs: Vec<InputFile>,
}

/// Reads one ChatStorage.sqlite (and its LID.sqlite, if any) into `out`.
pub(super) fn collect(
    ev: &dyn IosSource,
    chat: &FoundFile,
    lid: Option<&FoundFile>,
    out: &mut Collected,
) -> Result<(), ModuleError> {
    let db = ev.open_sqlite(chat)?;
    out.inputs.push(chat.input());
    if !db.has_table("ZWAMESSAGE") {
        out.warnings
            .push(format!("{}: no ZWAMESSAGE table", chat.path));
        return Ok(());
    }
    messages(&db, chat, &mut out.records)?;

    let mut pairs = None;
    if let Some(lid) = lid {
        match ev.open_sqlite(lid) {
            Ok(lid_db) => {
                out.inputs.push(lid.input());
                pairs = lid_pairs(&lid_db, lid, &mut out.warnings);
            }
            Err(e) => out.warnings.push(format!("{}: {e}", lid.artifact())),
        }
    }
    // Older versions keep the pairs in ChatStorage.sqlite itself.
    let pairs = pairs
        .or_else(|| lid_pairs(&db, chat, &mut out.warnings))
        .unwrap_or_default();
    let mut lid_map = HashMap::new();
    for p in &pairs {
        if let (Some(lid), Some(phone)) = (py_str(&p.lid), py_str(&p.phone_number)) {
            let lid = lid.split('@').next().unwrap_or_default().to_string();
            let phone = phone.split('@').next().unwrap_or_default();
            lid_map.insert(lid, phone.trim_start_matches('+').to_string());
        }
    }
    out.records
        .extend(pairs.into_iter().map(WhatsappRecord::LidPair));

    match sessions(&db, &lid_map) {
        Ok(s) => out.records.extend(
            s.into_iter()
                .map(|c| WhatsappRecord::ChatSession(Box::new(c))),
        ),
        Err(e) => out
            .warnings
            .push(format!("{}: chat sessions not read: {e}", chat.path)),
    }
    Ok(())
}

/// Messages with their media item and link-preview columns.
fn messages(db: &Db, file: &FoundFile, out: &mut Vec<WhatsappRecord>) -> Result<(), ModuleError> {
    let m = Table::of(db, "ZWAMESSAGE", "M");
    let joinable = |t: Table| {
        if t.has(&["ZMESSAGE"]) && m.has(&["Z_PK"]) {
            t
        } else {
            Table::absent("X")
        }
    };
    let media = joinable(Table::of(db, "ZWAMEDIAITEM", "MI"));
    let data = joinable(Table::of(db, "ZWAMESSAGEDATAITEM", "D"));
    let mut sql = format!(
        "SELECT M.*, {} AS ZAUTHORNAME, {} AS ZMEDIAURL, {} AS ZCONTENT1, {} AS ZCONTENT2, \
         {} AS ZMATCHEDTEXT, {} AS ZSUMMARY, {} AS ZTITLE FROM ZWAMESSAGE M",
        media.col("ZAUTHORNAME"),
        media.col("ZMEDIAURL"),
        data.col("ZCONTENT1"),
        data.col("ZCONTENT2"),
        data.col("ZMATCHEDTEXT"),
        data.col("ZSUMMARY"),
        data.col("ZTITLE"),
    );
    if media.has(&["ZMESSAGE"]) {
        sql.push_str(" LEFT JOIN ZWAMEDIAITEM MI ON MI.ZMESSAGE = M.Z_PK");
    }
    if data.has(&["ZMESSAGE"]) {
        sql.push_str(" LEFT JOIN ZWAMESSAGEDATAITEM D ON D.ZMESSAGE = M.Z_PK");
    }
    if m.has(&["Z_PK"]) {
        sql.push_str(" ORDER BY M.Z_PK");
    }
    let mut stmt = db.conn().prepare(&sql).map_err(|e| query_error(file, e))?;
    let names = column_names(&stmt);
    let mut rows = stmt.query([]).map_err(|e| query_error(file, e))?;
    while let Some(r) = rows.next().map_err(|e| query_error(file, e))? {
        let mut row = RawRow::from_row(&names, r).map_err(|e| query_error(file, e))?;
        if matches!(row.get("ZTEXT"), Some(RawValue::Null)) {
            row.set("ZTEXT", RawValue::Text("".into()));
        }
        let mut links: Vec<String> = Vec::new();
        for col in LINK_COLUMNS {
            let Some(text) = row.get(col).as_ref().and_then(py_str) else {
                continue;
            };
            for link in extract_links(&text) {
                if !MEDIA_CDN.iter().any(|c| link.starts_with(c))
                    && !links.iter().any(|l| l == link)
                {
                    links.push(link.to_string());
                }
            }
        }
        let blank = row.str("ZTEXT").unwrap_or("").trim().is_empty();
        out.push(WhatsappRecord::Message(WhatsappMessage {
            isodate: row.get("ZMESSAGEDATE").as_ref().and_then(mac_time),
            links: (!links.is_empty() || blank).then_some(links),
            row,
        }));
    }
    Ok(())
}

/// The LID pairs of `db`, or `None` when it has no pair table or it cannot be read.
pub(crate) fn lid_pairs(
    db: &Db,
    file: &FoundFile,
    warnings: &mut Vec<String>,
) -> Option<Vec<LidPair>> {
    let p = Table::of(db, "ZWAPHONENUMBERLIDPAIR", "P");
    if !p.has(&["ZLID"]) {
        return None;
    }
    let order = if p.has(&["Z_PK"]) {
        " ORDER BY P.Z_PK"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {}, {}, {} FROM ZWAPHONENUMBERLIDPAIR P{order}",
        p.col("ZLID"),
        p.col("ZPHONENUMBER"),
        p.col("ZTIMESTAMP")
    );
    match query_values(db, &sql) {
        Ok(rows) => Some(
            rows.into_iter()
                .map(|r| {
                    let mut it = r.into_iter();
                    let mut next = || it.next().unwrap_or(RawValue::Null);
                    LidPair {
                        record_type: "lid_phone_number_pair",
                        lid: next(),
                        phone_number: next(),
                        pair_timestamp: mac_time(&next()),
                    }
                })
                .collect(),
        ),
        Err(e) => {
            warnings.push(format!("{}: LID pairs not read: {e}", file.path));
            None
        }
    }
}

/// One record per chat session, with the dates of its stored messages.
fn sessions(db: &Db, lid_map: &HashMap<String, String>) -> rusqlite::Result<Vec<ChatSession>> {
    let s = Table::of(db, "ZWACHATSESSION", "S");
    if !s.has(&["Z_PK"]) {
        return Ok(Vec::new());
    }
    let g = Table::of(db, "ZWAGROUPINFO", "G");
    let g = if s.has(&["ZGROUPINFO"]) && g.has(&["Z_PK"]) {
        g
    } else {
        Table::absent("G")
    };
    let m = Table::of(db, "ZWAMESSAGE", "M");
    let m = if m.has(&["ZCHATSESSION"]) {
        m
    } else {
        Table::absent("M")
    };
    let mut sql = format!(
        "SELECT S.Z_PK, {}, {}, {}, {}, {}, {}, {}, {}, MIN({}), MAX({}), COUNT({}) \
         FROM ZWACHATSESSION S",
        s.col("ZCONTACTJID"),
        s.col("ZPARTNERNAME"),
        s.col("ZSESSIONTYPE"),
        s.col("ZARCHIVED"),
        s.col("ZREMOVED"),
        s.col("ZMESSAGECOUNTER"),
        s.col("ZLASTMESSAGEDATE"),
        g.col("ZCREATIONDATE"),
        m.col("ZMESSAGEDATE"),
        m.col("ZMESSAGEDATE"),
        m.col("Z_PK"),
    );
    if g.has(&["Z_PK"]) {
        sql.push_str(" LEFT JOIN ZWAGROUPINFO G ON S.ZGROUPINFO = G.Z_PK");
    }
    if m.has(&["ZCHATSESSION"]) {
        sql.push_str(" LEFT JOIN ZWAMESSAGE M ON M.ZCHATSESSION = S.Z_PK");
    }
    sql.push_str(" GROUP BY S.Z_PK ORDER BY S.Z_PK");
    let rows = query_values(db, &sql)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().unwrap_or(RawValue::Null);
            let session_pk = next();
            let contact_jid = next();
            let partner_resolved_phone_number = py_str(&contact_jid)
                .filter(|j| j.ends_with("@lid"))
                .and_then(|j| lid_map.get(j.split('@').next().unwrap_or_default()))
                .filter(|d| !d.is_empty())
                .map(|d| format!("+{d}"));
            ChatSession {
                session_pk,
                contact_jid,
                partner_name: next(),
                session_type: next(),
                archived: next(),
                removed: next(),
                message_counter: next(),
                last_message_date: mac_time(&next()),
                group_creation_date: mac_time(&next()),
                first_stored_message_date: mac_time(&next()),
                last_stored_message_date: mac_time(&next()),
                stored_message_count: next(),
                record_type: "chat_session",
                partner_resolved_phone_number,
            }
        })
        .collect())
}
