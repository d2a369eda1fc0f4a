//! `files.json` at the top of an androidqf acquisition: the files androidqf could stat, with
//! times and hashes. Paths and hashes are checked against indicators; files in
//! `/data/local/tmp/` are HIGH. See [`crate::parsers::files`].

use super::{output, read_text, top_file};
use crate::parsers::files::{check_files, parse_files};
use crate::parsers::json::array_items;
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
        let entry = top_file(ev, "files.json")?;
        let items = array_items(&read_text(ev, &entry)?);
        let mut parsed = parse_files(&items.records);
        parsed.failed += items.failed;
        parsed.warnings.splice(0..0, items.warnings);
        Ok(output(vec![(entry, parsed)], check_files))
    }
}
