//! The password of a password-protected Android backup, from the same options as iOS backups
//! ([`UnlockOpts`]): `--password-file`, `-p/--password` (with a warning), the environment
//! variable `TRACEHOUND_BACKUP_PASSWORD`, and last a no-echo prompt on the terminal.
//! (`--key-file` is for iOS backups only.)

use crate::ios_crypto::{password_from_file, UnlockOpts, PASSWORD_ENV};
use crate::ui::{Tone, Ui};
use anyhow::{anyhow, bail, Context, Result};
use std::io::IsTerminal;
use zeroize::Zeroizing;

/// The password for the protected backup `what`, or `None` when none was given and there is
/// no terminal to ask on.
pub fn backup_password(
    ui: &Ui,
    opts: &UnlockOpts,
    what: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    if opts.key_file.is_some() {
        bail!("--key-file unlocks iOS backups only; give the Android backup's password instead");
    }
    password(
        ui,
        opts,
        &format!("Password of the Android backup {what}: "),
    )
}

/// A backup password from the options, in order: `--password-file`, `-p/--password` (with a
/// warning), `TRACEHOUND_BACKUP_PASSWORD`, then a no-echo `prompt` on the terminal; `None`
/// when none was given and there is no terminal to ask on. For iOS and Android backups alike.
pub fn password(ui: &Ui, opts: &UnlockOpts, prompt: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
    if let Some(path) = &opts.password_file {
        return password_from_file(path).map(Some);
    }
    if let Some(p) = &opts.password {
        ui.always(
            Tone::Warn,
            "warning: a password given with -p/--password is visible to other users of this \
             computer in the process list; prefer --password-file FILE, \
             TRACEHOUND_BACKUP_PASSWORD or the prompt",
        );
        return Ok(Some(Zeroizing::new(p.as_bytes().to_vec())));
    }
    if let Some(p) = std::env::var_os(PASSWORD_ENV).filter(|p| !p.is_empty()) {
        let p = Zeroizing::new(
            p.into_string()
                .map_err(|_| anyhow!("{PASSWORD_ENV} is not valid UTF-8"))?,
        );
        return Ok(Some(Zeroizing::new(p.as_bytes().to_vec())));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let p = Zeroizing::new(rpassword::prompt_password(prompt).context("reading the password")?);
    if p.is_empty() {
        bail!("no password entered");
    }
    Ok(Some(Zeroizing::new(p.as_bytes().to_vec())))
}
