//! Encrypted iOS backups in the CLI: where the password comes from, `ios decrypt-backup` and
//! `ios extract-key`. The cryptography is in `tracehound_evidence::crypto`; checks decrypt in
//! memory and never write plaintext anywhere.
//!
//! The password is taken, in this order, from `--key-file` (a key saved by `extract-key`),
//! `--password-file`, `-p/--password` (with a warning: the process list shows it to other
//! users), the environment variable `TRACEHOUND_BACKUP_PASSWORD`, and last a no-echo prompt on
//! the terminal. With no terminal and none of these, the run stops with one clear error.

use crate::check::Outcome;
use crate::ui::{Tone, Ui};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tracehound_evidence::backup::{is_encrypted, read_bounded};
use tracehound_evidence::crypto::{Key, Secret};
use tracehound_evidence::sqlite::MAX_IN_MEMORY;
use tracehound_evidence::{FoundFile, IosBackup, IosSource};
use zeroize::Zeroizing;

/// Environment variable holding the backup password.
pub const PASSWORD_ENV: &str = "TRACEHOUND_BACKUP_PASSWORD";
/// Largest password or key file we read.
const MAX_SECRET_FILE: u64 = 64 << 10;
/// Failed files listed one by one before the rest are only counted.
const MAX_LISTED: usize = 200;

/// How to unlock an encrypted backup (ignored, with a note, for a backup that is not).
#[derive(Debug, Default, Args)]
#[group(multiple = false)]
pub struct UnlockOpts {
    /// Read the backup password from FILE (a final newline is not part of it). Without a
    /// password option, TRACEHOUND_BACKUP_PASSWORD is used, else it is asked for with no echo.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Unlock with the key saved by `tracehound ios extract-key` (skips the slow derivation).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// The backup password. Other users can read it in the process list: prefer
    /// --password-file, TRACEHOUND_BACKUP_PASSWORD or the prompt.
    #[arg(long, short = 'p', value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Decrypt an androidqf acquisition encrypted with age (`<uuid>.zip.age`) with this age
    /// identity file (`AGE-SECRET-KEY-1…`, the key.txt androidqf wrote); in memory only.
    #[arg(long, value_name = "FILE")]
    pub age_identity: Option<PathBuf>,
}

impl UnlockOpts {
    fn given(&self) -> bool {
        self.password_file.is_some() || self.key_file.is_some() || self.password.is_some()
    }
}

/// `tracehound ios decrypt-backup`.
#[derive(Debug, Args)]
pub struct DecryptBackupArgs {
    #[command(flatten)]
    pub unlock: UnlockOpts,
    /// Folder for the decrypted copy (created with mode 0700; refused if it exists and is
    /// not empty).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub destination: PathBuf,
    /// The encrypted backup folder.
    pub backup: PathBuf,
}

/// `tracehound ios extract-key`.
#[derive(Debug, Args)]
pub struct ExtractKeyArgs {
    #[command(flatten)]
    pub unlock: UnlockOpts,
    /// Write the key to FILE (created with mode 0600, never overwritten) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The encrypted backup folder.
    pub backup: PathBuf,
}

fn read_secret_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = Zeroizing::new(
        read_bounded(path, MAX_SECRET_FILE)
            .with_context(|| format!("reading {}", path.display()))?,
    );
    Ok(bytes)
}

/// The password bytes of a password file: all of it, less one final `\n` or `\r\n`.
pub(crate) fn password_from_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = read_secret_file(path)?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        bail!("the password file {} is empty", path.display());
    }
    Ok(bytes)
}

/// What unlocks `backup`, or `None` when it is not encrypted.
pub fn secret_for(ui: &Ui, opts: &UnlockOpts, backup: &Path) -> Result<Option<Secret>> {
    // A backup we cannot read is reported when it is opened.
    if !is_encrypted(backup).unwrap_or(false) {
        if opts.given() {
            ui.say(
                Tone::Warn,
                &format!(
                    "note: {} is not encrypted; the password or key given is not used",
                    backup.display()
                ),
            );
        }
        return Ok(None);
    }
    if let Some(path) = &opts.key_file {
        let text = read_secret_file(path)?;
        let key = std::str::from_utf8(&text)
            .map_err(|_| "not text".to_string())
            .and_then(Key::from_hex)
            .map_err(|e| anyhow!("{} is not a key saved by extract-key ({e})", path.display()))?;
        return Ok(Some(Secret::DerivedKey(key)));
    }
    let prompt = format!("Password of the encrypted backup {}: ", backup.display());
    match crate::password::password(ui, opts, &prompt)? {
        Some(p) => Ok(Some(Secret::Password(p))),
        None => bail!(
            "{} is an encrypted backup and no password was given: use --password-file FILE, \
             {PASSWORD_ENV} or --key-file FILE (there is no terminal to ask on)",
            backup.display()
        ),
    }
}

/// Opens a backup, unlocking it with `secret` when it is encrypted.
pub fn open_backup(ui: &Ui, secret: Option<&Secret>, path: &Path) -> Result<IosBackup> {
    let start = Instant::now();
    if let Some(Secret::Password(_)) = secret {
        ui.say(
            Tone::Plain,
            "Deriving the backup key from the password (PBKDF2; a few seconds)",
        );
    }
    let backup = IosBackup::open_with(path, secret)?;
    if backup.keys().is_some() {
        ui.say(
            Tone::Plain,
            &format!(
                "Unlocked the encrypted backup in {:.1}s; its files are decrypted in memory only",
                start.elapsed().as_secs_f64()
            ),
        );
    }
    Ok(backup)
}

