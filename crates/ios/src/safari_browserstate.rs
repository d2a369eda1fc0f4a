//! Safari's open tabs and their back/forward history: `BrowserState.db` (backup
//! `HomeDomain:Library/Safari/BrowserState.db`, and `Library/Safari/Profiles/<uuid>/
//! BrowserState.db` for Safari Profiles (iOS 17+); on device `/private/var/mobile/Library/
//! Safari/…` and the same under app containers), iOS 9+.
//!
//! `tabs` holds each tab's title, URL and last view (Mac absolute seconds); since iOS 12 its
//! session state is in `tab_sessions.session_data` (before, in `tabs.session_data`): a 4-byte
//! header, then a property list whose `SessionHistory.SessionHistoryEntries` lists the pages
//! the tab went through. A page an exploit chain passed through stays there after the
//! browser history was cleared; every tab and session URL is matched against URL and domain
//! indicators.

use crate::common::{find, query_error};
use crate::multi_db::Collected;
use crate::plist_json::{or_empty, to_json};
use crate::whatsapp::sql::{mac_time, py_display, query_values, Table};
use plist::Value;
use serde::Serialize;
use serde_json::Value as Json;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{plist_util, Artifact, Db, FoundFile, IosSource};

/// Where BrowserState.db files live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        ("*", "Library/Safari/BrowserState.db"),
        ("*", "Library/Safari/Profiles/*/BrowserState.db"),
    ],
    fs: &[
        "private/var/mobile/Library/Safari/BrowserState.db",
        "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db",
    ],
};

/// One page of a tab's back/forward list.
#[derive(Debug, Clone, Serialize)]
pub struct SessionEntry {
    /// `SessionHistoryEntryTitle` (MVT puts the original URL here; see `entry_original_url`).
    pub entry_title: Json,
    /// `SessionHistoryEntryURL`.
    pub entry_url: Json,
    /// `SessionHistoryEntryOriginalURL`: the URL first requested, before redirects.
    pub entry_original_url: Json,
    /// Size of the page's serialized state (`SessionHistoryEntryData`).
    pub data_length: usize,
}

/// One tab.
#[derive(Debug, Clone, Serialize)]
pub struct SafariTab {
    /// `tabs.title`.
    pub tab_title: RawValue,
    /// `tabs.url`.
    pub tab_url: RawValue,
    /// `tabs.user_visible_url`.
    pub tab_visible_url: RawValue,
    /// `tabs.last_viewed_time`.
    #[serde(serialize_with = "or_empty")]
    pub last_viewed_timestamp: Option<Timestamp>,
    /// The tab's back/forward list.
    pub session_data: Vec<SessionEntry>,
    /// The database file, relative to the acquisition root.
    pub safari_browser_state_db: String,
    /// The Safari Profile's UUID, `null` for the default profile.
    pub safari_profile: Option<String>,
}

impl Record for SafariTab {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for url in [&self.tab_url, &self.tab_visible_url] {
            if let Some(u) = url.as_str().filter(|u| !u.is_empty()) {
                out.push(Observable::Url(u));
            }
        }
        for e in &self.session_data {
            for url in [&e.entry_url, &e.entry_original_url] {
                if let Some(u) = url.as_str().filter(|u| !u.is_empty()) {
                    out.push(Observable::Url(u));
                }
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.last_viewed_timestamp,
            "tab",
            format!(
                "{} - {}",
                py_display(&self.tab_title),
                py_display(&self.tab_url)
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.last_viewed_timestamp
    }
}

/// Python's `len()` of a plist value, for `data_length`.
fn length(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Data(d)) => d.len(),
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Array(a)) => a.len(),
        Some(Value::Dictionary(d)) => d.len(),
        _ => 0,
    }
}

