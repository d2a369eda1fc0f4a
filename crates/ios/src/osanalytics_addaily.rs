//! Daily network-usage baselines per process from OS analytics:
//! `com.apple.osanalytics.addaily.plist` (`HomeDomain:Library/Preferences/`; on the device
//! `private/var/mobile/Library/Preferences/`), all recent iOS versions. Its `netUsageBaseline`
//! maps a process name to `[date, Wi-Fi bytes in, Wi-Fi bytes out, cellular in, cellular out]`.
//!
//! Spyware processes that exfiltrate data leave their names here even after they are gone;
//! names are matched against process indicators.

use crate::common::find;
use crate::plist_json::{or_empty, py_str, read_plist, to_json, value_date};
use plist::Value;
use serde::Serialize;
use serde_json::Value as Json;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the plist lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[(
        "HomeDomain",
        "Library/Preferences/com.apple.osanalytics.addaily.plist",
    )],
    fs: &["private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"],
};

/// One process's baseline.
#[derive(Debug, Clone, Serialize)]
pub struct NetUsageBaseline {
    /// Process name.
    pub package: String,
    /// When the baseline was taken.
    #[serde(serialize_with = "or_empty")]
    pub ts: Option<Timestamp>,
    /// Bytes received over Wi-Fi.
    pub wifi_in: Json,
    /// Bytes sent over Wi-Fi.
    pub wifi_out: Json,
    /// Bytes received over cellular.
    pub wwan_in: Json,
    /// Bytes sent over cellular.
    pub wwan_out: Json,
}

impl Record for NetUsageBaseline {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Process(&self.package));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.ts,
            "osanalytics_addaily",
            format!(
                "{} WIFI IN: {}, WIFI OUT: {} - WWAN IN: {}, WWAN OUT: {}",
                self.package,
                py_str(Some(&self.wifi_in)),
                py_str(Some(&self.wifi_out)),
                py_str(Some(&self.wwan_in)),
                py_str(Some(&self.wwan_out)),
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.ts
    }
}

/// Parses the plist: the baselines, and the names of entries that are not five-item lists.
pub fn parse_addaily(root: &Value) -> Option<(Vec<NetUsageBaseline>, Vec<String>)> {
    let mut records = Vec::new();
    let mut bad = Vec::new();
    let Some(baselines) = root.as_dictionary()?.get("netUsageBaseline") else {
        return Some((records, bad));
    };
    let Some(baselines) = baselines.as_dictionary() else {
        bad.push("netUsageBaseline".into());
        return Some((records, bad));
    };
    for (name, values) in baselines {
        let Some([date, wifi_in, wifi_out, wwan_in, wwan_out, ..]) =
            values.as_array().map(Vec::as_slice)
        else {
            bad.push(name.clone());
            continue;
        };
        records.push(NetUsageBaseline {
            package: name.clone(),
            ts: value_date(date),
            wifi_in: to_json(wifi_in),
            wifi_out: to_json(wifi_out),
            wwan_in: to_json(wwan_in),
            wwan_out: to_json(wwan_out),
        });
    }
    Some((records, bad))
}

/// The OSAnalyticsADDaily module.
pub struct OsAnalyticsAdDaily;

static META: ModuleMeta = ModuleMeta {
    slug: "os_analytics_ad_daily",
    name: "OSAnalyticsADDaily",
    description: "Per-process daily network usage baselines from OS analytics",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &["HomeDomain:Library/Preferences/com.apple.osanalytics.addaily.plist"],
    dependencies: &[],
};

impl Module<dyn IosSource> for OsAnalyticsAdDaily {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        // Like MVT, the first copy found is the one read (a backup has one).
        let files = find(ev, &ARTIFACT)?;
        let Some(file) = files.first() else {
            return Err(ModuleError::NotFound(META.artifacts.join(" or ")));
        };
        let root = read_plist(ev, file)?;
        let (records, bad) = parse_addaily(&root).ok_or_else(|| ModuleError::Corrupted {
            path: file.artifact(),
            reason: "top level is not a dictionary".into(),
        })?;
        let mut out = ModuleOutput::new(records).with_inputs(vec![file.input()]);
        out.stats.failed = bad.len() as u64;
        if !bad.is_empty() {
            out.warnings.push(format!(
                "{}: {} netUsageBaseline entries are not [date, 4 counters] lists: {}",
                file.artifact(),
                bad.len(),
                bad.join(", ")
            ));
        }
        Ok(out)
    }
}
