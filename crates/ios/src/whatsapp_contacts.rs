//! WhatsApp contacts and their disappearing-messages timers: `ContactsV2.sqlite` in WhatsApp's
//! app group container (`AppDomainGroup-group.net.whatsapp.WhatsApp.shared:ContactsV2.sqlite`,
//! backup ID `b8548dc3…`; on device `private/var/mobile/Containers/Shared/AppGroup/<uuid>/
//! ContactsV2.sqlite`); WhatsApp Business's container is read too. Core Data table
//! `ZWAADDRESSBOOKCONTACT`, whose columns vary between WhatsApp versions (a missing one reads
//! as NULL); strings are sometimes stored as UTF-8 blobs; dates are Mac absolute seconds.
//!
//! ChatStorage.sqlite does not say whether a one-to-one chat has disappearing messages on: the
//! timer is kept per contact here, with the contact's LID and "about" text. Timeline events
//! mark when a timer was set and when an "about" text changed.

use crate::common::query_error;
use crate::whatsapp::files::{locate, KnownFile};
use crate::whatsapp::sql::{mac_time, py_display, query_values, Table};
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, IosSource};

const GROUP: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const GROUP_SMB: &str = "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared";

/// Where ContactsV2.sqlite lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        (GROUP, "ContactsV2.sqlite"),
        (GROUP_SMB, "ContactsV2.sqlite"),
    ],
    fs: &["private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"],
};

/// Present in a backup folder even when `Manifest.db` does not list it.
const KNOWN: &[KnownFile] = &[KnownFile {
    id: "b8548dc30aa1030df0ce18ef08b882cf7ab5212f",
    domain: GROUP,
    path: "ContactsV2.sqlite",
}];

/// WhatsApp's standard timer values, in seconds, and how its settings name them.
const TIMER_LABELS: [(i64, &str); 5] = [
    (86_400, "24 hours"),
    (604_800, "7 days"),
    (1_209_600, "14 days"),
    (2_592_000, "30 days"),
    (7_776_000, "90 days"),
];

/// One `ZWAADDRESSBOOKCONTACT` row.
#[derive(Debug, Clone, Serialize)]
pub struct WhatsappContact {
    /// `Z_PK`.
    pub row_pk: RawValue,
    /// `ZWHATSAPPID` (`<number>@s.whatsapp.net`).
    pub whatsapp_id: Option<String>,
    /// `ZLID` (`<id>@lid`).
    pub lid: Option<String>,
    /// `ZPHONENUMBER`.
    pub phone_number: Option<String>,
    /// `ZLOCALIZEDPHONENUMBER`.
    pub localized_phone_number: Option<String>,
    /// `ZFULLNAME`.
    pub full_name: Option<String>,
    /// `ZGIVENNAME`.
    pub given_name: Option<String>,
    /// `ZLASTNAME`.
    pub last_name: Option<String>,
    /// `ZUSERNAME`.
    pub user_name: Option<String>,
    /// `ZBUSINESSNAME`.
    pub business_name: Option<String>,
    /// `ZABOUTTEXT`.
    pub about_text: Option<String>,
    /// `ZABOUTEMOJI`.
    pub about_emoji: Option<String>,
    /// `ZNOTES`.
    pub notes: Option<String>,
    /// `ZDISAPPEARINGMODEDURATION`, seconds.
    pub disappearing_mode_duration: RawValue,
    /// `ZDISAPPEARINGMODETIMESTAMP`: when the timer was set.
    pub disappearing_mode_timestamp: Option<Timestamp>,
    /// `ZABOUTTIMESTAMP`.
    pub about_timestamp: Option<Timestamp>,
    /// `ZABOUTEXPIRATIONTIMESTAMP`.
    pub about_expiration_timestamp: Option<Timestamp>,
    /// `ZLASTUPDATED`.
    pub last_updated: Option<Timestamp>,
    /// `ZPHONESTATUS` (`ZPHONENUMBERSTATUS` in some versions).
    pub phone_status: RawValue,
    /// `ZSYNCPOLICY`.
    pub sync_policy: RawValue,
    /// Whether disappearing messages are on; `null` when this version has no timer column.
    pub disappearing_mode_is_on: Option<bool>,
    /// `off`, `24 hours`, `7 days`…, or `<n> seconds`; `null` as above.
    pub disappearing_mode_label: Option<String>,
}

