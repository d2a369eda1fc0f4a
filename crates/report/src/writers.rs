//! Writing a run's module reports into a results folder.

use crate::info::RunInfo;
use crate::output::{OutputDir, OutputError};
use crate::timesketch::WriteOptions;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};
use tracehound_core::record::write_pretty_json;
use tracehound_core::runner::ModuleReport;
use tracehound_core::{Alert, IndicatorRef, TimelineKey};

/// An alert as written to `alerts.json`.
#[derive(Serialize)]
struct AlertJson<'a> {
    level: &'static str,
    module: &'static str,
    message: &'a str,
    event_time: String,
    event: serde_json::Value,
    matched_indicator: Option<&'a IndicatorRef>,
}

fn alert_json<'a>(r: &ModuleReport, a: &'a Alert) -> AlertJson<'a> {
    let event = match (&r.output, a.record) {
        (Some(out), Some(i)) => out.records.record_json(i),
        _ => serde_json::Value::Null,
    };
    AlertJson {
        level: a.level.as_str(),
        module: a.module,
        message: &a.message,
        event_time: a.event_time.map(|t| t.to_mvt_string()).unwrap_or_default(),
        event,
        matched_indicator: a.matched_indicator.as_deref(),
    }
}

/// One row of `alerts_timeline.csv`.
#[derive(Serialize)]
struct AlertRow<'a> {
    #[serde(rename = "Event Time")]
    time: String,
    #[serde(rename = "Module")]
    module: &'static str,
    #[serde(rename = "Message")]
    message: &'a str,
    #[serde(rename = "Event")]
    event: String,
    #[serde(rename = "Level")]
    level: &'static str,
}

fn csv_writer(w: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(w)
}

/// Writes every results file into `out`'s staging folder; the caller then moves it into place
/// with [`OutputDir::commit`] (guarding the move against Ctrl-C).
pub fn write_staged(
    out: &OutputDir,
    reports: &[ModuleReport],
    info: &RunInfo,
    log: &str,
    opts: &WriteOptions,
) -> Result<(), OutputError> {
    // The big files (records, timeline) are written in parallel; each is synced on its own.
    let (modules, timeline) = rayon::join(
        || {
            reports
                .par_iter()
                .map(|r| write_module_files(out, r))
                .collect::<Result<Vec<()>, OutputError>>()
        },
        || crate::timesketch::write_timelines(out, reports, opts.timeline),
    );
    modules?;
    timeline?;
    write_alerts(out, reports)?;
    write_urls(out, reports, info)?;
    out.write("info.json", |w| write_pretty_json(w, info))?;
    out.write("command.log", |w| w.write_all(log.as_bytes()))
}

/// A link of a message, as written to `urls.json`.
#[derive(Serialize)]
struct UrlJson<'a> {
    url: &'a str,
    /// Where it led, when `--resolve-short-urls` expanded it.
    expanded_url: Option<&'a str>,
    timestamp: Option<String>,
    /// The module it comes from.
    source: &'static str,
}

/// Writes `urls.json`, MVT's list of the links messages carry (with the message's time and
/// module), when there is any.
fn write_urls(
    out: &OutputDir,
    reports: &[ModuleReport],
    info: &RunInfo,
) -> Result<(), OutputError> {
    let expanded = |url: &str| {
        info.short_urls
            .iter()
            .flatten()
            .find(|e| e.url == url)
            .and_then(|e| e.expanded_url.as_deref())
            .filter(|x| *x != url)
    };
    let mut urls = Vec::new();
    let mut links = Vec::new();
    for r in reports {
        let Some(o) = &r.output else { continue };
        for i in 0..o.records.len() {
            links.clear();
            o.records.links(i, &mut links);
            for &url in &links {
                urls.push(UrlJson {
                    url,
                    expanded_url: expanded(url),
                    timestamp: o.records.event_time(i).map(|t| t.to_mvt_string()),
                    source: r.meta.slug,
                });
            }
        }
    }
    if urls.is_empty() {
        return Ok(());
    }
    out.write("urls.json", |w| write_pretty_json(w, &urls))
}

