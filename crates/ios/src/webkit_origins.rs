//! Sites that stored website data in web views since iOS 16. WebKit stopped naming its
//! website-data folders after sites (what WebkitIndexedDB and WebkitLocalStorage read) and now
//! keeps each site's data in `WebsiteData/Default/<top hash>/<frame hash>/` (and, with Safari
//! profiles, `WebsiteDataStore/<UUID>/Origins/<top hash>/<frame hash>/`), where the hashes are
//! salted: only the small `origin` file beside the data says which site it is. That file holds
//! WebKit's persistent encoding of a client origin: the top-level site, then the site of the
//! frame that stored the data (the same for first-party data, an embedded site otherwise). Each
//! string is a little-endian `u32` length (`0xFFFFFFFF` for none), a byte saying Latin-1 (1) or
//! UTF-16LE (0), then the characters; the port is a presence byte and, when present, a
//! little-endian `u16`. Reference: WebKit's `StorageUtilities.h` (`readOriginFromFile`) and
//! `WebCorePersistentCoders.cpp`.
//!
//! WebKit writes the file once, when the site first stores data, so its modification time dates
//! the first visit that left data. Each origin becomes a record with both sites' URLs (matched
//! against indicators) and the kinds of data stored beside it (`IndexedDB`, `LocalStorage`,
//! `CacheStorage`, …). Backups keep apps' website data (`AppDomain-<bundle>:Library/WebKit/
//! WebsiteData/…`), so this reads backups as well as full-filesystem dumps; MVT does not read
//! this layout.

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

/// An origin file larger than this is not one (two origins take well under 1 KiB).
const MAX_ORIGIN_FILE: usize = 64 * 1024;

/// A site that stored website data, from one `origin` file.
#[derive(Debug, Clone, Serialize)]
pub struct WebkitStoredOrigin {
    /// The folder holding the origin file and the site's data (device path).
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

/// One side of a client origin: WebKit's `SecurityOriginData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin {
    /// The scheme (`https`).
    pub protocol: String,
    /// The host name (empty for opaque schemes such as `file`).
    pub host: String,
    /// The port, when it is not the scheme's default.
    pub port: Option<u16>,
}

impl SiteOrigin {
    /// The origin as a URL: `https://example.com`, `http://example.com:8080`.
    pub fn url(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.protocol, self.host),
            None => format!("{}://{}", self.protocol, self.host),
        }
    }
}

/// What an `origin` file holds: the top-level site and the site of the frame that stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOrigin {
    /// The top-level site.
    pub top: SiteOrigin,
    /// The frame's site.
    pub frame: SiteOrigin,
}

