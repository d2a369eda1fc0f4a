//! What the HTML report shows, independent of where it came from: a run in memory
//! ([`super::from_run`]) or a results folder on disk, ours or MVT's ([`super::from_dir`]).
//! Evidence stays as JSON values (records are rendered generically), already redacted when the
//! report is redacted.

use serde_json::Value;
use std::collections::BTreeMap;

/// Alert levels, most severe first, as written in results.
pub const LEVELS: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"];

/// Rank of a level name for sorting and for the timeline (`0` = no level, `5` = CRITICAL).
pub fn level_rank(level: &str) -> u8 {
    match level {
        "CRITICAL" => 5,
        "HIGH" => 4,
        "MEDIUM" => 3,
        "LOW" => 2,
        "INFORMATIONAL" => 1,
        _ => 0,
    }
}

/// A module slug or display name reduced to lower-case letters and digits, so that
/// `id_status_cache` and `IDStatusCache` (the timeline's plugin name) compare equal.
pub fn module_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Everything the report shows.
pub struct ReportData {
    /// The run: tool, target, indicators.
    pub run: RunView,
    /// How each module ended; `None` when the results do not record it (MVT's layout).
    pub modules: Option<Vec<ModuleView>>,
    /// Every alert, in results order.
    pub alerts: Vec<AlertView>,
    /// Records per module, capped.
    pub tables: Vec<TableView>,
    /// Timeline events and alerts, sorted by time (events without time first).
    pub timeline: Timeline,
    /// Whether the report is redacted, and how.
    pub redaction: Option<RedactionNote>,
    /// Detection cards shown at most.
    pub max_detections: usize,
}

/// What a redacted report says about its redaction.
pub struct RedactionNote {
    /// Timeline descriptions were hidden whole (too much private text to redact selectively).
    pub descriptions_hidden: bool,
}

/// The run as `info.json` describes it.
#[derive(Default)]
pub struct RunView {
    /// `tracehound 0.1.0` or `MVT 2.x`.
    pub tool: String,
    /// The command line.
    pub command: String,
    /// Start and end (as written).
    pub started: String,
    /// End of the run.
    pub finished: String,
    /// The acquisition checked.
    pub target: String,
    /// Acquisition kind (`ios_backup`…), when recorded.
    pub acquisition: String,
    /// Indicator files.
    pub indicators: Vec<IndicatorFileView>,
    /// Said when the results are in MVT's layout (no per-module status).
    pub layout_note: Option<String>,
    /// Whether the run went online (`--resolve-short-urls`), and what for; empty when unknown.
    pub network: String,
}

/// The network line of a run: offline, or how many shortened links were expanded online
/// (from `(expanded, links, URLs contacted)`).
pub fn network_line(short_urls: Option<(usize, usize, usize)>) -> String {
    match short_urls {
        None => "offline (no network access)".to_string(),
        Some((expanded, links, contacted)) => format!(
            "online for --resolve-short-urls: {expanded} of {links} shortened links expanded, \
             {contacted} URLs contacted (listed in info.json)"
        ),
    }
}

/// One indicator file.
pub struct IndicatorFileView {
    /// Path as given.
    pub path: String,
    /// SHA-256, when recorded.
    pub sha256: String,
    /// Indicators loaded, when recorded.
    pub count: Option<usize>,
    /// Malware names in it.
    pub malware: Vec<String>,
}

/// How one module ended.
pub struct ModuleView {
    /// Slug.
    pub slug: String,
    /// `ok`, `not_found`, `failed`, `skipped`.
    pub status: String,
    /// Why it did not run.
    pub reason: Option<String>,
    /// Records produced.
    pub records: usize,
    /// Alerts per level.
    pub detections: BTreeMap<String, usize>,
    /// Lines or entries not understood.
    pub parse_failed: u64,
    /// Warnings raised.
    pub warnings: Vec<String>,
}

/// One alert with its evidence.
pub struct AlertView {
    /// `CRITICAL`…
    pub level: String,
    /// Module slug.
    pub module: String,
    /// What was found.
    pub message: String,
    /// When, as written (`""` if unknown).
    pub event_time: String,
    /// The same time in microseconds since 1970 (for the timeline).
    pub micros: Option<i64>,
    /// The record.
    pub event: Value,
    /// The indicator, for indicator matches.
    pub indicator: Option<IndicatorView>,
}

/// A matched indicator.
pub struct IndicatorView {
    /// The indicator's value.
    pub value: String,
    /// Its collection (`domains`, `processes`…).
    pub kind: String,
    /// Malware or campaign name.
    pub malware: String,
    /// The bundle it came from.
    pub source: String,
}

/// A module's records, capped.
pub struct TableView {
    /// Module slug.
    pub slug: String,
    /// Records in the module (all of them).
    pub total: usize,
    /// The first records.
    pub rows: Vec<Value>,
    /// The JSON file holding all of them, relative to the report, when it can be linked.
    pub link: Option<String>,
    /// The JSON file's name.
    pub file: String,
}

/// The timeline: module names and events.
#[derive(Default)]
pub struct Timeline {
    /// Module display names; events refer to them by index.
    pub modules: Vec<String>,
    /// Events, sorted.
    pub events: Vec<TimelineRow>,
    /// Events left out past the cap.
    pub omitted: usize,
}

/// One timeline entry: a record's event, or an alert (`level > 0`, event `ALERT`).
pub struct TimelineRow {
    /// Microseconds since 1970, UTC.
    pub micros: Option<i64>,
    /// Index into [`Timeline::modules`].
    pub module: u32,
    /// Event name.
    pub event: String,
    /// Description.
    pub description: String,
    /// [`level_rank`] of the alert, or of the alerts about the same module at the same time.
    pub level: u8,
}

impl Timeline {
    /// The index of module `name`, added if new.
    pub fn module_index(&mut self, name: &str) -> u32 {
        match self.modules.iter().position(|m| m == name) {
            Some(i) => i as u32,
            None => {
                self.modules.push(name.to_string());
                (self.modules.len() - 1) as u32
            }
        }
    }

    /// Adds the alerts as entries of their own and tags the events of the same module at the
    /// same time with the alert's level, then sorts by time (stable: file order otherwise).
    pub fn add_alerts(&mut self, alerts: &[AlertView]) {
        let keys: Vec<String> = self.modules.iter().map(|m| module_key(m)).collect();
        let mut tags: std::collections::HashMap<(u32, i64), u8> = Default::default();
        for a in alerts {
            let key = module_key(&a.module);
            let module = match keys.iter().position(|k| *k == key) {
                Some(i) => i as u32,
                None => self.module_index(&a.module),
            };
            let level = level_rank(&a.level);
            if let Some(t) = a.micros {
                let e = tags.entry((module, t)).or_insert(0);
                *e = (*e).max(level);
            }
            self.events.push(TimelineRow {
                micros: a.micros,
                module,
                event: "ALERT".into(),
                description: a.message.clone(),
                level,
            });
        }
        for e in &mut self.events {
            if e.level == 0 {
                if let Some(t) = e.micros {
                    e.level = tags.get(&(e.module, t)).copied().unwrap_or(0);
                }
            }
        }
        self.events.sort_by_key(|e| e.micros);
    }
}
