//! `tracehound ios check-fs DUMP`: iOS full-filesystem dumps (a folder, or a `.tar`, `.tar.gz`
//! or `.zip` read in place). Runs every iOS module whose kinds include filesystem dumps.

use crate::check::{self, Outcome, Target};
use crate::cli::CheckOpts;
use crate::sanitize;
use crate::ui::{Tone, Ui};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tracehound_core::{AcquisitionKind, InputFile};
use tracehound_evidence::{IosFsDump, IosSource};
use tracehound_ios::IosModule;

/// Refused or skipped entries printed one by one; the rest are counted.
const SHOWN_WARNINGS: usize = 20;

/// The iOS modules that can run on `kind` (backup-only modules never run on dumps, and
/// dump-only ones never on backups).
pub fn ios_modules(kind: AcquisitionKind) -> Vec<&'static IosModule> {
    tracehound_ios::MODULES
        .iter()
        .filter(|m| m.meta().kinds.contains(&kind))
        .copied()
        .collect()
}

/// An opened dump.
struct FsTarget {
    path: PathBuf,
    dump: IosFsDump,
}

impl Target<dyn IosSource> for FsTarget {
    fn path(&self) -> &Path {
        &self.path
    }
    fn acquisition(&self) -> &'static str {
        "ios_filesystem"
    }
    fn evidence(&self) -> &(dyn IosSource + 'static) {
        &self.dump
    }
    fn inputs(&self) -> Vec<InputFile> {
        self.dump.inputs()
    }
    fn sha256(&self, input: &InputFile) -> Option<String> {
        // Archives are hashed entry by entry, read from the archive.
        self.dump.sha256(&input.path).ok()
    }
}

/// Prints where the dump's root is and what the reader refused.
fn report_listing(ui: &Ui, dump: &IosFsDump) {
    ui.say(
        Tone::Plain,
        &format!("{} files and folders listed", dump.len()),
    );
    let warnings = dump.warnings();
    for w in warnings.iter().take(SHOWN_WARNINGS) {
        ui.say(Tone::Warn, &format!("Dump: {}", sanitize::for_terminal(w)));
    }
    if warnings.len() > SHOWN_WARNINGS {
        ui.say(
            Tone::Warn,
            &format!(
                "Dump: {} more entries refused or skipped",
                warnings.len() - SHOWN_WARNINGS
            ),
        );
    }
}

/// `ios check-fs`: lists the modules, or checks the dump.
pub fn run(ui: &Ui, opts: &CheckOpts, dump: Option<&Path>) -> Result<Outcome> {
    if opts.list_modules {
        check::list_modules(&ios_modules(AcquisitionKind::IosFilesystem));
        return Ok(Outcome::Clean);
    }
    let dump = dump.ok_or_else(|| anyhow::anyhow!("missing DUMP"))?;
    check_ios_fs(ui, opts, dump)
}

/// Checks a full-filesystem dump.
pub fn check_ios_fs(ui: &Ui, opts: &CheckOpts, path: &Path) -> Result<Outcome> {
    let modules = ios_modules(AcquisitionKind::IosFilesystem);
    check::run_check(ui, opts, &modules, || {
        let dump = IosFsDump::open(path).with_context(|| {
            format!("opening {} as an iOS full-filesystem dump", path.display())
        })?;
        report_listing(ui, &dump);
        Ok(Box::new(FsTarget {
            path: path.to_path_buf(),
            dump,
        }))
    })
}
