//! `tracehound iocs match VALUE...`: checks values an analyst has (a domain seen in a message,
//! a process name, an app id) against the indicators a check would load.
//!
//! Each value is checked as the kinds its shape suggests (see `tracehound_ioc::guess_kinds`),
//! or as `--type`. Exit status 1 if any value matched, 0 if none did, as a check's.

use crate::check::Outcome;
use crate::sanitize::{for_terminal, json_for_terminal};
use crate::ui::Ui;
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;
use tracehound_core::Matcher;
use tracehound_ioc::{guess_kinds, IndicatorMatcher, ValueKind};

/// `iocs match` options.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Check against these indicator files or folders instead (as checks' --iocs).
    #[arg(long = "iocs", value_name = "PATH")]
    pub iocs: Vec<PathBuf>,
    /// Check every value as this kind instead of guessing from its shape.
    #[arg(long = "type", value_enum, value_name = "KIND")]
    pub kind: Option<KindArg>,
    /// Print a JSON array on stdout instead.
    #[arg(long)]
    pub json: bool,
    /// The values.
    #[arg(required = true, value_name = "VALUE")]
    pub values: Vec<String>,
}

/// `--type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A domain or IP address.
    Domain,
    /// A URL.
    Url,
    /// A process name.
    Process,
    /// An e-mail address.
    Email,
    /// An iOS bundle id or Android package name.
    AppId,
    /// An absolute file path.
    FilePath,
    /// A file name.
    FileName,
    /// An MD5, SHA-1 or SHA-256 hash.
    Hash,
    /// An app signing certificate hash.
    CertHash,
    /// A configuration profile id.
    Profile,
    /// An Android property name.
    Property,
}

impl From<KindArg> for ValueKind {
    fn from(k: KindArg) -> ValueKind {
        match k {
            KindArg::Domain => ValueKind::Domain,
            KindArg::Url => ValueKind::Url,
            KindArg::Process => ValueKind::Process,
            KindArg::Email => ValueKind::Email,
            KindArg::AppId => ValueKind::AppId,
            KindArg::FilePath => ValueKind::FilePath,
            KindArg::FileName => ValueKind::FileName,
            KindArg::Hash => ValueKind::FileHash,
            KindArg::CertHash => ValueKind::AppCertHash,
            KindArg::Profile => ValueKind::ProfileId,
            KindArg::Property => ValueKind::AndroidProperty,
        }
    }
}

/// One match, as printed with `--json`.
#[derive(Serialize)]
struct Hit {
    value: String,
    checked_as: &'static str,
    indicator: String,
    indicator_type: &'static str,
    malware: String,
    bundle: String,
    reason: String,
}

/// Runs `iocs match`.
pub fn run(ui: &Ui, args: &MatchArgs) -> Result<Outcome> {
    let set = crate::check::load_indicators(ui, &args.iocs)?;
    let matcher = IndicatorMatcher::new(&set);
    let mut hits = Vec::new();
    let mut lines = Vec::new();
    for value in &args.values {
        let kinds = match args.kind {
            Some(k) => vec![k.into()],
            None => guess_kinds(value),
        };
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let before = hits.len();
        for kind in &kinds {
            let mut found = Vec::new();
            matcher.check(kind.observable(value.trim()), &mut found);
            for m in found {
                hits.push(Hit {
                    value: value.clone(),
                    checked_as: kind.as_str(),
                    indicator: m.indicator.value.clone(),
                    indicator_type: m.indicator.kind.as_str(),
                    malware: m.indicator.name.clone(),
                    bundle: m.indicator.stix2_file_name.clone(),
                    reason: serde_json::to_value(m.reason)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                });
            }
        }
        if hits.len() == before {
            lines.push(format!("{value} ({}): no match", names.join(" or ")));
        }
        for h in hits.get(before..).unwrap_or(&[]) {
            lines.push(format!(
                "{value} ({}): MATCH {} indicator {:?} ({}) of {} in {}",
                h.checked_as, h.indicator_type, h.indicator, h.reason, h.malware, h.bundle
            ));
        }
    }
    if args.json {
        println!(
            "{}",
            json_for_terminal(&serde_json::to_string_pretty(&hits)?)
        );
    } else {
        for line in &lines {
            println!("{}", for_terminal(line));
        }
    }
    Ok(if hits.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Detections
    })
}
