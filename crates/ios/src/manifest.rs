//! Every file a backup lists: `Manifest.db`'s `Files` table (iTunes/Finder backups of iOS 10
//! and later), with each entry's times, mode, owner and size from its `MBFile` metadata blob.
//!
//! Indicators are matched against each relative path (as an absolute path, `/` + path, and by
//! its components) and against the `_`-separated parts of the path that look like host names:
//! WebKit and other caches name files after the sites they hold data for
//! (`https_evil.example_0.localstorage`). Entries listed in the manifest whose file is not in
//! the folder are marked `missing`: a module that finds nothing in such a file saw a gap in the
//! acquisition, not a clean result. Backup folders only; a filesystem dump has no manifest.

use crate::plist_json::OrEmpty;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::collections::HashSet;
use std::path::Path;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, ParseStats,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::backup::{decode_mbfile, MbFile, RawManifestRow};
use tracehound_evidence::IosSource;

/// What the module reads.
pub const ARTIFACT: &str = "Manifest.db";

/// One `Files` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestEntry {
    /// SHA-1 of `domain-relativePath`.
    pub file_id: String,
    /// Backup domain.
    pub domain: String,
    /// `/` + relative path: the form path indicators are compared with.
    path: String,
    /// 1 file, 2 directory, 4 symbolic link.
    pub flags: i64,
    /// Creation time.
    pub created: Option<Timestamp>,
    /// A regular file listed in the manifest but absent from the folder.
    pub missing: bool,
    /// Decoded metadata; `None` when the entry has no readable `MBFile` blob.
    pub meta: Option<EntryMeta>,
}

/// The `MBFile` fields MVT reports besides the creation time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryMeta {
    /// Last modification.
    pub modified: Option<Timestamp>,
    /// Last inode change.
    pub status_changed: Option<Timestamp>,
    /// Unix mode bits.
    pub mode: Option<i64>,
    /// Owner uid.
    pub owner: Option<i64>,
    /// Size in bytes.
    pub size: Option<i64>,
}

impl ManifestEntry {
    /// Path relative to the domain's root.
    pub fn relative_path(&self) -> &str {
        self.path.get(1..).unwrap_or("")
    }

    /// The entry of a `Files` row, and whether its metadata blob was unreadable (a NULL blob
    /// is normal for some entries and is not counted).
    fn from_row(row: RawManifestRow, stored: Option<&HashSet<String>>) -> (Self, bool) {
        let mut path = String::with_capacity(row.relative_path.len() + 1);
        path.push('/');
        path.push_str(&row.relative_path);
        let missing = row.flags == 1 && stored.is_some_and(|s| !s.contains(&row.file_id));
        let meta = row.blob.as_deref().map(decode_mbfile);
        let failed = matches!(meta, Some(Err(_)));
        let (created, meta) = match meta {
            Some(Ok(m)) => (unix_time(m.birth), Some(entry_meta(&m))),
            _ => (None, None),
        };
        let entry = ManifestEntry {
            file_id: row.file_id,
            domain: row.domain,
            path,
            flags: row.flags,
            created,
            missing,
            meta,
        };
        (entry, failed)
    }
}

fn unix_time(secs: Option<i64>) -> Option<Timestamp> {
    Timestamp::from_unix_secs(secs?)
}

fn entry_meta(m: &MbFile) -> EntryMeta {
    EntryMeta {
        modified: unix_time(m.last_modified),
        status_changed: unix_time(m.last_status_change),
        mode: m.mode,
        owner: m.user_id,
        size: m.size,
    }
}

/// Python's `oct()`: `0o40755`, `-0o5`.
fn octal(mode: i64) -> String {
    let sign = if mode < 0 { "-" } else { "" };
    format!("{sign}0o{:o}", mode.unsigned_abs())
}

/// MVT's field order: the manifest columns, `created`, `missing`, then the other metadata.
impl Serialize for ManifestEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("file_id", &self.file_id)?;
        map.serialize_entry("domain", &self.domain)?;
        map.serialize_entry("relative_path", self.relative_path())?;
        map.serialize_entry("flags", &self.flags)?;
        map.serialize_entry("created", &OrEmpty(self.created))?;
        if self.missing {
            map.serialize_entry("missing", &true)?;
        }
        if let Some(m) = &self.meta {
            map.serialize_entry("modified", &OrEmpty(m.modified))?;
            map.serialize_entry("status_changed", &OrEmpty(m.status_changed))?;
            map.serialize_entry("mode", &m.mode.map(octal))?;
            map.serialize_entry("owner", &m.owner)?;
            map.serialize_entry("size", &m.size)?;
        }
        map.end()
    }
}

/// Whether `part` of a file name could be a host name: its authority (up to a `/`) has a dot
/// and ends in an alphabetic label of two or more letters, like a top-level domain.
fn host_like(part: &str) -> bool {
    let authority = part.split('/').next().unwrap_or("");
    match authority.rsplit_once('.') {
        Some((head, tld)) => {
            !head.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        }
        None => false,
    }
}

