//! Each detection: level, module, time, what was found, the indicator with its malware name and
//! source bundle, and the evidence record; a button zooms the timeline to its time.

use super::{badge, plural, value_text, Section};
use crate::html::builder::Html;
use crate::html::model::{level_rank, AlertView, ReportData};
use serde_json::Value;

/// Longest field value shown in an evidence record.
const MAX_VALUE_CHARS: usize = 4000;

/// The detections section (at most `max` cards, most severe first).
pub struct Detections<'a> {
    /// The report.
    pub data: &'a ReportData,
    /// Cards shown at most.
    pub max: usize,
}

impl Section for Detections<'_> {
    fn render(&self, h: &mut Html) {
        let mut order: Vec<usize> = (0..self.data.alerts.len()).collect();
        // Most severe first; within a level, by time (unknown first) then results order.
        order.sort_by_key(|&i| {
            let a = &self.data.alerts[i];
            (std::cmp::Reverse(level_rank(&a.level)), a.micros, i)
        });
        h.el("section", &[("id", "detections")], |h| {
            h.text_el(
                "h2",
                &[],
                &format!("Detections ({})", self.data.alerts.len()),
            );
            if order.is_empty() {
                h.text_el("p", &[("class", "muted")], "None.");
            }
            for (n, &i) in order.iter().take(self.max).enumerate() {
                card(h, n + 1, &self.data.alerts[i]);
            }
            if order.len() > self.max {
                h.text_el(
                    "p",
                    &[("class", "note")],
                    &format!(
                        "{} not shown here: see alerts.json in the results folder, or the \
                         timeline below (level filter).",
                        plural(order.len() - self.max, "detection", "detections")
                    ),
                );
            }
        });
    }
}

fn card(h: &mut Html, n: usize, a: &AlertView) {
    let id = format!("det-{n}");
    let class = format!("det det-{}", a.level.to_ascii_lowercase());
    h.el("article", &[("class", &class), ("id", &id)], |h| {
        h.el("header", &[], |h| {
            badge(h, &a.level);
            h.text_el("span", &[("class", "mod mono")], &a.module);
            let time = if a.event_time.is_empty() {
                "time unknown".to_string()
            } else {
                format!("{} UTC", a.event_time)
            };
            h.text_el("span", &[("class", "when")], &time);
            if let Some(t) = a.micros {
                let micros = t.to_string();
                h.text_el(
                    "button",
                    &[
                        ("type", "button"),
                        ("class", "zoom"),
                        ("data-zoom", &micros),
                        ("data-module", &a.module),
                    ],
                    "Show on timeline",
                );
            }
        });
        h.text_el("p", &[("class", "msg")], &a.message);
        if let Some(i) = &a.indicator {
            h.el("dl", &[("class", "ioc")], |h| {
                for (k, v) in [
                    ("Indicator", format!("{} ({})", i.value, i.kind)),
                    ("Malware", i.malware.clone()),
                    ("Source bundle", i.source.clone()),
                ] {
                    h.el("div", &[], |h| {
                        h.text_el("dt", &[], k);
                        h.text_el("dd", &[("class", "mono")], &v);
                    });
                }
            });
        } else {
            h.text_el(
                "p",
                &[("class", "muted small")],
                "Heuristic finding: no indicator involved.",
            );
        }
        record(h, &a.event);
    });
}

/// The evidence record as a field/value table; empty fields are counted, not listed.
fn record(h: &mut Html, event: &Value) {
    let Some(map) = event.as_object() else {
        if !event.is_null() {
            h.text_el(
                "pre",
                &[("class", "ev")],
                &value_text(event, MAX_VALUE_CHARS),
            );
        }
        return;
    };
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    let hidden = map.values().filter(|v| empty(v)).count();
    h.el("details", &[("class", "evidence"), ("open", "")], |h| {
        let mut summary = format!("Evidence record ({})", plural(map.len(), "field", "fields"));
        if hidden > 0 {
            summary.push_str(&format!(", {hidden} empty not shown"));
        }
        h.text_el("summary", &[], &summary);
        h.el("table", &[("class", "kv")], |h| {
            for (k, v) in map.iter().filter(|(_, v)| !empty(v)) {
                h.el("tr", &[], |h| {
                    h.text_el("th", &[("class", "mono")], k);
                    h.text_el("td", &[("class", "ev")], &value_text(v, MAX_VALUE_CHARS));
                });
            }
        });
    });
}
