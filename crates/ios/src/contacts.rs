//! Address book: `AddressBook.sqlitedb` (backup `HomeDomain:Library/AddressBook/
//! AddressBook.sqlitedb`, backup ID `31bb7ba8…`; on device
//! `/private/var/mobile/Library/AddressBook/AddressBook.sqlitedb`), all iOS versions.
//!
//! One record per value of a person (`ABMultiValue` rows joined to `ABPerson` on
//! `record_id`): phone numbers, e-mail addresses, URLs… with the person's name and
//! organization. `ABMultiValue.property` says what a value is (3 phone, 4 e-mail, 22 URL).
//! E-mail addresses are matched against e-mail indicators (operators' accounts have been
//! published), URLs against URL and domain indicators.

use crate::common::{find, query_error};
use crate::whatsapp::sql::{query_values, quote};
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, IosSource};

/// Where AddressBook.sqlitedb lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb")],
    fs: &["private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"],
};

/// `ABMultiValue.property` of e-mail addresses.
const PROPERTY_EMAIL: i64 = 4;
/// `ABMultiValue.property` of URLs.
const PROPERTY_URL: i64 = 22;

/// One value of a contact. Names keep the column names MVT's query yields (`First`…).
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// `ABMultiValue.value`.
    pub value: RawValue,
    /// `ABPerson.First`.
    #[serde(rename = "First")]
    pub first: RawValue,
    /// `ABPerson.Middle`.
    #[serde(rename = "Middle")]
    pub middle: RawValue,
    /// `ABPerson.Last`.
    #[serde(rename = "Last")]
    pub last: RawValue,
    /// `ABPerson.Organization`.
    #[serde(rename = "Organization")]
    pub organization: RawValue,
    /// `ABMultiValue.property`: 3 phone, 4 e-mail, 22 URL… (not in MVT's records).
    pub property: RawValue,
}

/// Whether `s` is shaped like an e-mail address (for values whose property is unknown).
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn is_web_address(s: &str) -> bool {
    let head = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

impl Record for Contact {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        let Some(v) = self.value.as_str().map(str::trim).filter(|v| !v.is_empty()) else {
            return;
        };
        let property = self.property.as_i64();
        if property == Some(PROPERTY_EMAIL) || looks_like_email(v) && !is_web_address(v) {
            out.push(Observable::Email(v));
        } else if property == Some(PROPERTY_URL) || is_web_address(v) {
            out.push(Observable::Url(v));
        }
    }
}

/// The actual name of `want` among `table`'s columns (SQLite names are case-insensitive), as
/// a qualified expression, or `NULL`.
fn column(db: &Db, table: &str, alias: &str, want: &str) -> String {
    db.columns(table)
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(want))
        .map_or_else(|| "NULL".into(), |c| format!("{alias}.{}", quote(&c)))
}

/// Reads every non-NULL value of every person, in person order.
pub fn read_contacts(db: &Db) -> rusqlite::Result<Vec<Contact>> {
    let person = |c: &str| column(db, "ABPerson", "person", c);
    let multi = |c: &str| column(db, "ABMultiValue", "multi", c);
    let sql = format!(
        "SELECT {value}, {}, {}, {}, {}, {} FROM ABPerson person, ABMultiValue multi \
         WHERE person.rowid = {} AND {value} IS NOT NULL ORDER BY person.rowid, multi.rowid",
        person("first"),
        person("middle"),
        person("last"),
        person("organization"),
        multi("property"),
        multi("record_id"),
        value = multi("value"),
    );
    Ok(query_values(db, &sql)?
        .into_iter()
        .map(|row| {
            let mut v = row.into_iter();
            let mut next = || v.next().unwrap_or(RawValue::Null);
            Contact {
                value: next(),
                first: next(),
                middle: next(),
                last: next(),
                organization: next(),
                property: next(),
            }
        })
        .collect())
}

/// The Contacts module.
pub struct Contacts;

static META: ModuleMeta = ModuleMeta {
    slug: "contacts",
    name: "Contacts",
    description: "Address book entries (phone numbers, e-mail addresses, URLs)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/AddressBook/AddressBook.sqlitedb"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Contacts {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut contacts = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("ABPerson") || !db.has_table("ABMultiValue") {
                warnings.push(format!(
                    "{} ({}): no ABPerson/ABMultiValue tables",
                    file.path,
                    file.artifact()
                ));
                continue;
            }
            contacts.extend(read_contacts(&db).map_err(|e| query_error(file, e))?);
        }
        let mut out =
            ModuleOutput::new(contacts).with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = warnings;
        Ok(out)
    }
}
