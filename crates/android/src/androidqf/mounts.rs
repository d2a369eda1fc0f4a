//! `mounts.json` at the top of an androidqf acquisition (androidqf 2024+): the mount table.
//! System partitions mounted read-write are HIGH. See [`crate::parsers::mounts`].

use super::{output, read_text, top_file};
use crate::parsers::json::{array_items, value};
use crate::parsers::mounts::{check_mounts, parse_mounts};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The Mounts module.
pub struct Mounts;

static META: ModuleMeta = ModuleMeta {
    slug: "mounts",
    name: "Mounts",
    description: "Mounted filesystems (mounts.json): system partitions mounted read-write",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["mounts.json"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for Mounts {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entry = top_file(ev, "mounts.json")?;
        let items = array_items(&read_text(ev, &entry)?);
        let values: Vec<_> = items.records.iter().map(|r| value(r)).collect();
        let mut parsed = parse_mounts(&values);
        parsed.failed += items.failed;
        parsed.warnings.splice(0..0, items.warnings);
        Ok(output(vec![(entry, parsed)], check_mounts))
    }
}
