//! Call history: `CallHistory.storedata` (`HomeDomain:Library/CallHistoryDB/
//! CallHistory.storedata`, on device `/private/var/mobile/Library/CallHistoryDB/…`), iOS 8+.
//! A Core Data store whose `ZCALLRECORD` table holds phone, FaceTime and third-party (CallKit:
//! WhatsApp, Signal…) calls, incoming and outgoing, answered or not. `ZDATE` is Mac absolute
//! time in seconds; `ZADDRESS` (number or Apple ID) is TEXT or a UTF-8 BLOB depending on the
//! version. Zero-click exploits have arrived as calls, often missed ones; nothing here is an
//! indicator by itself, so this module only feeds the timeline.

use crate::common::{find, query_error};
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::{column_names, RawRow, RawValue};
use tracehound_evidence::{Artifact, IosSource};

/// Where the call history lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata")],
    fs: &["private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"],
};

const TELEPHONY: &str = "com.apple.Telephony";
const FACETIME: &str = "com.apple.FaceTime";

/// One call. The first five fields are MVT's; the others are ours.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// When the call started (`ZDATE`).
    pub isodate: Option<Timestamp>,
    /// Length in seconds (`ZDURATION`).
    pub duration: RawValue,
    /// Place associated with the number by the phone (`ZLOCATION`).
    pub location: Option<String>,
    /// The other party: phone number or Apple ID (`ZADDRESS`).
    pub number: Option<String>,
    /// Who carried the call: `com.apple.Telephony`, `com.apple.FaceTime` or an app's bundle id.
    pub provider: Option<String>,
    /// `incoming` or `outgoing` (`ZORIGINATED`).
    pub direction: Option<&'static str>,
    /// Whether it was answered (`ZANSWERED`).
    pub answered: Option<bool>,
    /// `phone`, `facetime`, `app` (a third-party app through CallKit) or `unknown`.
    pub call_type: &'static str,
    /// `audio` or `video`, when recorded.
    pub media: Option<&'static str>,
    /// Name shown for the other party (`ZNAME`).
    pub name: Option<String>,
    /// Call id (`ZUNIQUE_ID`).
    pub unique_id: Option<String>,
}

fn text(v: Option<&RawValue>) -> Option<String> {
    match v? {
        RawValue::Text(t) => Some(t.to_string()),
        RawValue::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// Classifies a call from its provider, falling back on `ZCALLTYPE` (1 phone, 8 FaceTime
/// video, 16 FaceTime audio).
fn call_type(provider: Option<&str>, zcalltype: Option<i64>) -> &'static str {
    match provider {
        Some(TELEPHONY) => "phone",
        Some(FACETIME) => "facetime",
        Some(p) if !p.is_empty() => "app",
        _ => match zcalltype {
            Some(1) => "phone",
            Some(8 | 16) => "facetime",
            _ => "unknown",
        },
    }
}

/// `ZCALL_CATEGORY` (1 audio, 2 video) where present, else FaceTime's `ZCALLTYPE`.
fn media(category: Option<i64>, zcalltype: Option<i64>, kind: &str) -> Option<&'static str> {
    match (category, zcalltype) {
        (Some(1), _) => Some("audio"),
        (Some(2), _) => Some("video"),
        (_, Some(8)) => Some("video"),
        (_, Some(16)) => Some("audio"),
        _ if kind == "phone" => Some("audio"),
        _ => None,
    }
}

impl Call {
    fn from_row(row: &RawRow) -> Self {
        let provider = text(row.get("ZSERVICE_PROVIDER").as_ref());
        let zcalltype = row.int("ZCALLTYPE");
        let kind = call_type(provider.as_deref(), zcalltype);
        Call {
            isodate: row
                .get("ZDATE")
                .and_then(|v| v.as_f64())
                .and_then(Timestamp::from_mac_secs_f64),
            duration: row.get("ZDURATION").unwrap_or(RawValue::Null),
            location: text(row.get("ZLOCATION").as_ref()),
            number: text(row.get("ZADDRESS").as_ref()),
            direction: row
                .int("ZORIGINATED")
                .map(|o| if o != 0 { "outgoing" } else { "incoming" }),
            answered: row.int("ZANSWERED").map(|a| a != 0),
            call_type: kind,
            media: media(row.int("ZCALL_CATEGORY"), zcalltype, kind),
            name: text(row.get("ZNAME").as_ref()).filter(|n| !n.is_empty()),
            unique_id: text(row.get("ZUNIQUE_ID").as_ref()),
            provider,
        }
    }

    /// "Missed FaceTime video call from +41…" and the like.
    fn describe(&self) -> String {
        let outgoing = self.direction == Some("outgoing");
        let how = match (self.direction, self.answered) {
            (Some("outgoing"), Some(false)) => "Unanswered outgoing ",
            (Some("outgoing"), _) => "Outgoing ",
            (Some(_), Some(false)) => "Missed ",
            (Some(_), _) => "Incoming ",
            (None, _) => "",
        };
        let carrier = match self.call_type {
            "phone" => "phone".to_string(),
            "facetime" => "FaceTime".to_string(),
            "app" => self.provider.clone().unwrap_or_default(),
            _ => "unknown".to_string(),
        };
        let media = self.media.map(|m| format!(" {m}")).unwrap_or_default();
        let who = self.number.as_deref().unwrap_or("unknown number");
        let name = self
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let duration = match self.duration.as_f64() {
            Some(d) => format!("{d:.0} s"),
            None => "unknown length".into(),
        };
        let mut s = format!(
            "{how}{carrier}{media} call {} {who}{name}, {duration}",
            if outgoing { "to" } else { "from" }
        );
        if let Some(p) = self.provider.as_deref().filter(|_| self.call_type != "app") {
            s.push_str(&format!(" (via {p})"));
        }
        s
    }
}

impl Record for Call {
    /// FaceTime and iMessage-style calls carry the caller's Apple ID: an attacker's account
    /// there is an email indicator (MVT does not check call addresses).
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(n) = self.number.as_deref().filter(|n| n.contains('@')) {
            out.push(Observable::Email(n.trim()));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(self.isodate, "call", self.describe()));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The call history module.
pub struct Calls;

static META: ModuleMeta = ModuleMeta {
    slug: "calls",
    name: "Calls",
    description: "Phone, FaceTime and app (CallKit) calls from the call history",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/CallHistoryDB/CallHistory.storedata"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Calls {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut calls = Vec::new();
        let mut warnings = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("ZCALLRECORD") {
                warnings.push(format!("{}: no ZCALLRECORD table", file.path));
                continue;
            }
            let mut stmt = db
                .conn()
                .prepare("SELECT * FROM ZCALLRECORD")
                .map_err(|e| query_error(file, e))?;
            let names = column_names(&stmt);
            let mut rows = stmt.query([]).map_err(|e| query_error(file, e))?;
            while let Some(r) = rows.next().map_err(|e| query_error(file, e))? {
                let row = RawRow::from_row(&names, r).map_err(|e| query_error(file, e))?;
                calls.push(Call::from_row(&row));
            }
        }
        let mut out =
            ModuleOutput::new(calls).with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = warnings;
        Ok(out)
    }
}
