//! Siri Shortcuts: `Shortcuts.sqlite` (backup `HomeDomain:Library/Shortcuts/Shortcuts.sqlite`,
//! backup ID `5b4d0b44…`; on device `/private/var/mobile/Library/Shortcuts/Shortcuts.sqlite`),
//! iOS 12+. Core Data: `ZSHORTCUT` (name, description, creation and modification dates in Mac
//! absolute seconds) and `ZSHORTCUTACTIONS.ZDATA`, a property list holding the workflow's
//! actions (`WFWorkflowActionIdentifier`, `WFWorkflowActionParameters`).
//!
//! A shortcut can open URLs, download and run content without further prompts, and can be run
//! by automations; every web address in its actions' parameters is matched against URL and
//! domain indicators.

use crate::common::{find, query_error};
use crate::plist_json::{backslash_utf8, or_empty, MAX_DEPTH};
use crate::whatsapp::sql::{mac_time, Table};
use plist::Value;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::text::extract_links;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{plist_util, Artifact, Db, IosSource};

/// Where Shortcuts.sqlite lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/Shortcuts/Shortcuts.sqlite")],
    fs: &["private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"],
};

/// One shortcut (one row per actions row, as MVT lists them).
#[derive(Debug, Clone, Serialize)]
pub struct Shortcut {
    /// `ZSHORTCUT.Z_PK`.
    pub shortcut_id: RawValue,
    /// `ZNAME`.
    pub shortcut_name: Option<String>,
    /// `ZMODIFICATIONDATE`.
    #[serde(serialize_with = "or_empty")]
    pub modified_date: Option<Timestamp>,
    /// `ZACTIONSDESCRIPTION`.
    pub description: Option<String>,
    /// Number of actions decoded.
    pub parsed_actions: usize,
    /// Web addresses in the actions' parameters; `null` when there is no action list.
    pub action_urls: Option<Vec<String>>,
    /// `ZCREATIONDATE`.
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// The actions' identifiers, in order (not in MVT's records).
    pub action_identifiers: Vec<String>,
}

impl Record for Shortcut {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for url in self.action_urls.iter().flatten() {
            out.push(Observable::Url(url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let urls = match self.action_urls.as_deref() {
            Some(u) if !u.is_empty() => format!("- URLs in actions: {}", u.join(", ")),
            _ => String::new(),
        };
        let data = format!(
            "iOS Shortcut '{}': {} {urls}",
            self.shortcut_name.as_deref().unwrap_or("None"),
            self.description.as_deref().unwrap_or("")
        );
        out.push(TimelineEvent::new(
            self.isodate,
            "shortcut_created",
            data.clone(),
        ));
        out.push(TimelineEvent::new(
            self.modified_date,
            "shortcut_modified",
            data,
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// Appends the links in every string of `v`.
fn collect_links(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::String(s) => out.extend(
            extract_links(s)
                .into_iter()
                .map(|l| l.trim_end_matches(['\'', ',']).to_string()),
        ),
        Value::Array(a) => a.iter().for_each(|x| collect_links(x, out, depth + 1)),
        Value::Dictionary(d) => d.values().for_each(|x| collect_links(x, out, depth + 1)),
        _ => {}
    }
}

/// Decoded actions: identifiers and links. `None` when the blob is no property list.
pub fn parse_actions(blob: &[u8]) -> Option<(Vec<String>, Vec<String>)> {
    let value = plist_util::parse("ZDATA", blob).ok()?;
    let mut ids = Vec::new();
    let mut urls = Vec::new();
    for action in value.as_array().into_iter().flatten() {
        let Some(d) = action.as_dictionary() else {
            continue;
        };
        let id = d
            .get("WFWorkflowActionIdentifier")
            .and_then(Value::as_string);
        ids.push(id.unwrap_or_default().to_string());
        if let Some(params) = d.get("WFWorkflowActionParameters") {
            collect_links(params, &mut urls, 0);
        }
    }
    Some((ids, urls))
}

/// Text as MVT reads it with bytes for text: invalid UTF-8 written `\xNN`.
fn text(v: rusqlite::types::ValueRef<'_>) -> Option<String> {
    match v {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
            Some(backslash_utf8(b))
        }
        rusqlite::types::ValueRef::Null => None,
        other => Some(crate::whatsapp::sql::py_display(&RawValue::from_ref(other))),
    }
}

/// Reads every shortcut with its actions; also returns how many action blobs were unreadable.
pub fn read_shortcuts(db: &Db) -> rusqlite::Result<(Vec<Shortcut>, usize)> {
    let s = Table::of(db, "ZSHORTCUT", "s");
    let a = Table::of(db, "ZSHORTCUTACTIONS", "a");
    let (data, join) = match a.has(&["ZSHORTCUT", "ZDATA"]) {
        true => (
            a.col("ZDATA"),
            " LEFT JOIN ZSHORTCUTACTIONS a ON a.ZSHORTCUT = s.Z_PK",
        ),
        false => ("NULL".to_string(), ""),
    };
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {data} FROM ZSHORTCUT s{join} ORDER BY s.rowid",
        s.col("Z_PK"),
        s.col("ZNAME"),
        s.col("ZCREATIONDATE"),
        s.col("ZMODIFICATIONDATE"),
        s.col("ZACTIONSDESCRIPTION"),
    );
    let mut stmt = db.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut unreadable = 0;
    while let Some(r) = rows.next()? {
        let raw = |i: usize| r.get_ref(i).map(RawValue::from_ref);
        let (parsed, ids) = match r.get_ref(5)? {
            rusqlite::types::ValueRef::Blob(b) if !b.is_empty() => match parse_actions(b) {
                Some((ids, urls)) => (Some(urls), ids),
                None => {
                    unreadable += 1;
                    (None, Vec::new())
                }
            },
            _ => (None, Vec::new()),
        };
        out.push(Shortcut {
            shortcut_id: raw(0)?,
            shortcut_name: text(r.get_ref(1)?),
            isodate: mac_time(&raw(2)?),
            modified_date: mac_time(&raw(3)?),
            description: text(r.get_ref(4)?),
            parsed_actions: ids.len(),
            action_urls: parsed,
            action_identifiers: ids,
        });
    }
    Ok((out, unreadable))
}

/// The Shortcuts module.
pub struct Shortcuts;

static META: ModuleMeta = ModuleMeta {
    slug: "shortcuts",
    name: "Shortcuts",
    description: "Siri Shortcuts, with the web addresses their actions use",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/Shortcuts/Shortcuts.sqlite"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Shortcuts {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut shortcuts = Vec::new();
        let mut warnings = Vec::new();
        let mut failed = 0;
        for file in &files {
            let db = ev.open_sqlite(file)?;
            if !db.has_table("ZSHORTCUT") {
                warnings.push(format!(
                    "{} ({}): no ZSHORTCUT table",
                    file.path,
                    file.artifact()
                ));
                continue;
            }
            let (found, unreadable) = read_shortcuts(&db).map_err(|e| query_error(file, e))?;
            if unreadable > 0 {
                failed += unreadable as u64;
                warnings.push(format!(
                    "{}: {unreadable} action lists are not property lists",
                    file.artifact()
                ));
            }
            shortcuts.extend(found);
        }
        let mut out =
            ModuleOutput::new(shortcuts).with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = warnings;
        out.stats.failed = failed;
        Ok(out)
    }
}
