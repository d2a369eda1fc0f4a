//! Resolving the WhatsApp identifiers interactionC.db records (LIDs, JIDs, phone numbers) to
//! a phone number and a contact name.
//!
//! Source: WhatsApp's address book `ContactsV2.sqlite` (`ZWAADDRESSBOOKCONTACT`, backup ID
//! `b8548dc3…`), as MVT does; then, for LIDs the address book does not know (senders who are
//! not contacts, the interesting case), the LID↔phone pairs of `LID.sqlite`.

use crate::whatsapp::files::{locate, KnownFile};
use crate::whatsapp::sql::{py_str, query_values, Table};
use crate::whatsapp::{lid_pairs, LID_IDS};
use std::collections::HashMap;
use tracehound_core::InputFile;
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, IosSource};

const GROUP: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

/// Where ContactsV2.sqlite lives.
pub const CONTACTS_ARTIFACT: Artifact = Artifact {
    backup: &[(GROUP, "ContactsV2.sqlite")],
    fs: &["private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"],
};

const CONTACTS_IDS: &[KnownFile] = &[KnownFile {
    id: "b8548dc30aa1030df0ce18ef08b882cf7ab5212f",
    domain: GROUP,
    path: "ContactsV2.sqlite",
}];

/// Where WhatsApp's (not WhatsApp Business's) LID.sqlite lives.
const LID_ARTIFACT: Artifact = Artifact {
    backup: &[(GROUP, "LID.sqlite")],
    fs: &["private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"],
};

/// A phone number and a contact name, either possibly unknown.
pub(super) type Entry = (Option<String>, Option<String>);

/// WhatsApp contacts indexed by LID and by phone digits.
#[derive(Default)]
pub(super) struct Directory {
    by_lid: HashMap<String, Entry>,
    by_phone: HashMap<String, Entry>,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Directory {
    /// Reads what the acquisition has; a missing or unreadable database only leaves
    /// identifiers unresolved (noted in `warnings`).
    pub(super) fn load(
        ev: &dyn IosSource,
        warnings: &mut Vec<String>,
        inputs: &mut Vec<InputFile>,
    ) -> Self {
        let mut dir = Directory::default();
        let mut files = |artifact: &Artifact, known: &[KnownFile]| {
            locate(ev, artifact, known).unwrap_or_else(|e| {
                warnings.push(e.to_string());
                Vec::new()
            })
        };
        let contacts = files(&CONTACTS_ARTIFACT, CONTACTS_IDS);
        let lids = files(&LID_ARTIFACT, LID_IDS.get(..1).unwrap_or_default());
        for f in &contacts {
            match ev.open_sqlite(f) {
                Ok(db) => {
                    inputs.push(f.input());
                    let t = Table::of(&db, "ZWAADDRESSBOOKCONTACT", "C");
                    let sql = format!(
                        "SELECT {}, {}, {}, {}, {} FROM ZWAADDRESSBOOKCONTACT C",
                        t.col("ZFULLNAME"),
                        t.col("ZGIVENNAME"),
                        t.col("ZPHONENUMBER"),
                        t.col("ZLID"),
                        t.col("ZWHATSAPPID"),
                    );
                    match query_values(&db, &sql) {
                        Ok(rows) => rows.iter().for_each(|r| dir.add_contact(r)),
                        Err(e) => warnings.push(format!("{}: {e}", f.artifact())),
                    }
                }
                Err(e) => warnings.push(format!("{}: {e}", f.artifact())),
            }
        }
        for f in &lids {
            match ev.open_sqlite(f) {
                Ok(db) => {
                    inputs.push(f.input());
                    for p in lid_pairs(&db, f, warnings).unwrap_or_default() {
                        dir.add_lid_pair(&p.lid, &p.phone_number);
                    }
                }
                Err(e) => warnings.push(format!("{}: {e}", f.artifact())),
            }
        }
        dir
    }

    /// Indexes one address-book row: full name, given name, phone number, LID, WhatsApp ID.
    pub(super) fn add_contact(&mut self, row: &[RawValue]) {
        let get = |i: usize| row.get(i).and_then(py_str);
        let entry: Entry = (get(2), get(0).or_else(|| get(1)));
        if let Some(lid) = get(3) {
            self.by_lid.insert(lid, entry.clone());
        }
        if let Some(phone) = &entry.0 {
            self.by_phone.insert(digits(phone), entry.clone());
        }
        if let Some((user, _)) = get(4).as_deref().and_then(|j| j.split_once('@')) {
            self.by_phone.entry(user.to_string()).or_insert(entry);
        }
    }

    /// Adds a LID ↔ phone pair for a LID the address book does not know.
    fn add_lid_pair(&mut self, lid: &RawValue, phone: &RawValue) {
        let (Some(lid), Some(phone)) = (py_str(lid), py_str(phone)) else {
            return;
        };
        let lid = lid.split('@').next().unwrap_or_default();
        let phone = digits(phone.split('@').next().unwrap_or_default());
        if lid.is_empty() || phone.is_empty() {
            return;
        }
        let name = self.by_phone.get(&phone).and_then(|e| e.1.clone());
        self.by_lid
            .entry(format!("{lid}@lid"))
            .or_insert((Some(format!("+{phone}")), name));
    }

    /// The phone number and name behind a WhatsApp identifier. A phone JID always yields
    /// `+<digits>`; a bare phone number yields only a name (it is its own number).
    pub(super) fn resolve(&self, value: &RawValue) -> Entry {
        let Some(value) = py_str(value) else {
            return (None, None);
        };
        if value.ends_with("@lid") {
            self.by_lid.get(&value).cloned().unwrap_or_default()
        } else if value.ends_with("@g.us") {
            (None, None)
        } else if value.ends_with("@s.whatsapp.net") {
            let user = value.split('@').next().unwrap_or_default();
            let (phone, name) = self.by_phone.get(user).cloned().unwrap_or_default();
            (phone.or_else(|| Some(format!("+{user}"))), name)
        } else if value.starts_with('+') {
            let name = self.by_phone.get(&digits(&value)).and_then(|e| e.1.clone());
            (None, name)
        } else {
            (None, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> RawValue {
        RawValue::Text(s.into())
    }

    #[test]
    fn resolves_like_mvt() {
        let mut d = Directory::default();
        d.add_contact(&[
            t("Alice Example"),
            t("Alice"),
            t("+14155550100"),
            t("100000000000001@lid"),
            t("14155550100@s.whatsapp.net"),
        ]);
        d.add_lid_pair(&t("200000000000002"), &t("+14155550199"));
        d.add_lid_pair(&t("100000000000001"), &t("14150000000"));
        let alice = (Some("+14155550100".into()), Some("Alice Example".into()));
        assert_eq!(d.resolve(&t("100000000000001@lid")), alice);
        assert_eq!(d.resolve(&t("14155550100@s.whatsapp.net")), alice);
        assert_eq!(
            d.resolve(&t("+1 415 555 0100")),
            (None, Some("Alice Example".into()))
        );
        assert_eq!(
            d.resolve(&t("200000000000002@lid")),
            (Some("+14155550199".into()), None)
        );
        assert_eq!(
            d.resolve(&t("19995550000@s.whatsapp.net")),
            (Some("+19995550000".into()), None)
        );
        assert_eq!(d.resolve(&t("1203@g.us")), (None, None));
        assert_eq!(d.resolve(&RawValue::Null), (None, None));
        assert_eq!(d.resolve(&t("someone")), (None, None));
    }
}
