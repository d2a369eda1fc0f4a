//! Report data from a run in memory (`--report` on a check): the same content as the results
//! folder the run writes, without reading it back.

use super::collect::Collector;
use super::model::{AlertView, IndicatorFileView, IndicatorView, ModuleView, ReportData, RunView};
use super::ReportOptions;
use crate::info::RunInfo;
use tracehound_core::runner::ModuleReport;
use tracehound_core::{TimelineKey, Timestamp};

/// Builds the report's data from a finished run.
pub fn from_run(reports: &[ModuleReport], info: &RunInfo, opts: &ReportOptions) -> ReportData {
    let mut c = Collector::new(opts);
    c.alerts(alerts(reports));
    for r in reports {
        let Some(out) = &r.output else { continue };
        c.table(r.meta.slug, &format!("{}.json", r.meta.slug));
        for i in 0..out.records.len() {
            if c.wants_record() {
                c.record(out.records.record_json(i));
            } else {
                c.skip_record();
            }
        }
    }
    c.finish_records();
    timeline(&mut c, reports);
    c.build(run_view(info), Some(module_views(info)))
}

fn alerts(reports: &[ModuleReport]) -> Vec<AlertView> {
    reports
        .iter()
        .flat_map(|r| r.alerts.iter().map(move |a| (r, a)))
        .map(|(r, a)| AlertView {
            level: a.level.as_str().to_string(),
            module: r.meta.slug.to_string(),
            message: a.message.clone(),
            event_time: a
                .event_time
                .map(Timestamp::to_mvt_string)
                .unwrap_or_default(),
            micros: a.event_time.map(Timestamp::unix_micros),
            event: match (&r.output, a.record) {
                (Some(out), Some(i)) => out.records.record_json(i),
                _ => serde_json::Value::Null,
            },
            indicator: a.matched_indicator.as_ref().map(|i| IndicatorView {
                value: i.value.clone(),
                kind: i.kind.as_str().to_string(),
                malware: i.name.clone(),
                source: i.stix2_file_name.clone(),
            }),
        })
        .collect()
}

/// Every module's events merged as `timeline.csv` orders them: by time, module name, record
/// and event; exact duplicates within a module at one time dropped.
fn timeline(c: &mut Collector<'_>, reports: &[ModuleReport]) {
    let mut by_name: Vec<usize> = (0..reports.len()).collect();
    by_name.sort_by_key(|&i| (reports[i].meta.name, reports[i].meta.slug));
    let mut rank = vec![0; reports.len()];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r;
    }
    let mut keys: Vec<(Option<Timestamp>, usize, usize, TimelineKey)> = reports
        .iter()
        .enumerate()
        .flat_map(|(m, r)| {
            let rank = rank[m];
            r.timeline.iter().map(move |k| (k.timestamp, rank, m, *k))
        })
        .collect();
    keys.sort_unstable();
    for run in keys.chunk_by(|a, b| a.2 == b.2) {
        let report = &reports[run[0].2];
        let run_keys: Vec<TimelineKey> = run.iter().map(|k| k.3).collect();
        report.render_timeline(&run_keys, |e| {
            c.event(
                report.meta.name,
                e.timestamp.map(Timestamp::unix_micros),
                &e.event,
                &e.description,
            );
        });
    }
}

fn run_view(info: &RunInfo) -> RunView {
    RunView {
        tool: format!("{} {}", info.tool, info.version),
        command: info.command.join(" "),
        started: info.started.clone(),
        finished: info.finished.clone(),
        target: info.target_path.clone(),
        acquisition: info.acquisition.to_string(),
        indicators: info
            .indicators
            .iter()
            .map(|s| IndicatorFileView {
                path: s.path.clone(),
                sha256: s.sha256.clone(),
                count: Some(s.counts.values().sum()),
                malware: s.malware.clone(),
            })
            .collect(),
        layout_note: None,
        network: crate::html::model::network_line(info.short_urls.as_ref().map(|s| {
            let expanded = s.iter().filter(|e| e.expanded_url.is_some()).count();
            let contacted = s.iter().map(|e| e.contacted.len()).sum();
            (expanded, s.len(), contacted)
        })),
    }
}

fn module_views(info: &RunInfo) -> Vec<ModuleView> {
    info.modules
        .iter()
        .map(|m| ModuleView {
            slug: m.module.to_string(),
            status: m.status.to_string(),
            reason: m.reason.clone(),
            records: m.records,
            detections: m
                .detections
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            parse_failed: m.parse.failed,
            warnings: m.warnings.clone(),
        })
        .collect()
}
