//! One writer per artefact. Each creates its file(s) in the backup, plants the indicators
//! addressed to its module, and reports how many records MVT will extract from it.

pub mod calls;
pub mod datausage;
pub mod interaction_c;
pub mod plists;
pub mod profiles;
pub mod safari_history;
pub mod sms;
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
