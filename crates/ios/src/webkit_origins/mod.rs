//! Sites that stored website data in web views since iOS 16. WebKit stopped naming its
//! website-data folders after sites (what WebkitIndexedDB and WebkitLocalStorage read) and now
//! keeps each site's data in `WebsiteData/Default/<top hash>/<frame hash>/` (and, with Safari
//! profiles, `WebsiteDataStore/<UUID>/Origins/<top hash>/<frame hash>/`), where the hashes are
//! salted: only the small `origin` file beside the data says which site it is (its format:
//! `origin_file.rs`).
//!
//! WebKit writes the file once, when the site first stores data, so its modification time dates
//! the first visit that left data. Each origin becomes a record with both sites' URLs (matched
//! against indicators) and the kinds of data stored beside it (`IndexedDB`, `LocalStorage`,
//! `CacheStorage`, …). Backups keep apps' website data (`AppDomain-<bundle>:Library/WebKit/
//! WebsiteData/…`), so this reads backups as well as full-filesystem dumps; MVT does not read
//! this layout.

mod origin_file;

pub use origin_file::{
    encode_origin_file, parse_origin_file, ClientOrigin, OriginError, SiteOrigin, MAX_ORIGIN_FILE,
};

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, FoundFile, IosBackup, IosSource};

/// The origin files of a dump: any web view's default data store, and Safari's profiles.
const FS_ORIGINS: Artifact = Artifact {
    backup: &[],
    fs: &[
        "private/var/mobile/**/WebsiteData/Default/*/*/origin",
        "private/var/mobile/**/WebsiteDataStore/*/Origins/*/*/origin",
    ],
};

/// Everything under the layout's roots, origin files and what lies beside them: in a backup
/// under any domain (apps' `Library` is backed up with its website data), in a dump.
const BACKUP_LISTING: &[(&str, &str)] = &[
    ("*", "*/WebsiteData/Default/*"),
    ("*", "*/WebsiteDataStore/*/Origins/*"),
];
const FS_LISTING: &[&str] = &[
    "private/var/mobile/**/WebsiteData/Default/**",
    "private/var/mobile/**/WebsiteDataStore/*/Origins/**",
];

/// A site that stored website data, from one `origin` file.
#[derive(Debug, Clone, Serialize)]
pub struct WebkitStoredOrigin {
    /// The folder holding the origin file and the site's data (the device path in a dump,
    /// `Domain:relative/path` in a backup).
    pub folder: String,
    /// The site that stored the data (the frame's origin), as a URL.
    pub url: String,
    /// The top-level site the data was stored under: the same as `url` for a site's own data,
    /// the embedding page's site for an embedded frame's.
    pub top_url: String,
    /// What else is in the folder: the kinds of data stored (`IndexedDB`, `LocalStorage`, …).
    pub storage: Vec<String>,
    /// The origin file's modification time: when the site first stored data.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
}

