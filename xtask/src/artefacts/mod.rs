//! One writer per artefact. Each creates its file(s) in the backup, plants the indicators
//! addressed to its module, and reports how many records MVT will extract from it.

pub mod address_book;
pub mod applications;
pub mod calendar;
pub mod calls;
pub mod chrome;
pub mod datausage;
pub mod firefox;
pub mod global_preferences;
pub mod interaction_c;
pub mod plists;
pub mod profile_events;
pub mod profiles;
pub mod safari_browser_state;
pub mod safari_history;
pub mod session_log;
pub mod shortcuts;
pub mod sms;
pub mod sms_attachments;
pub mod tcc;
pub mod webkit;
pub mod whatsapp;

use crate::plant::Plant;

/// A URL carrying a planted `domain-name` or `url` indicator.
pub fn planted_url(p: &Plant, path: &str) -> String {
    match p.kind.as_str() {
        "url" => p.value.clone(),
        _ => format!("https://{}/{path}", p.value),
    }
}
