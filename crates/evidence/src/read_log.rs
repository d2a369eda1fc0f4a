//! The files an acquisition read, each with the SHA-256 of its bytes as read (for
//! `info.json`): hashed once per file, however often it is read, and never by reading the
//! evidence a second time where the bytes were at hand.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Mutex;
use tracehound_core::InputFile;

/// Files read so far, with their hashes when known.
#[derive(Debug, Default)]
pub struct ReadLog {
    files: Mutex<BTreeMap<InputFile, Option<String>>>,
}

impl ReadLog {
    /// An empty log.
    pub fn new() -> ReadLog {
        ReadLog::default()
    }

    /// Notes a file read whose bytes are not at hand (its hash is left to the caller).
    pub fn note(&self, input: InputFile) {
        if let Ok(mut f) = self.files.lock() {
            f.entry(input).or_insert(None);
        }
    }

    /// Records a file read with the `bytes` read, hashing them unless already hashed.
    pub fn record(&self, input: InputFile, bytes: &[u8]) {
        let hashed = self
            .files
            .lock()
            .is_ok_and(|f| f.get(&input).is_some_and(Option::is_some));
        if hashed {
            return;
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        if let Ok(mut f) = self.files.lock() {
            f.insert(input, Some(sha256));
        }
    }

    /// Every file read, in order.
    pub fn inputs(&self) -> Vec<InputFile> {
        self.files
            .lock()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The SHA-256 (hex) of the file at `path`, if it was hashed as read.
    pub fn sha256(&self, path: &str) -> Option<String> {
        let f = self.files.lock().ok()?;
        // Inputs sort by path first: those of `path` start at (path, no artifact).
        let from = InputFile {
            path: path.to_string(),
            artifact: None,
        };
        f.range(from..)
            .take_while(|(i, _)| i.path == path)
            .find_map(|(_, h)| h.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_once_and_keeps_unhashed_notes() {
        let log = ReadLog::new();
        let a = InputFile {
            path: "a".into(),
            artifact: None,
        };
        log.note(a.clone());
        assert_eq!(log.sha256("a"), None);
        log.record(a.clone(), b"abc");
        let h = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(log.sha256("a").as_deref(), Some(h));
        log.record(a.clone(), b"other bytes");
        assert_eq!(
            log.sha256("a").as_deref(),
            Some(h),
            "the first read's hash is kept"
        );
        assert_eq!(log.inputs(), [a]);
    }
}
