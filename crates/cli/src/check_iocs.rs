//! `tracehound check-iocs RESULTS_DIR`: re-checks a results folder (ours or MVT's) against a
//! new indicator set, without the acquisition — how analysts retro-hunt when a campaign's
//! indicators are published months after the phones were checked. The reading and matching
//! are `tracehound_report::stored`'s; this file parses the options and reports.

use crate::check::{self, Outcome};
use crate::cli::CheckOpts;
use crate::sanitize;
use crate::ui::{Tone, Ui};
use anyhow::{anyhow, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use tracehound_core::Timestamp;
use tracehound_ioc::IndicatorMatcher;
use tracehound_report::info::sha256_file;
use tracehound_report::recheck::{write_recheck, OriginalRun, RecheckInfo};
use tracehound_report::stored::{fields, recheck_all, ResultsFolder};
use tracehound_report::{FileHash, ModuleInfo, RunInfo};

/// Options of `check-iocs`.
#[derive(Debug, Args)]
pub struct CheckIocsArgs {
    /// STIX2 indicator file or folder (searched recursively); repeatable. Also read from
    /// TRACEHOUND_IOCS. Without either, the bundled indicators are used.
    #[arg(long = "iocs", value_name = "PATH")]
    pub iocs: Vec<PathBuf>,
    /// Write the new alerts, with an info.json naming both indicator sets, to this folder
    /// (refused if it exists and is not empty, unless --force; never the folder re-checked).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Re-check only this module's results (slug); repeatable.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub modules: Vec<String>,
    /// List the modules whose results can be re-checked and exit.
    #[arg(long)]
    pub list_modules: bool,
    /// Replace an existing, non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// A results folder written by `tracehound` or by MVT.
    #[arg(required_unless_present = "list_modules")]
    pub results: Option<PathBuf>,
}

/// Whether `a` and `b` are the same folder, or `a` is inside `b`.
fn within(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let a = canon(a).or_else(|| {
        let parent = a.parent().filter(|p| !p.as_os_str().is_empty());
        Some(canon(parent.unwrap_or(Path::new(".")))?.join(a.file_name()?))
    });
    matches!((a, canon(b)), (Some(a), Some(b)) if a.starts_with(&b))
}

/// Runs `check-iocs`.
pub fn run(ui: &Ui, args: &CheckIocsArgs) -> Result<Outcome> {
    if args.list_modules {
        for m in fields::MODULES {
            println!("{:<34} {}", m.meta.slug, m.meta.name);
        }
        return Ok(Outcome::Clean);
    }
    let dir = args
        .results
        .as_deref()
        .ok_or_else(|| anyhow!("missing RESULTS_DIR"))?;
    recheck(ui, args, dir)
}

/// `tracehound check` on a results folder: a re-check with the check's options.
pub fn check_results(ui: &Ui, opts: &CheckOpts, dir: &Path) -> Result<Outcome> {
    let args = CheckIocsArgs {
        iocs: opts.iocs.clone(),
        output: opts.output.clone(),
        modules: opts.modules.clone(),
        list_modules: false,
        force: opts.force,
        results: Some(dir.to_path_buf()),
    };
    recheck(ui, &args, dir)
}

fn recheck(ui: &Ui, args: &CheckIocsArgs, dir: &Path) -> Result<Outcome> {
    let started = Timestamp::now();
    if let Some(out) = &args.output {
        if within(out, dir) {
            return Err(anyhow!(
                "{} is the results folder re-checked (or inside it): give another --output",
                out.display()
            ));
        }
    }
    let out = match &args.output {
        Some(d) => Some(check::create_output(ui, d, args.force)?),
        None => None,
    };
    let indicators = check::load_indicators(ui, &args.iocs)?;
    let matcher = IndicatorMatcher::new(&indicators);
    let folder = ResultsFolder::open(dir)
        .with_context(|| format!("reading the results folder {}", dir.display()))?;
    let original = OriginalRun {
        tool: folder
            .info_str(&["tool"])
            .or_else(|| folder.info_str(&["mvt_version"]).map(|_| "mvt".into())),
        version: folder.info_str(&["version", "mvt_version"]),
        started: folder.info_str(&["started", "date"]),
        target_path: folder.info_str(&["target_path"]),
        acquisition: folder.info_str(&["acquisition"]),
        indicators: folder.original_indicators(),
    };
    describe(ui, dir, &original, &folder);
    if let Some(n) = args.modules.iter().find(|n| {
        !folder
            .modules
            .iter()
            .any(|(m, _)| m.meta.slug == n.as_str())
    }) {
        return Err(anyhow!("{n:?}: the folder holds no results of that module"));
    }
    let files: Vec<_> = folder
        .modules
        .iter()
        .filter(|(m, _)| args.modules.is_empty() || args.modules.iter().any(|n| n == m.meta.slug))
        .cloned()
        .collect();
    ui.start_progress(files.len());
    let reports = recheck_all(&files, &matcher, ui);
    ui.finish_progress();
    let module_infos: Vec<ModuleInfo> = reports.iter().map(ModuleInfo::from_report).collect();
    let info = RecheckInfo {
        tool: "tracehound",
        version: env!("CARGO_PKG_VERSION"),
        command_name: "check-iocs",
        command: std::env::args().collect(),
        started: RunInfo::time(started),
        finished: RunInfo::time(Timestamp::now()),
        results_path: dir.display().to_string(),
        original,
        indicators: check::source_infos(&indicators),
        detections: RunInfo::count_detections(&module_infos),
        modules: module_infos,
        skipped: folder.skipped.clone(),
        hashes: hash_read(dir, files.iter().map(|(m, p)| (p.clone(), m.meta.slug))),
    };
    let written = match out {
        Some(out) => {
            write_recheck(&out, &reports, &info, &ui.log_text())?;
            Some(check::commit(ui, out)?)
        }
        None => None,
    };
    Ok(check::summarise(ui, &reports, written.as_deref()))
}

/// Prints what is re-checked: the folder, who wrote it with which indicators, files skipped.
fn describe(ui: &Ui, dir: &Path, original: &OriginalRun, folder: &ResultsFolder) {
    let by = match (&original.tool, &original.version) {
        (Some(t), Some(v)) => format!("{t} {v}"),
        (Some(t), None) => t.clone(),
        _ => "an unknown tool (no info.json)".into(),
    };
    ui.say(
        Tone::Plain,
        &format!(
            "Re-checking the results folder {} (written by {}; {} module files)",
            dir.display(),
            sanitize::for_terminal(&by),
            folder.modules.len()
        ),
    );
    let used: Vec<String> = original
        .indicators
        .iter()
        .map(|i| sanitize::for_terminal(&i.path).into_owned())
        .collect();
    if !used.is_empty() {
        ui.say(
            Tone::Plain,
            &format!("Originally checked with: {}", used.join(", ")),
        );
    }
    for s in &folder.skipped {
        ui.say(
            Tone::Warn,
            &format!("Skipped: {}", sanitize::for_terminal(s)),
        );
    }
}

/// SHA-256 of the folder's files this re-check read: its `info.json` and the module files.
fn hash_read(dir: &Path, files: impl Iterator<Item = (PathBuf, &'static str)>) -> Vec<FileHash> {
    use rayon::prelude::*;
    let info = dir.join("info.json");
    let mut read: Vec<(PathBuf, Option<String>)> =
        files.map(|(p, slug)| (p, Some(slug.to_string()))).collect();
    // A regular file, not a link (the folder may come from elsewhere).
    if std::fs::symlink_metadata(&info).is_ok_and(|m| m.is_file()) {
        read.push((info, None));
    }
    let mut out: Vec<FileHash> = read
        .par_iter()
        .map(|(p, artifact)| FileHash {
            path: p.strip_prefix(dir).unwrap_or(p).display().to_string(),
            artifact: artifact.clone(),
            sha256: sha256_file(p).ok(),
        })
        .collect();
    out.sort();
    out
}
