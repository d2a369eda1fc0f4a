//! `packages.json` at the top of an androidqf acquisition: installed packages with their APK
//! and signing-certificate hashes. Records, indicators and heuristics: see
//! [`crate::parsers::packages`].

use super::{output, read_text, top_file};
use crate::parsers::json::array_items;
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
        let entry = top_file(ev, "packages.json")?;
        let items = array_items(&read_text(ev, &entry)?);
        let mut parsed = parse_packages(items.records);
        parsed.failed += items.failed;
        parsed.warnings.splice(0..0, items.warnings);
        Ok(output(vec![(entry, parsed)], check_packages))
    }
}
