//! Command-line definition (clap derive). No forensic logic here.

use crate::ios_crypto::{DecryptBackupArgs, ExtractKeyArgs, UnlockOpts};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit status:
  0  the checks ran and nothing matched
  1  at least one detection (see alerts.json)
  2  error: bad usage, unreadable or unrecognised input, results not written";

/// `--version`: the version, then the build's commit, target and profile (see `build.rs`).
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit:  ",
    env!("TRACEHOUND_GIT_COMMIT"),
    "\ntarget:  ",
    env!("TRACEHOUND_TARGET"),
    "\nprofile: ",
    env!("TRACEHOUND_PROFILE")
);

/// Consensual forensic checks of phones for traces of mercenary spyware.
#[derive(Debug, Parser)]
#[command(name = "tracehound", version, long_version = LONG_VERSION, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// When to use colours on stderr (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    /// Print only errors and the final verdict line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// iOS acquisitions.
    #[command(subcommand)]
    Ios(IosCommand),
    /// Android acquisitions.
    #[command(subcommand)]
    Android(crate::android::AndroidCommand),
    /// Write the self-contained HTML report of a results folder (ours or MVT's).
    Report {
        /// The results folder (holding info.json).
        results: PathBuf,
        /// The report file [default: RESULTS/report.html, or report-redacted.html].
        #[arg(long, short, value_name = "FILE.html")]
        output: Option<PathBuf>,
        /// Leave message bodies, contact names and phone numbers out, for a copy to share.
        #[arg(long)]
        redact: bool,
        /// Replace an existing report file.
        #[arg(long)]
        force: bool,
    },
    /// Re-check a results folder (ours or MVT's) against new indicators, without the
    /// acquisition.
    #[command(name = "check-iocs", after_help = EXIT_CODES)]
    CheckIocs(crate::check_iocs::CheckIocsArgs),
    /// Detect what kind of acquisition PATH is and run the matching check.
    #[command(after_help = EXIT_CODES)]
    Check {
        #[command(flatten)]
        opts: CheckOpts,
        #[command(flatten)]
        unlock: UnlockOpts,
        /// An iOS backup folder, or a folder holding exactly one backup; an iOS
        /// full-filesystem dump (folder or archive); an iOS sysdiagnose (.tar.gz or folder); an
        /// androidqf folder or zip; a results folder (re-checked, as check-iocs does).
        #[arg(required_unless_present = "list_modules")]
        path: Option<PathBuf>,
    },
    /// Indicators: download the public feeds (the only command that goes online), list them,
    /// match values against them.
    #[command(subcommand)]
    Iocs(crate::iocs::IocsCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout, or write one page per command into DIR.
    Man {
        /// Write `tracehound.1`, `tracehound-ios.1`, … into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// iOS commands.
#[derive(Debug, Subcommand)]
pub enum IosCommand {
    /// Check an iTunes/Finder backup folder.
    #[command(after_help = EXIT_CODES)]
    CheckBackup {
        #[command(flatten)]
        opts: CheckOpts,
        #[command(flatten)]
        unlock: UnlockOpts,
        /// The backup folder (holding Manifest.db).
        #[arg(required_unless_present = "list_modules")]
        backup: Option<PathBuf>,
    },
    /// Check a full-filesystem dump: a folder, or a .tar, .tar.gz or .zip read in place.
    #[command(after_help = EXIT_CODES)]
    CheckFs {
        #[command(flatten)]
        opts: CheckOpts,
        /// The dump: a folder or archive with the device's `/` (or `/private`) at its top or
        /// one folder down.
        #[arg(required_unless_present = "list_modules")]
        dump: Option<PathBuf>,
    },
    /// Check a sysdiagnose: the .tar.gz the phone writes, or the folder it unpacks to.
    #[command(after_help = EXIT_CODES)]
    CheckSysdiagnose {
        #[command(flatten)]
        opts: CheckOpts,
        /// The sysdiagnose archive or folder.
        #[arg(required_unless_present = "list_modules")]
        archive: Option<PathBuf>,
    },
    /// Write a decrypted copy of an encrypted backup (checks do not need one: they decrypt in
    /// memory).
    DecryptBackup(DecryptBackupArgs),
    /// Derive an encrypted backup's key from its password once, for later runs' --key-file.
    ExtractKey(ExtractKeyArgs),
}

/// Options shared by every check.
#[derive(Debug, Args)]
pub struct CheckOpts {
    /// STIX2 indicator file or folder (searched recursively); repeatable. Also read from
    /// TRACEHOUND_IOCS (a list of paths). Without either, the bundled indicators are used.
    #[arg(long = "iocs", value_name = "PATH")]
    pub iocs: Vec<PathBuf>,
    /// Write results to this folder (refused if it exists and is not empty, unless --force).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Run only this module (slug or name); repeatable.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub modules: Vec<String>,
    /// List the available modules and exit.
    #[arg(long)]
    pub list_modules: bool,
    /// Record the SHA-256 of every input file read in info.json (the default; kept for MVT
    /// users' habits).
    #[arg(long, hide = true, overrides_with = "no_hashes")]
    pub hashes: bool,
    /// Do not record the SHA-256 of the input files read (info.json then says so). Every run
    /// records them otherwise: an archive's entries and nested acquisitions' files are hashed
    /// as read, other files after the checks.
    #[arg(long, overrides_with = "hashes")]
    pub no_hashes: bool,
    /// Replace an existing, non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// Also write a self-contained HTML report (one file, no network access), refused if the
    /// file exists unless --force.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Leave message bodies, contact names and phone numbers out of the HTML report, for a copy
    /// to share.
    #[arg(long, requires = "report")]
    pub redact: bool,
    /// Print a JSON summary on stdout when done (verdict, detections per level, module
    /// statuses, results folder); see the README.
    #[arg(long)]
    pub json: bool,
    /// Timeline file(s) in the results folder: timeline.csv, timeline.jsonl (JSON Lines as
    /// Timesketch imports them), or both.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TimelineFormat::Csv)]
    pub timeline_format: TimelineFormat,
    /// Go online after the checks to expand shortened links (bit.ly, t.co, …) found in the
    /// evidence, with HEAD requests to the shortening services (at most 3 hops, no redirect
    /// followed elsewhere), and check where they lead against the indicators. Off by default:
    /// checks never touch the network otherwise. Every URL contacted is listed in info.json.
    #[arg(long)]
    pub resolve_short_urls: bool,
    /// With --resolve-short-urls: expand at most N distinct links.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100,
        requires = "resolve_short_urls"
    )]
    pub resolve_short_urls_max: usize,
    /// With --resolve-short-urls: seconds allowed per request (the whole step stops after 60).
    #[arg(long, value_name = "SECS", default_value_t = 5, requires = "resolve_short_urls",
          value_parser = clap::value_parser!(u64).range(1..=60))]
    pub resolve_short_urls_timeout: u64,
}

/// `--timeline-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    /// timeline.csv (MVT's columns).
    Csv,
    /// timeline.jsonl (Timesketch's message, datetime, timestamp_desc).
    Jsonl,
    /// Both files.
    Both,
}

impl From<TimelineFormat> for tracehound_report::TimelineFormat {
    fn from(f: TimelineFormat) -> Self {
        match f {
            TimelineFormat::Csv => tracehound_report::TimelineFormat::Csv,
            TimelineFormat::Jsonl => tracehound_report::TimelineFormat::Jsonl,
            TimelineFormat::Both => tracehound_report::TimelineFormat::Both,
        }
    }
}
