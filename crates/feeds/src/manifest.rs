//! `manifest.json` in the data folder: what `tracehound iocs update` installed.
//!
//! ```json
//! {
//!   "index_url": "https://…/indicators.yaml",
//!   "last_update": "2026-05-01T10:00:00.000000Z",
//!   "files": [{
//!     "name": "NSO Group Pegasus Indicators of Compromise",
//!     "sources": ["Amnesty International"], "references": ["https://…"],
//!     "url": "https://…/pegasus.stix2", "file": "AmnestyTech_investigations_…_pegasus.stix2",
//!     "sha256": "…", "size": 123456, "indicators": 1500,
//!     "downloaded": "2026-05-01T10:00:01.000000Z",
//!     "last_error": null
//!   }]
//! }
//! ```
//!
//! `sha256`, `size`, `indicators` and `downloaded` describe the copy installed (all `null` if
//! none ever was); `last_error` says why the last attempt failed (`null` if it succeeded).
//! The manifest is written to a temporary file and renamed, like the bundles.

use crate::error::FeedError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Largest manifest read (bytes).
const MAX_MANIFEST: u64 = 16 << 20;

/// The data folder's record of downloaded bundles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The index the files were listed in.
    #[serde(default)]
    pub index_url: String,
    /// When `iocs update` last ran to the end (RFC 3339, UTC).
    #[serde(default)]
    pub last_update: Option<String>,
    /// The bundles, in index order.
    #[serde(default)]
    pub files: Vec<InstalledFile>,
}

/// One bundle in the manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledFile {
    /// Title in the index.
    pub name: String,
    /// Publishers.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Reports.
    #[serde(default)]
    pub references: Vec<String>,
    /// Where it is downloaded from.
    pub url: String,
    /// File name in the indicators folder.
    pub file: String,
    /// SHA-256 of the installed copy.
    pub sha256: Option<String>,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// Indicators it holds.
    pub indicators: Option<usize>,
    /// When the installed copy was downloaded (RFC 3339, UTC).
    pub downloaded: Option<String>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

impl Manifest {
    /// Reads the manifest; a missing file is an empty manifest.
    pub fn read(path: &Path) -> Result<Manifest, FeedError> {
        let bytes = match std::fs::File::open(path) {
            Ok(f) => {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_MANIFEST + 1), &mut buf)
                    .map_err(FeedError::io(path))?;
                buf
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(FeedError::io(path)(e)),
        };
        if bytes.len() as u64 > MAX_MANIFEST {
            return Err(FeedError::Manifest {
                path: path.to_path_buf(),
                message: "larger than 16 MiB".into(),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| FeedError::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Writes the manifest in place atomically (temporary file, sync, rename).
    pub fn write(&self, path: &Path) -> Result<(), FeedError> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| FeedError::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        json.push(b'\n');
        write_atomic(path, &json)
    }

    /// The entry for a local file name.
    pub fn file(&self, file: &str) -> Option<&InstalledFile> {
        self.files.iter().find(|f| f.file == file)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced then renamed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(FeedError::io(path))
}

/// A hidden temporary name beside `path`, unique to this process.
pub(crate) fn temp_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_missing_and_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        assert_eq!(Manifest::read(&path).unwrap(), Manifest::default());
        let m = Manifest {
            index_url: "https://x/i.yaml".into(),
            last_update: Some("2026-01-01T00:00:00.000000Z".into()),
            files: vec![InstalledFile {
                name: "A".into(),
                url: "https://x/a.stix2".into(),
                file: "a.stix2".into(),
                sha256: Some("00".into()),
                ..InstalledFile::default()
            }],
        };
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap(), m);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::write(&path, b"{not json").unwrap();
        assert!(matches!(
            Manifest::read(&path),
            Err(FeedError::Manifest { .. })
        ));
    }
}
