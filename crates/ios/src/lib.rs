//! iOS forensic modules: one file per artefact.
//!
//! Each module implements [`Module`] over any [`IosSource`] (a backup now; full-filesystem
//! dumps later), yields typed records, and leaves indicator matching to the runner.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod common;
pub mod sms;

use tracehound_core::Module;
use tracehound_evidence::IosSource;

/// A module over iOS evidence.
pub type IosModule = dyn Module<dyn IosSource>;

/// Every iOS module, in the order results list them.
pub static MODULES: &[&IosModule] = &[&sms::Sms];

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
