//! CoreDuet people interactions: `interactionC.db` (`HomeDomain:Library/CoreDuet/People/
//! interactionC.db`, backup ID `1f5a5212…`; on device
//! `private/var/mobile/Library/CoreDuet/People/interactionC.db`), iOS 10 and later.
//!
//! iOS logs here who communicated with whom, when and through which app (Messages, Phone,
//! Mail, WhatsApp…), with attachments and recipients, and keeps per-contact first/last
//! interaction dates. It outlives the apps' own databases, so it shows contact with an
//! attacker after messages were deleted. Schema: `ZINTERACTIONS` joined to `ZCONTACTS`
//! (sender and recipients) and `ZATTACHMENT` through Core Data link tables; dates are Mac
//! absolute time. Columns vary between iOS versions (see [`query`]).
//!
//! WhatsApp identifies peers by LID; they are resolved to phone numbers and names from
//! WhatsApp's own databases (see [`contacts`]). Bundle IDs, URLs, attachment text and e-mail
//! identifiers are exposed to indicator matching; MVT matches none of them.

mod contacts;
pub mod query;
mod record;
mod timeline;

pub use record::{DateValue, Interaction, WhatsappResolution};

use crate::common::{find, query_error};
use crate::whatsapp::sql::query_values;
use tracehound_core::module::ModuleContext;
use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::{Artifact, IosSource};

/// Where interactionC.db lives.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[("HomeDomain", "Library/CoreDuet/People/interactionC.db")],
    fs: &["private/var/mobile/Library/CoreDuet/People/interactionC.db"],
};

/// WhatsApp's bundle ID: only its interactions carry WhatsApp identifiers.
const WHATSAPP_BUNDLE_ID: &str = "net.whatsapp.WhatsApp";

/// The InteractionC module.
pub struct InteractionC;

static META: ModuleMeta = ModuleMeta {
    slug: "interaction_c",
    name: "InteractionC",
    description:
        "Who communicated with whom, when and through which app (CoreDuet interactionC.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosBackup, AcquisitionKind::IosFilesystem],
    artifacts: &[
        "HomeDomain:Library/CoreDuet/People/interactionC.db",
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared:ContactsV2.sqlite",
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared:LID.sqlite",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for InteractionC {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(&self, ev: &dyn IosSource, _: &ModuleContext<'_>) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        let mut inputs = Vec::new();
        for file in &files {
            let db = ev.open_sqlite(file)?;
            inputs.push(file.input());
            let Some(sql) = query::build(&db) else {
                warnings.push(format!("{}: no ZINTERACTIONS table", file.path));
                continue;
            };
            let rows = query_values(&db, &sql).map_err(|e| query_error(file, e))?;
            records.extend(rows.into_iter().map(Interaction::from_values));
        }
        if records
            .iter()
            .any(|r| r.bundle_id.as_str() == Some(WHATSAPP_BUNDLE_ID))
        {
            let dir = contacts::Directory::load(ev, &mut warnings, &mut inputs);
            for r in records
                .iter_mut()
                .filter(|r| r.bundle_id.as_str() == Some(WHATSAPP_BUNDLE_ID))
            {
                r.whatsapp = Some(WhatsappResolution::resolve(r, &dir));
            }
        }
        let mut out = ModuleOutput::new(records).with_inputs(inputs);
        out.warnings = warnings;
        Ok(out)
    }
}
