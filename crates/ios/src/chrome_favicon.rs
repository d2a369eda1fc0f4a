//! Chrome's favicon cache: the `Favicons` SQLite database of Chrome for iOS (backup
//! `AppDomain-com.google.chrome.ios:Library/Application Support/Google/Chrome/Default/Favicons`,
//! backup ID `55680ab8…`; on device under the app's data container
//! `/private/var/mobile/Containers/Data/Application/<uuid>/`), every Chrome for iOS version.
//! Profile folders other than `Default` are read too.
//!
//! `icon_mapping` links a page URL to an icon; `favicons` holds the icon's URL and
//! `favicon_bitmaps` when it was last fetched (`last_updated`) or asked for (`last_requested`,
//! absent in old versions), in Chrome/WebKit microseconds. The cache outlives the history:
//! a page whose visit was deleted may still be here. Page and icon URLs are matched against
//! URL and domain indicators; there is no heuristic.

use crate::chrome_history::chrome_time;
use crate::common::find;
use crate::multi_db::{raw_values, read_each};
use crate::plist_json::or_empty;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, FoundFile, IosSource};

/// Where Chrome's Favicons databases live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[(
        "AppDomain-com.google.chrome.ios",
        "Library/Application Support/Google/Chrome/*/Favicons",
    )],
    fs: &["private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/*/Favicons"],
};

/// One page → icon mapping.
#[derive(Debug, Clone, Serialize)]
pub struct ChromeFaviconRecord {
    /// The page the icon belongs to (`icon_mapping.page_url`).
    pub url: Option<String>,
    /// The icon's address (`favicons.url`).
    pub icon_url: Option<String>,
    /// `last_updated`, or `last_requested` when that is zero (Chrome/WebKit microseconds).
    pub timestamp: Option<i64>,
    /// `timestamp` as a date (`""` when zero or absent).
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// The database file, relative to the acquisition root (not in MVT's results).
    pub chrome_favicon_db: String,
}

impl Record for ChromeFaviconRecord {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for u in [&self.url, &self.icon_url].into_iter().flatten() {
            out.push(Observable::Url(u));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "new_favicon",
            format!(
                "{} from {}",
                self.icon_url.as_deref().unwrap_or("None"),
                self.url.as_deref().unwrap_or("None")
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

fn read_favicons(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<ChromeFaviconRecord>> {
    let requested = if db
        .columns("favicon_bitmaps")
        .iter()
        .any(|c| c == "last_requested")
    {
        "favicon_bitmaps.last_requested"
    } else {
        "NULL"
    };
    let sql = format!(
        "SELECT icon_mapping.page_url, favicons.url, favicon_bitmaps.last_updated, {requested} \
         FROM icon_mapping \
         JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id \
         JOIN favicons ON icon_mapping.icon_id = favicons.id \
         ORDER BY icon_mapping.id, favicon_bitmaps.id"
    );
    let mut stmt = db.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = raw_values(r, 4)?.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let (url, icon_url) = (next(), next());
        let (updated, requested) = (next(), next());
        // MVT takes `last_updated or last_requested`: a zero or missing update time falls back.
        let stamp = match updated.as_i64() {
            Some(t) if t != 0 => Some(t),
            _ => requested.as_i64().or(updated.as_i64()),
        };
        out.push(ChromeFaviconRecord {
            url: url.as_str().map(str::to_string),
            icon_url: icon_url.as_str().map(str::to_string),
            isodate: stamp.and_then(|t| chrome_time(&RawValue::Int(t))),
            timestamp: stamp,
            chrome_favicon_db: file.path.clone(),
        });
    }
    Ok(out)
}

/// The ChromeFavicon module.
pub struct ChromeFavicon;

static META: ModuleMeta = ModuleMeta {
    slug: "chrome_favicon",
    name: "ChromeFavicon",
    description: "Chrome for iOS favicon cache: pages and their icons",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "AppDomain-com.google.chrome.ios:Library/Application Support/Google/Chrome/*/Favicons",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for ChromeFavicon {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let tables = ["icon_mapping", "favicon_bitmaps", "favicons"];
        let mut collected = read_each(ev, &files, &tables, read_favicons)?;
        // As MVT: ordered by date, records without one first; stable for equal dates.
        collected.records.sort_by_key(|r| r.isodate);
        Ok(collected.into_output(&files))
    }
}
