//! Android forensic modules and parsers.
//!
//! - [`parsers`]: pure functions from text/bytes to records (getprop, ps, settings, packages…),
//!   each counting what it could not understand; fuzzable on their own.
//! - [`androidqf`]: modules over an androidqf acquisition (a folder or zip of command outputs).
//! - Bugreport and `adb backup` modules plug in through [`BUGREPORT_MODULES`] and
//!   [`BACKUP_MODULES`]; inside an androidqf acquisition they reach the nested `bugreport.zip` and
//!   `backup.ab` through [`AndroidSource::bugreport`] and [`AndroidSource::backup`].
//!
//! Every module implements [`Module`] over [`AndroidSource`], yields typed records, and leaves
//! indicator matching to the runner.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod age_file;
pub mod androidqf;
pub mod backup;
pub mod bugreport;
pub mod intrusion;
pub mod parsers;
pub mod source;

pub use source::{AndroidAcquisition, AndroidSource, BackupDecoder, FoundEntry};

use tracehound_core::Module;

/// A module over Android evidence.
pub type AndroidModule = dyn Module<dyn AndroidSource>;

/// Modules over an androidqf acquisition's own files, in MVT's order.
pub static ANDROIDQF_MODULES: &[&AndroidModule] = androidqf::MODULES;

/// Modules over a bugreport (an `adb bugreport` zip, or the `bugreport.zip` of an androidqf
/// acquisition).
pub static BUGREPORT_MODULES: &[&AndroidModule] = bugreport::MODULES;

/// Modules over an `adb backup` (a `.ab` file, or the `backup.ab` of an androidqf acquisition).
pub static BACKUP_MODULES: &[&AndroidModule] = backup::MODULES;

/// Modules over Android 16 intrusion logs.
pub static INTRUSION_LOGS_MODULES: &[&AndroidModule] = intrusion::MODULES;

/// The modules of `all` whose slug or name is in `names` (all when empty); an unknown name is
/// returned as `Err`.
pub fn select<'m>(
    all: &[&'m AndroidModule],
    names: &[String],
) -> Result<Vec<&'m AndroidModule>, String> {
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|m| m.meta().slug == n.as_str() || m.meta().name.eq_ignore_ascii_case(n))
                .copied()
                .ok_or_else(|| n.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn slugs_are_unique_and_dependencies_acyclic() {
        for list in [
            ANDROIDQF_MODULES,
            BUGREPORT_MODULES,
            BACKUP_MODULES,
            INTRUSION_LOGS_MODULES,
        ] {
            let mut seen = HashSet::new();
            for m in list {
                assert!(
                    seen.insert(m.meta().slug),
                    "duplicate slug {}",
                    m.meta().slug
                );
            }
            tracehound_core::runner::order(list).expect("dependency order");
        }
    }
}
