//! The HTML report from the command line: `--report FILE.html` (and `--redact`) on every check,
//! and `tracehound report RESULTS_DIR` for a results folder written earlier (ours or MVT's).

use crate::check::Outcome;
use crate::ui::{Tone, Ui};
use anyhow::{bail, Context, Result};
use std::path::{Component, Path, PathBuf};
use tracehound_core::runner::ModuleReport;
use tracehound_report::html::{self, ReportOptions};
use tracehound_report::RunInfo;

/// Refuses an existing report file before any work is done, unless `force`.
pub fn check_dest(path: &Path, force: bool) -> Result<()> {
    if path.is_dir() {
        bail!(
            "{} is a folder; give the report's file name",
            path.display()
        );
    }
    if path.exists() && !force {
        bail!(
            "{} already exists; choose another file or pass --force to replace it",
            path.display()
        );
    }
    Ok(())
}

/// Writes the report of a finished run to `path`, linking to the results folder when one was
/// written.
pub fn write_run_report(
    ui: &Ui,
    path: &Path,
    redact: bool,
    reports: &[ModuleReport],
    info: &RunInfo,
    results: Option<&Path>,
) -> Result<()> {
    let opts = ReportOptions {
        redact,
        results_link: results.and_then(|dir| link_prefix(path, dir)),
        ..ReportOptions::default()
    };
    let data = html::from_run(reports, info, &opts);
    html::write_report_file(path, &data)
        .with_context(|| format!("writing the report {}", path.display()))?;
    ui.say(Tone::Plain, &format!("  report: {}", path.display()));
    Ok(())
}

/// `tracehound report RESULTS_DIR [-o FILE.html] [--redact] [--force]`.
pub fn report_command(
    ui: &Ui,
    results: &Path,
    output: Option<&Path>,
    redact: bool,
    force: bool,
) -> Result<Outcome> {
    let default_name = if redact {
        "report-redacted.html"
    } else {
        "report.html"
    };
    if !results.join("info.json").is_file() {
        bail!(
            "{} is not a results folder (no info.json); give the folder written by --output",
            results.display()
        );
    }
    let path = output.map_or_else(|| results.join(default_name), Path::to_path_buf);
    check_dest(&path, force)?;
    let opts = ReportOptions {
        redact,
        results_link: link_prefix(&path, results),
        ..ReportOptions::default()
    };
    let data = html::from_dir(results, &opts)?;
    html::write_report_file(&path, &data)
        .with_context(|| format!("writing the report {}", path.display()))?;
    ui.always(Tone::Plain, &format!("Report: {}", path.display()));
    Ok(Outcome::Clean)
}

/// The results folder as a relative URL prefix from the report's folder (`""`, `"out/"`,
/// `"../out/"`), or `None` when they share no root (then the files are only named).
fn link_prefix(report: &Path, results: &Path) -> Option<String> {
    let from = absolute(
        report
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    let to = absolute(results)?;
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut out = String::new();
    for _ in common..from.len() {
        out.push_str("../");
    }
    for c in &to[common..] {
        out.push_str(&url_segment(&c.as_os_str().to_string_lossy()));
        out.push('/');
    }
    Some(out)
}

fn absolute(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok()
}

/// Percent-encodes a path segment for an `href`.
fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_report() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("my results");
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(link_prefix(&out.join("r.html"), &out).as_deref(), Some(""));
        assert_eq!(
            link_prefix(&tmp.path().join("r.html"), &out).as_deref(),
            Some("my%20results/")
        );
        let sub = tmp.path().join("reports");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(
            link_prefix(&sub.join("r.html"), &out).as_deref(),
            Some("../my%20results/")
        );
    }
}
