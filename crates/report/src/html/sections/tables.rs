//! Per-module tables: how each module ended and its first records, with a note and a link to
//! the module's JSON file when there are more (a report stays usable with 300,000 records).

use super::{plural, thousands, value_text, Section};
use crate::html::builder::Html;
use crate::html::model::{ReportData, TableView};
use serde_json::Value;

/// Longest value shown in a table cell.
const MAX_CELL_CHARS: usize = 300;

/// The per-module tables section.
pub struct ModuleTables<'a>(pub &'a ReportData);

impl Section for ModuleTables<'_> {
    fn render(&self, h: &mut Html) {
        let data = self.0;
        let alerts_of = |slug: &str| data.alerts.iter().filter(|a| a.module == slug).count();
        let mut tables: Vec<&TableView> = data.tables.iter().collect();
        tables.sort_by_key(|t| (alerts_of(&t.slug) == 0, t.slug.clone()));
        h.el("section", &[("id", "modules")], |h| {
            h.text_el("h2", &[], "Records by module");
            if tables.is_empty() {
                h.text_el("p", &[("class", "muted")], "No module produced records.");
            }
            for t in tables {
                let alerts = alerts_of(&t.slug);
                let id = format!("mod-{}", t.slug);
                h.el("details", &[("class", "module"), ("id", &id)], |h| {
                    h.el("summary", &[], |h| {
                        h.text_el("span", &[("class", "mono")], &t.slug);
                        h.text(&format!(" — {}", plural(t.total, "record", "records")));
                        if alerts > 0 {
                            h.text_el(
                                "span",
                                &[("class", "pill")],
                                &plural(alerts, "detection", "detections"),
                            );
                        }
                    });
                    if t.rows.len() < t.total {
                        h.el("p", &[("class", "note")], |h| {
                            h.text(&format!(
                                "Showing the first {} of {} records. All of them are in ",
                                thousands(t.rows.len()),
                                thousands(t.total)
                            ));
                            match &t.link {
                                Some(href) => {
                                    h.text_el("a", &[("href", href)], &t.file);
                                }
                                None => {
                                    h.text_el("span", &[("class", "mono")], &t.file);
                                }
                            }
                            h.text(" in the results folder.");
                        });
                    }
                    h.el("div", &[("class", "scroll")], |h| table(h, &t.rows));
                });
            }
        });
    }
}

fn table(h: &mut Html, rows: &[Value]) {
    let mut columns: Vec<&str> = Vec::new();
    for r in rows {
        if let Some(map) = r.as_object() {
            for k in map.keys() {
                if !columns.contains(&k.as_str()) {
                    columns.push(k);
                }
            }
        }
    }
    h.el("table", &[("class", "records")], |h| {
        h.el("thead", &[], |h| {
            h.el("tr", &[], |h| {
                for c in &columns {
                    h.text_el("th", &[], c);
                }
            });
        });
        h.el("tbody", &[], |h| {
            for r in rows {
                h.el("tr", &[], |h| match r.as_object() {
                    Some(map) => {
                        for c in &columns {
                            let v = map.get(*c).unwrap_or(&Value::Null);
                            h.text_el("td", &[], &value_text(v, MAX_CELL_CHARS));
                        }
                    }
                    None => {
                        h.text_el("td", &[], &value_text(r, MAX_CELL_CHARS));
                    }
                });
            }
        });
    });
}
