//! Firefox browsing history: Firefox for iOS's `browser.db` (backup
//! `AppDomainGroup-group.org.mozilla.ios.Firefox:profile.profile/browser.db`, backup ID
//! `2e57c396…`, and the same in the Beta/Nightly (`Fennec`) app groups; on device in the app
//! group container `/private/var/mobile/Containers/Shared/AppGroup/<uuid>/profile.profile/`).
//! Firefox for iOS versions that keep history in `browser.db` (up to the 2022 move to
//! `places.db`).
//!
//! `visits` (one row per visit; `date` in Unix microseconds; `is_local`, `type`) joins
//! `history` (URL and title) on `siteID`. Each URL is matched against URL and domain
//! indicators; there is no heuristic.

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

/// Where Firefox's browser.db lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[(
        "AppDomainGroup-group.org.mozilla.ios.*",
        "profile.profile/browser.db",
    )],
    fs: &[
        "private/var/mobile/profile.profile/browser.db",
        "private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db",
    ],
};

/// One visit.
#[derive(Debug, Clone, Serialize)]
pub struct FirefoxVisit {
    /// `visits.id`.
    pub id: Option<i64>,
    /// `visits.date` as a date (`""` when absent or out of range).
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// The address visited.
    pub url: Option<String>,
    /// The page title.
    pub title: RawValue,
    /// `visits.is_local`, under the key MVT's results give it.
    pub i1000000s_local: RawValue,
    /// `visits.type` (Firefox's visit type: link, typed, bookmark…).
    #[serde(rename = "type")]
    pub visit_type: RawValue,
    /// `visits.is_local` under its own name (not in MVT's results).
    pub is_local: RawValue,
    /// The database file, relative to the acquisition root (not in MVT's results).
    pub firefox_history_db: String,
}

/// Unix microseconds (integer, or real) to a date.
pub fn unix_micros(v: &RawValue) -> Option<Timestamp> {
    match *v {
        RawValue::Int(i) => Timestamp::from_unix_micros(i),
        RawValue::Real(r) => Timestamp::from_unix_secs_f64(r / 1e6),
        _ => None,
    }
}

impl Record for FirefoxVisit {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(url) = &self.url {
            out.push(Observable::Url(url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "firefox_history",
            format!(
                "Firefox visit with ID {} to URL: {}",
                self.id.map_or("None".into(), |i| i.to_string()),
                self.url.as_deref().unwrap_or("None"),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

fn read_visits(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<FirefoxVisit>> {
    let mut stmt = db.conn().prepare(
        "SELECT visits.id, visits.date, history.url, history.title, visits.is_local, visits.type \
         FROM visits, history WHERE visits.siteID = history.id ORDER BY visits.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = raw_values(r, 6)?.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let id = next().as_i64();
        let date = next();
        let url = next().as_str().map(str::to_string);
        let title = next();
        let is_local = next();
        out.push(FirefoxVisit {
            id,
            isodate: unix_micros(&date),
            url,
            title,
            i1000000s_local: is_local.clone(),
            visit_type: next(),
            is_local,
            firefox_history_db: file.path.clone(),
        });
    }
    Ok(out)
}

/// The FirefoxHistory module.
pub struct FirefoxHistory;

static META: ModuleMeta = ModuleMeta {
    slug: "firefox_history",
    name: "FirefoxHistory",
    description: "Firefox for iOS visits (browser.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["AppDomainGroup-group.org.mozilla.ios.*:profile.profile/browser.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for FirefoxHistory {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        Ok(read_each(ev, &files, &["visits", "history"], read_visits)?.into_output(&files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_dates() {
        let t = unix_micros(&RawValue::Int(1_638_559_993_250_000)).unwrap();
        assert_eq!(t.to_mvt_string(), "2021-12-03 19:33:13.250000");
        assert_eq!(unix_micros(&RawValue::Int(i64::MAX)), None);
        assert_eq!(unix_micros(&RawValue::Real(f64::INFINITY)), None);
        assert_eq!(unix_micros(&RawValue::Null), None);
    }
}
