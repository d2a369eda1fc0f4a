//! The verdict, first on the page: detections by level with what they mean and what to do
//! next, and beside it, as visible, what could not be checked (modules that found no artefact,
//! failed — including files that could not be decrypted — or were skipped, and entries not
//! understood).

use super::{badge, level_meaning, plural, thousands, Section};
use crate::html::builder::Html;
use crate::html::model::{ReportData, LEVELS};

/// The verdict section.
pub struct Verdict<'a>(pub &'a ReportData);

/// The overall reading of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// At least one indicator matched.
    Indicators,
    /// Heuristic findings only.
    Review,
    /// Nothing found, and something was checked.
    Clean,
    /// No module could read anything.
    NothingChecked,
}

impl Reading {
    /// The reading of `data`.
    pub fn of(data: &ReportData) -> Reading {
        let count = |l: &str| data.alerts.iter().filter(|a| a.level == l).count();
        let ran = data
            .modules
            .as_ref()
            .map(|m| m.iter().filter(|m| m.status == "ok").count());
        if count("CRITICAL") > 0 {
            Reading::Indicators
        } else if count("HIGH") + count("MEDIUM") + count("LOW") > 0 {
            Reading::Review
        } else if ran == Some(0) {
            Reading::NothingChecked
        } else {
            Reading::Clean
        }
    }

    fn class(self) -> &'static str {
        match self {
            Reading::Indicators => "verdict v-critical",
            Reading::Review => "verdict v-review",
            Reading::Clean => "verdict v-clean",
            Reading::NothingChecked => "verdict v-unknown",
        }
    }

    fn next_steps(self) -> &'static [&'static str] {
        match self {
            Reading::Indicators => &[
                "Do not conclude alone. Review each detection below: the record, its time, and \
                 what happened around it on the timeline.",
                "Get a second opinion from an experienced analyst (a digital-security helpline) \
                 before telling anyone they were infected.",
                "Keep the acquisition and these results unchanged, and note when and how the \
                 acquisition was made.",
                "Until the review is done, treat the phone as possibly compromised: keep \
                 sensitive conversations off it.",
            ],
            Reading::Review => &[
                "Review each finding below. Heuristics are leads, not verdicts: many have \
                 innocent explanations.",
                "Look at what happened around each finding on the timeline.",
                "If in doubt, ask an experienced analyst (a digital-security helpline).",
            ],
            Reading::Clean | Reading::NothingChecked => &[
                "Read what could not be checked: an artefact that was missing or unreadable \
                 means that part of the phone was not examined.",
                "Check again later with newer indicators: the indicators of a new campaign are \
                 often published months after the infections.",
                "If the person still has reasons for concern (an Apple threat notification, a \
                 strange message), ask an experienced analyst.",
            ],
        }
    }
}

impl Section for Verdict<'_> {
    fn render(&self, h: &mut Html) {
        let data = self.0;
        let reading = Reading::of(data);
        let count = |l: &str| data.alerts.iter().filter(|a| a.level == l).count();
        let critical = count("CRITICAL");
        let heuristics = count("HIGH") + count("MEDIUM") + count("LOW");
        let headline = match reading {
            Reading::Indicators => format!(
                "Traces matching known spyware indicators were found: {}",
                plural(critical, "match", "matches")
            ),
            Reading::Review => format!(
                "No indicator matched, but {} need review",
                plural(heuristics, "finding", "findings")
            ),
            Reading::Clean => "No detections in what could be checked".to_string(),
            Reading::NothingChecked => "Nothing could be checked".to_string(),
        };
        h.el(
            "section",
            &[("id", "verdict"), ("class", reading.class())],
            |h| {
                h.text_el("h2", &[], "Verdict");
                h.text_el(
                    "p",
                    &[("class", "headline"), ("id", "verdict-headline")],
                    &headline,
                );
                h.el("div", &[("class", "grid")], |h| {
                    h.el("div", &[("class", "panel")], |h| {
                        h.text_el("h3", &[], "Detections by level");
                        levels_table(h, data);
                        h.text_el("h3", &[], "What to do next");
                        h.el("ol", &[("class", "next")], |h| {
                            for s in reading.next_steps() {
                                h.text_el("li", &[], s);
                            }
                        });
                    });
                    not_checked(h, data);
                });
            },
        );
    }
}

fn levels_table(h: &mut Html, data: &ReportData) {
    h.el("table", &[("class", "levels"), ("id", "levels")], |h| {
        for level in LEVELS {
            let n = data.alerts.iter().filter(|a| a.level == level).count();
            let class = if n == 0 { "zero" } else { "some" };
            h.el("tr", &[("class", class), ("data-level", level)], |h| {
                h.el("td", &[], |h| badge(h, level));
                h.text_el("td", &[("class", "num")], &thousands(n));
                h.text_el("td", &[], level_meaning(level));
            });
        }
    });
}

fn not_checked(h: &mut Html, data: &ReportData) {
    h.el(
        "div",
        &[("class", "panel notchecked"), ("id", "not-checked")],
        |h| {
            let Some(modules) = &data.modules else {
                h.text_el("h3", &[], "What could not be checked: unknown");
                if let Some(note) = &data.run.layout_note {
                    h.text_el("p", &[], note);
                }
                return;
            };
            let missing: Vec<_> = modules.iter().filter(|m| m.status != "ok").collect();
            let ran = modules.len() - missing.len();
            h.text_el(
                "h3",
                &[],
                &format!("What could not be checked ({})", thousands(missing.len())),
            );
            h.text_el(
                "p",
                &[],
                &format!(
                "{} of {} ran. A check that found no artefact or failed says nothing about that \
                 part of the phone.",
                plural(ran, "check", "checks"),
                thousands(modules.len())
            ),
            );
            if !missing.is_empty() {
                h.el("table", &[("class", "compact")], |h| {
                    h.el("tr", &[], |h| {
                        for c in ["Module", "Status", "Why"] {
                            h.text_el("th", &[], c);
                        }
                    });
                    for m in &missing {
                        h.el("tr", &[("class", "st-row")], |h| {
                            h.text_el("td", &[("class", "mono")], &m.slug);
                            let reason = m.reason.as_deref().unwrap_or("");
                            h.text_el("td", &[("class", "st")], status_words(&m.status, reason));
                            h.text_el("td", &[("class", "why")], reason);
                        });
                    }
                });
            }
            let partial: Vec<_> = modules
                .iter()
                .filter(|m| m.parse_failed > 0 || !m.warnings.is_empty())
                .collect();
            if !partial.is_empty() {
                h.text_el("h4", &[], "Read only in part");
                h.el("ul", &[], |h| {
                    for m in partial {
                        h.el("li", &[], |h| {
                            h.text_el("span", &[("class", "mono")], &m.slug);
                            let mut parts = Vec::new();
                            if m.parse_failed > 0 {
                                parts.push(format!(
                                    "{} lines or entries not understood",
                                    m.parse_failed
                                ));
                            }
                            parts.extend(m.warnings.iter().take(5).cloned());
                            if m.warnings.len() > 5 {
                                parts.push(format!("and {} more warnings", m.warnings.len() - 5));
                            }
                            h.text(&format!(": {}", parts.join("; ")));
                        });
                    }
                });
            }
        },
    );
}

/// A module's status in words; a failure to decrypt is named as such.
fn status_words<'a>(status: &'a str, reason: &str) -> &'a str {
    match status {
        "not_found" => "artefact not found",
        "failed" if reason.to_lowercase().contains("decrypt") => "could not be decrypted",
        "failed" => "failed",
        "skipped" => "skipped",
        other => other,
    }
}
