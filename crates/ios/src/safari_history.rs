//! Safari browsing history: `History.db` (backup `HomeDomain:Library/Safari/History.db` and
//! `Library/Safari/Profiles/<uuid>/History.db` for Safari profiles (iOS 17+); on device
//! `/private/var/mobile/Library/Safari/…` and the same under app containers), iOS 9+.
//! `history_visits` (one row per visit, `visit_time` in Mac absolute seconds) joins
//! `history_items` (the URL); `redirect_source`/`redirect_destination` link visits of a
//! redirect chain. Network injection (a plain-HTTP page answered by an attacker's redirect to
//! an exploit server) shows as an `http://` visit redirected within a second to another
//! domain.

use crate::common::{find, query_error};
use crate::multi_db::Collected;
use serde::Serialize;
use std::collections::HashMap;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, FoundFile, IosSource};

/// Where History.db files live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        ("*", "Library/Safari/History.db"),
        ("*", "Library/Safari/Profiles/*/History.db"),
    ],
    fs: &[
        "private/var/mobile/Library/Safari/History.db",
        "private/var/mobile/Library/Safari/Profiles/*/History.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db",
    ],
};

/// A redirect to another domain faster than this (microseconds) is scripted, not a click.
const FAST_REDIRECT_MICROS: i64 = 1_000_000;

/// One visit.
#[derive(Debug, Clone, Serialize)]
pub struct SafariVisit {
    /// `history_items.id`.
    pub id: Option<i64>,
    /// The URL visited.
    pub url: Option<String>,
    /// `history_visits.id`.
    pub visit_id: Option<i64>,
    /// `visit_time` as stored (Mac absolute seconds).
    pub timestamp: RawValue,
    /// `visit_time` as a date.
    pub isodate: Option<Timestamp>,
    /// Visit id this visit was redirected from.
    pub redirect_source: Option<i64>,
    /// Visit id this visit redirected to.
    pub redirect_destination: Option<i64>,
    /// The database file, relative to the acquisition root.
    pub safari_history_db: String,
}

impl Record for SafariVisit {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        // Redirect endpoints are visits too: each one's URL is matched in its own record.
        if let Some(url) = &self.url {
            out.push(Observable::Url(url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let n = |v: Option<i64>| v.map_or("None".into(), |i| i.to_string());
        out.push(TimelineEvent::new(
            self.isodate,
            "safari_history",
            format!(
                "Safari visit to {} (ID: {}, Visit ID: {})",
                self.url.as_deref().unwrap_or("None"),
                n(self.id),
                n(self.visit_id)
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The host of a URL as compared for redirects: lower-cased, without a leading `www.`;
/// empty when there is none.
pub fn url_host(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return String::new();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest.get(..end).unwrap_or("").to_ascii_lowercase();
    host.strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(host)
}

fn read_visits(db: &Db, file: &FoundFile) -> Result<Vec<SafariVisit>, rusqlite::Error> {
    let mut stmt = db.conn().prepare(
        "SELECT history_items.id, history_items.url, history_visits.id, \
                history_visits.visit_time, history_visits.redirect_source, \
                history_visits.redirect_destination \
         FROM history_items JOIN history_visits \
              ON history_visits.history_item = history_items.id \
         ORDER BY history_visits.visit_time, history_visits.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = Vec::with_capacity(6);
        for i in 0..6 {
            v.push(RawValue::from_ref(r.get_ref(i)?));
        }
        let mut v = v.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let id = next().as_i64();
        let url = next().as_str().map(str::to_string);
        let visit_id = next().as_i64();
        let timestamp = next();
        out.push(SafariVisit {
            id,
            url,
            visit_id,
            isodate: timestamp.as_f64().and_then(Timestamp::from_mac_secs_f64),
            timestamp,
            redirect_source: next().as_i64(),
            redirect_destination: next().as_i64(),
            safari_history_db: file.path.clone(),
        });
    }
    Ok(out)
}

/// Plain-HTTP visits redirected to another domain: MEDIUM when the redirect came within a
/// second (as MVT rates it), LOW otherwise. `visits` are one database's.
pub fn find_injections(visits: &[SafariVisit], base: usize) -> Vec<Alert> {
    let by_visit: HashMap<i64, usize> = visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((v.visit_id?, i)))
        .collect();
    let mut alerts = Vec::new();
    for (i, v) in visits.iter().enumerate() {
        let Some(url) = v.url.as_deref() else {
            continue;
        };
        if !url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        {
            continue;
        }
        let Some(dest) = v
            .redirect_destination
            .and_then(|d| by_visit.get(&d))
            .and_then(|&j| visits.get(j))
        else {
            continue;
        };
        let dest_url = dest.url.as_deref().unwrap_or("");
        if url_host(url) == url_host(dest_url) {
            continue; // most likely an upgrade to HTTPS
        }
        let elapsed = match (v.isodate, dest.isodate) {
            (Some(a), Some(b)) => b.unix_micros().checked_sub(a.unix_micros()),
            _ => None,
        };
        let (level, timing) = match elapsed {
            Some(us) if (0..FAST_REDIRECT_MICROS).contains(&us) => (
                Level::Medium,
                format!("after only {:.3} ms", us as f64 / 1000.0),
            ),
            Some(us) => (Level::Low, format!("after {:.3} s", us as f64 / 1e6)),
            None => (Level::Low, "at an unknown time".into()),
        };
        alerts.push(
            Alert::heuristic(
                level,
                base + i,
                format!(
                    "Plain-HTTP visit to {url} was redirected to another domain, {dest_url}, \
                     {timing} (possible network injection)"
                ),
            )
            .at(v.isodate),
        );
    }
    alerts
}

/// The Safari history module.
pub struct SafariHistory;

static META: ModuleMeta = ModuleMeta {
    slug: "safari_history",
    name: "SafariHistory",
    description: "Safari visits, with redirects that look like network injection",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "*:Library/Safari/History.db",
        "*:Library/Safari/Profiles/*/History.db",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for SafariHistory {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        // A damaged profile database must not hide the others.
        let mut visits = Collected::new();
        for file in &files {
            let result = ev
                .open_sqlite(file)
                .map_err(ModuleError::from)
                .and_then(|db| {
                    if db.has_table("history_items") && db.has_table("history_visits") {
                        read_visits(&db, file)
                            .map(Some)
                            .map_err(|e| query_error(file, e))
                    } else {
                        Ok(None)
                    }
                });
            if let Ok(Some(found)) = &result {
                let offset = visits.records.len();
                visits.alerts.extend(find_injections(found, offset));
            }
            visits.add(file, "history_items/history_visits tables", result);
        }
        Ok(visits.finish(files.len())?.into_output(&files))
    }
}
