//! iOS forensic modules: one file per artefact.
//!
//! Each module implements [`Module`] over any [`IosSource`] (a backup now; full-filesystem
//! dumps later), yields typed records, and leaves indicator matching to the runner.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod analytics;
pub mod analytics_ios_versions;
pub mod applications;
pub mod backup_info;
pub mod cache_files;
pub mod calendar;
pub mod calls;
pub mod chrome_favicon;
pub mod chrome_history;
mod common;
pub mod configuration_profiles;
pub mod contacts;
pub mod datausage;
pub mod filesystem;
pub mod firefox_favicon;
pub mod firefox_history;
pub mod global_preferences;
pub mod idstatuscache;
pub mod interactionc;
pub mod locationd;
pub mod manifest;
mod multi_db;
mod net_base;
pub mod netusage;
pub mod osanalytics_addaily;
mod plist_json;
pub mod profile_events;
pub mod safari_browserstate;
pub mod safari_favicon;
pub mod safari_history;
pub mod shortcuts;
pub mod shutdownlog;
pub mod sms;
pub mod sms_attachments;
pub mod sysdiagnose;
pub mod tcc;
pub mod version_history;
mod webkit_folders;
pub mod webkit_indexeddb;
pub mod webkit_localstorage;
pub mod webkit_origins;
pub mod webkit_resource_load_statistics;
pub mod webkit_safariviewservice;
pub mod webkit_session_resource_log;
pub mod whatsapp;
pub mod whatsapp_contacts;

use tracehound_core::Module;
use tracehound_evidence::IosSource;

/// A module over iOS evidence.
pub type IosModule = dyn Module<dyn IosSource>;

/// Every iOS module, in the order results list them.
pub static MODULES: &[&IosModule] = &[
    &sms::Sms,
    &datausage::Datausage,
    &manifest::Manifest,
    &backup_info::BackupInfo,
    &configuration_profiles::ConfigurationProfiles,
    &idstatuscache::IdStatusCache,
    &locationd::LocationdClients,
    &osanalytics_addaily::OsAnalyticsAdDaily,
    &whatsapp::Whatsapp,
    &tcc::Tcc,
    &webkit_resource_load_statistics::WebkitResourceLoadStatistics,
    &calls::Calls,
    &safari_history::SafariHistory,
    &interactionc::InteractionC,
    &global_preferences::GlobalPreferences,
    &calendar::Calendar,
    &safari_browserstate::SafariBrowserState,
    &whatsapp_contacts::WhatsappContacts,
    &contacts::Contacts,
    &shortcuts::Shortcuts,
    &applications::Applications,
    &chrome_history::ChromeHistory,
    &chrome_favicon::ChromeFavicon,
    &firefox_history::FirefoxHistory,
    &firefox_favicon::FirefoxFavicon,
    &profile_events::ProfileEvents,
    &sms_attachments::SmsAttachments,
    &webkit_session_resource_log::WebkitSessionResourceLog,
    &filesystem::Filesystem,
    &netusage::Netusage,
    &analytics::Analytics,
    &analytics_ios_versions::AnalyticsIosVersions,
    &cache_files::CacheFiles,
    &safari_favicon::SafariFavicon,
    &shutdownlog::ShutdownLog,
    &version_history::IosVersionHistory,
    &webkit_indexeddb::WebkitIndexedDB,
    &webkit_localstorage::WebkitLocalStorage,
    &webkit_safariviewservice::WebkitSafariViewService,
    &webkit_origins::WebkitOrigins,
];

/// The modules whose slugs are in `names` (all when empty); unknown names are returned as `Err`.
pub fn select(names: &[String]) -> Result<Vec<&'static IosModule>, String> {
    if names.is_empty() {
        return Ok(MODULES.to_vec());
    }
    let mut out = Vec::new();
    for n in names {
        match MODULES
            .iter()
            .find(|m| m.meta().slug == n.as_str() || m.meta().name.eq_ignore_ascii_case(n))
        {
            Some(m) => out.push(*m),
            None => return Err(n.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn slugs_are_unique_and_dependencies_acyclic() {
        let mut seen = HashSet::new();
        for m in MODULES {
            assert!(
                seen.insert(m.meta().slug),
                "duplicate slug {}",
                m.meta().slug
            );
        }
        tracehound_core::runner::order(MODULES).expect("dependency order");
    }
}
