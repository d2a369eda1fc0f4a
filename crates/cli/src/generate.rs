//! `tracehound completions SHELL` and `tracehound man`: shell completions and manual pages
//! generated from the clap definition, so they never drift from the options.

use crate::check::Outcome;
use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// Writes the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "tracehound", &mut out);
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Writes the manual page on stdout, or with `dir` one page per command into `dir`
/// (`tracehound.1`, `tracehound-ios-check-backup.1`, …).
pub fn man(dir: Option<&Path>) -> Result<Outcome> {
    let cmd = Cli::command();
    match dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("writing manual pages into {}", dir.display()))?;
        }
    }
    Ok(Outcome::Clean)
}
