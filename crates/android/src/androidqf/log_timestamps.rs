//! `logs/` at the top of an androidqf acquisition: the log files androidqf pulled
//! (`/data/system/dropbox`, `/data/anr`, … depending on version). Only their modification times
//! are used, for the timeline: from the folder (UTC) or, in a zip, the entry time (no zone in
//! the zip format; taken as written).

use super::input;
use crate::AndroidSource;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record,
    TimelineEvent, Timestamp,
};

/// One log file's modification time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogTimestamp {
    /// Path relative to the acquisition (`logs/...`).
    pub path: String,
    /// Last modification.
    pub modified_time: Option<Timestamp>,
}

impl Record for LogTimestamp {
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        if self.modified_time.is_some() {
            out.push(TimelineEvent::new(
                self.modified_time,
                "M---",
                self.path.clone(),
            ));
        }
    }
    fn event_time(&self) -> Option<Timestamp> {
        self.modified_time
    }
}

/// The AQFLogTimestamps module.
pub struct AqfLogTimestamps;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_log_timestamps",
    name: "AQFLogTimestamps",
    description: "Modification times of the log files androidqf pulled (logs/)",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["logs/**"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfLogTimestamps {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entries = ev.find("logs/**");
        let inputs = entries.iter().map(input).collect();
        let records: Vec<LogTimestamp> = entries
            .into_iter()
            .map(|e| LogTimestamp {
                path: e.path,
                modified_time: e.modified,
            })
            .collect();
        Ok(ModuleOutput::new(records).with_inputs(inputs))
    }
}
