//! Every file and folder of a full-filesystem dump with its modification time (no artefact
//! file: the dump's own listing; not available in backups, whose Manifest module plays this
//! part). All iOS versions. Paths are matched against file-path and file-name indicators
//! (`/private/var/db/com.apple.xpc.roleaccountd.staging/…`, `roleaccountd.plist`), and each
//! path component against process-name indicators, since spyware binaries and their
//! staging folders are named after their processes. Links in the dump are refused by the reader
//! and listed in its warnings, not here.

use crate::plist_json::or_empty;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform, Record,
    TimelineEvent, Timestamp,
};
use tracehound_evidence::{FsEntry, IosSource};

/// One file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesystemEntry {
    /// The device path with its leading `/` (`/private/var/…`), as indicators give paths;
    /// serialized without it as `path`, as MVT writes it.
    abs: Box<str>,
    /// Last modification time, when the dump recorded one.
    pub modified: Option<Timestamp>,
}

impl FilesystemEntry {
    /// An entry for `path` (relative to `/`).
    pub fn new(path: &str, modified: Option<Timestamp>) -> Self {
        FilesystemEntry {
            abs: format!("/{}", path.trim_start_matches('/')).into(),
            modified,
        }
    }

    /// The path relative to `/` (`private/var/…`).
    pub fn path(&self) -> &str {
        self.abs.get(1..).unwrap_or_default()
    }

    /// The path from `/`.
    pub fn absolute_path(&self) -> &str {
        &self.abs
    }
}

impl Serialize for FilesystemEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Time(Option<Timestamp>);
        impl Serialize for Time {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                or_empty(&self.0, s)
            }
        }
        let mut st = s.serialize_struct("FilesystemEntry", 2)?;
        st.serialize_field("path", self.path())?;
        st.serialize_field("modified", &Time(self.modified))?;
        st.end()
    }
}

impl Record for FilesystemEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::FilePath(&self.abs));
        let name = self.abs.rsplit('/').next().unwrap_or_default();
        if !name.is_empty() {
            out.push(Observable::FileName(name));
        }
        out.push(Observable::PathComponents(&self.abs));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.modified,
            "entry_modified",
            self.path(),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.modified
    }
}

/// The Filesystem module.
pub struct Filesystem;

static META: ModuleMeta = ModuleMeta {
    slug: "filesystem",
    name: "Filesystem",
    description: "Every file and folder of a filesystem dump with its modification time; \
                  file-path, file-name and process indicators",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Filesystem {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let mut entries = Vec::new();
        ev.list_all(&mut |e: &FsEntry<'_>| {
            entries.push(FilesystemEntry::new(e.path, e.modified));
        })?;
        if entries.is_empty() {
            return Err(ModuleError::NotFound("files in the dump".into()));
        }
        Ok(ModuleOutput::new(entries))
    }
}
