//! The crate's error type: why an indicator file could not be loaded.
//!
//! Problems with a single indicator inside an otherwise valid bundle (a pattern that does not
//! parse, an unsupported pattern type) are not errors: they are recorded as warnings on the
//! [`crate::Source`] and the indicator is skipped.

use std::path::PathBuf;

/// An indicator file or folder that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum IocError {
    /// The file or folder could not be read.
    #[error("cannot read indicators from {}: {source}", path.display())]
    Io {
        /// The path as given or found.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A folder could not be walked.
    #[error("cannot search {} for indicator files: {message}", path.display())]
    Walk {
        /// The folder or entry that failed.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A folder given as indicator source holds no `*.stix2` or `*.json` file.
    #[error("no .stix2 or .json indicator file found under {}", path.display())]
    NoIndicatorFiles {
        /// The folder.
        path: PathBuf,
    },
    /// The file is larger than [`crate::MAX_FILE_SIZE`].
    #[error("indicator file {file} is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not valid JSON, or its structure is not that of a STIX2 bundle (top level not
    /// an object, `objects` not an array, an object without `type`, a field of the wrong type).
    #[error("invalid STIX2 bundle {file} at line {line}, column {column}: {message}")]
    Json {
        /// The file.
        file: String,
        /// 1-based line of the error (0 when unknown).
        line: usize,
        /// 1-based column of the error (0 when unknown).
        column: usize,
        /// What the JSON reader reported.
        message: String,
    },
    /// Valid JSON that is not a STIX2 bundle (no `"type": "bundle"` or no `objects`).
    #[error("{file} is not a STIX2 bundle: {reason}")]
    NotABundle {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
}

impl IocError {
    pub(crate) fn json(file: &str, err: &serde_json::Error) -> Self {
        // serde_json appends " at line L column C" to its Display; keep only the message.
        let full = err.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) if err.line() > 0 => full.get(..i).unwrap_or(&full).to_string(),
            _ => full,
        };
        IocError::Json {
            file: file.to_string(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}