/// Opens a backup for a check, asking for what unlocks it if it is encrypted.
pub fn open_for_check(ui: &Ui, opts: &UnlockOpts, path: &Path) -> Result<IosBackup> {
    let secret = secret_for(ui, opts, path)?;
    open_backup(ui, secret.as_ref(), path)
}

fn unlock_encrypted(ui: &Ui, opts: &UnlockOpts, path: &Path) -> Result<IosBackup> {
    if !is_encrypted(path)? {
        bail!("{} is not an encrypted backup", path.display());
    }
    open_for_check(ui, opts, path)
}

/// Refuses a destination inside the evidence folder: plaintext never goes beside the evidence.
fn refuse_inside(dest: &Path, backup: &Path) -> Result<()> {
    let backup = fs::canonicalize(backup)?;
    let mut probe = std::path::absolute(dest)?;
    // The nearest existing ancestor tells where the destination really is.
    while !probe.exists() {
        if !probe.pop() {
            return Ok(());
        }
    }
    if fs::canonicalize(&probe)?.starts_with(&backup) {
        bail!(
            "{} is inside the backup folder: write the decrypted copy elsewhere",
            dest.display()
        );
    }
    Ok(())
}

/// Creates `dir` (or accepts an empty one) with mode 0700.
fn private_dir(dir: &Path) -> Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        bail!("{} exists and is not empty", dir.display());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// `ios decrypt-backup`: writes a decrypted copy that `ios check-backup` reads as a plain
/// backup. Files that cannot be decrypted are listed; the rest are written all the same.
pub fn decrypt_backup(ui: &Ui, args: &DecryptBackupArgs) -> Result<Outcome> {
    let src = &args.backup;
    let backup = unlock_encrypted(ui, &args.unlock, src)?;
    let keys = backup
        .keys()
        .ok_or_else(|| anyhow!("{} is not encrypted", src.display()))?;
    let dest = &args.destination;
    refuse_inside(dest, src)?;
    private_dir(dest)?;
    // Decrypted files in a folder left half-written by Ctrl-C would be plaintext nobody asked
    // to keep: the folder is new or was empty, so it goes.
    ui.interrupt().remove_on_interrupt(dest);
    let image = read_bounded(&src.join("Manifest.db"), MAX_IN_MEMORY)?;
    fs::write(
        dest.join("Manifest.db"),
        keys.decrypt_manifest_db("Manifest.db", image)?,
    )?;
    let mut manifest = backup.manifest_plist().cloned().unwrap_or_default();
    manifest.insert("IsEncrypted".into(), plist::Value::Boolean(false));
    manifest.remove("ManifestKey");
    plist::Value::Dictionary(manifest)
        .to_file_binary(dest.join("Manifest.plist"))
        .context("writing Manifest.plist")?;
    for name in ["Info.plist", "Status.plist"] {
        if src.join(name).is_file() {
            fs::write(dest.join(name), read_bounded(&src.join(name), 64 << 20)?)?;
        }
    }
    let mut files = Vec::new();
    backup.for_each_raw_entry(|r| {
        if r.flags == 1 {
            files.push((r.file_id, r.domain, r.relative_path));
        }
    })?;
    let (mut written, mut problems) = (0usize, Vec::new());
    for (id, domain, relative_path) in files {
        let found = FoundFile {
            path: format!("{}/{id}", id.get(..2).unwrap_or_default()),
            domain: Some(domain),
            relative_path,
        };
        if !backup.has_file(&id) {
            problems.push(format!("{}: not in the backup folder", found.artifact()));
            continue;
        }
        match backup.read(&found) {
            Ok(bytes) => {
                let out = dest.join(&found.path);
                if let Some(dir) = out.parent() {
                    fs::create_dir_all(dir)?;
                }
                fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
                written += 1;
            }
            Err(e) => problems.push(format!("{} ({}): {e}", found.artifact(), found.path)),
        }
    }
    ui.interrupt().keep(dest);
    ui.say(
        Tone::Plain,
        &format!("Decrypted {written} files into {}", dest.display()),
    );
    if problems.is_empty() {
        return Ok(Outcome::Clean);
    }
    for p in problems.iter().take(MAX_LISTED) {
        ui.always(Tone::Bad, &format!("  not decrypted: {p}"));
    }
    if problems.len() > MAX_LISTED {
        ui.always(
            Tone::Bad,
            &format!("  … and {} more", problems.len() - MAX_LISTED),
        );
    }
    bail!(
        "{} of {} files could not be decrypted (listed above); the other {written} are in {}",
        problems.len(),
        problems.len() + written,
        dest.display()
    )
}

/// `ios extract-key`: derives the key once so later runs can use `--key-file`.
pub fn extract_key(ui: &Ui, args: &ExtractKeyArgs) -> Result<Outcome> {
    let backup = unlock_encrypted(ui, &args.unlock, &args.backup)?;
    let keys = backup
        .keys()
        .ok_or_else(|| anyhow!("{} is not encrypted", args.backup.display()))?;
    let mut line = keys.derived_key().to_hex();
    line.push('\n');
    match &args.output {
        Some(path) => {
            let mut o = fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let mut f = o
                .open(path)
                .with_context(|| format!("creating {}", path.display()))?;
            f.write_all(line.as_bytes())?;
            ui.say(
                Tone::Plain,
                &format!("Wrote the backup key to {}", path.display()),
            );
        }
        None => std::io::stdout().write_all(line.as_bytes())?,
    }
    ui.say(
        Tone::Warn,
        "This key unlocks the backup as its password does: keep it as safe. Use it with \
         --key-file FILE.",
    );
    Ok(Outcome::Clean)
}
