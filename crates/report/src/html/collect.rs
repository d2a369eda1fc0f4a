//! Assembling [`ReportData`] from either source in the same order: alerts first (their
//! indicators are never redacted), then every record (capped tables; every record's private
//! strings gathered for redaction), then the timeline, redacted as it streams in.

use super::model::{
    AlertView, ModuleView, RedactionNote, ReportData, RunView, TableView, Timeline, TimelineRow,
};
use super::redact::Redactor;
use super::ReportOptions;
use serde_json::Value;

/// Builds a report's data from pieces handed over in order.
pub struct Collector<'o> {
    opts: &'o ReportOptions,
    red: Redactor,
    alerts: Vec<AlertView>,
    tables: Vec<TableView>,
    timeline: Timeline,
}

impl<'o> Collector<'o> {
    /// A collector for a report with `opts`.
    pub fn new(opts: &'o ReportOptions) -> Self {
        Collector {
            opts,
            red: Redactor::new(opts.redact),
            alerts: Vec::new(),
            tables: Vec::new(),
            timeline: Timeline::default(),
        }
    }

    /// The run's alerts, unredacted.
    pub fn alerts(&mut self, alerts: Vec<AlertView>) {
        for a in &alerts {
            if let Some(i) = &a.indicator {
                self.red.keep(&i.value);
            }
        }
        for a in &alerts {
            self.red.collect(&a.module, &a.event);
        }
        self.alerts.extend(alerts);
    }

    /// Starts the table of module `slug`, whose records are in results file `file`.
    pub fn table(&mut self, slug: &str, file: &str) {
        let link = self
            .opts
            .results_link
            .as_ref()
            .map(|prefix| format!("{prefix}{file}"));
        self.tables.push(TableView {
            slug: slug.to_string(),
            total: 0,
            rows: Vec::new(),
            link,
            file: file.to_string(),
        });
    }

    /// Whether the current table wants its next record as a value (to show it, or to gather
    /// private strings from it); otherwise [`Collector::skip_record`] counts it.
    pub fn wants_record(&self) -> bool {
        self.red.enabled()
            || self
                .tables
                .last()
                .is_some_and(|t| t.rows.len() < self.opts.max_table_rows)
    }

    /// The next record of the current table.
    pub fn record(&mut self, record: Value) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        t.total += 1;
        self.red.collect(&t.slug, &record);
        if t.rows.len() < self.opts.max_table_rows {
            t.rows.push(record);
        }
    }

    /// Counts a record not wanted as a value.
    pub fn skip_record(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            t.total += 1;
        }
    }

    /// Ends record collection: redacts what was kept. Timeline events may follow.
    pub fn finish_records(&mut self) {
        self.tables.retain(|t| t.total > 0);
        self.red.finish();
        if !self.red.enabled() {
            return;
        }
        for t in &mut self.tables {
            for r in &mut t.rows {
                self.red.record(&t.slug, r);
            }
        }
        for a in &mut self.alerts {
            self.red.record(&a.module, &mut a.event);
            a.message = self.red.text(&a.message).into_owned();
        }
    }

    /// One timeline event of module `module` (its display name), in timeline order.
    pub fn event(&mut self, module: &str, micros: Option<i64>, event: &str, description: &str) {
        if self.timeline.events.len() >= self.opts.max_timeline_events {
            self.timeline.omitted += 1;
            return;
        }
        let module = self.timeline.module_index(module);
        self.timeline.events.push(TimelineRow {
            micros,
            module,
            event: self.red.text(event).into_owned(),
            description: self.red.description(description).into_owned(),
            level: 0,
        });
    }

    /// The report's data.
    pub fn build(mut self, mut run: RunView, modules: Option<Vec<ModuleView>>) -> ReportData {
        self.timeline.add_alerts(&self.alerts);
        run.target = self.red.text(&run.target).into_owned();
        run.command = self.red.text(&run.command).into_owned();
        let redaction = self.red.enabled().then(|| RedactionNote {
            descriptions_hidden: self.red.descriptions_hidden(),
        });
        ReportData {
            run,
            modules,
            alerts: self.alerts,
            tables: self.tables,
            timeline: self.timeline,
            redaction,
            max_detections: self.opts.max_detections,
        }
    }
}
