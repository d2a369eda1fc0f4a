//! `root_binaries.json` at the top of an androidqf acquisition (androidqf 2025+): root binaries
//! found on the phone, each HIGH. See [`crate::parsers::root_binaries`].

use super::{output, read_text, top_file};
use crate::parsers::json::{array_items, value};
use crate::parsers::root_binaries::{check_root_binaries, parse_root_binaries};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The RootBinaries module.
pub struct RootBinaries;

static META: ModuleMeta = ModuleMeta {
    slug: "root_binaries",
    name: "RootBinaries",
    description: "Root binaries androidqf found (root_binaries.json)",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["root_binaries.json"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for RootBinaries {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entry = top_file(ev, "root_binaries.json")?;
        let items = array_items(&read_text(ev, &entry)?);
        let values: Vec<_> = items.records.iter().map(|r| value(r)).collect();
        let mut parsed = parse_root_binaries(&values);
        parsed.failed += items.failed;
        parsed.warnings.splice(0..0, items.warnings);
        Ok(output(vec![(entry, parsed)], check_root_binaries))
    }
}
