//! WhatsApp messages, chat sessions and LID↔phone-number pairs.
//!
//! Artefacts: `ChatStorage.sqlite` in the app group container
//! (`AppDomainGroup-group.net.whatsapp.WhatsApp.shared:ChatStorage.sqlite`, backup ID
//! `7c7fba66…`; on device `private/var/mobile/Containers/Shared/AppGroup/<uuid>/ChatStorage.sqlite`)
//! and, in recent WhatsApp versions, `LID.sqlite` beside it (backup ID `e794f6ff…`). WhatsApp
//! Business (`group.net.whatsapp.WhatsAppSMB.shared`) uses the same files and is read too. All
//! iOS versions WhatsApp supports; Core Data schema (`ZWAMESSAGE`, `ZWAMEDIAITEM`,
//! `ZWAMESSAGEDATAITEM`, `ZWACHATSESSION`, `ZWAGROUPINFO`, `ZWAPHONENUMBERLIDPAIR`), dates in
//! Mac absolute time (seconds). Columns that an app version lacks read as `NULL`.
//!
//! Links in messages (text, link previews, media URLs, WhatsApp's own media CDN excepted) are
//! exposed to indicator matching: zero-click and one-click exploits have been delivered this
//! way. Chat sessions give first/last interaction dates per conversation, also for chats whose
//! messages were deleted; LIDs (WhatsApp's privacy identifiers) are resolved to phone numbers.

mod db;
pub(crate) mod files;
pub(crate) mod sql;

pub(crate) use db::lid_pairs;
use files::KnownFile;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::{RawRow, RawValue};
use tracehound_evidence::{Artifact, IosSource};

const GROUP: &str = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const GROUP_SMB: &str = "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared";

/// Where ChatStorage.sqlite lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        (GROUP, "ChatStorage.sqlite"),
        (GROUP_SMB, "ChatStorage.sqlite"),
    ],
    fs: &["private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"],
};

/// Where LID.sqlite lives.
pub const LID_ARTIFACT: Artifact = Artifact {
    backup: &[(GROUP, "LID.sqlite"), (GROUP_SMB, "LID.sqlite")],
    fs: &["private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"],
};

const CHAT_IDS: &[KnownFile] = &[
    KnownFile {
        id: "7c7fba66680ef796b916b067077cc246adacf01d",
        domain: GROUP,
        path: "ChatStorage.sqlite",
    },
    KnownFile {
        id: "724bd3b98b18518b455a87c1f3ac3a0d189c4466",
        domain: GROUP_SMB,
        path: "ChatStorage.sqlite",
    },
];

pub(crate) const LID_IDS: &[KnownFile] = &[
    KnownFile {
        id: "e794f6ffcc3c222535f47684a63d5178da3c4500",
        domain: GROUP,
        path: "LID.sqlite",
    },
    KnownFile {
        id: "1b091efd2ab703ddffa4ff846259844545c2aeab",
        domain: GROUP_SMB,
        path: "LID.sqlite",
    },
];

/// One result: MVT lists messages, LID pairs and chat sessions together, each with its own
/// fields.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum WhatsappRecord {
    /// A message.
    Message(WhatsappMessage),
    /// A LID ↔ phone number pair.
    LidPair(LidPair),
    /// A conversation.
    ChatSession(Box<ChatSession>),
}

/// A message: every `ZWAMESSAGE` column, the media and link-preview columns, and its links.
#[derive(Debug, Clone, Serialize)]
pub struct WhatsappMessage {
    /// `ZWAMESSAGE.*`, then `ZAUTHORNAME`, `ZMEDIAURL`, `ZCONTENT1`, `ZCONTENT2`,
    /// `ZMATCHEDTEXT`, `ZSUMMARY`, `ZTITLE` (`ZTEXT` is `""` when NULL).
    #[serde(flatten)]
    pub row: RawRow,
    /// `ZMESSAGEDATE`.
    pub isodate: Option<Timestamp>,
    /// Links found, without WhatsApp's media CDN; present when there are some or the text is
    /// blank (as MVT writes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<String>>,
}

/// A row of `ZWAPHONENUMBERLIDPAIR`.
#[derive(Debug, Clone, Serialize)]
pub struct LidPair {
    /// Always `lid_phone_number_pair`.
    pub record_type: &'static str,
    /// `ZLID`.
    pub lid: RawValue,
    /// `ZPHONENUMBER`.
    pub phone_number: RawValue,
    /// `ZTIMESTAMP`.
    pub pair_timestamp: Option<Timestamp>,
}

/// A `ZWACHATSESSION` row with the dates of its stored messages.
#[derive(Debug, Clone, Serialize)]
pub struct ChatSession {
    /// `Z_PK`.
    pub session_pk: RawValue,
    /// `ZCONTACTJID` (`…@s.whatsapp.net`, `…@lid`, `…@g.us`).
    pub contact_jid: RawValue,
    /// `ZPARTNERNAME`.
    pub partner_name: RawValue,
    /// `ZSESSIONTYPE`.
    pub session_type: RawValue,
    /// `ZARCHIVED`.
    pub archived: RawValue,
    /// `ZREMOVED`.
    pub removed: RawValue,
    /// `ZMESSAGECOUNTER`.
    pub message_counter: RawValue,
    /// `ZLASTMESSAGEDATE`.
    pub last_message_date: Option<Timestamp>,
    /// `ZWAGROUPINFO.ZCREATIONDATE`.
    pub group_creation_date: Option<Timestamp>,
    /// Oldest stored message.
    pub first_stored_message_date: Option<Timestamp>,
    /// Newest stored message.
    pub last_stored_message_date: Option<Timestamp>,
    /// Stored messages.
    pub stored_message_count: RawValue,
    /// Always `chat_session`.
    pub record_type: &'static str,
    /// `+<digits>` when `contact_jid` is a LID with a known phone number.
    pub partner_resolved_phone_number: Option<String>,
}