/// Why an `origin` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// The file ends inside a field.
    #[error("the file ends at byte {0}, inside the {1}")]
    Truncated(usize, &'static str),
    /// A byte that must be 0 or 1 is neither.
    #[error("byte {0} should be 0 or 1 (the {1}) but is {2}")]
    BadFlag(usize, &'static str, u8),
    /// A scheme or host is absent (WebKit never writes an origin without them).
    #[error("the {0} is missing")]
    Missing(&'static str),
    /// A UTF-16 string is not valid UTF-16.
    #[error("the {0} is not valid UTF-16")]
    BadUtf16(&'static str),
    /// More bytes than an origin file can hold.
    #[error("{0} bytes, more than an origin file holds ({MAX_ORIGIN_FILE} at most)")]
    TooLarge(usize),
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], OriginError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(OriginError::Truncated(self.bytes.len(), what))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn flag(&mut self, what: &'static str) -> Result<bool, OriginError> {
        let at = self.at;
        match self.take(1, what)? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b, ..] => Err(OriginError::BadFlag(at, what, *b)),
            [] => Err(OriginError::Truncated(at, what)),
        }
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, OriginError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A string, `None` for WebKit's null string.
    fn string(&mut self, what: &'static str) -> Result<Option<String>, OriginError> {
        let len = self.u32(what)?;
        if len == u32::MAX {
            return Ok(None);
        }
        // The length is checked against the bytes left before anything is allocated.
        let len = len as usize;
        if self.flag(what)? {
            let b = self.take(len, what)?;
            Ok(Some(b.iter().map(|&c| char::from(c)).collect()))
        } else {
            let b = self.take(len.saturating_mul(2), what)?;
            let units = b.chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map(Some)
                .map_err(|_| OriginError::BadUtf16(what))
        }
    }

    fn site(&mut self, which: [&'static str; 3]) -> Result<SiteOrigin, OriginError> {
        let [scheme, host, port] = which;
        let protocol = self.string(scheme)?.ok_or(OriginError::Missing(scheme))?;
        let host = self.string(host)?.ok_or(OriginError::Missing(host))?;
        let port = if self.flag(port)? {
            let b = self.take(2, port)?;
            Some(u16::from_le_bytes([b[0], b[1]]))
        } else {
            None
        };
        Ok(SiteOrigin {
            protocol,
            host,
            port,
        })
    }
}

/// Decodes an `origin` file. Bytes after the two origins are ignored, as WebKit ignores them.
pub fn parse_origin_file(bytes: &[u8]) -> Result<ClientOrigin, OriginError> {
    if bytes.len() > MAX_ORIGIN_FILE {
        return Err(OriginError::TooLarge(bytes.len()));
    }
    let mut r = Reader { bytes, at: 0 };
    let top = r.site(["top-level scheme", "top-level host", "top-level port"])?;
    let frame = r.site(["frame scheme", "frame host", "frame port"])?;
    Ok(ClientOrigin { top, frame })
}

/// Encodes an origin file as WebKit writes it (Latin-1 when every character fits, UTF-16LE
/// otherwise): for generated fixtures and round-trip tests.
pub fn encode_origin_file(origin: &ClientOrigin) -> Vec<u8> {
    let mut out = Vec::new();
    for site in [&origin.top, &origin.frame] {
        for s in [&site.protocol, &site.host] {
            let latin1: Option<Vec<u8>> = s.chars().map(|c| u8::try_from(c).ok()).collect();
            match latin1 {
                Some(b) => {
                    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                    out.push(1);
                    out.extend_from_slice(&b);
                }
                None => {
                    let units: Vec<u16> = s.encode_utf16().collect();
                    out.extend_from_slice(&(units.len() as u32).to_le_bytes());
                    out.push(0);
                    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                }
            }
        }
        match site.port {
            Some(p) => {
                out.push(1);
                out.extend_from_slice(&p.to_le_bytes());
            }
            None => out.push(0),
        }
    }
    out
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
        for (domain, path) in BACKUP_LISTING {
            for row in backup.entries_matching(domain, path)? {
                let Some((folder, rest)) = split(&row.relative_path) else {
                    continue;
                };
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

    fn site(protocol: &str, host: &str, port: Option<u16>) -> SiteOrigin {
        SiteOrigin {
            protocol: protocol.into(),
            host: host.into(),
            port,
        }
    }

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

    #[test]
    fn decodes_what_webkit_writes() {
        // https://news.example.org embedding https://ads.example.net:8443, byte by byte.
        let mut b = Vec::new();
        b.extend([5, 0, 0, 0, 1]);
        b.extend(b"https");
        b.extend([16, 0, 0, 0, 1]);
        b.extend(b"news.example.org");
        b.push(0);
        b.extend([5, 0, 0, 0, 1]);
        b.extend(b"https");
        b.extend([15, 0, 0, 0, 1]);
        b.extend(b"ads.example.net");
        b.extend([1, 0xFB, 0x20]);
        let o = parse_origin_file(&b).unwrap();
        assert_eq!(o.top.url(), "https://news.example.org");
        assert_eq!(o.frame.url(), "https://ads.example.net:8443");
        assert_eq!(encode_origin_file(&o), b);
    }

    #[test]
    fn utf16_round_trip() {
        let o = ClientOrigin {
            top: site("https", "bücher.example", None),
            frame: site("https", "例え.jp", Some(444)),
        };
        let b = encode_origin_file(&o);
        // ü is Latin-1 (the host goes as one byte a character); 例 is not (UTF-16).
        assert_eq!(b[14], 1);
        assert_eq!(parse_origin_file(&b), Ok(o));
    }

    #[test]
    fn refuses_what_webkit_never_writes() {
        let o = ClientOrigin {
            top: site("https", "a.example", None),
            frame: site("https", "a.example", None),
        };
        let b = encode_origin_file(&o);
        for cut in 0..b.len() {
            assert!(
                matches!(
                    parse_origin_file(&b[..cut]),
                    Err(OriginError::Truncated(..))
                ),
                "cut at {cut}"
            );
        }
        let mut bad = b.clone();
        bad[4] = 7;
        assert_eq!(
            parse_origin_file(&bad),
            Err(OriginError::BadFlag(4, "top-level scheme", 7))
        );
        // A declared length of 4 GiB - 2 is refused as truncated, not allocated.
        let mut huge = vec![0xFE, 0xFF, 0xFF, 0xFF, 1];
        huge.extend(b"https");
        assert_eq!(
            parse_origin_file(&huge),
            Err(OriginError::Truncated(10, "top-level scheme"))
        );
        assert_eq!(
            parse_origin_file(&[0xFF, 0xFF, 0xFF, 0xFF]),
            Err(OriginError::Missing("top-level scheme"))
        );
        let mut lone = vec![1, 0, 0, 0, 0];
        lone.extend(0xD800u16.to_le_bytes());
        assert_eq!(
            parse_origin_file(&lone),
            Err(OriginError::BadUtf16("top-level scheme"))
        );
        assert_eq!(
            parse_origin_file(&vec![0; MAX_ORIGIN_FILE + 1]),
            Err(OriginError::TooLarge(MAX_ORIGIN_FILE + 1))
        );
    }
}
