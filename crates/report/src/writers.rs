//! Writing a run's module reports into a results folder.

use crate::info::RunInfo;
use crate::output::{OutputDir, OutputError};
use serde::Serialize;
use std::io::{self, Write};
use tracehound_core::record::write_pretty_json;
use tracehound_core::runner::ModuleReport;
use tracehound_core::{Alert, IndicatorRef};

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

/// One row of `timeline.csv`.
#[derive(Serialize)]
struct TimelineRow<'a> {
    #[serde(rename = "UTC Timestamp")]
    timestamp: String,
    #[serde(rename = "Plugin")]
    plugin: &'static str,
    #[serde(rename = "Event")]
    event: &'a str,
    #[serde(rename = "Description")]
    description: &'a str,
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

/// Writes the whole results folder and moves it into place. Returns the folder's path.
pub fn write_results(
    out: OutputDir,
    reports: &[ModuleReport],
    info: &RunInfo,
    log: &str,
) -> Result<std::path::PathBuf, OutputError> {
    let mut all_alerts = Vec::new();
    for r in reports {
        if let Some(o) = &r.output {
            if !o.records.is_empty() {
                out.write(&format!("{}.json", r.meta.slug), |w| {
                    o.records.write_json(w)
                })?;
            }
        }
        if !r.alerts.is_empty() {
            let alerts: Vec<AlertJson<'_>> = r.alerts.iter().map(|a| alert_json(r, a)).collect();
            out.write(&format!("{}_detected.json", r.meta.slug), |w| {
                write_pretty_json(w, &alerts)
            })?;
        }
        all_alerts.extend(r.alerts.iter().map(|a| (r, a)));
    }

    let alerts: Vec<AlertJson<'_>> = all_alerts.iter().map(|(r, a)| alert_json(r, a)).collect();
    out.write("alerts.json", |w| write_pretty_json(w, &alerts))?;

    out.write("timeline.csv", |w| write_timeline(w, reports))?;
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
        for row in rows {
            csv.serialize(row).map_err(io::Error::other)?;
        }
        csv.flush()
    })?;
    out.write("info.json", |w| write_pretty_json(w, info))?;
    out.write("command.log", |w| w.write_all(log.as_bytes()))?;
    out.commit()
}

/// Writes `timeline.csv`, sorted by time, module, event and description.
fn write_timeline(w: &mut dyn Write, reports: &[ModuleReport]) -> io::Result<()> {
    let mut rows: Vec<(&tracehound_core::TimelineEvent, &'static str)> = reports
        .iter()
        .flat_map(|r| r.timeline.iter().map(move |e| (e, r.meta.name)))
        .collect();
    rows.sort_by(|(a, am), (b, bm)| {
        (a.timestamp, am, &a.event, &a.description).cmp(&(
            b.timestamp,
            bm,
            &b.event,
            &b.description,
        ))
    });
    let mut csv = csv_writer(w);
    if rows.is_empty() {
        csv.write_record(["UTC Timestamp", "Plugin", "Event", "Description"])
            .map_err(io::Error::other)?;
    }
    for (e, plugin) in rows {
        csv.serialize(TimelineRow {
            timestamp: e.timestamp.map(|t| t.to_rfc3339()).unwrap_or_default(),
            plugin,
            event: &e.event,
            description: &e.description,
        })
        .map_err(io::Error::other)?;
    }
    csv.flush()
}
