//! `mounts.json` at the top of an androidqf acquisition (androidqf 2024+): the mount table.
//! System partitions mounted read-write are HIGH. See [`crate::parsers::mounts`].

use super::{json_array_module, values};
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
        json_array_module(
            ev,
            "mounts.json",
            |items| parse_mounts(&values(&items)),
            check_mounts,
        )
    }
}
