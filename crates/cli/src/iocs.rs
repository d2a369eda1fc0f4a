//! `tracehound iocs update | list | match`: indicator feeds for the analyst.
//!
//! `update` is the only command that goes online, and only to the index and the bundles it
//! lists (see `tracehound_feeds`). `list` shows the indicators a check would load and, for
//! downloaded ones, where and when they came from. `match` checks values against them.
//! Strings from bundles and indices are escaped before they reach the terminal.

use crate::check::Outcome;
use crate::indicator_sources::{self, Origin};
use crate::sanitize::{for_terminal, json_for_terminal};
use crate::ui::{Tone, Ui};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tracehound_feeds::update::{FileOutcome, FileResult};
use tracehound_feeds::{DataDir, UpdateOptions};
use tracehound_ioc::Source;

/// Indicator commands.
#[derive(Debug, Subcommand)]
pub enum IocsCommand {
    /// Download the public indicator bundles listed in the community index (mvt-indicators'
    /// indicators.yaml) into the user data folder; checks then use them by default.
    Update(UpdateArgs),
    /// Show the indicators a check would load: where from, when, counts by type, malware.
    List(ListArgs),
    /// Check values (domain, URL, process name, e-mail, app id, path, hash) against the
    /// indicators a check would load. Exit status 1 if any matched.
    Match(crate::iocs_match::MatchArgs),
}

/// `iocs update` options.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The index to read, in the indicators.yaml format [env: TRACEHOUND_IOCS_INDEX; default:
    /// the mvt-indicators index].
    #[arg(long, value_name = "URL")]
    pub index: Option<String>,
    /// Give up on one download after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,
}

/// `iocs list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List these indicator files or folders instead (as checks' --iocs).
    #[arg(long = "iocs", value_name = "PATH")]
    pub iocs: Vec<PathBuf>,
    /// Print a JSON array on stdout instead.
    #[arg(long)]
    pub json: bool,
}

/// Runs an `iocs` command.
pub fn run(ui: &Ui, cmd: &IocsCommand) -> Result<Outcome> {
    match cmd {
        IocsCommand::Update(args) => update(ui, args),
        IocsCommand::List(args) => list(ui, args),
        IocsCommand::Match(args) => crate::iocs_match::run(ui, args),
    }
}

fn update(ui: &Ui, args: &UpdateArgs) -> Result<Outcome> {
    let dir = DataDir::from_env()?;
    let mut opts = UpdateOptions::new(tracehound_feeds::datadir::index_url(args.index.as_deref()));
    opts.timeout = Duration::from_secs(args.timeout.max(1));
    ui.say(
        Tone::Plain,
        &format!(
            "Updating indicators from {} into {}",
            opts.index_url,
            dir.indicators().display()
        ),
    );
    let report =
        tracehound_feeds::update(&dir, &opts, &mut |r| say_result(ui, r)).map_err(|e| {
            anyhow::Error::new(e)
                .context("indicator update failed; the indicators installed before are unchanged")
        })?;
    for s in &report.skipped {
        ui.say(Tone::Warn, &format!("  skipped index entry {s}"));
    }
    for f in &report.removed {
        ui.say(
            Tone::Plain,
            &format!("  removed {f} (no longer in the index)"),
        );
    }
    let failed = report.failed();
    let total = report.files.len();
    if failed > 0 {
        let names: Vec<String> = report
            .files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
            .map(|f| format!("{} ({})", f.name, f.url))
            .collect();
        bail!(
            "{failed} of {total} indicator sources failed: {}; their previous copies, if \
             any, are kept; run `tracehound iocs update` again later",
            names.join(", ")
        );
    }
    ui.always(
        Tone::Good,
        &format!(
            "Indicators up to date: {total} bundles in {}; checks use them by default",
            dir.indicators().display()
        ),
    );
    Ok(Outcome::Clean)
}

fn say_result(ui: &Ui, r: &FileResult) {
    let name = for_terminal(&r.name);
    match &r.outcome {
        FileOutcome::New(n) => ui.say(Tone::Good, &format!("  new:       {name}: {n} indicators")),
        FileOutcome::Updated(n) => {
            ui.say(Tone::Good, &format!("  updated:   {name}: {n} indicators"));
        }
        FileOutcome::Unchanged(n) => {
            ui.say(Tone::Plain, &format!("  unchanged: {name}: {n} indicators"));
        }
        FileOutcome::Failed { reason, kept } => ui.always(
            Tone::Bad,
            &format!(
                "  FAILED:    {name} ({}): {reason}; {}",
                r.url,
                match kept {
                    Some(date) => format!("kept the copy downloaded {date}"),
                    None => "no copy installed".into(),
                }
            ),
        ),
    }
}

/// One bundle in `iocs list --json`.
#[derive(Serialize)]
struct ListedSource<'a> {
    path: &'a str,
    sha256: &'a str,
    indicators: usize,
    counts: std::collections::BTreeMap<&'static str, usize>,
    malware: &'a [String],
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    download: Option<&'a tracehound_feeds::InstalledFile>,
}

fn list(ui: &Ui, args: &ListArgs) -> Result<Outcome> {
    let selected = indicator_sources::select(&args.iocs)?;
    ui.say(Tone::Plain, &selected.description);
    for n in &selected.notes {
        ui.say(Tone::Warn, n);
    }
    let (origin, manifest) = match &selected.origin {
        Origin::Given => ("given", None),
        Origin::Downloaded(m) => ("downloaded", Some(m)),
        Origin::Bundled => ("bundled", None),
    };
    let download = |s: &Source| {
        manifest.and_then(|m| m.files.iter().find(|f| s.path.ends_with(f.file.as_str())))
    };
    if args.json {
        let rows: Vec<ListedSource<'_>> = selected
            .set
            .sources()
            .iter()
            .map(|s| ListedSource {
                path: &s.path,
                sha256: &s.sha256,
                indicators: s.len(),
                counts: s.counts.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
                malware: &s.malware_names,
                origin,
                download: download(s),
            })
            .collect();
        println!(
            "{}",
            json_for_terminal(&serde_json::to_string_pretty(&rows)?)
        );
        return Ok(Outcome::Clean);
    }
    for s in selected.set.sources() {
        let d = download(s);
        let title = d.map_or(s.file_name.as_str(), |d| d.name.as_str());
        println!("{}", for_terminal(title));
        println!("  file:       {}", for_terminal(&s.path));
        if let Some(d) = d {
            if !d.sources.is_empty() {
                println!("  source:     {}", for_terminal(&d.sources.join(", ")));
            }
            println!("  from:       {}", for_terminal(&d.url));
            println!(
                "  downloaded: {}",
                d.downloaded.as_deref().unwrap_or("never")
            );
            if let Some(e) = &d.last_error {
                println!("  last update FAILED: {}", for_terminal(e));
            }
        }
        println!("  sha256:     {}", s.sha256);
        let counts: Vec<String> = s
            .counts
            .iter()
            .map(|(k, v)| format!("{} {v}", k.as_str()))
            .collect();
        println!("  indicators: {} ({})", s.len(), counts.join(", "));
        println!(
            "  malware:    {}",
            for_terminal(&s.malware_names.join(", "))
        );
    }
    if let Some(m) = manifest {
        for f in m.files.iter().filter(|f| f.sha256.is_none()) {
            println!(
                "{} — never downloaded: {}",
                for_terminal(&f.name),
                for_terminal(f.last_error.as_deref().unwrap_or("not tried"))
            );
        }
    }
    Ok(Outcome::Clean)
}
