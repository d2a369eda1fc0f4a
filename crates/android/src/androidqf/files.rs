//! `files.json` at the top of an androidqf acquisition: the files androidqf could stat, with
//! times and hashes. Paths and hashes are checked against indicators; files in
//! `/data/local/tmp/` are HIGH. See [`crate::parsers::files`].

use super::json_array_module;
use crate::parsers::files::{check_files, parse_files};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The AQFFiles module.
pub struct AqfFiles;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_files",
    name: "AQFFiles",
    description: "Files listed by androidqf (files.json): paths, hashes, MACB times",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["files.json"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfFiles {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        json_array_module(ev, "files.json", |items| parse_files(&items), check_files)
    }
}
