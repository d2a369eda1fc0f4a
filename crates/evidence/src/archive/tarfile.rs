//! A tar archive, plain or gzip-compressed, on disk or in memory, as a tree. Listing reads the
//! headers once; a plain tar's entry is then read by seeking to its data, a `.tar.gz` entry by
//! inflating the stream again up to it (nothing is cached or extracted). The inflated stream may
//! not exceed [`Limits::max_ratio`] times the compressed size, so a gzip bomb stops early.

use super::{clean_path, read_bounded, Limits, Listing, Source, TreeEntry};
use crate::EvidenceError;
use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use tar::{Archive, EntryType};
use tracehound_core::Timestamp;

pub(crate) struct TarBackend {
    source: Source,
    gz: bool,
    /// Compressed length of the whole archive.
    len: u64,
    /// Listed path → offset of its data in the (uncompressed) tar stream.
    offsets: HashMap<String, u64>,
    /// Files kept in memory while a `.tar.gz` was listed (see `Tree::open_caching`).
    cache: HashMap<String, Arc<[u8]>>,
}

/// A reader that fails once more than `cap` bytes came out of it.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| io::Error::other("inflates past the compression-ratio limit"))?;
        Ok(n)
    }
}

struct Shared(Arc<[u8]>);
impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl TarBackend {
    fn stream(&self, shown: &str, limits: &Limits) -> Result<Box<dyn Read>, EvidenceError> {
        let raw: Box<dyn Read> = match &self.source {
            Source::File(p) => Box::new(io::BufReader::new(
                std::fs::File::open(p).map_err(|e| EvidenceError::io(p, e))?,
            )),
            Source::Memory(b) => Box::new(Cursor::new(Shared(b.clone()))),
        };
        let _ = shown;
        Ok(if self.gz {
            let cap = self
                .len
                .saturating_mul(limits.max_ratio)
                .max(limits.ratio_exempt_size);
            Box::new(Capped {
                inner: GzDecoder::new(raw),
                left: cap,
            })
        } else {
            raw
        })
    }

    pub(crate) fn open(
        name: &str,
        source: Source,
        gz: bool,
        len: u64,
        limits: &Limits,
        keep: &mut dyn FnMut(&str, u64, &[u8]) -> bool,
    ) -> Result<(Self, Listing), EvidenceError> {
        let mut backend = TarBackend {
            source,
            gz,
            len,
            offsets: HashMap::new(),
            cache: HashMap::new(),
        };
        let corrupt = |e: io::Error| EvidenceError::Corrupt {
            path: name.to_string(),
            reason: format!("not a readable tar archive ({e})"),
        };
        let mut archive = Archive::new(backend.stream(name, limits)?);
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        let (mut special, mut links) = (0u64, 0u64);
        for item in archive.entries().map_err(corrupt)? {
            let mut entry = match item {
                Ok(e) => e,
                Err(e) if entries.is_empty() => return Err(corrupt(e)),
                Err(e) => {
                    warnings.push(format!(
                        "{name}: listing stopped after {} entries: {e} (truncated archive?)",
                        entries.len()
                    ));
                    break;
                }
            };
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let kind = entry.header().entry_type();
            let is_dir = match kind {
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => false,
                EntryType::Directory => true,
                EntryType::Symlink | EntryType::Link => {
                    links += 1;
                    if links <= 100 {
                        warnings.push(format!("{raw:?}: refused: link entry, not followed"));
                    }
                    continue;
                }
                _ => {
                    special += 1;
                    continue;
                }
            };
            let path = match clean_path(&raw) {
                Ok(Some(p)) => p,
                Ok(None) => continue,
                Err(why) => {
                    warnings.push(format!("{raw:?}: refused: {why}"));
                    continue;
                }
            };
            if backend.offsets.contains_key(&path) {
                warnings.push(format!("{raw:?}: duplicate entry; the first one is used"));
                continue;
            }
            if entries.len() >= limits.max_entries {
                return Err(EvidenceError::Refused {
                    path: name.to_string(),
                    reason: format!("more than {} entries", limits.max_entries),
                });
            }
            let modified = entry
                .header()
                .mtime()
                .ok()
                .and_then(|t| i64::try_from(t).ok())
                .and_then(Timestamp::from_unix_secs);
            backend
                .offsets
                .insert(path.clone(), entry.raw_file_position());
            let size = entry.size();
            if gz && !is_dir && size <= limits.max_entry_size {
                if let Some(data) = keep_entry(&mut entry, &path, size, keep) {
                    backend.cache.insert(path.clone(), data);
                }
            }
            entries.push(TreeEntry {
                path,
                size: if is_dir { 0 } else { entry.size() },
                is_dir,
                modified,
            });
        }
        if links > 100 {
            warnings.push(format!("{links} link entries refused in all"));
        }
        if special > 0 {
            warnings.push(format!(
                "{special} special entries (devices, fifos, …) skipped"
            ));
        }
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
        if let Some(data) = self.cache.get(path) {
            out.extend_from_slice(data);
            return Ok(());
        }
        let &offset = self.offsets.get(path).ok_or_else(|| EvidenceError::Io {
            path: shown.to_string(),
            source: io::ErrorKind::NotFound.into(),
        })?;
        let io_err = |e: io::Error| EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!("read failed: {e}"),
        };
        let limit = size.min(limits.max_entry_size);
        match (&self.source, self.gz) {
            (Source::Memory(b), false) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                let end = start.saturating_add(usize::try_from(limit).unwrap_or(usize::MAX));
                let data = b.get(start..end).ok_or_else(|| EvidenceError::Corrupt {
                    path: shown.to_string(),
                    reason: "data runs past the end of the archive (truncated?)".into(),
                })?;
                out.extend_from_slice(data);
                Ok(())
            }
            (Source::File(p), false) => {
                let mut f = std::fs::File::open(p).map_err(|e| EvidenceError::io(p, e))?;
                f.seek(SeekFrom::Start(offset)).map_err(io_err)?;
                read_bounded(&mut f.take(limit), shown, limit, out)?;
                short(out, limit, shown)
            }
            (_, true) => {
                let mut s = self.stream(shown, limits)?;
                io::copy(&mut (&mut s).take(offset), &mut io::sink()).map_err(io_err)?;
                read_bounded(&mut s.take(limit), shown, limit, out)?;
                short(out, limit, shown)
            }
        }
    }
}

/// Reads the entry's data into memory if `keep` wants it after seeing its first bytes; an entry
/// that cannot be read whole is left to be read (and reported) later.
fn keep_entry(
    entry: &mut dyn Read,
    path: &str,
    size: u64,
    keep: &mut dyn FnMut(&str, u64, &[u8]) -> bool,
) -> Option<Arc<[u8]>> {
    let mut head = Vec::with_capacity(16);
    (&mut *entry)
        .take(16.min(size))
        .read_to_end(&mut head)
        .ok()?;
    if !keep(path, size, &head) {
        return None;
    }
    let mut data = head;
    data.reserve(usize::try_from(size).ok()?.saturating_sub(data.len()));
    (&mut *entry).take(size).read_to_end(&mut data).ok()?;
    (data.len() as u64 == size).then(|| data.into())
}

fn short(out: &[u8], limit: u64, shown: &str) -> Result<(), EvidenceError> {
    if (out.len() as u64) < limit {
        return Err(EvidenceError::Corrupt {
            path: shown.to_string(),
            reason: format!(
                "{} of its {limit} bytes present (truncated archive?)",
                out.len()
            ),
        });
    }
    Ok(())
}
