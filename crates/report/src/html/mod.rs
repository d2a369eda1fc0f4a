//! The self-contained HTML report: one file with its style sheet, script and data inline, no
//! network access (a Content-Security-Policy allows only this page's own style and script, by
//! hash), readable from a USB stick.
//!
//! Page order: the verdict and, beside it, what could not be checked; each detection with its
//! evidence record and indicator; an interactive timeline (filter by module, level and text,
//! zoom on a time window around a detection) rendered page by page from an embedded JSON
//! array; per-module tables capped at [`ReportOptions::max_table_rows`] with a link to the JSON
//! file; details of the run. Every evidence string is escaped ([`escape`]); `--redact`
//! removes message bodies, contact names and phone numbers ([`redact`]).
//!
//! Sources: a run in memory ([`from_run`]) or a results folder, ours or MVT's ([`from_dir`]).

pub mod builder;
mod collect;
pub mod escape;
mod from_dir;
mod from_run;
pub mod model;
pub mod redact;
pub mod sections;

pub use from_dir::from_dir;
pub use from_run::from_run;
pub use model::ReportData;

use builder::Html;
use escape::ScriptJson;
use sections::{about, detections, tables, timeline, verdict, Section};
use std::io::{self, Write};
use std::path::Path;
use thiserror::Error;

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// How a report is made.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Remove message bodies, contact names and phone numbers.
    pub redact: bool,
    /// Records shown per module table.
    pub max_table_rows: usize,
    /// Timeline events embedded (more are counted and left out).
    pub max_timeline_events: usize,
    /// Detection cards shown.
    pub max_detections: usize,
    /// Where the results folder is, relative to the report (`""` when the report is inside
    /// it, `"out/"`…), for links to module files; `None` when it cannot be linked.
    pub results_link: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            redact: false,
            max_table_rows: 100,
            max_timeline_events: 500_000,
            max_detections: 1_000,
            results_link: None,
        }
    }
}

/// Why a report could not be made.
#[derive(Debug, Error)]
pub enum ReportError {
    /// The folder holds no `info.json`.
    #[error("{0} is not a results folder (no info.json); give the folder written by --output")]
    NotResults(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// A JSON file is not valid.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: serde_json::Error,
    },
    /// `timeline.csv` is not valid.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: csv::Error,
    },
}

/// Writes the report to `path`: to a temporary file beside it, renamed into place when whole.
pub fn write_report_file(path: &Path, data: &ReportData) -> Result<(), ReportError> {
    let io_err = |p: &Path| {
        let p = p.display().to_string();
        move |source| ReportError::Io { path: p, source }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.html".into());
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        write_report(&mut w, data)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(path)(e));
    }
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

/// Writes the whole page.
pub fn write_report(w: &mut dyn Write, data: &ReportData) -> io::Result<()> {
    let reading = verdict::Reading::of(data);
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let csp = format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; \
         form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    h.void(
        "meta",
        &[("http-equiv", "Content-Security-Policy"), ("content", &csp)],
    );
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.raw("<meta name=\"referrer\" content=\"no-referrer\">");
    h.text_el("title", &[], &title(data, reading));
    h.raw("<style>").raw(CSS).raw("</style></head><body>");
    header(&mut h, data);
    h.el("main", &[], |h| {
        verdict::Verdict(data).render(h);
        detections::Detections {
            data,
            max: data.max_detections,
        }
        .render(h);
        timeline::TimelineSection(data).render(h);
        tables::ModuleTables(data).render(h);
        about::About(data).render(h);
    });
    h.raw("<footer>Made by tracehound, offline. Times are UTC.</footer>");
    w.write_all(h.into_string().as_bytes())?;
    w.write_all(b"<script type=\"application/json\" id=\"th-data\">")?;
    write_timeline_json(&mut ScriptJson(&mut *w), data)?;
    w.write_all(b"</script>\n<script>")?;
    w.write_all(JS.as_bytes())?;
    w.write_all(b"</script></body></html>\n")?;
    w.flush()
}

/// The page title: fixed words, so a page's title says which verdict it holds.
pub fn title(data: &ReportData, reading: verdict::Reading) -> String {
    let what = match reading {
        verdict::Reading::Indicators => "indicators matched",
        verdict::Reading::Review => "findings to review",
        verdict::Reading::Clean => "no detections",
        verdict::Reading::NothingChecked => "nothing checked",
    };
    let redacted = if data.redaction.is_some() {
        " (redacted)"
    } else {
        ""
    };
    format!("tracehound report: {what}{redacted}")
}

fn header(h: &mut Html, data: &ReportData) {
    h.el("header", &[("class", "top")], |h| {
        h.text_el("h1", &[], "tracehound report");
        let mut sub = data.run.target.clone();
        if !data.run.acquisition.is_empty() {
            sub.push_str(&format!(" · {}", data.run.acquisition));
        }
        if !data.run.finished.is_empty() || !data.run.started.is_empty() {
            let when = if data.run.finished.is_empty() {
                &data.run.started
            } else {
                &data.run.finished
            };
            sub.push_str(&format!(" · checked {when}"));
        }
        sub.push_str(&format!(" · {}", data.run.tool));
        h.text_el("p", &[("class", "sub mono")], &sub);
        if data.redaction.is_some() {
            h.text_el(
                "p",
                &[("class", "banner"), ("id", "redacted-banner")],
                "Redacted copy: message bodies, contact names and phone numbers are removed.",
            );
        }
        h.el("nav", &[], |h| {
            for (href, label) in [
                ("#verdict", "Verdict".to_string()),
                ("#detections", format!("Detections ({})", data.alerts.len())),
                ("#timeline", "Timeline".to_string()),
                ("#modules", "Records".to_string()),
                ("#about", "About".to_string()),
            ] {
                h.text_el("a", &[("href", href)], &label);
            }
        });
    });
}

/// `{"modules": [...], "omitted": n, "events": [[micros|null, module, event, description,
/// level], ...]}`, streamed.
fn write_timeline_json(w: &mut dyn Write, data: &ReportData) -> io::Result<()> {
    let t = &data.timeline;
    w.write_all(b"{\"modules\":")?;
    serde_json::to_writer(&mut *w, &t.modules)?;
    write!(w, ",\"omitted\":{},\"events\":[", t.omitted)?;
    for (i, e) in t.events.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(
            &mut *w,
            &(e.micros, e.module, &e.event, &e.description, e.level),
        )?;
    }
    w.write_all(b"]}")
}

/// `sha256-<base64>` of an inline style or script, for the Content-Security-Policy.
fn csp_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256-{}", base64(&Sha256::digest(s.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
