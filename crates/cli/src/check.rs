//! Running a check: indicators, evidence, modules, results, summary.

use crate::cli::CheckOpts;
use crate::ui::{Tone, Ui};
use anyhow::{anyhow, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tracehound_core::runner::{self, ModuleReport, Status};
use tracehound_core::{Level, Matcher, Module, Timestamp};
use tracehound_evidence::{IosBackup, IosSource};
use tracehound_ioc::{IndicatorMatcher, IndicatorSet};
use tracehound_report::info::sha256_file;
use tracehound_report::{FileHash, IndicatorSourceInfo, ModuleInfo, OutputDir, RunInfo};

/// How a check ended, for the exit status.
pub enum Outcome {
    Clean,
    Detections,
}

/// Loads the indicators: `--iocs` and TRACEHOUND_IOCS if given, else the downloaded ones,
/// else the bundled set (see `indicator_sources`), and says which.
pub fn load_indicators(ui: &Ui, paths: &[PathBuf]) -> Result<IndicatorSet> {
    let selected = crate::indicator_sources::select(paths)?;
    ui.say(Tone::Plain, &selected.description);
    for note in &selected.notes {
        ui.say(Tone::Warn, &format!("Indicators: {note}"));
    }
    let set = selected.set;
    for s in set.sources() {
        let counts: Vec<String> = s
            .counts
            .iter()
            .map(|(k, v)| format!("{} {v}", k.as_str()))
            .collect();
        ui.say(
            Tone::Plain,
            &format!(
                "Indicators: {} ({}): {} [{}]",
                s.path,
                s.malware_names.join(", "),
                s.len(),
                counts.join(", ")
            ),
        );
        for (t, n) in &s.unknown_types {
            ui.say(
                Tone::Warn,
                &format!(
                    "Indicators: {}: {n} of unsupported type {t} ignored",
                    s.path
                ),
            );
        }
        for w in &s.warnings {
            ui.say(Tone::Warn, &format!("Indicators: {}: {w}", s.path));
        }
    }
    ui.say(
        Tone::Plain,
        &format!(
            "Loaded {} indicators from {} files",
            set.len(),
            set.sources().len()
        ),
    );
    Ok(set)
}

pub(crate) fn source_infos(set: &IndicatorSet) -> Vec<IndicatorSourceInfo> {
    set.sources()
        .iter()
        .map(|s| IndicatorSourceInfo {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            counts: s
                .counts
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), *v))
                .collect(),
            unknown_types: s.unknown_types.clone(),
            malware: s.malware_names.clone(),
            warnings: s.warnings.clone(),
        })
        .collect()
}

/// Prints a module list.
pub fn list_modules<E: ?Sized>(modules: &[&dyn Module<E>]) {
    for m in modules {
        let meta = m.meta();
        println!("{:<34} {}", meta.slug, meta.description);
    }
}

/// An opened acquisition, as a check needs it.
pub trait Target<E: ?Sized>: Sync {
    /// The path given.
    fn path(&self) -> &Path;
    /// Acquisition kind, as named in `info.json`.
    fn acquisition(&self) -> &'static str;
    /// The evidence the modules read.
    fn evidence(&self) -> &E;
    /// The files read so far (for `--hashes`), relative to [`Target::path`].
    fn inputs(&self) -> Vec<tracehound_core::InputFile>;
    /// SHA-256 of an input file (read from the folder by default; archives override this).
    fn sha256(&self, input: &tracehound_core::InputFile) -> Option<String> {
        sha256_file(&self.path().join(&input.path)).ok()
    }
}

