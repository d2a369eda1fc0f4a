//! Where downloaded indicators live, and where the index comes from.
//!
//! The data folder is `$TRACEHOUND_DATA_DIR` if set, else `$XDG_DATA_HOME/tracehound` (an
//! absolute `XDG_DATA_HOME` only, as the XDG specification says), else the platform's user data
//! folder: `~/Library/Application Support/tracehound` on macOS, `%APPDATA%\tracehound` on
//! Windows, `~/.local/share/tracehound` elsewhere. Inside it, `indicators/` holds the bundles
//! (only bundles, so `--iocs` can be pointed at it) and `manifest.json` records them.

use crate::error::FeedError;
use std::path::{Path, PathBuf};

/// Environment variable naming the data folder.
pub const DATA_DIR_ENV: &str = "TRACEHOUND_DATA_DIR";
/// Environment variable overriding the index URL (as `--index` does).
pub const INDEX_ENV: &str = "TRACEHOUND_IOCS_INDEX";
/// Environment variable replacing `https://raw.githubusercontent.com` for `github` entries
/// (local mirrors and tests).
pub const GITHUB_RAW_ENV: &str = "TRACEHOUND_GITHUB_RAW_BASE";
/// The community index of public indicator bundles, maintained with MVT.
pub const DEFAULT_INDEX_URL: &str =
    "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml";
/// Where `github` entries are fetched from unless [`GITHUB_RAW_ENV`] says otherwise.
pub const DEFAULT_GITHUB_RAW_BASE: &str = "https://raw.githubusercontent.com";

/// The user data folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// A data folder at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The data folder the environment names (see the module documentation).
    pub fn from_env() -> Result<Self, FeedError> {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(dir) = var(DATA_DIR_ENV) {
            return Ok(DataDir::at(dir));
        }
        if let Some(xdg) = var("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
            return Ok(DataDir::at(xdg.join("tracehound")));
        }
        if cfg!(windows) {
            if let Some(app) = var("APPDATA") {
                return Ok(DataDir::at(app.join("tracehound")));
            }
        }
        let home = var("HOME").ok_or(FeedError::NoDataDir)?;
        Ok(DataDir::at(if cfg!(target_os = "macos") {
            home.join("Library/Application Support/tracehound")
        } else {
            home.join(".local/share/tracehound")
        }))
    }

    /// The data folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder holding the downloaded bundles.
    pub fn indicators(&self) -> PathBuf {
        self.root.join("indicators")
    }

    /// The manifest recording them.
    pub fn manifest_path(&self) -> PathBuf {
        self.root.join("manifest.json")
    }
}

/// The index URL: `explicit` (from `--index`), else [`INDEX_ENV`], else [`DEFAULT_INDEX_URL`].
pub fn index_url(explicit: Option<&str>) -> String {
    explicit
        .map(str::to_string)
        .or_else(|| std::env::var(INDEX_ENV).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| DEFAULT_INDEX_URL.to_string())
}

/// The base URL for `github` entries, without a trailing `/`.
pub fn github_raw_base() -> String {
    std::env::var(GITHUB_RAW_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_GITHUB_RAW_BASE.to_string())
        .trim_end_matches('/')
        .to_string()
}
