//! Processes that delayed reboots, from a sysdiagnose: the copy of `shutdown.log` (and its
//! iOS 26 rotations `shutdown.N.log`) that sysdiagnose puts in
//! `system_logs.logarchive/Extra/`. The device keeps the same log in
//! `/private/var/db/diagnostics/`, read by [`crate::shutdownlog`] in filesystem dumps; the
//! parsing, records (MVT's `shutdown_log` fields) and heuristics are that module's
//! ([`crate::shutdownlog::analyse`], read by the same [`read_logs`]): HIGH for a process running from a database or temporary
//! folder or from outside the system volume and app bundles, MEDIUM for a process a reboot
//! waited for three times or more, process and path indicators. A sysdiagnose is often the
//! only way to get this log from a phone that cannot be jailbroken.

use crate::shutdownlog::read_logs;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::{Artifact, IosSource};

/// Where the shutdown logs live (relative to the sysdiagnose root).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &[
        "system_logs.logarchive/Extra/shutdown.log",
        "system_logs.logarchive/Extra/shutdown.*.log",
    ],
};

/// The sysdiagnose ShutdownLog module.
pub struct SysdiagnoseShutdownLog;

static META: ModuleMeta = ModuleMeta {
    slug: "sysdiagnose_shutdown_log",
    name: "SysdiagnoseShutdownLog",
    description: "Processes that delayed reboots (the sysdiagnose's copy of shutdown.log), \
                  with processes running from odd places and sticky processes",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosSysdiagnose],
    artifacts: &[
        "system_logs.logarchive/Extra/shutdown.log",
        "system_logs.logarchive/Extra/shutdown.*.log",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for SysdiagnoseShutdownLog {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        read_logs(ev, &ARTIFACT)
    }
}
