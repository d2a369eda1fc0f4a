//! SMS and iMessage messages: `sms.db` (`HomeDomain:Library/SMS/sms.db`, on device
//! `/private/var/mobile/Library/SMS/sms.db`), all iOS versions. Links in message bodies are the
//! usual vector of one-click infection attempts; Apple's threat notifications arrive here too.
//! Schema: `message` joined to `handle` on `handle_id`; `date`/`date_read` are Mac absolute
//! time, in nanoseconds since iOS 11 and in seconds before.

use crate::common::{find, query_error};
use serde::Serialize;
use tracehound_core::text::extract_links;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::{column_names, RawRow, RawValue};
use tracehound_evidence::{Artifact, IosSource};

/// Where sms.db lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/SMS/sms.db")],
    fs: &["private/var/mobile/Library/SMS/sms.db"],
};

/// Texts Apple sends to users it believes were targeted by mercenary spyware.
const APPLE_THREAT_NOTIFICATIONS: [&str; 2] = [
    "ALERT: State-sponsored attackers may be targeting your iPhone",
    "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
];

/// One message, with every column of its `message` row (as MVT writes them).
#[derive(Debug, Clone, Serialize)]
pub struct SmsMessage {
    /// All columns of the `message` row.
    #[serde(flatten)]
    pub row: RawRow,
    /// The other party (`handle.id`: phone number or Apple ID).
    pub phone_number: Option<String>,
    /// When it was sent or received.
    pub isodate: Option<Timestamp>,
    /// When it was read.
    pub isodate_read: Option<Timestamp>,
    /// `sent` or `received`.
    pub direction: &'static str,
    /// Links in the text.
    pub links: Vec<String>,
}

impl SmsMessage {
    fn text(&self) -> &str {
        self.row.str("text").unwrap_or("")
    }
}

/// Mac absolute time in sms.db: nanoseconds on iOS 11+, seconds before.
pub fn sms_time(v: Option<&RawValue>) -> Option<Timestamp> {
    let n = v?.as_i64()?;
    if n == 0 {
        return None;
    }
    if n.unsigned_abs() > 10_000_000_000 {
        Timestamp::from_mac_nanos(n)
    } else {
        Timestamp::from_mac_secs_f64(n as f64)
    }
}

impl Record for SmsMessage {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Text(self.text()));
    }

    fn links<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(self.links.iter().map(String::as_str));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let text = self.text().replace('\n', "\\n");
        let field = |k: &str| self.row.str(k).unwrap_or("None").to_string();
        let data = format!(
            "{}: {} \"{}\" from {} ({})",
            field("service"),
            field("guid"),
            text,
            self.phone_number.as_deref().unwrap_or("None"),
            field("account"),
        );
        out.push(TimelineEvent::new(
            self.isodate,
            "sms_received",
            data.clone(),
        ));
        if self.isodate_read.is_some() {
            out.push(TimelineEvent::new(self.isodate_read, "sms_read", data));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The SMS module.
pub struct Sms;

static META: ModuleMeta = ModuleMeta {
    slug: "sms",
    name: "SMS",
    description: "SMS and iMessage messages, with the links they contain",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/SMS/sms.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Sms {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut messages = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("message") || !db.has_table("handle") {
                warnings.push(format!("{}: no message/handle tables", file.path));
                continue;
            }
            let mut stmt = db
                .conn()
                .prepare(
                    "SELECT message.*, handle.id AS phone_number FROM message, handle \
                     WHERE handle.rowid = message.handle_id",
                )
                .map_err(|e| query_error(file, e))?;
            let names = column_names(&stmt);
            let phone_col = names.len() - 1;
            let message_cols: std::sync::Arc<[String]> = names[..phone_col].into();
            let mut rows = stmt.query([]).map_err(|e| query_error(file, e))?;
            while let Some(r) = rows.next().map_err(|e| query_error(file, e))? {
                let mut row =
                    RawRow::from_row(&message_cols, r).map_err(|e| query_error(file, e))?;
                let phone_number = match r.get_ref(phone_col) {
                    Ok(v) => RawValue::from_ref(v).as_str().map(str::to_string),
                    Err(_) => None,
                };
                if row.str("text").is_none() {
                    row.set("text", RawValue::Text("".into()));
                }
                let links = extract_links(row.str("text").unwrap_or(""))
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                messages.push(SmsMessage {
                    isodate: sms_time(row.get("date").as_ref()),
                    isodate_read: sms_time(row.get("date_read").as_ref()),
                    direction: if row.int("is_from_me") == Some(1) {
                        "sent"
                    } else {
                        "received"
                    },
                    phone_number,
                    links,
                    row,
                });
            }
        }
        let alerts = messages
            .iter()
            .enumerate()
            .filter(|(_, m)| APPLE_THREAT_NOTIFICATIONS.iter().any(|a| m.text().starts_with(a)))
            .map(|(i, m)| {
                Alert::heuristic(
                    Level::High,
                    i,
                    format!(
                        "Apple threat notification (targeted mercenary spyware warning) received on {}",
                        m.isodate.map(|t| t.to_mvt_string()).unwrap_or_default()
                    ),
                )
            })
            .collect();
        let mut out =
            ModuleOutput::new(messages).with_inputs(files.iter().map(|f| f.input()).collect());
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