impl WhatsappContact {
    /// How MVT names a contact in its timeline: identifier, then name in brackets.
    fn describe(&self) -> String {
        let id = [&self.whatsapp_id, &self.lid, &self.phone_number]
            .into_iter()
            .flatten()
            .find(|s| !s.is_empty())
            .map_or("unknown", String::as_str);
        match self.full_name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => format!("{id} ({name})"),
            None => id.to_string(),
        }
    }
}

impl Record for WhatsappContact {
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let contact = self.describe();
        if self.disappearing_mode_timestamp.is_some() {
            out.push(TimelineEvent::new(
                self.disappearing_mode_timestamp,
                "disappearing_mode_set",
                format!(
                    "WhatsApp disappearing messages timer set to '{}' for {contact}",
                    self.disappearing_mode_label.as_deref().unwrap_or("None")
                ),
            ));
        }
        if self.about_timestamp.is_some() {
            let mut data = format!("WhatsApp about text of {contact} changed");
            if let Some(text) = self.about_text.as_deref().filter(|t| !t.is_empty()) {
                data.push_str(&format!(" to \"{text}\""));
            }
            out.push(TimelineEvent::new(
                self.about_timestamp,
                "about_changed",
                data,
            ));
        }
        if self.about_expiration_timestamp.is_some() {
            out.push(TimelineEvent::new(
                self.about_expiration_timestamp,
                "about_expiration",
                format!("WhatsApp about text of {contact} scheduled to expire"),
            ));
        }
        if self.last_updated.is_some() {
            out.push(TimelineEvent::new(
                self.last_updated,
                "contact_last_updated",
                format!("WhatsApp contact record for {contact} updated"),
            ));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.disappearing_mode_timestamp.or(self.last_updated)
    }
}

/// A string column as MVT reads it: blobs decoded as UTF-8 (invalid bytes replaced).
fn string(v: RawValue) -> Option<String> {
    match v {
        RawValue::Null => None,
        RawValue::Text(t) => Some(t.into()),
        RawValue::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        other => Some(py_display(&other)),
    }
}

/// Python's truthiness of a value: whether MVT counts the timer as on.
fn truthy(v: &RawValue) -> bool {
    match v {
        RawValue::Null => false,
        RawValue::Int(i) => *i != 0,
        RawValue::Real(r) => *r != 0.0,
        RawValue::Text(t) => !t.is_empty(),
        RawValue::Blob(b) => !b.is_empty(),
    }
}

/// The timer in whole seconds (truncated, as Python's `int()`), if it is a number.
fn timer_seconds(v: &RawValue) -> Option<i64> {
    let secs = match v {
        RawValue::Text(t) => t.trim().parse::<f64>().ok()?,
        other => other.as_f64()?,
    };
    secs.is_finite()
        .then(|| secs.trunc().clamp(-9e18, 9e18) as i64)
}

/// The label WhatsApp's settings show for a timer.
pub fn timer_label(v: &RawValue) -> String {
    if !truthy(v) {
        return "off".into();
    }
    match timer_seconds(v) {
        Some(s) => TIMER_LABELS
            .iter()
            .find(|(n, _)| *n == s)
            .map_or_else(|| format!("{s} seconds"), |(_, l)| (*l).to_string()),
        None => format!("{} (not a number of seconds)", py_display(v)),
    }
}

/// `(field, candidate columns)`, in MVT's order after `Z_PK`.
const COLUMNS: [&[&str]; 19] = [
    &["ZWHATSAPPID"],
    &["ZLID"],
    &["ZPHONENUMBER"],
    &["ZLOCALIZEDPHONENUMBER"],
    &["ZFULLNAME"],
    &["ZGIVENNAME"],
    &["ZLASTNAME"],
    &["ZUSERNAME"],
    &["ZBUSINESSNAME"],
    &["ZABOUTTEXT"],
    &["ZABOUTEMOJI"],
    &["ZNOTES"],
    &["ZDISAPPEARINGMODEDURATION"],
    &["ZDISAPPEARINGMODETIMESTAMP"],
    &["ZABOUTTIMESTAMP"],
    &["ZABOUTEXPIRATIONTIMESTAMP"],
    &["ZLASTUPDATED"],
    &["ZPHONESTATUS", "ZPHONENUMBERSTATUS"],
    &["ZSYNCPOLICY"],
];