impl WhatsappMessage {
    fn text(&self) -> &str {
        self.row.str("ZTEXT").unwrap_or("")
    }
}

impl ChatSession {
    fn describe(&self) -> String {
        let jid = sql::py_str(&self.contact_jid).unwrap_or_else(|| "unknown".into());
        let id = self
            .partner_resolved_phone_number
            .as_deref()
            .unwrap_or(&jid);
        let label = match sql::py_str(&self.partner_name) {
            Some(name) => format!("'{name}' ({id})"),
            None => id.to_string(),
        };
        if jid.ends_with("@g.us") || self.group_creation_date.is_some() {
            format!("WhatsApp group chat {label}")
        } else {
            format!("WhatsApp chat with {label}")
        }
    }
}

impl Record for WhatsappRecord {
    fn links<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let WhatsappRecord::Message(m) = self {
            out.extend(m.links.iter().flatten().map(String::as_str));
        }
    }

    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let WhatsappRecord::Message(m) = self {
            out.push(Observable::Text(m.text()));
            for link in m.links.iter().flatten() {
                out.push(Observable::Url(link));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        match self {
            WhatsappRecord::Message(m) => {
                let from = m
                    .row
                    .get("ZFROMJID")
                    .map_or_else(|| "Unknown".to_string(), |v| sql::py_display(&v));
                let mut data = format!("'{}' from {from}", m.text().replace('\n', "\\n"));
                if let Some(links) = m.links.as_ref().filter(|l| !l.is_empty()) {
                    data.push_str(" - Embedded links: ");
                    data.push_str(&links.join(", "));
                }
                out.push(TimelineEvent::new(m.isodate, "message", data));
            }
            WhatsappRecord::LidPair(p) => {
                if p.pair_timestamp.is_some() {
                    let data = format!(
                        "WhatsApp associated LID {} with phone number {}",
                        sql::py_display(&p.lid),
                        sql::py_display(&p.phone_number)
                    );
                    out.push(TimelineEvent::new(
                        p.pair_timestamp,
                        "lid_pair_recorded",
                        data,
                    ));
                }
            }
            WhatsappRecord::ChatSession(c) => {
                let chat = c.describe();
                if c.group_creation_date.is_some() {
                    out.push(TimelineEvent::new(
                        c.group_creation_date,
                        "group_created",
                        format!("{chat} was created"),
                    ));
                }
                if c.first_stored_message_date.is_some() {
                    out.push(TimelineEvent::new(
                        c.first_stored_message_date,
                        "chat_first_message",
                        format!("First stored message in {chat}"),
                    ));
                }
                // The session's own date is kept even when its newest message was deleted.
                let last = c.last_message_date.or(c.last_stored_message_date);
                if last.is_some() {
                    out.push(TimelineEvent::new(
                        last,
                        "chat_last_message",
                        format!("Last message in {chat}"),
                    ));
                }
            }
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        match self {
            WhatsappRecord::Message(m) => m.isodate,
            WhatsappRecord::LidPair(p) => p.pair_timestamp,
            WhatsappRecord::ChatSession(c) => c.last_message_date.or(c.last_stored_message_date),
        }
    }
}

/// The WhatsApp module.
pub struct Whatsapp;

static META: ModuleMeta = ModuleMeta {
    slug: "whatsapp",
    name: "Whatsapp",
    description: "WhatsApp messages with their links, chat sessions and LID-phone number pairs",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared:ChatStorage.sqlite",
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared:LID.sqlite",
        "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared:ChatStorage.sqlite",
        "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared:LID.sqlite",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for Whatsapp {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let chats = files::locate(ev, &ARTIFACT, CHAT_IDS)?;
        if chats.is_empty() {
            return Err(ModuleError::NotFound(META.artifacts.join(" or ")));
        }
        // A missing or unreadable LID database only costs the LID resolution.
        let mut got = db::Collected::default();
        let lids = files::locate(ev, &LID_ARTIFACT, LID_IDS).unwrap_or_else(|e| {
            got.warnings.push(format!("LID.sqlite: {e}"));
            Vec::new()
        });
        // WhatsApp and WhatsApp Business: one damaged database does not hide the other.
        let mut failed = Vec::new();
        for chat in &chats {
            let lid = lids.iter().find(|l| files::same_container(l, chat));
            if let Err(e) = db::collect(ev, chat, lid, &mut got) {
                if matches!(e, ModuleError::Encrypted(_)) {
                    return Err(e);
                }
                got.warnings.push(format!("{}: {e}", chat.artifact()));
                failed.push(e);
            }
        }
        if failed.len() == chats.len() {
            if let Some(e) = failed.into_iter().next() {
                return Err(e);
            }
        }
        let mut out = ModuleOutput::new(got.records).with_inputs(got.inputs);
        out.warnings = got.warnings;
        Ok(out)
    }
}
