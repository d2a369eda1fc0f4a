//! `settings_<namespace>.txt` at the top of an androidqf acquisition (`settings_global.txt`,
//! `settings_secure.txt`, `settings_system.txt`): `settings list` output. Settings that weaken
//! the phone's defences are MEDIUM. See [`crate::parsers::settings`].

use super::{output, read_text};
use crate::parsers::settings::{check_settings, namespace_of, parse_settings};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};

/// The AQFSettings module.
pub struct AqfSettings;

static META: ModuleMeta = ModuleMeta {
    slug: "aqf_settings",
    name: "AQFSettings",
    description: "Android settings (settings_*.txt): Play Protect, adb install confirmation, …",
    platform: Platform::Android,
    kinds: &[AcquisitionKind::AndroidQf],
    artifacts: &["settings_*.txt"],
    dependencies: &[],
};

impl Module<dyn AndroidSource> for AqfSettings {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let entries = ev.find("settings_*.txt");
        if entries.is_empty() {
            return Err(ModuleError::NotFound("settings_*.txt".into()));
        }
        let mut parsed = Vec::new();
        for entry in entries {
            let p = parse_settings(namespace_of(&entry.path), &read_text(ev, &entry)?);
            parsed.push((entry, p));
        }
        Ok(output(parsed, check_settings))
    }
}
