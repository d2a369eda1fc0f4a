//! Per-process network usage kept by `networkd`: `netusage.sqlite`, on device
//! `/private/var/networkd/netusage.sqlite` (iOS 14 and later: `/private/var/networkd/db/
//! netusage.sqlite`). Not in backups: full-filesystem dumps only. Same Core Data schema as
//! DataUsage (`ZPROCESS`, `ZLIVEUSAGE`), same records and heuristics (see `net_base`): usage
//! rows whose process row was deleted (HIGH), holes in the `ZPROCESS` keys (LOW), and
//! processes without a bundle id whose binary is nowhere in the dump (MEDIUM); process names
//! and bundle ids are matched against indicators.

use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::{Artifact, IosSource};

/// Where netusage.sqlite lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &[
        "private/var/networkd/netusage.sqlite",
        "private/var/networkd/db/netusage.sqlite",
    ],
};

/// The Netusage module.
pub struct Netusage;

static META: ModuleMeta = ModuleMeta {
    slug: "netusage",
    name: "Netusage",
    description: "Per-process network usage (netusage.sqlite), with deleted rows and vanished \
                  binaries",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &[
        "/private/var/networkd/netusage.sqlite",
        "/private/var/networkd/db/netusage.sqlite",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for Netusage {
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