/// Decodes a `session_data` blob: 4 header bytes, then a property list. `Err` when it holds
/// none.
pub fn parse_session(blob: &[u8]) -> Result<Vec<SessionEntry>, String> {
    let body = blob.get(4..).ok_or("shorter than its 4-byte header")?;
    let value = plist_util::parse("session_data", body).map_err(|e| e.to_string())?;
    let entries = value
        .as_dictionary()
        .and_then(|d| d.get("SessionHistory"))
        .and_then(Value::as_dictionary)
        .and_then(|d| d.get("SessionHistoryEntries"))
        .and_then(Value::as_array);
    let get = |d: &plist::Dictionary, k: &str| d.get(k).map_or(Json::Null, to_json);
    Ok(entries
        .into_iter()
        .flatten()
        .filter_map(Value::as_dictionary)
        .map(|d| SessionEntry {
            entry_title: get(d, "SessionHistoryEntryTitle"),
            entry_url: get(d, "SessionHistoryEntryURL"),
            entry_original_url: get(d, "SessionHistoryEntryOriginalURL"),
            data_length: length(d.get("SessionHistoryEntryData")),
        })
        .collect())
}

/// The profile UUID in `Library/Safari/Profiles/<uuid>/BrowserState.db`.
fn profile_of(relative_path: &str) -> Option<String> {
    let rest = relative_path.split("/Safari/Profiles/").nth(1)?;
    rest.split('/').next().map(str::to_string)
}

/// The tabs of one database, and how many session blobs could not be decoded.
pub fn read_tabs(db: &Db, file: &FoundFile) -> rusqlite::Result<(Vec<SafariTab>, usize)> {
    let tabs = Table::of(db, "tabs", "t");
    let sessions = Table::of(db, "tab_sessions", "s");
    // iOS 12+ keeps session state in its own table; tabs without one are kept (MVT drops them).
    let (session_col, join) = if tabs.has(&["uuid"]) && sessions.has(&["tab_uuid", "session_data"])
    {
        (
            sessions.col("session_data"),
            " LEFT JOIN tab_sessions s ON t.uuid = s.tab_uuid",
        )
    } else {
        (tabs.col("session_data"), "")
    };
    let order = match tabs.has(&["last_viewed_time"]) {
        true => "t.last_viewed_time, t.rowid",
        false => "t.rowid",
    };
    let sql = format!(
        "SELECT {}, {}, {}, {}, {session_col} FROM tabs t{join} ORDER BY {order}",
        tabs.col("title"),
        tabs.col("url"),
        tabs.col("user_visible_url"),
        tabs.col("last_viewed_time"),
    );
    let mut undecoded = 0;
    let mut out = Vec::new();
    for row in query_values(db, &sql)? {
        let mut v = row.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let (tab_title, tab_url, tab_visible_url, viewed) = (next(), next(), next(), next());
        let session_data = match next() {
            RawValue::Blob(b) if !b.is_empty() => parse_session(&b).unwrap_or_else(|_| {
                undecoded += 1;
                Vec::new()
            }),
            _ => Vec::new(),
        };
        out.push(SafariTab {
            tab_title,
            tab_url,
            tab_visible_url,
            last_viewed_timestamp: mac_time(&viewed),
            session_data,
            safari_browser_state_db: file.path.clone(),
            safari_profile: profile_of(&file.relative_path),
        });
    }
    Ok((out, undecoded))
}

/// The SafariBrowserState module.
pub struct SafariBrowserState;

static META: ModuleMeta = ModuleMeta {
    slug: "safari_browser_state",
    name: "SafariBrowserState",
    description: "Safari's open tabs and their back/forward history, in every Safari Profile",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "*:Library/Safari/BrowserState.db",
        "*:Library/Safari/Profiles/*/BrowserState.db",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for SafariBrowserState {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        // A damaged profile database must not hide the others.
        let mut tabs = Collected::new();
        for file in &files {
            let result = ev
                .open_sqlite(file)
                .map_err(ModuleError::from)
                .and_then(|db| match db.has_table("tabs") {
                    true => read_tabs(&db, file)
                        .map(Some)
                        .map_err(|e| query_error(file, e)),
                    false => Ok(None),
                });
            let result = result.map(|read| {
                read.map(|(found, undecoded)| {
                    if undecoded > 0 {
                        tabs.warnings.push(format!(
                            "{} ({}): {undecoded} tab session blobs could not be decoded",
                            file.path,
                            file.artifact()
                        ));
                    }
                    found
                })
            });
            tabs.add(file, "tabs table", result);
        }
        Ok(tabs.finish(files.len())?.into_output(&files))
    }
}
