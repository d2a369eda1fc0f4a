//! A zip archive (on disk or in memory) as a tree. The central directory is listed once; an
//! entry is inflated only when read, after its declared size and compression ratio pass the
//! limits, and never past its declared size (a lying header is an error, not a bomb).

use super::{clean_path, read_bounded, Limits, Listing, Source, TreeEntry};
use crate::EvidenceError;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};
use std::sync::{Arc, Mutex};
use tracehound_core::Timestamp;
use zip::ZipArchive;

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// Bytes in memory, shared (a nested archive).
struct Shared(Arc<[u8]>);
impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

pub(crate) struct ZipBackend {
    archive: Mutex<ZipArchive<Box<dyn ReadSeek>>>,
    /// Listed path → (index in the archive, compressed size).
    index: HashMap<String, (usize, u64)>,
}

const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;

impl ZipBackend {
    pub(crate) fn open(
        name: &str,
        source: Source,
        limits: &Limits,
    ) -> Result<(Self, Listing), EvidenceError> {
        let reader: Box<dyn ReadSeek> = match source {
            Source::File(p) => Box::new(std::io::BufReader::new(
                std::fs::File::open(&p).map_err(|e| EvidenceError::io(&p, e))?,
            )),
            Source::Memory(b) => Box::new(Cursor::new(Shared(b))),
        };
        let mut archive = ZipArchive::new(reader).map_err(|e| EvidenceError::Corrupt {
            path: name.to_string(),
            reason: format!("not a readable zip archive ({e})"),
        })?;
        if archive.len() > limits.max_entries {
            return Err(EvidenceError::Refused {
                path: name.to_string(),
                reason: format!(
                    "{} entries, over the {} limit",
                    archive.len(),
                    limits.max_entries
                ),
            });
        }
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        let mut index = HashMap::new();
        for i in 0..archive.len() {
            let f = match archive.by_index_raw(i) {
                Ok(f) => f,
                Err(e) => {
                    warnings.push(format!("entry #{i}: unreadable header ({e}); skipped"));
                    continue;
                }
            };
            let raw = f.name().to_string();
            let path = match clean_path(&raw) {
                Ok(Some(p)) => p,
                Ok(None) => continue,
                Err(why) => {
                    warnings.push(format!("{raw:?}: refused: {why}"));
                    continue;
                }
            };
            if f.unix_mode().is_some_and(|m| m & S_IFMT == S_IFLNK) {
                warnings.push(format!("{raw:?}: refused: symbolic link, not followed"));
                continue;
            }
            if index.contains_key(&path) {
                warnings.push(format!("{raw:?}: duplicate entry; the first one is used"));
                continue;
            }
            if f.encrypted() {
                warnings.push(format!(
                    "{raw:?}: encrypted zip entry; listed but cannot be read"
                ));
            }
            let modified = f.last_modified().and_then(|d| {
                let days = days_from_civil(d.year().into(), d.month().into(), d.day().into());
                let secs = days * 86_400
                    + i64::from(d.hour()) * 3600
                    + i64::from(d.minute()) * 60
                    + i64::from(d.second());
                Timestamp::from_unix_secs(secs)
            });
            index.insert(path.clone(), (i, f.compressed_size()));
            entries.push(TreeEntry {
                path,
                size: f.size(),
                is_dir: f.is_dir(),
                modified,
            });
        }
        let backend = ZipBackend {
            archive: Mutex::new(archive),
            index,
        };
        Ok((backend, Listing { entries, warnings }))
    }

    pub(crate) fn read(
        &self,
        path: &str,
        shown: &str,
        size: u64,
        limits: &Limits,
        out: &mut Vec<u8>,
    ) -> Result<(), EvidenceError> {
        let &(i, compressed) = self.index.get(path).ok_or_else(|| EvidenceError::Io {
            path: shown.to_string(),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        if !limits.ratio_ok(size, compressed) {
            return Err(EvidenceError::Refused {
                path: shown.to_string(),
                reason: format!(
                    "{size} bytes stored in {compressed}: a compression ratio over the \
                     {}:1 limit (zip bomb?)",
                    limits.max_ratio
                ),
            });
        }
        let mut archive = self.archive.lock().map_err(|_| EvidenceError::Poisoned)?;
        let mut f = archive.by_index(i).map_err(|e| EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!("cannot read entry ({e})"),
        })?;
        out.reserve(usize::try_from(size.min(1 << 26)).unwrap_or(0));
        read_bounded(&mut f, shown, size.min(limits.max_entry_size), out)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_days() {
        assert_eq!(super::days_from_civil(1970, 1, 1), 0);
        assert_eq!(super::days_from_civil(2023, 7, 24), 19_562);
    }
}