/// Runs `modules` over a target and writes/summarises the results. The output folder is
/// checked before anything else, so an existing folder is refused before any work.
pub fn run_check<E: ?Sized + Sync>(
    ui: &Ui,
    opts: &CheckOpts,
    all_modules: &[&dyn Module<E>],
    open: impl FnOnce() -> Result<Box<dyn Target<E>>>,
) -> Result<Outcome> {
    let started = Timestamp::now();
    let modules = select(all_modules, &opts.modules)?;
    let out = match &opts.output {
        Some(dir) => Some(create_output(ui, dir, opts.force)?),
        None => None,
    };
    if let Some(report) = &opts.report {
        crate::report::check_dest(report, opts.force)?;
    }
    let indicators = load_indicators(ui, &opts.iocs)?;
    let matcher = IndicatorMatcher::new(&indicators);
    let target = open()?;
    ui.say(
        Tone::Plain,
        &format!(
            "Checking {} {}",
            target.acquisition(),
            target.path().display()
        ),
    );

    ui.start_progress(modules.len());
    let mut reports = runner::run(&modules, target.evidence(), &matcher as &dyn Matcher, ui)
        .map_err(|e| anyhow!(e))?;
    ui.finish_progress();
    let short_urls = opts.resolve_short_urls.then(|| {
        let settings = crate::short_urls::Settings {
            max: opts.resolve_short_urls_max,
            per_request: std::time::Duration::from_secs(opts.resolve_short_urls_timeout),
            budget: crate::short_urls::TOTAL_BUDGET,
        };
        crate::short_urls::resolve(ui, &mut reports, &matcher, &settings)
    });

    let hashes = (!opts.no_hashes).then(|| hash_inputs(target.as_ref(), &target.inputs()));
    if opts.no_hashes {
        ui.say(
            Tone::Warn,
            "Input hashes not recorded (--no-hashes): info.json cannot prove which files were read",
        );
    }
    let module_infos: Vec<ModuleInfo> = reports.iter().map(ModuleInfo::from_report).collect();
    let info = RunInfo {
        tool: "tracehound",
        version: env!("CARGO_PKG_VERSION"),
        command: std::env::args().collect(),
        started: RunInfo::time(started),
        finished: RunInfo::time(Timestamp::now()),
        target_path: target.path().display().to_string(),
        acquisition: target.acquisition(),
        indicators: source_infos(&indicators),
        detections: RunInfo::count_detections(&module_infos),
        modules: module_infos,
        hashes,
        short_urls,
    };
    let write_opts = tracehound_report::WriteOptions {
        timeline: opts.timeline_format.into(),
    };
    let written = match out {
        Some(out) => {
            tracehound_report::write_staged(&out, &reports, &info, &ui.log_text(), &write_opts)?;
            Some(commit(ui, out)?)
        }
        None => None,
    };
    if let Some(report) = &opts.report {
        let dir = written.as_deref();
        crate::report::write_run_report(ui, report, opts.redact, &reports, &info, dir)?;
    }
    let outcome = summarise(ui, &reports, written.as_deref());
    if opts.json {
        crate::json_summary::print(&info, written.as_deref());
    }
    Ok(outcome)
}

/// Creates the staging folder for `dest`; Ctrl-C removes it until [`commit`].
pub fn create_output(ui: &Ui, dest: &Path, force: bool) -> Result<OutputDir> {
    for left in OutputDir::leftovers(dest) {
        ui.say(
            Tone::Warn,
            &format!(
                "{} was left by an earlier run that was killed (it may hold evidence-derived \
                 data; remove it when you no longer need it)",
                crate::sanitize::for_terminal(&left.display().to_string())
            ),
        );
    }
    // Registered first: a Ctrl-C just after the folder is made must find it.
    let staging = OutputDir::staging_for(dest);
    ui.interrupt().remove_on_interrupt(&staging);
    Ok(OutputDir::create(dest, force).inspect_err(|_| ui.interrupt().keep(&staging))?)
}

/// Moves a written results folder into place. Ctrl-C waits meanwhile, so it never removes
/// the staging folder halfway through a replacement.
pub fn commit(ui: &Ui, out: OutputDir) -> Result<PathBuf> {
    let staging = out.staging().to_path_buf();
    let dest = ui.interrupt().hold(|| out.commit())?;
    ui.interrupt().keep(&staging);
    Ok(dest)
}

fn select<'m, E: ?Sized>(
    all: &[&'m dyn Module<E>],
    names: &[String],
) -> Result<Vec<&'m dyn Module<E>>> {
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|m| m.meta().slug == n.as_str() || m.meta().name.eq_ignore_ascii_case(n))
                .copied()
                .ok_or_else(|| anyhow!("unknown module {n:?}; see --list-modules"))
        })
        .collect()
}

/// An opened iOS backup.
struct BackupTarget {
    path: std::path::PathBuf,
    backup: IosBackup,
}

