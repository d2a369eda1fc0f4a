//! Favicons Safari fetched: `Favicons.db`, on device
//! `/private/var/mobile/Library/Image Cache/Favicons/Favicons.db` and, for Safari's app
//! container, `/private/var/mobile/Containers/Data/Application/<UUID>/Library/Image Cache/
//! Favicons/Favicons.db` (iOS 12 and later; not in backups). `page_url` ⋈ `icon_info` (on
//! `uuid`) pairs each visited page with its icon URL and fetch time (Mac absolute seconds);
//! `rejected_resources` keeps icons Safari refused. Favicons outlive history clearing, so a
//! malicious page can show here after its visit was deleted: both URLs are matched against
//! indicators.

use crate::multi_db::{raw_values, read_each};
use crate::net_base::mac_time;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, FoundFile, IosSource};

/// Where Favicons.db lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &[
        "private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Image Cache/Favicons/Favicons.db",
    ],
};

/// A page and the icon Safari fetched (or refused) for it.
#[derive(Debug, Clone, Serialize)]
pub struct FaviconRecord {
    /// The page.
    pub url: Option<String>,
    /// Its icon.
    pub icon_url: Option<String>,
    /// The fetch time as stored (Mac absolute seconds).
    pub timestamp: RawValue,
    /// The fetch time.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// `valid` (`icon_info`) or `rejected` (`rejected_resources`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The database (device path).
    pub safari_favicon_db_path: String,
}

impl Record for FaviconRecord {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.extend(self.url.as_deref().map(Observable::Url));
        out.extend(self.icon_url.as_deref().map(Observable::Url));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let s = |v: &Option<String>| v.clone().unwrap_or_else(|| "None".into());
        out.push(TimelineEvent::new(
            self.isodate,
            "safari_favicon",
            format!(
                "Safari favicon from {} with icon URL {} ({})",
                s(&self.url),
                s(&self.icon_url),
                self.kind
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

const VALID: &str = "SELECT page_url.url, icon_info.url, icon_info.timestamp FROM page_url \
                     JOIN icon_info ON page_url.uuid = icon_info.uuid \
                     ORDER BY icon_info.timestamp";
const REJECTED: &str =
    "SELECT page_url, icon_url, timestamp FROM rejected_resources ORDER BY timestamp";

fn read(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<FaviconRecord>> {
    let mut out = Vec::new();
    let mut queries = vec![(VALID, "valid")];
    if db.has_table("rejected_resources") {
        queries.push((REJECTED, "rejected"));
    }
    for (sql, kind) in queries {
        let mut stmt = db.conn().prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut v = raw_values(row, 3)?.into_iter();
            let mut next = || v.next().unwrap_or(RawValue::Null);
            let text = |x: RawValue| x.as_str().map(str::to_string);
            let (url, icon_url, timestamp) = (text(next()), text(next()), next());
            out.push(FaviconRecord {
                url,
                icon_url,
                isodate: mac_time(&timestamp),
                timestamp,
                kind,
                safari_favicon_db_path: file.relative_path.clone(),
            });
        }
    }
    Ok(out)
}

/// The SafariFavicon module.
pub struct SafariFavicon;

static META: ModuleMeta = ModuleMeta {
    slug: "safari_favicon",
    name: "SafariFavicon",
    description: "Pages and icon URLs from Safari's favicon cache (Favicons.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &[
        "/private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
        "/private/var/mobile/Containers/Data/Application/*/Library/Image Cache/Favicons/Favicons.db",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for SafariFavicon {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = crate::common::find(ev, &ARTIFACT)?;
        let mut got = read_each(ev, &files, &["page_url", "icon_info"], read)?;
        got.records.sort_by_key(|r| r.isodate);
        Ok(got.into_output(&files))
    }
}