/// Writes `alerts.json` and `alerts_timeline.csv`: every alert of `reports`, with its record.
pub fn write_alerts(out: &OutputDir, reports: &[ModuleReport]) -> Result<(), OutputError> {
    let all_alerts: Vec<(&ModuleReport, &Alert)> = reports
        .iter()
        .flat_map(|r| r.alerts.iter().map(move |a| (r, a)))
        .collect();

    let alerts: Vec<AlertJson<'_>> = all_alerts.iter().map(|(r, a)| alert_json(r, a)).collect();
    out.write("alerts.json", |w| write_pretty_json(w, &alerts))?;

    out.write("alerts_timeline.csv", |w| {
        let mut rows: Vec<AlertRow<'_>> = all_alerts
            .iter()
            .zip(&alerts)
            .map(|((r, a), j)| AlertRow {
                time: a.event_time.map(|t| t.to_rfc3339()).unwrap_or_default(),
                module: r.meta.slug,
                message: &a.message,
                event: j.event.to_string(),
                level: a.level.as_str(),
            })
            .collect();
        rows.sort_by(|x, y| {
            (&x.time, x.module, x.message, &x.event).cmp(&(&y.time, y.module, y.message, &y.event))
        });
        let mut csv = csv_writer(w);
        if rows.is_empty() {
            // The header alone: a clean run's file still says what it would hold.
            csv.write_record(["Event Time", "Module", "Message", "Event", "Level"])?;
        }
        for row in rows {
            csv.serialize(row).map_err(io::Error::other)?;
        }
        csv.flush()
    })?;
    Ok(())
}

/// Writes `<module>.json` and `<module>_detected.json`.
fn write_module_files(out: &OutputDir, r: &ModuleReport) -> Result<(), OutputError> {
    if let Some(o) = &r.output {
        if !o.records.is_empty() {
            out.write(&format!("{}.json", r.meta.slug), |w| {
                o.records.write_json(w)
            })?;
        }
    }
    write_detected(out, r)
}

/// Writes `<module>_detected.json` when the module raised alerts.
pub fn write_detected(out: &OutputDir, r: &ModuleReport) -> Result<(), OutputError> {
    if !r.alerts.is_empty() {
        let alerts: Vec<AlertJson<'_>> = r.alerts.iter().map(|a| alert_json(r, a)).collect();
        out.write(&format!("{}_detected.json", r.meta.slug), |w| {
            write_pretty_json(w, &alerts)
        })?;
    }
    Ok(())
}

/// Writes `timeline.csv`: every module's events merged by time, then module name, then record
/// and event order, rendered from the records as they are written.
pub(crate) fn write_timeline(w: &mut dyn Write, reports: &[ModuleReport]) -> io::Result<()> {
    // Modules are ranked by name so the order does not depend on registration order.
    let mut by_name: Vec<usize> = (0..reports.len()).collect();
    by_name.sort_by_key(|&i| (reports[i].meta.name, reports[i].meta.slug));
    let mut rank = vec![0; reports.len()];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r;
    }
    let mut keys: Vec<(
        Option<tracehound_core::Timestamp>,
        usize,
        usize,
        TimelineKey,
    )> = reports
        .iter()
        .enumerate()
        .flat_map(|(m, r)| {
            let rank = rank[m];
            r.timeline.iter().map(move |k| (k.timestamp, rank, m, *k))
        })
        .collect();
    keys.sort_unstable();
    let mut csv = csv_writer(w);
    csv.write_record(["UTC Timestamp", "Plugin", "Event", "Description"])
        .map_err(io::Error::other)?;
    let mut result = Ok(());
    // Runs of keys from one module are rendered together.
    for run in keys.chunk_by(|a, b| a.2 == b.2) {
        let report = &reports[run[0].2];
        let run_keys: Vec<TimelineKey> = run.iter().map(|k| k.3).collect();
        report.render_timeline(&run_keys, |e| {
            if result.is_ok() {
                result = csv.write_record([
                    e.timestamp
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default()
                        .as_str(),
                    report.meta.name,
                    &e.event,
                    &e.description,
                ]);
            }
        });
    }
    result.map_err(io::Error::other)?;
    csv.flush()
}
