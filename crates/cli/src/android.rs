//! Android commands: `tracehound android check-androidqf PATH`, and `check-bugreport`,
//! `check-backup` and `check-intrusion-logs` (in [`crate::android_checks`]).

use crate::android_checks;
use crate::check::{self, Outcome, Target};
use crate::cli::CheckOpts;
use crate::ios_crypto::UnlockOpts;
use crate::password::backup_password;
use crate::sanitize;
use crate::ui::{Tone, Ui};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use tracehound_android::age_file::{age_in_folder, age_needs_passphrase, is_age_file, AgeKey};
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

/// Android commands. Every one is a check; the shared prefix mirrors the CLI names.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Subcommand)]
pub enum AndroidCommand {
    /// Check an androidqf acquisition (a folder or a .zip, or a .zip.age encrypted with age:
    /// --age-identity FILE); also runs the bugreport and backup modules on the bugreport.zip
    /// and backup.ab inside it.
    #[command(name = "check-androidqf", after_help = EXIT_CODES)]
    CheckAndroidqf {
        #[command(flatten)]
        opts: CheckOpts,
        #[command(flatten)]
        unlock: UnlockOpts,
        /// The androidqf folder or zip.
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
    /// Check an `adb bugreport` zip (or its unpacked folder).
    #[command(name = "check-bugreport", after_help = EXIT_CODES)]
    CheckBugreport {
        #[command(flatten)]
        opts: CheckOpts,
        /// The bugreport zip or folder.
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
    /// Check an `adb backup` file (.ab, plain or password-protected) or its unpacked folder.
    #[command(name = "check-backup", after_help = EXIT_CODES)]
    CheckBackup {
        #[command(flatten)]
        opts: CheckOpts,
        #[command(flatten)]
        unlock: UnlockOpts,
        /// The .ab file or the folder it was unpacked to.
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
    /// Check Android 16 intrusion logs (a folder or zip of NDJSON .txt files, zips inside it).
    #[command(name = "check-intrusion-logs", after_help = EXIT_CODES)]
    CheckIntrusionLogs {
        #[command(flatten)]
        opts: CheckOpts,
        /// The intrusion logs folder or zip.
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
}

fn need(path: &Option<PathBuf>) -> Result<&Path> {
    path.as_deref()
        .ok_or_else(|| anyhow::anyhow!("missing PATH"))
}

/// Runs an Android command.
pub fn run(ui: &Ui, command: &AndroidCommand) -> Result<Outcome> {
    match command {
        AndroidCommand::CheckAndroidqf { opts, unlock, path } => {
            if opts.list_modules {
                check::list_modules(&androidqf_modules());
                return Ok(Outcome::Clean);
            }
            check_androidqf(ui, opts, unlock, need(path)?)
        }
        AndroidCommand::CheckBugreport { opts, path } => {
            if opts.list_modules {
                check::list_modules(BUGREPORT_MODULES);
                return Ok(Outcome::Clean);
            }
            android_checks::check_bugreport(ui, opts, need(path)?)
        }
        AndroidCommand::CheckBackup { opts, unlock, path } => {
            if opts.list_modules {
                check::list_modules(BACKUP_MODULES);
                return Ok(Outcome::Clean);
            }
            android_checks::check_backup(ui, opts, unlock, need(path)?)
        }
        AndroidCommand::CheckIntrusionLogs { opts, path } => {
            if opts.list_modules {
                check::list_modules(tracehound_android::INTRUSION_LOGS_MODULES);
                return Ok(Outcome::Clean);
            }
            android_checks::check_intrusion_logs(ui, opts, need(path)?)
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

/// An opened Android acquisition (androidqf, bugreport, adb backup or intrusion logs).
pub(crate) struct AndroidTarget {
    pub(crate) path: PathBuf,
    pub(crate) kind: &'static str,
    pub(crate) acquisition: AndroidAcquisition,
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
    fn sha256(&self, input: &tracehound_core::InputFile) -> Option<String> {
        // Hashed as read: zip entries and nested acquisitions' files too.
        self.acquisition.input_sha256(&input.path)
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

/// The age file to decrypt for `path`: `path` itself when it is one, or the one `.age` file of
/// a folder that holds no androidqf files (androidqf leaves it beside `key.txt`).
fn age_file_of(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return is_age_file(path).then(|| path.to_path_buf());
    }
    if path.is_dir() && !tracehound_evidence::android::is_androidqf_dir(path) {
        return age_in_folder(path);
    }
    None
}

/// Decrypts an age-encrypted androidqf acquisition into memory and opens the zip it holds.
fn open_age(ui: &Ui, unlock: &UnlockOpts, age: &Path) -> Result<AndroidAcquisition> {
    let shown = age.display().to_string();
    let key = if let Some(id) = &unlock.age_identity {
        AgeKey::from_identity_file(id)
            .with_context(|| format!("reading the age identity file {}", id.display()))?
    } else if age_needs_passphrase(age)? {
        match backup_password(ui, unlock, &shown)? {
            Some(p) => AgeKey::from_passphrase(&p)?,
            None => bail!(
                "{shown} is an androidqf acquisition encrypted with an age passphrase and none \
                 was given: use --password-file FILE or TRACEHOUND_BACKUP_PASSWORD"
            ),
        }
    } else {
        bail!(
            "{shown} is an androidqf acquisition encrypted with age: give its identity file \
             with --age-identity FILE (the key.txt androidqf wrote, AGE-SECRET-KEY-1…)"
        );
    };
    ui.say(
        Tone::Plain,
        &format!(
            "{} is encrypted with age: decrypting it in memory",
            sanitize::for_terminal(&shown)
        ),
    );
    Ok(AndroidAcquisition::open_androidqf_age(
        age,
        &key,
        Limits::default(),
    )?)
}

/// Checks an androidqf folder or zip.
pub fn check_androidqf(
    ui: &Ui,
    opts: &CheckOpts,
    unlock: &UnlockOpts,
    path: &Path,
) -> Result<Outcome> {
    let modules = androidqf_modules();
    check::run_check(ui, opts, &modules, || {
        let acquisition =
            match age_file_of(path) {
                Some(age) => open_age(ui, unlock, &age)?,
                None => AndroidAcquisition::open_androidqf(path, Limits::default()).with_context(
                    || format!("opening {} as an androidqf acquisition", path.display()),
                )?,
            };
        report_listing(ui, &acquisition);
        let acquisition = android_checks::androidqf_backup(ui, unlock, acquisition)?;
        Ok(Box::new(AndroidTarget {
            path: path.to_path_buf(),
            kind: "androidqf",
            acquisition,
        }))
    })
}
