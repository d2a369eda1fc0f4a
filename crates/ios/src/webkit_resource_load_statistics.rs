//! WebKit's tracking-prevention statistics: `observations.db`, one per app that embeds a web
//! view (backup: `<any domain>:Library/WebKit/WebsiteData/ResourceLoadStatistics/
//! observations.db`, usually `AppDomain-<bundle>` or Safari's; on device under
//! `/private/var/mobile/Containers/Data/Application/<uuid>/…` and SafariViewService's
//! `SystemData`), iOS 11+. Its `ObservedDomains` table keeps every registrable domain the app's
//! web views loaded resources from, with the last time (Unix seconds), even after the browsing
//! history was cleared: exploit-delivery domains linger here.

use crate::common::find;
use crate::multi_db::Collected;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, FoundFile, IosSource};

const RELATIVE_PATH: &str = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

/// Where observations.db files live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        ("*", RELATIVE_PATH),
        (
            "*",
            "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
        ),
    ],
    fs: &[
        "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
        "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
    ],
};

/// One observed domain.
#[derive(Debug, Clone, Serialize)]
pub struct ObservedDomain {
    /// `domainID`.
    pub domain_id: Option<i64>,
    /// The registrable domain (eTLD+1) resources were loaded from.
    pub registrable_domain: Option<String>,
    /// `lastSeen` as stored (Unix seconds).
    pub last_seen: RawValue,
    /// Whether the user interacted with a page of that domain.
    pub had_user_interaction: bool,
    /// `lastSeen` as a date.
    pub last_seen_isodate: Option<Timestamp>,
    /// Backup domain of the database (the app), or empty for a filesystem dump.
    pub domain: String,
    /// Path of the database within its domain (or the dump).
    pub path: String,
    /// `mostRecentUserInteractionTime` (Unix seconds, -1 for never), when the column exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_recent_user_interaction_time: Option<RawValue>,
    /// The same as a date, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_recent_user_interaction_time_isodate: Option<Timestamp>,
    /// `mostRecentWebPushInteractionTime`, when the column exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_recent_web_push_interaction_time: Option<RawValue>,
    /// The same as a date, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_recent_web_push_interaction_time_isodate: Option<Timestamp>,
}

impl Record for ObservedDomain {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(d) = &self.registrable_domain {
            out.push(Observable::Domain(d));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let mut msg = format!(
            "Webkit resource loaded from {}",
            self.registrable_domain.as_deref().unwrap_or("None")
        );
        if !self.domain.is_empty() {
            msg.push_str(" by app in domain ");
            msg.push_str(&self.domain);
        }
        out.push(TimelineEvent::new(self.last_seen_isodate, "visit", msg));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.last_seen_isodate
    }
}

/// Unix seconds to a date; negative values (-1 = never) are no date.
fn unix_time(v: &RawValue) -> Option<Timestamp> {
    v.as_f64()
        .filter(|s| *s >= 0.0)
        .and_then(Timestamp::from_unix_secs_f64)
}

/// Reads `ObservedDomains`; `Ok(None)` when the table lacks the columns we need.
pub fn read_observations(
    db: &Db,
    file: &FoundFile,
) -> Result<Option<Vec<ObservedDomain>>, rusqlite::Error> {
    let cols = db.columns("ObservedDomains");
    let has = |c: &str| cols.iter().any(|x| x == c);
    let required = [
        "domainID",
        "registrableDomain",
        "lastSeen",
        "hadUserInteraction",
    ];
    if !required.iter().all(|c| has(c)) {
        return Ok(None);
    }
    let user = has("mostRecentUserInteractionTime");
    let push = has("mostRecentWebPushInteractionTime");
    let sql = format!(
        "SELECT domainID, registrableDomain, lastSeen, hadUserInteraction, {}, {} \
         FROM ObservedDomains ORDER BY domainID",
        if user {
            "mostRecentUserInteractionTime"
        } else {
            "NULL"
        },
        if push {
            "mostRecentWebPushInteractionTime"
        } else {
            "NULL"
        },
    );
    let mut stmt = db.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = Vec::with_capacity(6);
        for i in 0..6 {
            v.push(RawValue::from_ref(r.get_ref(i)?));
        }
        let mut v = v.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let domain_id = next().as_i64();
        let registrable_domain = next().as_str().map(str::to_string);
        let last_seen = next();
        let had_user_interaction = next().as_f64().is_some_and(|x| x != 0.0);
        let (ut, pt) = (next(), next());
        out.push(ObservedDomain {
            domain_id,
            registrable_domain,
            last_seen_isodate: last_seen.as_f64().and_then(Timestamp::from_unix_secs_f64),
            last_seen,
            had_user_interaction,
            domain: file.domain.clone().unwrap_or_default(),
            path: file.relative_path.clone(),
            most_recent_user_interaction_time_isodate: user.then(|| unix_time(&ut)).flatten(),
            most_recent_user_interaction_time: user.then_some(ut),
            most_recent_web_push_interaction_time_isodate: push.then(|| unix_time(&pt)).flatten(),
            most_recent_web_push_interaction_time: push.then_some(pt),
        });
    }
    Ok(Some(out))
}

/// The WebKit ResourceLoadStatistics module.
pub struct WebkitResourceLoadStatistics;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_resource_load_statistics",
    name: "WebkitResourceLoadStatistics",
    description: "Domains apps' web views loaded resources from (WebKit observations.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["*:Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for WebkitResourceLoadStatistics {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        // One app's damaged database must not hide the others'.
        let mut records = Collected::new();
        for file in &files {
            let result = ev
                .open_sqlite(file)
                .map_err(ModuleError::from)
                .and_then(|db| {
                    read_observations(&db, file).map_err(|e| crate::common::query_error(file, e))
                });
            records.add(
                file,
                "ObservedDomains table with the expected columns",
                result,
            );
        }
        Ok(records.finish(files.len())?.into_output(&files))
    }
}
