//! Firefox's favicons: the `favicons` table of Firefox for iOS's `browser.db` (backup
//! `AppDomainGroup-group.org.mozilla.ios.Firefox:profile.profile/browser.db`, backup ID
//! `2e57c396…`, and the Beta/Nightly app groups; on device in the app group container
//! `/private/var/mobile/Containers/Shared/AppGroup/<uuid>/profile.profile/`), Firefox for iOS
//! versions that use `browser.db`.
//!
//! `favicon_sites` links an icon (`favicons`: URL, size, type, `date` in Unix seconds) to the
//! page it was seen on (`history`). Icon and page URLs are matched against URL and domain
//! indicators; there is no heuristic.

use crate::common::find;
use crate::firefox_history::ARTIFACT;
use crate::multi_db::{raw_values, read_each};
use crate::plist_json::or_empty;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Db, FoundFile, IosSource};

/// One icon seen on one page.
#[derive(Debug, Clone, Serialize)]
pub struct FirefoxFaviconRecord {
    /// `favicons.id`.
    pub id: Option<i64>,
    /// The icon's address.
    pub url: Option<String>,
    /// Icon width.
    pub width: RawValue,
    /// Icon height.
    pub height: RawValue,
    /// Icon type.
    #[serde(rename = "type")]
    pub icon_type: RawValue,
    /// `favicons.date` as a date (`""` when absent or out of range).
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// `history.id` of the page.
    pub history_id: Option<i64>,
    /// The page's address.
    pub history_url: Option<String>,
    /// The database file, relative to the acquisition root (not in MVT's results).
    pub firefox_favicon_db: String,
}

impl Record for FirefoxFaviconRecord {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for u in [&self.url, &self.history_url].into_iter().flatten() {
            out.push(Observable::Url(u));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "firefox_history",
            format!(
                "Firefox favicon {} when visiting {}",
                self.url.as_deref().unwrap_or("None"),
                self.history_url.as_deref().unwrap_or("None"),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

fn read_favicons(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<FirefoxFaviconRecord>> {
    let mut stmt = db.conn().prepare(
        "SELECT favicons.id, favicons.url, favicons.width, favicons.height, favicons.type, \
                favicons.date, history.id, history.url \
         FROM favicons \
         JOIN favicon_sites ON favicon_sites.faviconID = favicons.id \
         JOIN history ON favicon_sites.siteID = history.id \
         ORDER BY favicon_sites.rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = raw_values(r, 8)?.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        out.push(FirefoxFaviconRecord {
            id: next().as_i64(),
            url: next().as_str().map(str::to_string),
            width: next(),
            height: next(),
            icon_type: next(),
            isodate: next().as_f64().and_then(Timestamp::from_unix_secs_f64),
            history_id: next().as_i64(),
            history_url: next().as_str().map(str::to_string),
            firefox_favicon_db: file.path.clone(),
        });
    }
    Ok(out)
}

/// The FirefoxFavicon module.
pub struct FirefoxFavicon;

static META: ModuleMeta = ModuleMeta {
    slug: "firefox_favicon",
    name: "FirefoxFavicon",
    description: "Firefox for iOS favicons and the pages they were seen on (browser.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["AppDomainGroup-group.org.mozilla.ios.*:profile.profile/browser.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for FirefoxFavicon {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let tables = ["favicons", "favicon_sites", "history"];
        Ok(read_each(ev, &files, &tables, read_favicons)?.into_output(&files))
    }
}
