//! `getprop.txt` at the top of an androidqf acquisition: system properties. Property names are
//! checked as android-property indicators; an old security patch level is MEDIUM, judged
//! against the acquisition's start (`acquisition.json`) or, without one, the time of the check.
//! See [`crate::parsers::getprop`].

use super::{acquisition_time, output, read_text, top_file};
use crate::parsers::getprop::{check_security_patch, parse_getprop};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Timestamp,
};

/// The AQFGetProp module.
pub struct AqfGetProp;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_get_prop",
    name: "AQFGetProp",
    description: "System properties (getprop.txt), with the security patch level",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["getprop.txt"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfGetProp {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entry = top_file(ev, "getprop.txt")?;
        let parsed = parse_getprop(&read_text(ev, &entry)?);
        let reference = acquisition_time(ev).unwrap_or_else(Timestamp::now);
        Ok(output(vec![(entry, parsed)], |props| {
            check_security_patch(props, reference)
        }))
    }
}
