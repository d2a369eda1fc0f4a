//! Indicator feeds for tracehound: the community's indicator index, the user data folder where
//! downloaded bundles live, and downloads that never leave a bad file in place.
//!
//! - [`index`]: the index in the mvt-indicators `indicators.yaml` format (`github` entries,
//!   turned into raw file URLs, and `download_url` entries).
//! - [`datadir`]: where downloads go (`$TRACEHOUND_DATA_DIR`, else `$XDG_DATA_HOME/tracehound`,
//!   else the platform's user data folder) and the index URL (`$TRACEHOUND_IOCS_INDEX`).
//! - [`manifest`]: `manifest.json` in the data folder: each file's source, URL, SHA-256, size,
//!   indicator count, download date and last error.
//! - [`fetch`]: a small blocking HTTPS client (ureq, rustls) with timeouts and size caps;
//!   plain `http://` only to loopback addresses (tests, local mirrors).
//! - [`update`]: `tracehound iocs update`: each bundle is downloaded to a temporary file in the
//!   same folder, parsed as a STIX2 bundle, synced and renamed over the previous copy; a failed,
//!   partial or unparseable download leaves the installed copy as it was.
//!
//! Nothing here runs unless asked: checks only read the data folder ([`installed_paths`]).
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod datadir;
mod error;
pub mod fetch;
pub mod index;
pub mod manifest;
pub mod update;

pub use datadir::{DataDir, DATA_DIR_ENV, DEFAULT_INDEX_URL, GITHUB_RAW_ENV, INDEX_ENV};
pub use error::FeedError;
pub use manifest::{InstalledFile, Manifest};
pub use update::{update, UpdateOptions, UpdateReport};

use std::path::PathBuf;

/// The downloaded bundles a check should load: every file the manifest records with a good
/// copy that is still on disk, in manifest order. Empty when nothing was ever downloaded.
pub fn installed_paths(dir: &DataDir) -> Result<Vec<PathBuf>, FeedError> {
    let manifest = Manifest::read(&dir.manifest_path())?;
    Ok(manifest
        .files
        .iter()
        .filter(|f| f.sha256.is_some())
        .map(|f| dir.indicators().join(&f.file))
        .filter(|p| p.is_file())
        .collect())
}
