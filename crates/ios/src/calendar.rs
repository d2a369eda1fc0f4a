//! Calendar events: `Calendar.sqlitedb` (backup `HomeDomain:Library/Calendar/Calendar.sqlitedb`,
//! backup ID `2041457d…`; on device `/private/var/mobile/Library/Calendar/Calendar.sqlitedb`),
//! all iOS versions. `CalendarItem` rows joined with their organizer's `Participant` row
//! (`Participant.ROWID = CalendarItem.organizer_id`); dates are Mac absolute seconds.
//!
//! Calendar invitations arrive without user interaction, which made them a delivery channel:
//! QuaDream's ENDOFDAYS exploit used invisible iCloud invitations, whose events read "Meeting"
//! with the note "Notes" (flagged HIGH, as MVT does). Organizer e-mail addresses are matched
//! against e-mail indicators, event URLs and the links in event notes against URL and domain
//! indicators.

use crate::common::{find, query_error};
use crate::whatsapp::sql::{mac_time, py_display, query_values, Table};
use serde::{Serialize, Serializer};
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, IosSource};

/// Where Calendar.sqlitedb lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/Calendar/Calendar.sqlitedb")],
    fs: &["private/var/mobile/Library/Calendar/Calendar.sqlitedb"],
};

/// A date column as MVT writes it: `null` when NULL, `""` when zero or out of range, text as
/// stored, numbers as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarDate {
    /// NULL.
    Null,
    /// Zero, or a number that is no date.
    Empty,
    /// A date.
    Time(Timestamp),
    /// Text stored in a date column, kept as is.
    Text(Box<str>),
}

impl CalendarDate {
    fn from_raw(v: RawValue) -> Self {
        match v {
            RawValue::Null | RawValue::Blob(_) => CalendarDate::Null,
            RawValue::Text(t) => CalendarDate::Text(t),
            n => mac_time(&n).map_or(CalendarDate::Empty, CalendarDate::Time),
        }
    }

    /// The date for the timeline, when MVT would put one there (non-empty values).
    fn event(&self) -> Option<Option<Timestamp>> {
        match self {
            CalendarDate::Time(t) => Some(Some(*t)),
            CalendarDate::Text(t) if !t.is_empty() => Some(Timestamp::parse(t)),
            _ => None,
        }
    }

    fn time(&self) -> Option<Timestamp> {
        match self {
            CalendarDate::Time(t) => Some(*t),
            _ => None,
        }
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CalendarDate::Null => s.serialize_none(),
            CalendarDate::Empty => s.serialize_str(""),
            CalendarDate::Time(t) => t.serialize(s),
            CalendarDate::Text(t) => s.serialize_str(t),
        }
    }
}

/// One calendar item with its organizer.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarEvent {
    /// `CalendarItem.ROWID`.
    pub id: RawValue,
    /// Title.
    pub summary: RawValue,
    /// Notes.
    pub description: RawValue,
    /// Start.
    pub start_date: CalendarDate,
    /// End.
    pub end_date: CalendarDate,
    /// 1 for all-day events.
    pub all_day: RawValue,
    /// `Calendar` row.
    pub calendar_id: RawValue,
    /// Organizer's `Participant` row.
    pub organizer_id: RawValue,
    /// Event URL.
    pub url: RawValue,
    /// Last change.
    pub last_modified: CalendarDate,
    /// Server-side identifier.
    pub external_id: RawValue,
    /// Server-side change tag.
    pub external_mod_tag: RawValue,
    /// iCalendar UID.
    pub unique_identifier: RawValue,
    /// 1 for events hidden from the calendar.
    pub hidden: RawValue,
    /// `CalendarItem.UUID`.
    pub uuid: RawValue,
    /// Creation.
    pub creation_date: CalendarDate,
    /// `CalendarItem.action`.
    pub action: RawValue,
    /// Creator's `Participant`/identity row.
    pub created_by_id: RawValue,
    /// Organizer's `Participant.UUID`.
    pub participant_uuid: RawValue,
    /// Organizer's e-mail address.
    pub participant_email: RawValue,
    /// Organizer's phone number.
    pub participant_phone: RawValue,
    /// Organizer's comment.
    pub participant_comment: RawValue,
    /// Organizer row's last change.
    pub participant_last_modified: CalendarDate,
}

