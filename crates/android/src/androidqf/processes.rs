//! `ps.txt` at the top of an androidqf acquisition: `ps -A` (toybox, Android 8+; toolbox
//! layout before). Process names are checked as process and app-id indicators. See
//! [`crate::parsers::ps`].

use super::{output, read_text, top_file};
use crate::parsers::ps::parse_ps;
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The AQFProcesses module.
pub struct AqfProcesses;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_processes",
    name: "AQFProcesses",
    description: "Running processes (ps.txt)",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["ps.txt"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfProcesses {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entry = top_file(ev, "ps.txt")?;
        let parsed = parse_ps(&read_text(ev, &entry)?);
        Ok(output(vec![(entry, parsed)], |_| Vec::new()))
    }
}
