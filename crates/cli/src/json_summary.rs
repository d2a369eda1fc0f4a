//! `--json`: one JSON object on stdout when a check ends, for scripts. Messages stay on stderr
//! (add `--quiet` to keep only errors and the verdict there).
//!
//! ```json
//! {
//!   "tool": "tracehound",
//!   "version": "0.1.0",
//!   "verdict": "detections",
//!   "detections": {"CRITICAL": 2, "HIGH": 0, "MEDIUM": 1, "LOW": 0, "INFORMATIONAL": 0},
//!   "total_detections": 3,
//!   "modules": {"ok": 31, "not_found": 6, "failed": 0, "skipped": 0},
//!   "not_checked": [{"module": "whatsapp", "status": "not_found", "reason": "…"}],
//!   "target": "/cases/42/backup",
//!   "acquisition": "ios_backup",
//!   "indicators": {"files": 5, "indicators": 1690},
//!   "results": "/cases/42/results"
//! }
//! ```
//!
//! - `verdict`: `clean` (exit status 0), `detections` (1) or `error` (2; then only `tool`,
//!   `version`, `verdict` and `error`, the message, are present).
//! - `detections`: alerts per level, every level present; `total_detections` their sum.
//! - `modules`: how many modules ended in each status; `not_checked` lists the modules that
//!   did not run to the end, as the summary's NOT CHECKED line.
//! - `results`: the results folder, or `null` without `--output`.
//!
//! Strings are escaped for terminals as well as for JSON (`\u202e`, `\u009b`…).

use crate::sanitize::json_for_terminal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tracehound_core::Level;
use tracehound_report::RunInfo;

#[derive(Serialize)]
struct Summary<'a> {
    tool: &'static str,
    version: &'static str,
    verdict: &'static str,
    detections: BTreeMap<&'static str, usize>,
    total_detections: usize,
    modules: BTreeMap<&'static str, usize>,
    not_checked: Vec<NotChecked<'a>>,
    target: &'a str,
    acquisition: &'static str,
    indicators: BTreeMap<&'static str, usize>,
    results: Option<String>,
}

#[derive(Serialize)]
struct NotChecked<'a> {
    module: &'static str,
    status: &'static str,
    reason: Option<&'a str>,
}

/// Prints the summary of a finished check.
pub fn print(info: &RunInfo, results: Option<&Path>) {
    let mut detections: BTreeMap<&'static str, usize> =
        Level::ALL_DESC.iter().map(|l| (l.as_str(), 0)).collect();
    for m in &info.modules {
        for (level, n) in &m.detections {
            *detections.entry(level).or_insert(0) += n;
        }
    }
    let total: usize = detections.values().sum();
    let mut modules: BTreeMap<&'static str, usize> = ["ok", "not_found", "failed", "skipped"]
        .into_iter()
        .map(|s| (s, 0))
        .collect();
    for m in &info.modules {
        *modules.entry(m.status).or_insert(0) += 1;
    }
    let summary = Summary {
        tool: "tracehound",
        version: env!("CARGO_PKG_VERSION"),
        verdict: if total == 0 { "clean" } else { "detections" },
        detections,
        total_detections: total,
        modules,
        not_checked: info
            .modules
            .iter()
            .filter(|m| m.status != "ok")
            .map(|m| NotChecked {
                module: m.module,
                status: m.status,
                reason: m.reason.as_deref(),
            })
            .collect(),
        target: &info.target_path,
        acquisition: info.acquisition,
        indicators: BTreeMap::from([
            ("files", info.indicators.len()),
            (
                "indicators",
                info.indicators
                    .iter()
                    .map(|s| s.counts.values().sum::<usize>())
                    .sum(),
            ),
        ]),
        results: results.map(|p| p.display().to_string()),
    };
    emit(&summary);
}

/// Prints the object for a run that ended in an error.
pub fn print_error(error: &anyhow::Error) {
    #[derive(Serialize)]
    struct Failed {
        tool: &'static str,
        version: &'static str,
        verdict: &'static str,
        error: String,
    }
    emit(&Failed {
        tool: "tracehound",
        version: env!("CARGO_PKG_VERSION"),
        verdict: "error",
        error: format!("{error:#}"),
    });
}

fn emit(value: &impl Serialize) {
    if let Ok(text) = serde_json::to_string_pretty(value) {
        println!("{}", json_for_terminal(&text));
    }
}

/// Whether `--json` was given to a check (read from the raw arguments, so that an error
/// before or during parsing of the acquisition still answers in JSON).
pub fn requested() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}