impl CalendarEvent {
    fn dates(&self) -> [(&'static str, &CalendarDate); 5] {
        [
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
            ("last_modified", &self.last_modified),
            ("creation_date", &self.creation_date),
            ("participant_last_modified", &self.participant_last_modified),
        ]
    }

    /// Whether it looks like QuaDream's exploit invitations.
    pub fn is_quadream_shaped(&self) -> bool {
        self.summary.as_str() == Some("Meeting") && self.description.as_str() == Some("Notes")
    }
}

fn non_empty(v: &RawValue) -> Option<&str> {
    v.as_str().filter(|s| !s.trim().is_empty())
}

impl Record for CalendarEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(email) = non_empty(&self.participant_email) {
            out.push(Observable::Email(email.trim()));
        }
        if let Some(url) = non_empty(&self.url) {
            out.push(Observable::Url(url.trim()));
        }
        if let Some(notes) = non_empty(&self.description) {
            out.push(Observable::Text(notes));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let data = format!(
            "Calendar event {} ({}) (invitation by {})",
            py_display(&self.summary),
            py_display(&self.description),
            py_display(&self.participant_email)
        );
        for (name, date) in self.dates() {
            if let Some(t) = date.event() {
                out.push(TimelineEvent::new(t, name, data.clone()));
            }
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.creation_date.time().or(self.start_date.time())
    }
}

/// `(field, column)` of `CalendarItem`, in MVT's order.
const ITEM_COLUMNS: [(&str, &str); 18] = [
    ("id", "ROWID"),
    ("summary", "summary"),
    ("description", "description"),
    ("start_date", "start_date"),
    ("end_date", "end_date"),
    ("all_day", "all_day"),
    ("calendar_id", "calendar_id"),
    ("organizer_id", "organizer_id"),
    ("url", "url"),
    ("last_modified", "last_modified"),
    ("external_id", "external_id"),
    ("external_mod_tag", "external_mod_tag"),
    ("unique_identifier", "unique_identifier"),
    ("hidden", "hidden"),
    ("uuid", "UUID"),
    ("creation_date", "creation_date"),
    ("action", "action"),
    ("created_by_id", "created_by_id"),
];

/// `Participant` columns after them.
const PARTICIPANT_COLUMNS: [&str; 5] =
    ["UUID", "email", "phone_number", "comment", "last_modified"];

/// Reads every calendar item; columns an iOS version lacks read as NULL.
pub fn read_events(db: &Db) -> rusqlite::Result<Vec<CalendarEvent>> {
    let item = Table::of(db, "CalendarItem", "i");
    let joined = db.has_table("Participant") && item.has(&["organizer_id"]);
    let part = if joined {
        Table::of(db, "Participant", "p")
    } else {
        Table::absent("p")
    };
    let cols: Vec<String> = ITEM_COLUMNS
        .iter()
        // The row id exists whether or not the schema declares it.
        .map(|&(_, c)| {
            if c == "ROWID" {
                "i.ROWID".to_string()
            } else {
                item.col(c)
            }
        })
        .chain(PARTICIPANT_COLUMNS.iter().map(|c| part.col(c)))
        .collect();
    let join = if joined {
        " LEFT JOIN Participant p ON p.ROWID = i.organizer_id"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM CalendarItem i{join} ORDER BY i.rowid",
        cols.join(", ")
    );
    let rows = query_values(db, &sql)?;
    Ok(rows.into_iter().map(event_from_row).collect())
}

fn event_from_row(row: Vec<RawValue>) -> CalendarEvent {
    let mut v = row.into_iter();
    let mut raw = || v.next().unwrap_or(RawValue::Null);
    CalendarEvent {
        id: raw(),
        summary: raw(),
        description: raw(),
        start_date: CalendarDate::from_raw(raw()),
        end_date: CalendarDate::from_raw(raw()),
        all_day: raw(),
        calendar_id: raw(),
        organizer_id: raw(),
        url: raw(),
        last_modified: CalendarDate::from_raw(raw()),
        external_id: raw(),
        external_mod_tag: raw(),
        unique_identifier: raw(),
        hidden: raw(),
        uuid: raw(),
        creation_date: CalendarDate::from_raw(raw()),
        action: raw(),
        created_by_id: raw(),
        participant_uuid: raw(),
        participant_email: raw(),
        participant_phone: raw(),
        participant_comment: raw(),
        participant_last_modified: CalendarDate::from_raw(raw()),
    }
}

/// HIGH alerts for events shaped like QuaDream's exploit invitations.
pub fn find_suspicious(events: &[CalendarEvent]) -> Vec<Alert> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_quadream_shaped())
        .map(|(i, e)| {
            Alert::heuristic(
                Level::High,
                i,
                format!(
                    "Calendar event shaped like QuaDream's exploit invitations (\"Meeting\" / \
                     \"Notes\"), possible ENDOFDAYS attempt: {} from {}",
                    py_display(&e.uuid),
                    py_display(&e.participant_email)
                ),
            )
        })
        .collect()
}

/// The Calendar module.
pub struct Calendar;

static META: ModuleMeta = ModuleMeta {
    slug: "calendar",
    name: "Calendar",
    description: "Calendar events and their organizers, with invitations shaped like exploits",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/Calendar/Calendar.sqlitedb"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Calendar {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut events = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("CalendarItem") {
                warnings.push(format!(
                    "{} ({}): no CalendarItem table",
                    file.path,
                    file.artifact()
                ));
                continue;
            }
            events.extend(read_events(&db).map_err(|e| query_error(file, e))?);
        }
        let alerts = find_suspicious(&events);
        let mut out =
            ModuleOutput::new(events).with_inputs(files.iter().map(|f| f.input()).collect());
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
