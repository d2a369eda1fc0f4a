//! The interactive timeline: controls and an empty table that the embedded script fills, one
//! page at a time, from the JSON array written after the page (see `super::super::render`).
//! Without script, a note says where the timeline is.

use super::{plural, thousands, Section};
use crate::html::builder::Html;
use crate::html::model::{ReportData, LEVELS};

/// The timeline section.
pub struct TimelineSection<'a>(pub &'a ReportData);

impl Section for TimelineSection<'_> {
    fn render(&self, h: &mut Html) {
        let t = &self.0.timeline;
        h.el("section", &[("id", "timeline")], |h| {
            h.text_el("h2", &[], "Timeline");
            let mut intro = format!(
                "{} from {}, with the detections among them. Times are UTC.",
                plural(t.events.len(), "event", "events"),
                plural(t.modules.len(), "module", "modules")
            );
            if t.omitted > 0 {
                intro.push_str(&format!(
                    " {} more are left out of this report to keep it usable: see timeline.csv.",
                    thousands(t.omitted)
                ));
            }
            h.text_el("p", &[("class", "muted")], &intro);
            h.el(
                "div",
                &[("class", "controls"), ("id", "tl-controls")],
                |h| {
                    h.el("label", &[], |h| {
                        h.text("Module ");
                        h.el("select", &[("id", "tl-module")], |h| {
                            h.text_el("option", &[("value", "-1")], "All modules");
                            let mut names: Vec<(usize, &String)> =
                                t.modules.iter().enumerate().collect();
                            names.sort_by(|a, b| a.1.cmp(b.1));
                            for (i, name) in names {
                                h.text_el("option", &[("value", &i.to_string())], name);
                            }
                        });
                    });
                    h.el("label", &[], |h| {
                        h.text("Level ");
                        h.el("select", &[("id", "tl-level")], |h| {
                            h.text_el("option", &[("value", "0")], "All events");
                            h.text_el("option", &[("value", "1")], "With a detection");
                            for (i, l) in LEVELS.iter().enumerate().take(4) {
                                let v = (5 - i).to_string();
                                let label = if i == 0 {
                                    l.to_string()
                                } else {
                                    format!("{l} or above")
                                };
                                h.text_el("option", &[("value", &v)], &label);
                            }
                        });
                    });
                    h.el("label", &[("class", "grow")], |h| {
                        h.text("Text ");
                        h.void(
                            "input",
                            &[
                                ("id", "tl-text"),
                                ("type", "search"),
                                ("placeholder", "domain, process, event…"),
                                ("autocomplete", "off"),
                            ],
                        );
                    });
                    h.el("label", &[], |h| {
                        h.text("Window ");
                        h.el("select", &[("id", "tl-span")], |h| {
                            for (v, l) in [
                                ("600", "±10 minutes"),
                                ("3600", "±1 hour"),
                                ("86400", "±1 day"),
                                ("604800", "±7 days"),
                            ] {
                                let attrs: &[(&str, &str)] = if v == "3600" {
                                    &[("value", v), ("selected", "")]
                                } else {
                                    &[("value", v)]
                                };
                                h.text_el("option", attrs, l);
                            }
                        });
                    });
                    h.text_el(
                        "button",
                        &[("type", "button"), ("id", "tl-clear")],
                        "Clear filters",
                    );
                },
            );
            h.el(
                "p",
                &[("class", "window"), ("id", "tl-window"), ("hidden", "")],
                |_| {},
            );
            h.el("div", &[("class", "pager")], |h| {
                h.text_el(
                    "button",
                    &[("type", "button"), ("id", "tl-prev")],
                    "← Earlier",
                );
                h.text_el("span", &[("id", "tl-count"), ("aria-live", "polite")], "");
                h.text_el(
                    "button",
                    &[("type", "button"), ("id", "tl-next")],
                    "Later →",
                );
            });
            h.el("div", &[("class", "scroll")], |h| {
                h.el("table", &[("class", "tl"), ("id", "tl-table")], |h| {
                    h.el("thead", &[], |h| {
                        h.el("tr", &[], |h| {
                            for c in ["Time (UTC)", "Module", "Event", "Description"] {
                                h.text_el("th", &[], c);
                            }
                        });
                    });
                    h.el("tbody", &[("id", "tl-body")], |_| {});
                });
            });
            h.el("noscript", &[], |h| {
                h.text_el(
                    "p",
                    &[("class", "note")],
                    "The timeline needs JavaScript. It is also in timeline.csv in the results \
                     folder.",
                );
            });
        });
    }
}
