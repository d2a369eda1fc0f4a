//! `packages.json` at the top of an androidqf acquisition: installed packages with their APK
//! and signing-certificate hashes. Records, indicators and heuristics: see
//! [`crate::parsers::packages`].

use super::json_array_module;
use crate::parsers::packages::{check_packages, parse_packages};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The AQFPackages module.
pub struct AqfPackages;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_packages",
    name: "AQFPackages",
    description:
        "Installed packages (packages.json): app ids, APK and certificate hashes, install sources",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["packages.json"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfPackages {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        json_array_module(ev, "packages.json", parse_packages, check_packages)
    }
}
