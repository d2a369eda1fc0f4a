//! Chrome browsing history: the `History` SQLite database of Chrome for iOS (backup
//! `AppDomain-com.google.chrome.ios:Library/Application Support/Google/Chrome/Default/History`,
//! backup ID `faf971ce…`; on device the same path under the app's data container
//! `/private/var/mobile/Containers/Data/Application/<uuid>/`), every Chrome for iOS version.
//! Profile folders other than `Default` are read too.
//!
//! `visits` (one row per visit; `visit_time` in microseconds since 1601-01-01, Chrome/WebKit
//! time; `from_visit` the visit it came from) joins `urls` (the address). Each visited URL is
//! matched against URL and domain indicators; there is no heuristic.

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

/// Where Chrome's History databases live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[(
        "AppDomain-com.google.chrome.ios",
        "Library/Application Support/Google/Chrome/*/History",
    )],
    fs: &["private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/*/History"],
};

/// One visit.
#[derive(Debug, Clone, Serialize)]
pub struct ChromeVisit {
    /// `urls.id`.
    pub id: Option<i64>,
    /// The address visited.
    pub url: Option<String>,
    /// `visits.id`.
    pub visit_id: Option<i64>,
    /// `visit_time` as stored (microseconds since 1601-01-01).
    pub timestamp: RawValue,
    /// `visit_time` as a date (`""` when absent, zero or out of range).
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// `from_visit`: the visit this one came from (0 for none).
    pub redirect_source: RawValue,
    /// The database file, relative to the acquisition root (not in MVT's results).
    pub chrome_history_db: String,
}

/// Chrome/WebKit microseconds to a date; 0 is "no time".
pub fn chrome_time(v: &RawValue) -> Option<Timestamp> {
    let micros = match *v {
        RawValue::Int(i) => i,
        RawValue::Real(r) if r.is_finite() && r.abs() < 9.2e18 => r as i64,
        _ => return None,
    };
    (micros != 0)
        .then(|| Timestamp::from_webkit_micros(micros))
        .flatten()
}

/// Python's `str()` of a raw value, as MVT's descriptions show it.
pub fn py_raw(v: &RawValue) -> String {
    match v {
        RawValue::Null => "None".into(),
        RawValue::Int(i) => i.to_string(),
        RawValue::Real(r) if r.is_finite() && r.fract() == 0.0 => format!("{r:.1}"),
        RawValue::Real(r) => r.to_string(),
        RawValue::Text(t) => t.to_string(),
        RawValue::Blob(_) => serde_json::to_value(v)
            .ok()
            .and_then(|j| j.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

impl Record for ChromeVisit {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(url) = &self.url {
            out.push(Observable::Url(url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let n = |v: Option<i64>| v.map_or("None".into(), |i| i.to_string());
        out.push(TimelineEvent::new(
            self.isodate,
            "visit",
            format!(
                "{} - {} (visit ID: {}, redirect source: {})",
                n(self.id),
                self.url.as_deref().unwrap_or("None"),
                n(self.visit_id),
                py_raw(&self.redirect_source),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

fn read_visits(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<ChromeVisit>> {
    let mut stmt = db.conn().prepare(
        "SELECT urls.id, urls.url, visits.id, visits.visit_time, visits.from_visit \
         FROM urls JOIN visits ON visits.url = urls.id \
         ORDER BY visits.visit_time, visits.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = raw_values(r, 5)?.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let id = next().as_i64();
        let url = next().as_str().map(str::to_string);
        let visit_id = next().as_i64();
        let timestamp = next();
        out.push(ChromeVisit {
            id,
            url,
            visit_id,
            isodate: chrome_time(&timestamp),
            timestamp,
            redirect_source: next(),
            chrome_history_db: file.path.clone(),
        });
    }
    Ok(out)
}

/// The ChromeHistory module.
pub struct ChromeHistory;

static META: ModuleMeta = ModuleMeta {
    slug: "chrome_history",
    name: "ChromeHistory",
    description: "Chrome for iOS visits",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "AppDomain-com.google.chrome.ios:Library/Application Support/Google/Chrome/*/History",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for ChromeHistory {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        Ok(read_each(ev, &files, &["urls", "visits"], read_visits)?.into_output(&files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_times() {
        let t = chrome_time(&RawValue::Int(13_284_000_000_000_000)).unwrap();
        assert_eq!(t.to_mvt_string(), "2021-12-15 00:00:00.000000");
        assert_eq!(chrome_time(&RawValue::Int(0)), None);
        assert_eq!(chrome_time(&RawValue::Int(i64::MIN)), None);
        assert_eq!(chrome_time(&RawValue::Real(f64::NAN)), None);
        assert_eq!(chrome_time(&RawValue::Real(1e300)), None);
        assert_eq!(chrome_time(&RawValue::Text("x".into())), None);
    }

    #[test]
    fn python_strings() {
        assert_eq!(py_raw(&RawValue::Null), "None");
        assert_eq!(py_raw(&RawValue::Real(2.0)), "2.0");
        assert_eq!(py_raw(&RawValue::Int(0)), "0");
    }
}
