//! `timeline.jsonl`: the timeline as JSON Lines in the form Timesketch imports.
//!
//! One JSON object per line, UTF-8, sorted as `timeline.csv` (time, then module name, then
//! record and event order), exact duplicates written once:
//!
//! ```json
//! {"message":"+15550100: see https://evil.example/x","datetime":"2021-12-03T19:33:13.000000Z","timestamp_desc":"sms_received","module":"sms","tag":["CRITICAL"]}
//! ```
//!
//! - `message`: the event's description (its name if it has none);
//! - `datetime`: ISO 8601 / RFC 3339, UTC, microseconds;
//! - `timestamp_desc`: what the time is (the event name: `sms_received`, `live_usage`…);
//! - `module`: the module's slug;
//! - `tag`: present when the event's record raised alerts: their levels, most severe first.
//!
//! Alerts that have a time but no timed event of their record (a heuristic about a whole
//! file, say) get their own line: `message` the alert's, `timestamp_desc` `alert`. Events and
//! alerts without a time are left out: Timesketch requires one (they are in `timeline.csv`
//! and `alerts.json`).

use crate::output::{OutputDir, OutputError};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use tracehound_core::runner::ModuleReport;
use tracehound_core::{Level, TimelineEvent, TimelineKey, Timestamp};

/// Which timeline files to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimelineFormat {
    /// `timeline.csv`.
    #[default]
    Csv,
    /// `timeline.jsonl`.
    Jsonl,
    /// Both.
    Both,
}

/// Choices for [`crate::write_staged`].
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Timeline file(s).
    pub timeline: TimelineFormat,
}

/// Writes the timeline file(s) `format` asks for, the two in parallel.
pub(crate) fn write_timelines(
    out: &OutputDir,
    reports: &[ModuleReport],
    format: TimelineFormat,
) -> Result<(), OutputError> {
    let csv = || {
        out.write("timeline.csv", |w| {
            crate::writers::write_timeline(w, reports)
        })
    };
    let jsonl = || out.write("timeline.jsonl", |w| write_timeline_jsonl(w, reports));
    match format {
        TimelineFormat::Csv => csv(),
        TimelineFormat::Jsonl => jsonl(),
        TimelineFormat::Both => {
            let (a, b) = rayon::join(csv, jsonl);
            a.and(b)
        }
    }
}

/// Each module's rank by name (as `timeline.csv` orders them).
fn module_ranks(reports: &[ModuleReport]) -> Vec<usize> {
    let mut by_name: Vec<usize> = (0..reports.len()).collect();
    by_name.sort_by_key(|&i| (reports[i].meta.name, reports[i].meta.slug));
    let mut rank = vec![0; reports.len()];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r;
    }
    rank
}

#[derive(Serialize)]
struct Line<'a> {
    message: &'a str,
    datetime: String,
    timestamp_desc: &'a str,
    module: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tag: &'a [&'static str],
}

/// Writes `timeline.jsonl` for the reports.
pub fn write_timeline_jsonl(w: &mut dyn Write, reports: &[ModuleReport]) -> io::Result<()> {
    let mut tags: HashMap<(usize, usize), Vec<Level>> = HashMap::new();
    for (m, r) in reports.iter().enumerate() {
        for a in &r.alerts {
            if let Some(record) = a.record {
                let levels = tags.entry((m, record)).or_default();
                if !levels.contains(&a.level) {
                    levels.push(a.level);
                }
            }
        }
    }
    let tags: HashMap<(usize, usize), Vec<&'static str>> = tags
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(|a, b| b.cmp(a));
            (k, v.into_iter().map(Level::as_str).collect())
        })
        .collect();
    let mut shown: HashSet<(usize, usize)> = HashSet::new();
    let mut events: Vec<TimelineEvent> = Vec::new();
    // Events already written at the current time (a set: a dump has hundreds of thousands
    // of entries sharing one time).
    let mut group: HashSet<TimelineEvent> = HashSet::new();
    let mut group_time = None;
    let mut cached: Option<(usize, u32)> = None;
    // Lines carry their sort key: time, module rank, then a sequence number (events before
    // alerts at the same time in the same module).
    let mut alert_lines: Vec<(Timestamp, usize, usize, String)> = Vec::new();
    let ranks = module_ranks(reports);
    let mut keys: Vec<(Option<Timestamp>, usize, usize, TimelineKey)> = reports
        .iter()
        .enumerate()
        .flat_map(|(m, r)| r.timeline.iter().map(move |k| (k.timestamp, m, *k)))
        .map(|(t, m, k)| (t, ranks[m], m, k))
        .collect();
    keys.sort_unstable();
    let mut out = Vec::with_capacity(keys.len());
    for &(time, rank, m, key) in &keys {
        let Some(t) = time else { continue };
        let report = &reports[m];
        let Some(o) = &report.output else { continue };
        if cached != Some((m, key.record)) {
            events.clear();
            o.records.timeline(key.record as usize, &mut events);
            cached = Some((m, key.record));
        }
        let Some(e) = events.get(key.index as usize) else {
            continue;
        };
        if group_time != Some(e.timestamp) {
            group.clear();
            group_time = Some(e.timestamp);
        }
        if group.contains(e) {
            continue;
        }
        let record = key.record as usize;
        let tag = tags.get(&(m, record)).map_or(&[][..], Vec::as_slice);
        if !tag.is_empty() {
            shown.insert((m, record));
        }
        let message = if e.description.is_empty() {
            &e.event
        } else {
            &e.description
        };
        out.push((
            t,
            rank,
            0,
            line(message, t, &e.event, report.meta.slug, tag)?,
        ));
        group.insert(e.clone());
    }
    for (m, r) in reports.iter().enumerate() {
        for a in &r.alerts {
            let Some(t) = a.event_time else { continue };
            if a.record.is_some_and(|rec| shown.contains(&(m, rec))) {
                continue;
            }
            let tag = [a.level.as_str()];
            alert_lines.push((
                t,
                ranks[m],
                1,
                line(&a.message, t, "alert", r.meta.slug, &tag)?,
            ));
        }
    }
    alert_lines.sort();
    out.extend(alert_lines);
    // Stable: events keep their order among equal keys.
    out.sort_by_key(|a| (a.0, a.1, a.2));
    for (_, _, _, l) in out {
        w.write_all(l.as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

fn line(
    message: &str,
    t: Timestamp,
    desc: &str,
    module: &'static str,
    tag: &[&'static str],
) -> io::Result<String> {
    serde_json::to_string(&Line {
        message,
        datetime: t.to_rfc3339(),
        timestamp_desc: desc,
        module,
        tag,
    })
    .map_err(io::Error::other)
}
