//! Building the interaction query from the tables and columns the database has.
//!
//! Core Data names its many-to-many link tables after entity numbers (`Z_1INTERACTIONS` with
//! `Z_1ATTACHMENTS`/`Z_3INTERACTIONS`, `Z_2INTERACTIONRECIPIENT`…), which change when Apple
//! adds entities; they are found by their name pattern rather than assumed. Columns an iOS
//! version lacks read as `NULL`, so one query serves every version.

use crate::whatsapp::sql::{quote, Table};
use tracehound_evidence::Db;

/// Which table of the join a field comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Src {
    /// `ZINTERACTIONS`.
    Interaction,
    /// `ZCONTACTS` of the sender.
    Sender,
    /// `ZCONTACTS` of a recipient.
    Recipient,
    /// `ZATTACHMENT`.
    Attachment,
}

use Src::{Attachment as A, Interaction as I, Recipient as R, Sender as S};

/// The record's fields in order: (output name, source table, column).
pub(super) const FIELDS: [(&str, Src, &str); 39] = [
    ("start_date", I, "ZSTARTDATE"),
    ("end_date", I, "ZENDDATE"),
    ("bundle_id", I, "ZBUNDLEID"),
    ("account", I, "ZACCOUNT"),
    ("target_bundle_id", I, "ZTARGETBUNDLEID"),
    ("direction", I, "ZDIRECTION"),
    ("sender_display_name", S, "ZDISPLAYNAME"),
    ("sender_identifier", S, "ZIDENTIFIER"),
    ("sender_personid", S, "ZPERSONID"),
    ("recipient_display_name", R, "ZDISPLAYNAME"),
    ("recipient_identifier", R, "ZIDENTIFIER"),
    ("recipient_personid", R, "ZPERSONID"),
    ("recipient_count", I, "ZRECIPIENTCOUNT"),
    ("domain_identifier", I, "ZDOMAINIDENTIFIER"),
    ("is_response", I, "ZISRESPONSE"),
    ("content", A, "ZCONTENTTEXT"),
    ("uti", A, "ZUTI"),
    ("attachment_content_url", A, "ZCONTENTURL"),
    ("size", A, "ZSIZEINBYTES"),
    ("photo_local_id", A, "ZPHOTOLOCALIDENTIFIER"),
    ("attachment_id", A, "ZIDENTIFIER"),
    ("cloud_id", A, "ZCLOUDIDENTIFIER"),
    ("incoming_recipient_count", S, "ZINCOMINGRECIPIENTCOUNT"),
    ("incoming_sender_count", S, "ZINCOMINGSENDERCOUNT"),
    ("outgoing_recipient_count", S, "ZOUTGOINGRECIPIENTCOUNT"),
    ("interactions_creation_date", I, "ZCREATIONDATE"),
    ("contacts_creation_date", S, "ZCREATIONDATE"),
    (
        "first_incoming_recipient_date",
        S,
        "ZFIRSTINCOMINGRECIPIENTDATE",
    ),
    ("first_incoming_sender_date", S, "ZFIRSTINCOMINGSENDERDATE"),
    (
        "first_outgoing_recipient_date",
        S,
        "ZFIRSTOUTGOINGRECIPIENTDATE",
    ),
    ("last_incoming_sender_date", S, "ZLASTINCOMINGSENDERDATE"),
    (
        "last_incoming_recipient_date",
        S,
        "ZLASTINCOMINGRECIPIENTDATE",
    ),
    (
        "last_outgoing_recipient_date",
        S,
        "ZLASTOUTGOINGRECIPIENTDATE",
    ),
    ("custom_id", S, "ZCUSTOMIDENTIFIER"),
    ("interaction_content_url", I, "ZCONTENTURL"),
    ("location_uuid", I, "ZLOCATIONUUID"),
    ("group_name", I, "ZGROUPNAME"),
    ("derivied_intent_id", I, "ZDERIVEDINTENTIDENTIFIER"),
    ("table_id", I, "Z_PK"),
];

/// A many-to-many link table: its name, its column pointing at the interaction and its
/// column pointing at the other entity.
struct Link {
    table: String,
    interaction: String,
    other: String,
}

/// The first table named `Z_<n><table_suffix>` with a column ending in `interaction_suffix`
/// and one ending in `other_suffix`.
fn find_link(
    db: &Db,
    tables: &[String],
    table_suffix: &str,
    interaction_suffix: &str,
    other_suffix: &str,
) -> Option<Link> {
    tables
        .iter()
        .filter(|t| t.starts_with("Z_") && t.ends_with(table_suffix))
        .find_map(|t| {
            let cols = db.columns(t);
            let pick = |suffix: &str| cols.iter().find(|c| c.ends_with(suffix)).cloned();
            Some(Link {
                table: t.clone(),
                interaction: pick(interaction_suffix)?,
                other: pick(other_suffix)?,
            })
        })
}

/// The interaction query for this database, or `None` if it has no `ZINTERACTIONS` table.
pub(super) fn build(db: &Db) -> Option<String> {
    let i = Table::of(db, "ZINTERACTIONS", "I");
    if !i.has(&["Z_PK"]) {
        return None;
    }
    let tables: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))
                .map(|rows| rows.flatten().collect())
        })
        .unwrap_or_default();
    let contacts = Table::of(db, "ZCONTACTS", "S");
    let mut joins = String::new();

    let sender = if i.has(&["ZSENDER"]) && contacts.has(&["Z_PK"]) {
        joins.push_str(" LEFT JOIN ZCONTACTS S ON I.ZSENDER = S.Z_PK");
        contacts
    } else {
        Table::absent("S")
    };
    let attachment = Table::of(db, "ZATTACHMENT", "A");
    let attachment = match find_link(db, &tables, "INTERACTIONS", "INTERACTIONS", "ATTACHMENTS") {
        Some(l) if attachment.has(&["Z_PK"]) => {
            joins.push_str(&format!(
                " LEFT JOIN {} LA ON I.Z_PK = LA.{} LEFT JOIN ZATTACHMENT A ON LA.{} = A.Z_PK",
                quote(&l.table),
                quote(&l.interaction),
                quote(&l.other)
            ));
            attachment
        }
        _ => Table::absent("A"),
    };
    let recipient = Table::of(db, "ZCONTACTS", "R");
    let link = find_link(
        db,
        &tables,
        "INTERACTIONRECIPIENT",
        "INTERACTIONRECIPIENT",
        "RECIPIENTS",
    );
    let recipient = match link {
        Some(l) if recipient.has(&["Z_PK"]) => {
            joins.push_str(&format!(
                " LEFT JOIN {} LR ON I.Z_PK = LR.{} LEFT JOIN ZCONTACTS R ON LR.{} = R.Z_PK",
                quote(&l.table),
                quote(&l.interaction),
                quote(&l.other)
            ));
            recipient
        }
        _ => Table::absent("R"),
    };

    let select: Vec<String> = FIELDS
        .iter()
        .map(|&(_, src, col)| {
            let t = match src {
                I => &i,
                S => &sender,
                R => &recipient,
                A => &attachment,
            };
            // MVT hex-encodes the attachment identifier (a UUID blob).
            if src == A && col == "ZIDENTIFIER" && t.has(&[col]) {
                format!("HEX({})", t.col(col))
            } else {
                t.col(col)
            }
        })
        .collect();
    Some(format!(
        "SELECT {} FROM ZINTERACTIONS I{joins} ORDER BY I.Z_PK",
        select.join(", ")
    ))
}
