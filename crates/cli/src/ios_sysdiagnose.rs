//! `tracehound ios check-sysdiagnose ARCHIVE`: iOS sysdiagnose archives (the `.tar.gz` the
//! phone writes, or the folder it unpacks to; a `.tar` or `.zip` works too), read in place.
//! Runs the sysdiagnose modules (`tracehound_ios::sysdiagnose::MODULES`).

use crate::check::{self, Outcome, Target};
use crate::cli::CheckOpts;
use crate::sanitize;
use crate::ui::{Tone, Ui};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tracehound_core::InputFile;
use tracehound_evidence::{IosSource, IosSysdiagnose};
use tracehound_ios::sysdiagnose::MODULES;

/// Refused or skipped entries printed one by one; the rest are counted.
const SHOWN_WARNINGS: usize = 20;

/// An opened sysdiagnose.
struct SysdiagnoseTarget {
    path: PathBuf,
    sysdiagnose: IosSysdiagnose,
}

impl Target<dyn IosSource> for SysdiagnoseTarget {
    fn path(&self) -> &Path {
        &self.path
    }
    fn acquisition(&self) -> &'static str {
        "ios_sysdiagnose"
    }
    fn evidence(&self) -> &(dyn IosSource + 'static) {
        &self.sysdiagnose
    }
    fn inputs(&self) -> Vec<InputFile> {
        self.sysdiagnose.inputs()
    }
    fn sha256(&self, input: &InputFile) -> Option<String> {
        // Archives are hashed entry by entry, read from the archive.
        self.sysdiagnose.sha256(&input.path).ok()
    }
}

/// Prints where the sysdiagnose's root is and what the reader refused.
fn report_listing(ui: &Ui, s: &IosSysdiagnose) {
    ui.say(
        Tone::Plain,
        &format!("{} files and folders listed", s.len()),
    );
    let warnings = s.warnings();
    for w in warnings.iter().take(SHOWN_WARNINGS) {
        ui.say(
            Tone::Warn,
            &format!("Sysdiagnose: {}", sanitize::for_terminal(w)),
        );
    }
    if warnings.len() > SHOWN_WARNINGS {
        ui.say(
            Tone::Warn,
            &format!(
                "Sysdiagnose: {} more entries refused or skipped",
                warnings.len() - SHOWN_WARNINGS
            ),
        );
    }
}

/// `ios check-sysdiagnose`: lists the modules, or checks the archive.
pub fn run(ui: &Ui, opts: &CheckOpts, archive: Option<&Path>) -> Result<Outcome> {
    if opts.list_modules {
        check::list_modules(MODULES);
        return Ok(Outcome::Clean);
    }
    let archive = archive.ok_or_else(|| anyhow::anyhow!("missing ARCHIVE"))?;
    check_ios_sysdiagnose(ui, opts, archive)
}

/// Checks a sysdiagnose.
pub fn check_ios_sysdiagnose(ui: &Ui, opts: &CheckOpts, path: &Path) -> Result<Outcome> {
    check::run_check(ui, opts, MODULES, || {
        let sysdiagnose = IosSysdiagnose::open(path)
            .with_context(|| format!("opening {} as an iOS sysdiagnose", path.display()))?;
        report_listing(ui, &sysdiagnose);
        Ok(Box::new(SysdiagnoseTarget {
            path: path.to_path_buf(),
            sysdiagnose,
        }))
    })
}
