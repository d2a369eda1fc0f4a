//! `SMS` (MVT's slug `sms`): SMS and MMS from the telephony provider's backup in an `adb backup`
//! (`apps/com.android.providers.telephony/d_f/*_sms_backup`, then `*_mms_backup`; Android 6+).
//! The links in their bodies are matched against URL and domain indicators.

use crate::parsers::sms_backup::{parse_sms_backup, BackupMessage};
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, InputFile, Module, ModuleError, ModuleMeta, ModuleOutput, Platform,
};

const DIR: &str = "apps/com.android.providers.telephony/d_f";

/// The module.
pub struct Sms;

impl Module<dyn AndroidSource> for Sms {
    fn meta(&self) -> &'static ModuleMeta {
        static META: ModuleMeta = ModuleMeta {
            slug: "sms",
            name: "SMS",
            description: "SMS and MMS from the telephony provider's backup (adb backup)",
            platform: Platform::Android,
            kinds: &[AcquisitionKind::AndroidBackup, AcquisitionKind::AndroidQf],
            artifacts: &[
                "apps/com.android.providers.telephony/d_f/*_sms_backup",
                "apps/com.android.providers.telephony/d_f/*_mms_backup",
            ],
            dependencies: &[],
        };
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let backup = ev
            .backup()?
            .ok_or_else(|| ModuleError::NotFound("adb backup (no backup.ab)".into()))?;
        let mut files = backup.find(&format!("{DIR}/*_sms_backup"));
        files.extend(backup.find(&format!("{DIR}/*_mms_backup")));
        if files.is_empty() {
            return Err(ModuleError::NotFound(format!(
                "{DIR}/*_sms_backup or *_mms_backup in the backup"
            )));
        }
        let mut records: Vec<BackupMessage> = Vec::new();
        let (mut failed, mut warnings, mut inputs) = (0, Vec::new(), Vec::new());
        for f in files {
            let data = backup.read(&f)?;
            inputs.push(InputFile {
                path: f.path.clone(),
                artifact: Some("telephony provider backup".into()),
            });
            match parse_sms_backup(&data) {
                Ok(p) => {
                    failed += p.failed;
                    warnings.extend(p.warnings.into_iter().map(|w| format!("{}: {w}", f.path)));
                    records.extend(p.records);
                }
                Err(e) => {
                    failed += 1;
                    warnings.push(format!("{}: {e}", f.path));
                }
            }
        }
        let mut out = ModuleOutput::new(records).with_inputs(inputs);
        out.stats.failed = failed;
        out.warnings = warnings;
        Ok(out)
    }
}
