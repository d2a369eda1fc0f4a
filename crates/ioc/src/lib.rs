//! STIX2 indicators for tracehound: loading bundles and matching observables against them.
//!
//! [`IndicatorSet`] loads STIX2 bundles (from files, folders, memory, or the bundles compiled
//! in) and keeps, per file, its indicators, counts and warnings. [`IndicatorMatcher`] indexes a
//! set once and implements [`tracehound_core::Matcher`], the interface the runner uses, in time
//! independent of the number of indicators. [`pattern`] is the STIX pattern parser, public so it
//! can be fuzzed and tested alone.
//!
//! ```
//! use tracehound_core::{Matcher, Observable};
//! use tracehound_ioc::{IndicatorMatcher, IndicatorSet};
//!
//! let bundle = br#"{"type": "bundle", "objects": [
//!     {"type": "indicator", "id": "indicator--1", "pattern": "[domain-name:value = 'evil.com']"}
//! ]}"#;
//! let set = IndicatorSet::load_bytes("example.stix2", bundle).unwrap();
//! let matcher = IndicatorMatcher::new(&set);
//! let mut found = Vec::new();
//! matcher.check(Observable::Url("https://a.evil.com/x"), &mut found);
//! assert_eq!(found[0].indicator.value, "evil.com");
//! ```
#![forbid(unsafe_code)]

mod bundle;
mod error;
mod guess;
mod host;
mod index;
mod load;
mod matcher;
pub mod pattern;
mod source;

pub use error::IocError;
pub use guess::{guess_kinds, ValueKind};
pub use load::{env_paths, IndicatorSet, DEFAULT_COLLECTION, ENV_VAR, MAX_FILE_SIZE};
pub use matcher::IndicatorMatcher;
pub use source::Source;
