//! Per-process network usage: `DataUsage.sqlite` (`WirelessDomain:Library/Databases/
//! DataUsage.sqlite`, on device `/private/var/wireless/Library/Databases/DataUsage.sqlite`),
//! all iOS versions. `ZPROCESS` lists every process that used the network (name, bundle id,
//! first and last use); `ZLIVEUSAGE` holds traffic counters pointing at it through
//! `ZHASPROCESS`. Spyware processes have shown up here by name even after their binaries were
//! removed, and cleaning this database leaves traces: usage rows whose process row is gone, and
//! holes in the otherwise consecutive `Z_PK` sequence of `ZPROCESS`. Times are Core Data (Mac
//! absolute) seconds. Recent iOS versions dropped the Wi-Fi counters (`ZWIFIIN`, `ZWIFIOUT`).
//! On full-filesystem dumps, processes without a bundle id whose binary is nowhere in the dump
//! are flagged too. The reading and the heuristics are shared with Netusage (`net_base`).

pub use crate::net_base::{find_tampering, read_entries, DataUsageEntry};

use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::{Artifact, IosSource};

/// Where DataUsage.sqlite lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("WirelessDomain", "Library/Databases/DataUsage.sqlite")],
    fs: &["private/var/wireless/Library/Databases/DataUsage.sqlite"],
};

/// The DataUsage module.
pub struct Datausage;

static META: ModuleMeta = ModuleMeta {
    slug: "datausage",
    name: "Datausage",
    description: "Per-process network usage (DataUsage.sqlite), with traces of deleted rows",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "WirelessDomain:Library/Databases/DataUsage.sqlite",
        "/private/var/wireless/Library/Databases/DataUsage.sqlite",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for Datausage {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        crate::net_base::collect(ev, &ARTIFACT)
    }
}
