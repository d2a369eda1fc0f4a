//! `BugReportTimestamps` (MVT's slug `bugreport_timestamps`): the modification time of every
//! file under the bugreport's `FS/` folder (copies of `/data/anr`, `/data/tombstones`, …). In a
//! zip they are the device's wall clock (no zone); in an unpacked folder they are the
//! extraction's, not the device's.

use super::{bugreport, KINDS};
use crate::AndroidSource;
use serde::Serialize;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    InputFile, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Record, TimelineEvent,
    Timestamp,
};
use tracehound_evidence::archive::TreeFormat;

/// One file's modification time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileTimestamp {
    /// Path in the bugreport (`FS/data/tombstones/tombstone_00`).
    pub path: String,
    /// Modification time (wall clock for a zip, UTC for a folder).
    pub modified_time: Option<Timestamp>,
    /// The same in UTC, when the zone is known.
    pub modified_time_utc: Option<Timestamp>,
    /// The zone of `modified_time` (`UTC` for a folder; unknown for a zip).
    pub timezone: Option<String>,
    /// `zip_metadata` or `filesystem_metadata`.
    pub timestamp_source: &'static str,
}

impl Record for FileTimestamp {
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        if let Some(t) = self.modified_time {
            out.push(TimelineEvent::new(Some(t), "M---", self.path.clone()));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.modified_time
    }
}

/// The module.
pub struct BugreportTimestamps;

impl Module<dyn AndroidSource> for BugreportTimestamps {
    fn meta(&self) -> &'static ModuleMeta {
        static META: ModuleMeta = ModuleMeta {
            slug: "bugreport_timestamps",
            name: "BugReportTimestamps",
            description: "Modification times of the files under the bugreport's FS/ folder",
            platform: Platform::Android,
            kinds: KINDS,
            artifacts: &["bugreport: FS/**"],
            dependencies: &[],
        };
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let br = bugreport(ev)?;
        let files = br.find("FS/**");
        if files.is_empty() {
            return Err(ModuleError::NotFound("FS/ in the bugreport".into()));
        }
        let folder = br.container() == Some(TreeFormat::Folder);
        let records: Vec<FileTimestamp> = files
            .into_iter()
            .map(|e| FileTimestamp {
                path: e.path,
                modified_time: e.modified,
                modified_time_utc: e.modified.filter(|_| folder),
                timezone: folder.then(|| "UTC".to_string()),
                timestamp_source: if folder {
                    "filesystem_metadata"
                } else {
                    "zip_metadata"
                },
            })
            .collect();
        let inputs = vec![InputFile {
            path: "FS/".into(),
            artifact: Some("file listing".into()),
        }];
        Ok(ModuleOutput::new(records).with_inputs(inputs))
    }
}
