//! The feeds error type.

use std::path::PathBuf;
use thiserror::Error;

/// Why a feed operation failed.
#[derive(Debug, Error)]
pub enum FeedError {
    /// No data folder could be worked out from the environment.
    #[error(
        "cannot tell where the user data folder is (no HOME, XDG_DATA_HOME or APPDATA); \
         set TRACEHOUND_DATA_DIR to a folder"
    )]
    NoDataDir,
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest exists but cannot be understood.
    #[error("{}: not a tracehound manifest ({message}); move it aside and run `tracehound iocs update`", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// A URL that is not allowed or not understood.
    #[error("{url}: {reason}")]
    Url {
        /// The URL.
        url: String,
        /// Why it is refused.
        reason: String,
    },
    /// A download failed.
    #[error("{url}: {reason}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The index is not in the expected format.
    #[error("the indicator index at {url} is not in the indicators.yaml format: {reason}")]
    Index {
        /// Where it came from.
        url: String,
        /// What was wrong.
        reason: String,
    },
}

impl FeedError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> FeedError {
        let path = path.into();
        move |source| FeedError::Io { path, source }
    }
}