/// Reads every contact, and whether this version records timers; `Ok(None)` when the table is
/// absent.
pub fn read_contacts(db: &Db) -> rusqlite::Result<Option<(Vec<WhatsappContact>, bool)>> {
    let t = Table::of(db, "ZWAADDRESSBOOKCONTACT", "c");
    if !t.has(&["Z_PK"]) {
        return Ok(None);
    }
    let has_timer = t.has(&["ZDISAPPEARINGMODEDURATION"]);
    let cols: Vec<String> = COLUMNS
        .iter()
        .map(|cands| {
            let found = cands.iter().find(|c| t.has(&[c]));
            found.map_or_else(|| "NULL".to_string(), |c| t.col(c))
        })
        .collect();
    let sql = format!(
        "SELECT {}, {} FROM ZWAADDRESSBOOKCONTACT c ORDER BY c.rowid",
        t.col("Z_PK"),
        cols.join(", ")
    );
    let rows = query_values(db, &sql)?;
    let contacts = rows
        .into_iter()
        .map(|row| {
            let mut v = row.into_iter();
            let mut raw = || v.next().unwrap_or(RawValue::Null);
            let row_pk = raw();
            let mut s = || string(raw());
            let (whatsapp_id, lid, phone_number, localized_phone_number) = (s(), s(), s(), s());
            let (full_name, given_name, last_name, user_name) = (s(), s(), s(), s());
            let (business_name, about_text, about_emoji, notes) = (s(), s(), s(), s());
            let duration = raw();
            let mut date = || mac_time(&raw());
            let (set, about, expires, updated) = (date(), date(), date(), date());
            WhatsappContact {
                row_pk,
                whatsapp_id,
                lid,
                phone_number,
                localized_phone_number,
                full_name,
                given_name,
                last_name,
                user_name,
                business_name,
                about_text,
                about_emoji,
                notes,
                disappearing_mode_is_on: has_timer.then(|| truthy(&duration)),
                disappearing_mode_label: has_timer.then(|| timer_label(&duration)),
                disappearing_mode_duration: duration,
                disappearing_mode_timestamp: set,
                about_timestamp: about,
                about_expiration_timestamp: expires,
                last_updated: updated,
                phone_status: raw(),
                sync_policy: raw(),
            }
        })
        .collect();
    Ok(Some((contacts, has_timer)))
}

/// The WhatsappContacts module.
pub struct WhatsappContacts;

static META: ModuleMeta = ModuleMeta {
    slug: "whatsapp_contacts",
    name: "WhatsappContacts",
    description: "WhatsApp contacts, with their disappearing-messages timers",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["AppDomainGroup-group.net.whatsapp.WhatsApp.shared:ContactsV2.sqlite"],
    dependencies: &[],
};

impl Module<dyn IosSource> for WhatsappContacts {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = locate(ev, &ARTIFACT, KNOWN)?;
        if files.is_empty() {
            return Err(ModuleError::NotFound(format!(
                "{GROUP}:ContactsV2.sqlite (often missing from incremental backups)"
            )));
        }
        let mut contacts = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            match read_contacts(&db).map_err(|e| query_error(file, e))? {
                Some((found, has_timer)) => {
                    if !has_timer {
                        warnings.push(format!(
                            "{}: no ZDISAPPEARINGMODEDURATION column, timer state unknown",
                            file.artifact()
                        ));
                    }
                    contacts.extend(found);
                }
                None => warnings.push(format!(
                    "{} ({}): no ZWAADDRESSBOOKCONTACT table",
                    file.path,
                    file.artifact()
                )),
            }
        }
        let mut out =
            ModuleOutput::new(contacts).with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = warnings;
        Ok(out)
    }
}
