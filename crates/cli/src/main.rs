//! The `tracehound` binary: argument parsing, dispatch and exit codes; no forensic logic.
#![forbid(unsafe_code)]

mod android;
mod android_checks;
mod check;
mod check_iocs;
mod cli;
mod generate;
mod hints;
mod indicator_sources;
mod interrupt;
mod iocs;
mod iocs_match;
mod ios_crypto;
mod ios_fs;
mod ios_sysdiagnose;
mod json_summary;
mod password;
mod report;
mod sanitize;
mod short_urls;
mod ui;

use clap::Parser;
use cli::{Cli, Command, IosCommand};
use std::process::ExitCode;
use tracehound_evidence::detect::{detect, Detected};
use ui::{Tone, Ui};

/// Exit status: checks ran, nothing matched.
const EXIT_CLEAN: u8 = 0;
/// Exit status: at least one detection.
const EXIT_DETECTIONS: u8 = 1;
/// Exit status: error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(cli.quiet, cli.color);
    ui.interrupt().install();
    match run(&ui, &cli.command) {
        Ok(check::Outcome::Clean) => ExitCode::from(EXIT_CLEAN),
        Ok(check::Outcome::Detections) => ExitCode::from(EXIT_DETECTIONS),
        Err(_) if ui.interrupt().interrupted() => {
            // The work failed because Ctrl-C removed its folder under it, an error that is
            // only a consequence: wait for the handler, which finishes removing the partial
            // output and exits with 130.
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            ui.finish_progress();
            if json_summary::requested() {
                json_summary::print_error(&e);
            }
            ui.always(Tone::Bad, &format!("error: {e:#}"));
            if let Some(hint) = hints::for_error(&e) {
                ui.always(Tone::Plain, hint);
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(ui: &Ui, command: &Command) -> anyhow::Result<check::Outcome> {
    match command {
        Command::Android(cmd) => android::run(ui, cmd),
        Command::Iocs(cmd) => iocs::run(ui, cmd),
        Command::Completions { shell } => generate::completions(*shell),
        Command::Man { dir } => generate::man(dir.as_deref()),
        Command::CheckIocs(args) => check_iocs::run(ui, args),
        Command::Ios(IosCommand::DecryptBackup(args)) => ios_crypto::decrypt_backup(ui, args),
        Command::Ios(IosCommand::ExtractKey(args)) => ios_crypto::extract_key(ui, args),
        Command::Ios(IosCommand::CheckFs { opts, dump }) => ios_fs::run(ui, opts, dump.as_deref()),
        Command::Ios(IosCommand::CheckSysdiagnose { opts, archive }) => {
            ios_sysdiagnose::run(ui, opts, archive.as_deref())
        }
        Command::Ios(IosCommand::CheckBackup {
            opts,
            unlock,
            backup,
        }) => {
            if opts.list_modules {
                check::list_modules(&ios_fs::ios_modules(
                    tracehound_core::AcquisitionKind::IosBackup,
                ));
                return Ok(check::Outcome::Clean);
            }
            let backup = backup
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("missing BACKUP"))?;
            check::check_ios_backup(ui, opts, unlock, backup)
        }
        Command::Report {
            results,
            output,
            redact,
            force,
        } => report::report_command(ui, results, output.as_deref(), *redact, *force),
        Command::Check { opts, unlock, path } => {
            if opts.list_modules {
                check::list_modules(tracehound_ios::MODULES);
                return Ok(check::Outcome::Clean);
            }
            let path = path
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("missing PATH"))?;
            match detect(path)? {
                Detected::IosBackup(dir) => {
                    ui.say(Tone::Plain, &format!("{} is an iOS backup", dir.display()));
                    check::check_ios_backup(ui, opts, unlock, &dir)
                }
                Detected::IosFilesystem(p) => {
                    ui.say(
                        Tone::Plain,
                        &format!("{} is an iOS full-filesystem dump", p.display()),
                    );
                    ios_fs::check_ios_fs(ui, opts, &p)
                }
                Detected::IosSysdiagnose(p) => {
                    ui.say(
                        Tone::Plain,
                        &format!("{} is an iOS sysdiagnose", p.display()),
                    );
                    ios_sysdiagnose::check_ios_sysdiagnose(ui, opts, &p)
                }
                Detected::Results(p) => {
                    ui.say(
                        Tone::Plain,
                        &format!("{} is a results folder: re-checking it", p.display()),
                    );
                    check_iocs::check_results(ui, opts, &p)
                }
                Detected::AndroidQf(p) => {
                    ui.say(
                        Tone::Plain,
                        &format!("{} is an androidqf acquisition", p.display()),
                    );
                    android::check_androidqf(ui, opts, unlock, &p)
                }
                Detected::AndroidBugreport(p) => {
                    ui.say(Tone::Plain, &format!("{} is a bugreport", p.display()));
                    android_checks::check_bugreport(ui, opts, &p)
                }
                Detected::AndroidBackup(p) => {
                    ui.say(Tone::Plain, &format!("{} is an adb backup", p.display()));
                    android_checks::check_backup(ui, opts, unlock, &p)
                }
                Detected::AndroidIntrusionLogs(p) => {
                    ui.say(
                        Tone::Plain,
                        &format!("{} holds Android intrusion logs", p.display()),
                    );
                    android_checks::check_intrusion_logs(ui, opts, &p)
                }
            }
        }
    }
}