impl Record for WebkitStoredOrigin {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Url(&self.url));
        if self.top_url != self.url {
            out.push(Observable::Url(&self.top_url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let kinds = if self.storage.is_empty() {
            "no data left".to_string()
        } else {
            self.storage.join(", ")
        };
        let under = if self.top_url == self.url {
            String::new()
        } else {
            format!(" embedded in {}", self.top_url)
        };
        out.push(TimelineEvent::new(
            self.isodate,
            "webkit_origins",
            format!(
                "Site {}{under} stored website data ({kinds}) in {}",
                self.url, self.folder
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The WebkitOrigins module.
pub struct WebkitOrigins;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_origins",
    name: "WebkitOrigins",
    description: "Sites that stored website data in web views since iOS 16 (WebKit origin files)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "<any domain>:*/WebsiteData/Default/*/*/origin",
        "<any domain>:*/WebsiteDataStore/*/Origins/*/*/origin",
        "/private/var/mobile/**/WebsiteData/Default/*/*/origin",
        "/private/var/mobile/**/WebsiteDataStore/*/Origins/*/*/origin",
    ],
    dependencies: &[],
};

/// Splits a path inside the layout into the site's folder and what is inside it:
/// `…/WebsiteData/Default/A/B/IndexedDB/x` → (`…/WebsiteData/Default/A/B`, `IndexedDB/x`);
/// `None` for anything else (the store's `salt`, the roots themselves).
fn split(path: &str) -> Option<(&str, &str)> {
    let root_end = match path.find("/WebsiteData/Default/") {
        Some(i) => i + "/WebsiteData/Default/".len(),
        None => {
            let i = path.find("/Origins/")?;
            let store = path[..i].rsplit('/').nth(1)?;
            if store != "WebsiteDataStore" {
                return None;
            }
            i + "/Origins/".len()
        }
    };
    let mut parts = path[root_end..].splitn(3, '/');
    let (top, frame, rest) = (parts.next()?, parts.next()?, parts.next()?);
    if top.is_empty() || frame.is_empty() || rest.is_empty() {
        return None;
    }
    Some((&path[..root_end + top.len() + 1 + frame.len()], rest))
}

/// The origin files found, by folder, and what the listing says of each folder.
#[derive(Default)]
struct Layout {
    origins: Vec<(String, FoundFile)>,
    beside: BTreeMap<String, Folder>,
}

/// What a listing says of a site's folder.
#[derive(Default)]
struct Folder {
    /// The kinds of data stored beside the origin file.
    kinds: BTreeSet<String>,
    /// The origin file's time.
    modified: Option<Timestamp>,
    /// The origin file's size, when the listing gives it (a dump's; a backup's `MBFile`).
    size: Option<u64>,
}

impl Layout {
    fn note(&mut self, folder: String, rest: &str, modified: Option<Timestamp>, size: Option<u64>) {
        let slot = self.beside.entry(folder).or_default();
        if rest == "origin" {
            slot.modified = modified;
            slot.size = size;
        } else if let Some(kind) = rest.split('/').next() {
            slot.kinds.insert(kind.to_string());
        }
    }

    /// From a backup's `Manifest.db`: folders are named `Domain:relative/path`.
    fn of_backup(backup: &IosBackup) -> Result<Layout, ModuleError> {
        let mut layout = Layout::default();
        // A path could match both listings; each row counts once.
        let mut seen = BTreeSet::new();
        for (domain, path) in BACKUP_LISTING {
            for row in backup.entries_matching(domain, path)? {
                let Some((folder, rest)) = split(&row.relative_path) else {
                    continue;
                };
                if !seen.insert((row.domain.clone(), row.relative_path.clone())) {
                    continue;
                }
                let key = format!("{}:{folder}", row.domain);
                let meta = row.meta.as_ref().ok();
                let modified = meta
                    .and_then(|m| m.last_modified.or(m.birth))
                    .and_then(Timestamp::from_unix_secs);
                if rest == "origin" && row.flags == 1 {
                    let prefix = row.file_id.get(..2).unwrap_or_default();
                    layout.origins.push((
                        key.clone(),
                        FoundFile {
                            path: format!("{prefix}/{}", row.file_id),
                            domain: Some(row.domain.clone()),
                            relative_path: row.relative_path.clone(),
                        },
                    ));
                }
                let size = meta
                    .and_then(|m| m.size)
                    .and_then(|s| u64::try_from(s).ok());
                layout.note(key, rest, modified, size);
            }
        }
        Ok(layout)
    }

    /// From a dump's listing: folders are device paths.
    fn of_dump(ev: &dyn IosSource) -> Result<Layout, ModuleError> {
        let mut layout = Layout::default();
        for file in ev.find(&FS_ORIGINS)? {
            if let Some((folder, "origin")) = split(&file.relative_path) {
                layout.origins.push((folder.to_string(), file.clone()));
            }
        }
        for pattern in FS_LISTING {
            ev.list_matching(pattern, &mut |e| {
                if let Some((folder, rest)) = split(e.path) {
                    layout.note(folder.to_string(), rest, e.modified, Some(e.size));
                }
            })?;
        }
        Ok(layout)
    }
}

impl Module<dyn IosSource> for WebkitOrigins {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let mut layout = match ev.backup() {
            Some(backup) => Layout::of_backup(backup)?,
            None => Layout::of_dump(ev)?,
        };
        if layout.origins.is_empty() {
            return Err(ModuleError::NotFound(
                "WebKit origin files (WebsiteData/Default/*/*/origin)".into(),
            ));
        }
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        for (folder, file) in &layout.origins {
            let listed = layout.beside.remove(folder).unwrap_or_default();
            // A file far larger than an origin file is refused before it is read.
            let decoded = match listed.size {
                Some(n) if n > MAX_ORIGIN_FILE as u64 => {
                    Err(OriginError::TooLarge(usize::try_from(n).unwrap_or(usize::MAX)).to_string())
                }
                _ => ev
                    .read(file)
                    .map_err(|e| e.to_string())
                    .and_then(|b| parse_origin_file(&b).map_err(|e| e.to_string())),
            };
            let origin = match decoded {
                Ok(o) => o,
                Err(why) => {
                    warnings.push(format!("{}: {why}", file.artifact()));
                    continue;
                }
            };
            records.push(WebkitStoredOrigin {
                folder: folder.clone(),
                url: origin.frame.url(),
                top_url: origin.top.url(),
                storage: listed.kinds.into_iter().collect(),
                isodate: listed.modified,
            });
        }
        records.sort_by(|a, b| (a.isodate, &a.folder).cmp(&(b.isodate, &b.folder)));
        let mut out = ModuleOutput::new(records);
        out.stats.failed = warnings.len() as u64;
        out.warnings = warnings;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_the_layout() {
        let d = "Library/WebKit/WebsiteData/Default";
        assert_eq!(
            split(&format!("{d}/A/B/IndexedDB/v1/x")),
            Some((format!("{d}/A/B").as_str(), "IndexedDB/v1/x"))
        );
        assert_eq!(
            split(&format!("{d}/A/B/origin")).map(|x| x.1),
            Some("origin")
        );
        assert_eq!(split(&format!("{d}/salt")), None);
        assert_eq!(split(&format!("{d}/A/B")), None);
        assert_eq!(split(&format!("{d}//B/origin")), None);
        let p = "x/WebsiteDataStore/0F3A/Origins/A/B/origin";
        assert_eq!(
            split(p),
            Some(("x/WebsiteDataStore/0F3A/Origins/A/B", "origin"))
        );
        assert_eq!(split("x/Other/0F3A/Origins/A/B/origin"), None);
    }
}
