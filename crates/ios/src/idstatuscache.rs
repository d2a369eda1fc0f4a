//! Apple ID status lookups: `idstatuscache.plist` of `identityservicesd`, the cache of whether
//! an address or phone number can be reached by iMessage, FaceTime and the like. Backups:
//! `HomeDomain:Library/Preferences/com.apple.identityservices.idstatuscache.plist` (up to
//! iOS 14) and `HomeDomain:Library/IdentityServices/idstatuscache.plist` (later versions); the
//! same under `private/var/mobile/` on the device. Both files map a service
//! (`com.apple.madrid`…) to the looked-up identifiers (`mailto:…`, `tel:…`), each with its
//! `LookupDate` (Mac absolute time) and `IDStatus`.
//!
//! A lookup is logged when a message or call is attempted, including by zero-click exploits
//! that reach the phone through iMessage or FaceTime from attacker-controlled accounts; those
//! addresses are matched against email indicators. An identifier with two NUL characters in a
//! row is no well-formed address: it points at crafted input sent to the phone, and is flagged
//! HIGH (as MVT does).

use crate::common::find;
use crate::plist_json::{or_empty, py_str, read_plist, to_json};
use plist::Value;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::HashMap;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the cache lives, old and new locations.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[
        (
            "HomeDomain",
            "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
        ),
        ("HomeDomain", "Library/IdentityServices/idstatuscache.plist"),
    ],
    fs: &[
        "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
        "private/var/mobile/Library/IdentityServices/idstatuscache.plist",
    ],
};

/// A NUL written out, as identifiers are shown.
const NUL: &str = "\\x00";
/// Two NULs in a row: the suspicious pattern.
const DOUBLE_NUL: &str = "\\x00\\x00";

/// One cached lookup.
#[derive(Debug, Clone, Serialize)]
pub struct IdStatusEntry {
    /// The service (`com.apple.madrid` for iMessage…).
    pub package: String,
    /// The identifier looked up (`mailto:…`, `tel:…`), NUL characters written `\x00`.
    pub user: String,
    /// `LookupDate`.
    #[serde(serialize_with = "or_empty")]
    pub isodate: Option<Timestamp>,
    /// `IDStatus` (1 reachable, 2 not).
    pub idstatus: Json,
    /// How many services have a lookup of this identifier in the same file.
    pub occurrences: u64,
}

impl IdStatusEntry {
    /// The address of a `mailto:` identifier.
    pub fn email(&self) -> Option<&str> {
        let addr = self.user.strip_prefix("mailto:")?.trim_matches('\'');
        (!addr.is_empty()).then_some(addr)
    }
}

impl Record for IdStatusEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(e) = self.email() {
            out.push(Observable::Email(e));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "lookup",
            format!(
                "Lookup of {} within {} (Status {})",
                self.user,
                self.package,
                py_str(Some(&self.idstatus))
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// Parses one cache: the entries, and how many lookups lacked a date or status.
pub fn parse_cache(root: &Value) -> (Vec<IdStatusEntry>, u64) {
    let mut entries = Vec::new();
    let mut failed = 0;
    let Some(services) = root.as_dictionary() else {
        return (entries, 1);
    };
    for (service, lookups) in services {
        // Other top-level values (format versions…) are not services.
        let Some(lookups) = lookups.as_dictionary() else {
            continue;
        };
        for (user, lookup) in lookups {
            let fields = lookup.as_dictionary();
            let date = fields.and_then(|d| d.get("LookupDate"));
            let status = fields.and_then(|d| d.get("IDStatus"));
            let (Some(date), Some(status)) = (date, status) else {
                failed += 1;
                continue;
            };
            entries.push(IdStatusEntry {
                package: service.clone(),
                user: user.replace('\0', NUL),
                isodate: crate::plist_json::mac_time(date),
                idstatus: to_json(status),
                occurrences: 0,
            });
        }
    }
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for e in &entries {
        *counts.entry(e.user.as_str()).or_default() += 1;
    }
    let counts: Vec<u64> = entries
        .iter()
        .map(|e| counts.get(e.user.as_str()).copied().unwrap_or(1))
        .collect();
    for (e, n) in entries.iter_mut().zip(counts) {
        e.occurrences = n;
    }
    (entries, failed)
}

/// The IDStatusCache module.
pub struct IdStatusCache;

static META: ModuleMeta = ModuleMeta {
    slug: "id_status_cache",
    name: "IDStatusCache",
    description:
        "Apple ID status lookups (iMessage/FaceTime reachability) and the addresses looked up",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "HomeDomain:Library/Preferences/com.apple.identityservices.idstatuscache.plist",
        "HomeDomain:Library/IdentityServices/idstatuscache.plist",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for IdStatusCache {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        let mut failed = 0;
        for file in &files {
            let (mut found, bad) = parse_cache(&read_plist(ev, file)?);
            if bad > 0 {
                warnings.push(format!(
                    "{}: {bad} lookups without a date or status were skipped",
                    file.artifact()
                ));
            }
            failed += bad;
            entries.append(&mut found);
        }
        let alerts = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.user.contains(DOUBLE_NUL))
            .map(|(i, e)| {
                Alert::heuristic(
                    Level::High,
                    i,
                    format!(
                        "ID status lookup of a malformed identifier (consecutive NUL \
                         characters), a sign of crafted input: {}",
                        e.user
                    ),
                )
                .at(e.isodate)
            })
            .collect();
        let mut out =
            ModuleOutput::new(entries).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.records.len() as u64,
            failed,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
