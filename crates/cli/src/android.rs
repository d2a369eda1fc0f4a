//! Android commands: `tracehound android check-androidqf PATH`. (Bugreports, adb backups and
//! intrusion logs get their own sub-commands next to it.)

use crate::check::{self, Outcome, Target};
use crate::cli::CheckOpts;
use crate::sanitize;
use crate::ui::{Tone, Ui};
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use tracehound_android::{
    AndroidAcquisition, AndroidModule, AndroidSource, ANDROIDQF_MODULES, BACKUP_MODULES,
    BUGREPORT_MODULES,
};
use tracehound_evidence::archive::Limits;

const EXIT_CODES: &str = "\
Exit status:
  0  the checks ran and nothing matched
  1  at least one detection (see alerts.json)
  2  error: bad usage, unreadable or unrecognised input, results not written";

/// Android commands.
#[derive(Debug, Subcommand)]
pub enum AndroidCommand {
    /// Check an androidqf acquisition (a folder or a .zip); also runs the bugreport and backup
    /// modules on the bugreport.zip and backup.ab inside it.
    #[command(name = "check-androidqf", after_help = EXIT_CODES)]
    CheckAndroidqf {
        #[command(flatten)]
        opts: CheckOpts,
        /// The androidqf folder or zip.
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
}

/// Runs an Android command.
pub fn run(ui: &Ui, command: &AndroidCommand) -> Result<Outcome> {
    match command {
        AndroidCommand::CheckAndroidqf { opts, path } => {
            if opts.list_modules {
                check::list_modules(&androidqf_modules());
                return Ok(Outcome::Clean);
            }
            let path = path
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("missing PATH"))?;
            check_androidqf(ui, opts, path)
        }
    }
}

/// Every module an androidqf check runs: its own, then the bugreport and backup modules (which
/// reach the nested acquisitions through [`AndroidSource::bugreport`] and
/// [`AndroidSource::backup`]).
pub fn androidqf_modules() -> Vec<&'static AndroidModule> {
    ANDROIDQF_MODULES
        .iter()
        .chain(BUGREPORT_MODULES)
        .chain(BACKUP_MODULES)
        .copied()
        .collect()
}

/// An opened Android acquisition.
struct AndroidTarget {
    path: PathBuf,
    kind: &'static str,
    acquisition: AndroidAcquisition,
}

impl Target<dyn AndroidSource> for AndroidTarget {
    fn path(&self) -> &Path {
        &self.path
    }
    fn acquisition(&self) -> &'static str {
        self.kind
    }
    fn evidence(&self) -> &(dyn AndroidSource + 'static) {
        &self.acquisition
    }
    fn inputs(&self) -> Vec<tracehound_core::InputFile> {
        self.acquisition.inputs()
    }
}

/// Prints what the archive reader refused or skipped while listing.
fn report_listing(ui: &Ui, acq: &AndroidAcquisition) {
    for w in acq.warnings() {
        ui.say(
            Tone::Warn,
            &format!("Refused: {}", sanitize::for_terminal(&w)),
        );
    }
    if !acq.root().is_empty() {
        ui.say(
            Tone::Plain,
            &format!(
                "androidqf files found in {}",
                sanitize::for_terminal(acq.root().trim_end_matches('/'))
            ),
        );
    }
}

/// Checks an androidqf folder or zip.
pub fn check_androidqf(ui: &Ui, opts: &CheckOpts, path: &Path) -> Result<Outcome> {
    let modules = androidqf_modules();
    check::run_check(ui, opts, &modules, || {
        let acquisition = AndroidAcquisition::open_androidqf(path, Limits::default())
            .with_context(|| format!("opening {} as an androidqf acquisition", path.display()))?;
        report_listing(ui, &acquisition);
        Ok(Box::new(AndroidTarget {
            path: path.to_path_buf(),
            kind: "androidqf",
            acquisition,
        }))
    })
}
