//! Which indicators a run loads, in this order of precedence:
//!
//! 1. `--iocs PATH` options and `TRACEHOUND_IOCS` paths, if any is given: those only;
//! 2. else the bundles `tracehound iocs update` downloaded into the user data folder, if any;
//! 3. else the bundles compiled into the binary.
//!
//! Where the indicators came from is always said. Loading never touches the network.

use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use tracehound_core::Timestamp;
use tracehound_feeds::{DataDir, Manifest};
use tracehound_ioc::IndicatorSet;

/// Downloaded indicators older than this get a reminder to update (days).
const STALE_DAYS: i64 = 30;

/// Where a run's indicators come from.
pub enum Origin {
    /// `--iocs` and `TRACEHOUND_IOCS`.
    Given,
    /// The data folder's bundles, with its manifest.
    Downloaded(Manifest),
    /// The compiled-in bundles.
    Bundled,
}

/// The indicators a run uses, with where they came from and what to tell the analyst.
pub struct Selected {
    /// The indicators.
    pub set: IndicatorSet,
    /// Where from.
    pub origin: Origin,
    /// One line saying where from.
    pub description: String,
    /// Warnings and reminders.
    pub notes: Vec<String>,
}

/// Loads the indicators following the precedence above.
pub fn select(paths: &[PathBuf]) -> Result<Selected> {
    let mut given: Vec<PathBuf> = paths.to_vec();
    given.extend(tracehound_ioc::env_paths());
    if !given.is_empty() {
        let set = IndicatorSet::load_paths(&given)?;
        if set.sources().is_empty() {
            return Err(anyhow!(
                "no indicator files found in {}",
                given
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        return Ok(Selected {
            set,
            description: "Indicators from --iocs / TRACEHOUND_IOCS (downloaded and bundled \
                          indicators not used)"
                .into(),
            origin: Origin::Given,
            notes: Vec::new(),
        });
    }
    let mut notes = Vec::new();
    match downloaded(&mut notes) {
        Some((set, dir, manifest)) if !set.sources().is_empty() => {
            let when = manifest.last_update.clone().unwrap_or_default();
            if is_stale(&when) {
                notes.push(format!(
                    "the downloaded indicators were last updated {when}, over {STALE_DAYS} \
                     days ago: run `tracehound iocs update` for newer ones"
                ));
            }
            Ok(Selected {
                set,
                description: format!(
                    "Indicators downloaded by `tracehound iocs update` into {} (updated {when})",
                    dir.indicators().display()
                ),
                origin: Origin::Downloaded(manifest),
                notes,
            })
        }
        _ => {
            let set = IndicatorSet::bundled().context("loading the bundled indicators")?;
            notes.push(
                "no downloaded indicators: run `tracehound iocs update` to fetch the latest \
                 public ones (checks never go online by themselves)"
                    .into(),
            );
            Ok(Selected {
                set,
                description: format!(
                    "Indicators bundled with tracehound {} (Amnesty International Security \
                     Lab, CC-BY 4.0)",
                    env!("CARGO_PKG_VERSION")
                ),
                origin: Origin::Bundled,
                notes,
            })
        }
    }
}

/// The downloaded bundles, each checked against the manifest; problems become notes.
fn downloaded(notes: &mut Vec<String>) -> Option<(IndicatorSet, DataDir, Manifest)> {
    let dir = DataDir::from_env().ok()?;
    let manifest = match Manifest::read(&dir.manifest_path()) {
        Ok(m) => m,
        Err(e) => {
            notes.push(format!("downloaded indicators not used: {e}"));
            return None;
        }
    };
    let mut set = IndicatorSet::new();
    for f in manifest.files.iter().filter(|f| f.sha256.is_some()) {
        let path = dir.indicators().join(&f.file);
        let before = set.sources().len();
        match set.add_path(&path) {
            Ok(_) => {
                let sha = set.sources().get(before).map(|s| s.sha256.as_str());
                if sha.is_some() && sha != f.sha256.as_deref() {
                    notes.push(format!(
                        "{} changed since it was downloaded (SHA-256 differs from the \
                         manifest); run `tracehound iocs update`",
                        path.display()
                    ));
                }
            }
            Err(e) => notes.push(format!("downloaded bundle skipped: {e:#}")),
        }
    }
    Some((set, dir, manifest))
}

fn is_stale(when: &str) -> bool {
    const DAY_MICROS: i64 = 86_400_000_000;
    match Timestamp::parse(when) {
        Some(t) => Timestamp::now().unix_micros() - t.unix_micros() > STALE_DAYS * DAY_MICROS,
        None => false,
    }
}
