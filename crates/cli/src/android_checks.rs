//! `tracehound android check-bugreport`, `check-backup` and `check-intrusion-logs`, and the
//! password handling of the `backup.ab` inside an androidqf acquisition. Opening and decoding
//! are in `tracehound_android`; this only wires them to the generic check flow.

use crate::android::AndroidTarget;
use crate::check::{self, Outcome};
use crate::cli::CheckOpts;
use crate::ios_crypto::UnlockOpts;
use crate::password::backup_password;
use crate::ui::{Tone, Ui};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::sync::Arc;
use tracehound_android::backup::{ab, ab_needs_password, open_backup, AbDecoder};
use tracehound_android::bugreport::open_bugreport;
use tracehound_android::intrusion::open_intrusion_logs;
use tracehound_android::{
    AndroidAcquisition, AndroidSource, BACKUP_MODULES, BUGREPORT_MODULES, INTRUSION_LOGS_MODULES,
};
use tracehound_evidence::archive::Limits;

fn refusals(ui: &Ui, acq: &AndroidAcquisition) {
    for w in acq.warnings() {
        ui.say(
            Tone::Warn,
            &format!("Refused: {}", crate::sanitize::for_terminal(&w)),
        );
    }
}

/// Checks an `adb bugreport` zip or its unpacked folder.
pub fn check_bugreport(ui: &Ui, opts: &CheckOpts, path: &Path) -> Result<Outcome> {
    check::run_check(ui, opts, BUGREPORT_MODULES, || {
        let acquisition = open_bugreport(path, Limits::default())
            .with_context(|| format!("opening {} as a bugreport", path.display()))?;
        refusals(ui, &acquisition);
        if acquisition.container() == Some(tracehound_evidence::archive::TreeFormat::Folder) {
            ui.say(
                Tone::Warn,
                "note: an unpacked bugreport: file times are the extraction's, not the \
                 device's (check the original zip to keep them)",
            );
        }
        Ok(Box::new(AndroidTarget {
            path: path.to_path_buf(),
            kind: "android_bugreport",
            acquisition,
        }))
    })
}

/// Checks an `adb backup` (`.ab`, plain or password-protected) or its unpacked folder.
pub fn check_backup(
    ui: &Ui,
    opts: &CheckOpts,
    unlock: &UnlockOpts,
    path: &Path,
) -> Result<Outcome> {
    check::run_check(ui, opts, BACKUP_MODULES, || {
        let shown = path.display().to_string();
        let decoder = if path.is_dir() {
            AbDecoder::default()
        } else {
            match ab_needs_password(path) {
                // Not an .ab, or a damaged header: decoding says which, in one sentence.
                None | Some(false) => AbDecoder::default(),
                Some(true) => match backup_password(ui, unlock, &shown)? {
                    Some(p) => AbDecoder::with_password(p),
                    None => bail!(
                        "{shown} is a password-protected backup and no password was given: use \
                         --password-file FILE or TRACEHOUND_BACKUP_PASSWORD (there is no \
                         terminal to ask on)"
                    ),
                },
            }
        };
        let acquisition = open_backup(path, &decoder, Limits::default())?;
        refusals(ui, &acquisition);
        Ok(Box::new(AndroidTarget {
            path: path.to_path_buf(),
            kind: "android_backup",
            acquisition,
        }))
    })
}

/// Checks Android 16 intrusion logs (a folder or a zip).
pub fn check_intrusion_logs(ui: &Ui, opts: &CheckOpts, path: &Path) -> Result<Outcome> {
    check::run_check(ui, opts, INTRUSION_LOGS_MODULES, || {
        let acquisition = open_intrusion_logs(path, Limits::default())
            .with_context(|| format!("opening {} as intrusion logs", path.display()))?;
        refusals(ui, &acquisition);
        Ok(Box::new(AndroidTarget {
            path: path.to_path_buf(),
            kind: "android_intrusion_logs",
            acquisition,
        }))
    })
}

/// Sets up the decoding of the `backup.ab` inside an androidqf acquisition: when it is
/// password-protected, the password is taken as for `check-backup` and checked now, so that a
/// wrong one stops the run with one sentence. Without a password its modules are reported as
/// not checked.
pub fn androidqf_backup(
    ui: &Ui,
    unlock: &UnlockOpts,
    acq: AndroidAcquisition,
) -> Result<AndroidAcquisition> {
    let mut found = acq.find("**/backup.ab");
    found.sort_by_key(|e| (e.path.matches('/').count(), e.path.clone()));
    let Some(entry) = found.into_iter().next() else {
        return Ok(acq.with_backup_decoder(Arc::new(AbDecoder::default())));
    };
    let bytes = acq.read(&entry)?;
    let encrypted = ab::parse_header(&entry.path, &bytes).is_ok_and(|h| h.encrypted());
    if !encrypted {
        return Ok(acq.with_backup_decoder(Arc::new(AbDecoder::default())));
    }
    let Some(password) = backup_password(ui, unlock, &entry.path)? else {
        ui.always(
            Tone::Warn,
            &format!(
                "{} is password-protected and no password was given (--password-file FILE or \
                 TRACEHOUND_BACKUP_PASSWORD): the backup modules will not run",
                entry.path
            ),
        );
        return Ok(acq.with_backup_decoder(Arc::new(AbDecoder::default())));
    };
    ab::check_password(&entry.path, &bytes, &password)?;
    Ok(acq.with_backup_decoder(Arc::new(AbDecoder::with_password(password))))
}
