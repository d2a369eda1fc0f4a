//! The iOS builds a phone ran, dated by the security analytics events that name them
//! (`/private/var/Keychains/Analytics/*.db`, read as the Analytics module reads them; not in
//! backups): for each `build` value, the earliest event carrying it. A timeline of updates
//! helps date an infection against the patches that closed its exploits.
//!
//! MVT looks builds up in its own table of releases; we ship no such table and derive the
//! major version from the build's Darwin number (`18F72` → 14, `23A341` → 26), so `version`
//! has no minor part. No heuristics.

use serde::Serialize;
use std::collections::BTreeMap;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::IosSource;

/// A build and when it was first seen.
#[derive(Debug, Clone, Serialize)]
pub struct IosBuild {
    /// First event naming the build.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// The build (`18F72`).
    pub build: String,
    /// The major iOS version it belongs to, when the build number is well-formed.
    pub version: Option<String>,
}

impl Record for IosBuild {
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "analytics_ios_version",
            format!(
                "Seen iOS version {} ({})",
                self.version.as_deref().unwrap_or("None"),
                self.build
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The major iOS version of a build number: its leading Darwin number minus 4 up to iOS 18
/// (build 22x), then the year-named releases (23x is iOS 26).
pub fn major_version(build: &str) -> Option<u32> {
    let digits: String = build.chars().take_while(char::is_ascii_digit).collect();
    let letter = build.chars().nth(digits.len())?;
    if !letter.is_ascii_uppercase() {
        return None;
    }
    match digits.parse::<u32>().ok()? {
        n @ 7..=22 => Some(n - 4),
        n @ 23..=99 => Some(n + 3),
        _ => None,
    }
}

/// The AnalyticsIOSVersions module.
pub struct AnalyticsIosVersions;

static META: ModuleMeta = ModuleMeta {
    slug: "analytics_ios_versions",
    name: "AnalyticsIOSVersions",
    description: "iOS builds the phone ran, first seen in security analytics events",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/private/var/Keychains/Analytics/*.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for AnalyticsIosVersions {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let mut all = crate::analytics::read_all(ev)?;
        let events = std::mem::take(&mut all.events);
        let mut first: BTreeMap<String, Timestamp> = BTreeMap::new();
        for e in &events {
            let (Some(build), Some(t)) = (e.data.get("build").and_then(|b| b.as_str()), e.time)
            else {
                continue;
            };
            if build.is_empty() {
                continue;
            }
            let slot = first.entry(build.to_string()).or_insert(t);
            *slot = (*slot).min(t);
        }
        let mut records: Vec<IosBuild> = first
            .into_iter()
            .map(|(build, t)| IosBuild {
                isodate: Some(t),
                version: major_version(&build).map(|v| v.to_string()),
                build,
            })
            .collect();
        records.sort_by_key(|r| r.isodate);
        Ok(all.output(records))
    }
}

#[cfg(test)]
mod tests {
    use super::major_version;

    #[test]
    fn majors() {
        assert_eq!(major_version("18F72"), Some(14));
        assert_eq!(major_version("16G201"), Some(12));
        assert_eq!(major_version("22A3354"), Some(18));
        assert_eq!(major_version("23A341"), Some(26));
        assert_eq!(major_version("5A1"), None);
        assert_eq!(major_version("18"), None);
        assert_eq!(major_version("x"), None);
    }
}
