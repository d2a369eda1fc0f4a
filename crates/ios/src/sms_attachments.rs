//! SMS and iMessage attachments: the `attachment` table of `sms.db`
//! (`HomeDomain:Library/SMS/sms.db`, on device `/private/var/mobile/Library/SMS/sms.db`), all
//! iOS versions that keep attachments there. Each attachment is joined through
//! `message_attachment_join` to its message (service) and the message's `handle` (the other
//! party). `created_date`/`start_date` are Mac absolute time (seconds, or nanoseconds on
//! recent versions).
//!
//! `filename` is where the file was stored on the phone: normally under
//! `~/Library/SMS/Attachments/`. Zero-click exploits delivered over iMessage have left received
//! attachments in temporary folders instead, named with a `-1` suffix: a received attachment
//! under `/var/tmp/` (or `/private/var/tmp/`) ending in `-1` is flagged MEDIUM, as MVT does; any
//! other received attachment stored in a temporary folder is flagged LOW. File paths are
//! matched against file path and name indicators.

use crate::chrome_history::py_raw;
use crate::common::{find, query_error};
use crate::plist_json::or_empty;
use crate::sms::sms_time;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::{column_names, RawRow, RawValue};
use tracehound_evidence::{Db, IosSource};

/// Temporary folders received attachments have no business in (`/var` is `/private/var`).
const TEMP_DIRS: [&str; 4] = ["/var/tmp/", "/private/var/tmp/", "/tmp/", "/private/tmp/"];

/// One attachment, with every column of its `attachment` row (as MVT writes them).
#[derive(Debug, Clone, Serialize)]
pub struct SmsAttachment {
    /// `attachment_id`, the `attachment` columns (`start_date` as a date, `filename` `"NULL"`
    /// when empty), `service` (`"Unknown"` when empty) and `phone_number`.
    #[serde(flatten)]
    pub row: RawRow,
    /// `created_date` as a date (`""` when absent).
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// `sent` or `received`.
    pub direction: &'static str,
    /// Whether `user_info` is set.
    pub has_user_info: bool,
    /// Whether `filename` was empty (it then reads `"NULL"`, as in MVT's results).
    #[serde(skip)]
    pub no_filename: bool,
}

impl SmsAttachment {
    /// The stored path (`"NULL"` when there is none).
    pub fn filename(&self) -> &str {
        self.row.str("filename").unwrap_or("NULL")
    }

    fn field(&self, name: &str) -> String {
        py_raw(&self.row.get(name).unwrap_or(RawValue::Null))
    }
}

impl Record for SmsAttachment {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if !self.no_filename {
            out.push(Observable::FilePath(self.filename()));
        }
        if let Some(name) = self.row.str("transfer_name").filter(|n| !n.is_empty()) {
            out.push(Observable::FileName(name));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "sms_attachment",
            format!(
                "{}: Attachment '{}' {} from {} with {} bytes (is_sticker: {}, has_user_info: {})",
                self.field("service"),
                self.field("transfer_name"),
                self.direction,
                self.field("phone_number"),
                self.field("total_bytes"),
                self.field("is_sticker"),
                if self.has_user_info { "True" } else { "False" },
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// Whether a value is empty as Python's truth test sees it (MVT replaces those).
fn is_empty(v: &Option<RawValue>) -> bool {
    match v {
        None | Some(RawValue::Null) => true,
        Some(RawValue::Text(t)) => t.is_empty(),
        Some(RawValue::Blob(b)) => b.is_empty(),
        Some(RawValue::Int(i)) => *i == 0,
        Some(RawValue::Real(r)) => *r == 0.0,
    }
}

fn read_attachments(db: &Db) -> rusqlite::Result<Vec<SmsAttachment>> {
    // The joins add the service and the other party when the tables allow it.
    let joined = ["message_attachment_join", "message", "handle"]
        .iter()
        .all(|t| db.has_table(t));
    let sql = if joined {
        "SELECT attachment.ROWID AS attachment_id, attachment.*, message.service AS service, \
                handle.id AS phone_number \
         FROM attachment \
         LEFT JOIN message_attachment_join \
              ON message_attachment_join.attachment_id = attachment.ROWID \
         LEFT JOIN message ON message.ROWID = message_attachment_join.message_id \
         LEFT JOIN handle ON handle.ROWID = message.handle_id"
    } else {
        "SELECT attachment.ROWID AS attachment_id, attachment.*, NULL AS service, \
                NULL AS phone_number FROM attachment"
    };
    let mut stmt = db.conn().prepare(sql)?;
    let names = column_names(&stmt);
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = RawRow::from_row(&names, r)?;
        let isodate = sms_time(row.get("created_date").as_ref());
        let start = sms_time(row.get("start_date").as_ref());
        row.set(
            "start_date",
            RawValue::Text(start.map(|t| t.to_mvt_string()).unwrap_or_default().into()),
        );
        if is_empty(&row.get("service")) {
            row.set("service", RawValue::Text("Unknown".into()));
        }
        let no_filename = is_empty(&row.get("filename"));
        if no_filename {
            row.set("filename", RawValue::Text("NULL".into()));
        }
        out.push(SmsAttachment {
            isodate,
            direction: if row.int("is_outgoing") == Some(1) {
                "sent"
            } else {
                "received"
            },
            has_user_info: !matches!(row.get("user_info"), None | Some(RawValue::Null)),
            no_filename,
            row,
        });
    }
    Ok(out)
}

/// MEDIUM for MVT's rule (received, under `/var/tmp/`, name ending `-1`); LOW for other
/// received attachments stored in a temporary folder.
pub fn find_odd_attachments(attachments: &[SmsAttachment]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, a) in attachments.iter().enumerate() {
        if a.direction != "received" || a.no_filename {
            continue;
        }
        let path = a.filename();
        let Some(dir) = TEMP_DIRS.iter().find(|d| path.starts_with(*d)) else {
            continue;
        };
        let when = a.isodate.map(|t| t.to_mvt_string()).unwrap_or_default();
        let alert = if dir.ends_with("var/tmp/") && path.ends_with("-1") {
            Alert::heuristic(
                Level::Medium,
                i,
                format!("Suspicious iMessage attachment {path} on {when}"),
            )
        } else {
            Alert::heuristic(
                Level::Low,
                i,
                format!(
                    "Received attachment {path} on {when} is stored in a temporary folder, \
                     not with the other message attachments"
                ),
            )
        };
        alerts.push(alert.at(a.isodate));
    }
    alerts
}

/// The SMSAttachments module.
pub struct SmsAttachments;

static META: ModuleMeta = ModuleMeta {
    slug: "sms_attachments",
    name: "SMSAttachments",
    description: "SMS and iMessage attachments, with received files in odd temporary places",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/SMS/sms.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for SmsAttachments {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &crate::sms::ARTIFACT)?;
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("attachment") {
                // As MVT: a database without attachments is not an error.
                warnings.push(format!("{}: no attachment table", file.artifact()));
                continue;
            }
            records.extend(read_attachments(&db).map_err(|e| query_error(file, e))?);
        }
        let alerts = find_odd_attachments(&records);
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
