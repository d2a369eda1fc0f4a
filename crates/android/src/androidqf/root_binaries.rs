//! `root_binaries.json` at the top of an androidqf acquisition (androidqf 2025+): root binaries
//! found on the phone, each HIGH. See [`crate::parsers::root_binaries`].

use super::{json_array_module, values};
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
        json_array_module(
            ev,
            "root_binaries.json",
            |items| parse_root_binaries(&values(&items)),
            check_root_binaries,
        )
    }
}
