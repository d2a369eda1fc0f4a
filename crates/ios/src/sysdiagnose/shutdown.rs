//! Processes that delayed reboots, from a sysdiagnose: the copy of `shutdown.log` (and its
//! iOS 26 rotations `shutdown.N.log`) that sysdiagnose puts in
//! `system_logs.logarchive/Extra/`. The device keeps the same log in
//! `/private/var/db/diagnostics/`, read by [`crate::shutdownlog`] in filesystem dumps; the
//! parsing, records (MVT's `shutdown_log` fields) and heuristics are that module's
//! ([`crate::shutdownlog::analyse`]): HIGH for a process running from a database or temporary
//! folder or from outside the system volume and app bundles, MEDIUM for a process a reboot
//! waited for three times or more, process and path indicators. A sysdiagnose is often the
//! only way to get this log from a phone that cannot be jailbroken.

use crate::common::find;
use crate::shutdownlog::{analyse, ShutdownEntry};
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, ParseStats, Platform,
};
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
        let files = find(ev, &ARTIFACT)?;
        let mut records: Vec<ShutdownEntry> = Vec::new();
        let mut alerts = Vec::new();
        let mut warnings = Vec::new();
        let mut unparsed = 0u64;
        for file in &files {
            let bytes = ev.read(file)?;
            let text = String::from_utf8_lossy(&bytes);
            let (recs, file_alerts, bad) = analyse(&text, &file.relative_path);
            let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
            if lines > 0 && bad == lines {
                return Err(ModuleError::Corrupted {
                    path: file.path.clone(),
                    reason: format!("not a shutdown log: none of its {lines} lines understood"),
                });
            }
            if bad > 0 {
                warnings.push(format!(
                    "{}: {bad} of {lines} lines not understood",
                    file.relative_path
                ));
            }
            let base = records.len();
            alerts.extend(file_alerts.into_iter().map(|mut a| {
                a.record = a.record.map(|r| r + base);
                a
            }));
            records.extend(recs);
            unparsed += bad as u64;
        }
        // Reboots in time order (blocks without a time first), file order within a time;
        // alerts follow their records.
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by_key(|&i| records.get(i).and_then(|r| r.isodate));
        let mut position = vec![0; records.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(p) = position.get_mut(old) {
                *p = new;
            }
        }
        for a in &mut alerts {
            a.record = a.record.and_then(|r| position.get(r).copied());
        }
        alerts.sort_by_key(|a| a.record);
        let mut slots: Vec<Option<ShutdownEntry>> = records.into_iter().map(Some).collect();
        let records: Vec<ShutdownEntry> = order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect();
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed: unparsed,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        Ok(out)
    }
}
