//! About this report: the run (tool, command, target, times), the indicator files with their
//! malware names and SHA-256, every module's status, and what redaction removed.

use super::{thousands, Section};
use crate::html::builder::Html;
use crate::html::model::{ReportData, LEVELS};
use crate::html::redact::REDACTED_FIELDS;

/// The about section.
pub struct About<'a>(pub &'a ReportData);

impl Section for About<'_> {
    fn render(&self, h: &mut Html) {
        let data = self.0;
        let run = &data.run;
        h.el("section", &[("id", "about")], |h| {
            h.text_el("h2", &[], "About this check");
            h.el("table", &[("class", "kv")], |h| {
                for (k, v) in [
                    ("Tool", run.tool.as_str()),
                    ("Acquisition", run.target.as_str()),
                    ("Kind", run.acquisition.as_str()),
                    ("Started", run.started.as_str()),
                    ("Finished", run.finished.as_str()),
                    ("Command", run.command.as_str()),
                    ("Network", run.network.as_str()),
                ] {
                    if !v.is_empty() {
                        h.el("tr", &[], |h| {
                            h.text_el("th", &[], k);
                            h.text_el("td", &[("class", "mono")], v);
                        });
                    }
                }
            });
            h.text_el("h3", &[], "Indicators used");
            h.el("table", &[("class", "compact")], |h| {
                h.el("tr", &[], |h| {
                    for c in ["File", "Indicators", "Malware", "SHA-256"] {
                        h.text_el("th", &[], c);
                    }
                });
                for i in &run.indicators {
                    h.el("tr", &[], |h| {
                        h.text_el("td", &[("class", "mono")], &i.path);
                        let n = i.count.map(thousands).unwrap_or_default();
                        h.text_el("td", &[("class", "num")], &n);
                        h.text_el("td", &[], &i.malware.join(", "));
                        h.text_el("td", &[("class", "mono small")], &i.sha256);
                    });
                }
            });
            if let Some(modules) = &data.modules {
                h.text_el("h3", &[], "Modules");
                h.el(
                    "table",
                    &[("class", "compact"), ("id", "module-status")],
                    |h| {
                        h.el("tr", &[], |h| {
                            for c in ["Module", "Status", "Records", "Detections"] {
                                h.text_el("th", &[], c);
                            }
                        });
                        for m in modules {
                            let det: Vec<String> = LEVELS
                                .iter()
                                .filter_map(|l| m.detections.get(*l).map(|n| (l, n)))
                                .filter(|(_, n)| **n > 0)
                                .map(|(l, n)| format!("{n} {l}"))
                                .collect();
                            h.el("tr", &[], |h| {
                                h.text_el("td", &[("class", "mono")], &m.slug);
                                h.text_el("td", &[], &m.status);
                                h.text_el("td", &[("class", "num")], &thousands(m.records));
                                h.text_el("td", &[], &det.join(", "));
                            });
                        }
                    },
                );
            }
            if let Some(r) = &data.redaction {
                h.text_el("h3", &[], "Redaction");
                let mut s = "This copy is redacted for sharing. These record fields are replaced \
                             by [redacted], and their values are also removed wherever they \
                             appear in other text (timeline descriptions, messages). Matched \
                             indicators are kept."
                    .to_string();
                if r.descriptions_hidden {
                    s.push_str(
                        " There was too much private text to remove it selectively: timeline \
                         descriptions are hidden.",
                    );
                }
                h.text_el("p", &[], &s);
                h.el("ul", &[("class", "small")], |h| {
                    for (module, fields) in REDACTED_FIELDS {
                        h.el("li", &[], |h| {
                            let m = if *module == "*" {
                                "every module"
                            } else {
                                module
                            };
                            h.text_el("span", &[("class", "mono")], m);
                            h.text(&format!(": {}", fields.join(", ")));
                        });
                    }
                });
            }
        });
    }
}