impl Record for ManifestEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        let rel = self.relative_path();
        if rel.is_empty() {
            return;
        }
        out.push(Observable::FilePath(&self.path));
        out.push(Observable::PathComponents(rel));
        out.extend(rel.split('_').filter(|p| host_like(p)).map(Observable::Url));
    }

    /// One event per distinct time among creation, modification and status change, named
    /// MACB-style (`M--B`: modified and born at that instant; MVT never has access times).
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let Some(m) = &self.meta else { return };
        let times = [self.created, m.modified, m.status_changed];
        for (i, t) in times.iter().enumerate() {
            if times.get(..i).is_some_and(|seen| seen.contains(t)) {
                continue;
            }
            let flag = |hit: bool, c: char| if hit { c } else { '-' };
            let macb: String = [
                flag(m.modified == *t, 'M'),
                '-',
                flag(m.status_changed == *t, 'C'),
                flag(self.created == *t, 'B'),
            ]
            .iter()
            .collect();
            out.push(TimelineEvent::new(
                *t,
                macb,
                format!("{} - {}", self.relative_path(), self.domain),
            ));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.meta.and_then(|m| m.modified).or(self.created)
    }
}

/// The file IDs stored in the folder (`xx/<fileID>`, regular files only, links not
/// followed); `None` if the folder cannot be listed.
fn stored_file_ids(root: &Path) -> Option<HashSet<String>> {
    let mut ids = HashSet::new();
    for entry in std::fs::read_dir(root).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        let Some(prefix) = name.to_str() else {
            continue;
        };
        let hex2 = prefix.len() == 2
            && prefix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex2 || !entry.file_type().ok()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(entry.path()).ok()? {
            let file = file.ok()?;
            if !file.file_type().ok()?.is_file() {
                continue;
            }
            if let Some(id) = file.file_name().to_str() {
                if id.starts_with(prefix) {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    Some(ids)
}

/// Rows decoded per batch: enough to keep every thread busy, little enough to bound memory.
const BATCH: usize = 8192;

/// Turns rows into entries, decoding their blobs on up to `threads` threads (plain scoped
/// threads: the manifest lock is held meanwhile, so no work may be stolen from the runner's
/// pool, whose other modules may be waiting on that lock). Returns the number of unreadable
/// blobs.
fn convert(
    rows: Vec<RawManifestRow>,
    stored: Option<&HashSet<String>>,
    threads: usize,
    out: &mut Vec<ManifestEntry>,
) -> u64 {
    let one = |rows: Vec<RawManifestRow>| -> (Vec<ManifestEntry>, u64) {
        let mut failed = 0;
        let entries = rows
            .into_iter()
            .map(|r| {
                let (e, bad) = ManifestEntry::from_row(r, stored);
                failed += u64::from(bad);
                e
            })
            .collect();
        (entries, failed)
    };
    let per_thread = rows.len().div_ceil(threads.max(1)).max(1);
    if threads <= 1 || rows.len() <= per_thread {
        let (entries, failed) = one(rows);
        out.extend(entries);
        return failed;
    }
    let mut parts = Vec::with_capacity(threads);
    let mut rest = rows;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || one(part)))
            .collect();
        let mut failed = 0;
        for h in handles {
            match h.join() {
                Ok((entries, f)) => {
                    out.extend(entries);
                    failed += f;
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        failed
    })
}

/// The Manifest module.
pub struct Manifest;

static META: ModuleMeta = ModuleMeta {
    slug: "manifest",
    name: "Manifest",
    description: "Every file listed in the backup's Manifest.db, with its times",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup],
    artifacts: &[ARTIFACT],
    dependencies: &[],
};

impl Module<dyn IosSource> for Manifest {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let Some(backup) = ev.backup() else {
            return Err(ModuleError::NotFound(format!(
                "{ARTIFACT} (only backups have a manifest)"
            )));
        };
        let stored = stored_file_ids(backup.root());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let mut entries = Vec::new();
        let mut batch = Vec::with_capacity(BATCH);
        let mut failed = 0;
        backup.for_each_raw_entry(|row| {
            batch.push(row);
            if batch.len() == BATCH {
                let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                failed += convert(rows, stored.as_ref(), threads, &mut entries);
            }
        })?;
        failed += convert(batch, stored.as_ref(), threads, &mut entries);
        let missing = entries.iter().filter(|e| e.missing).count();
        let mut warnings = Vec::new();
        if stored.is_none() {
            warnings.push(
                "could not list the backup folder: files missing from it are not marked".into(),
            );
        }
        if missing > 0 {
            let (files, are) = if missing == 1 {
                ("file", "is")
            } else {
                ("files", "are")
            };
            warnings.push(format!(
                "{missing} {files} listed in {ARTIFACT} {are} missing from the backup folder; \
                 the backup may be incomplete"
            ));
        }
        if failed > 0 {
            warnings.push(format!(
                "{failed} entries of {ARTIFACT} have unreadable metadata (listed without times)"
            ));
        }
        let ok = entries.len() as u64 - failed;
        let mut out = ModuleOutput::new(entries);
        out.stats = ParseStats { ok, failed };
        out.warnings = warnings;
        out.inputs = ev
            .inputs()
            .into_iter()
            .filter(|i| i.path.starts_with(ARTIFACT))
            .collect();
        Ok(out)
    }
}