impl Target<dyn IosSource> for BackupTarget {
    fn path(&self) -> &Path {
        &self.path
    }
    fn acquisition(&self) -> &'static str {
        "ios_backup"
    }
    fn evidence(&self) -> &(dyn IosSource + 'static) {
        &self.backup
    }
    fn inputs(&self) -> Vec<tracehound_core::InputFile> {
        self.backup.inputs()
    }
    fn sha256(&self, input: &tracehound_core::InputFile) -> Option<String> {
        // Files read through the backup were hashed as read; Manifest.db and the plists read
        // at opening are hashed from disk.
        self.backup
            .input_sha256(&input.path)
            .or_else(|| sha256_file(&self.path.join(&input.path)).ok())
    }
}

/// Checks an iOS backup folder (decrypting an encrypted one in memory).
pub fn check_ios_backup(
    ui: &Ui,
    opts: &CheckOpts,
    unlock: &crate::ios_crypto::UnlockOpts,
    backup: &Path,
) -> Result<Outcome> {
    let modules = crate::ios_fs::ios_modules(tracehound_core::AcquisitionKind::IosBackup);
    run_check(ui, opts, &modules, || {
        Ok(Box::new(BackupTarget {
            path: backup.to_path_buf(),
            backup: crate::ios_crypto::open_for_check(ui, unlock, backup)?,
        }))
    })
}

fn hash_inputs<E: ?Sized>(
    target: &dyn Target<E>,
    inputs: &[tracehound_core::InputFile],
) -> Vec<FileHash> {
    use rayon::prelude::*;
    let mut out: Vec<FileHash> = inputs
        .par_iter()
        .map(|i| FileHash {
            path: i.path.clone(),
            artifact: i.artifact.clone(),
            sha256: target.sha256(i),
        })
        .collect();
    out.sort();
    out
}

pub(crate) fn summarise(ui: &Ui, reports: &[ModuleReport], written: Option<&Path>) -> Outcome {
    let count = |f: fn(&Status) -> bool| reports.iter().filter(|r| f(&r.status)).count();
    let ran = count(|s| matches!(s, Status::Ok));
    let not_found = count(|s| matches!(s, Status::NotFound(_)));
    let failed = count(|s| matches!(s, Status::Failed(_)));
    let skipped = count(|s| matches!(s, Status::Skipped(_)));
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for r in reports {
        for a in &r.alerts {
            *by_level.entry(a.level).or_insert(0) += 1;
        }
    }
    ui.say(Tone::Bold, "Summary");
    ui.say(
        Tone::Plain,
        &format!("  modules: {ran} ran, {not_found} found no artefact, {failed} failed, {skipped} skipped"),
    );
    for r in reports.iter().filter(|r| r.status == Status::Ok) {
        ui.say(
            Tone::Plain,
            &format!(
                "    {:<34} {:>8} records {:>4} alerts{}",
                r.meta.slug,
                r.record_count(),
                r.alerts.len(),
                match r.output.as_ref().map_or(0, |o| o.stats.failed) {
                    0 => String::new(),
                    n => format!(" ({n} lines or entries not understood)"),
                }
            ),
        );
    }
    let not_checked: Vec<String> = reports
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| format!("{} ({})", r.meta.slug, r.status.as_str()))
        .collect();
    if !not_checked.is_empty() {
        ui.always(
            Tone::Warn,
            &format!(
                "  NOT CHECKED ({}): {}",
                not_checked.len(),
                not_checked.join(", ")
            ),
        );
    }
    if not_found * 2 > reports.len() {
        ui.always(Tone::Warn, crate::hints::NOTHING_FOUND);
    }
    let levels: Vec<String> = Level::ALL_DESC
        .iter()
        .map(|l| format!("{} {}", by_level.get(l).copied().unwrap_or(0), l.as_str()))
        .collect();
    match written {
        Some(p) => ui.say(Tone::Plain, &format!("  results: {}", p.display())),
        None => ui.say(
            Tone::Plain,
            "  results: not written (use --output DIR to keep them)",
        ),
    }
    let total: usize = by_level.values().sum();
    let indicator_hits = by_level.get(&Level::Critical).copied().unwrap_or(0);
    if total == 0 {
        ui.always(
            Tone::Good,
            &format!("Verdict: no detections ({})", levels.join(", ")),
        );
        Outcome::Clean
    } else {
        let tone = if indicator_hits > 0 {
            Tone::Bad
        } else {
            Tone::Warn
        };
        ui.always(
            tone,
            &format!("Verdict: {total} detections ({})", levels.join(", ")),
        );
        Outcome::Detections
    }
}
