//! The evidence model every tracehound crate shares.
//!
//! A forensic [`module::Module`] reads one artefact from an acquisition and yields typed
//! records. Each record type implements [`record::Record`]: it lists the observables it carries
//! (URLs, domains, process names, …) and its timeline events. Indicator matching is written once,
//! in the runner, against the [`matcher::Matcher`] trait that the `ioc` crate implements, so
//! modules never depend on the indicator engine.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod alert;
pub mod matcher;
pub mod module;
pub mod observable;
pub mod record;
pub mod runner;
pub mod text;
pub mod timestamp;

pub use alert::{Alert, Level};
pub use matcher::{IndicatorMatch, IndicatorRef, Matcher, NoIndicators};
pub use module::{
    AcquisitionKind, InputFile, Module, ModuleError, ModuleMeta, ModuleOutput, ParseStats, Platform,
};
pub use observable::Observable;
pub use record::{Record, RecordSet, TimelineEvent, TimelineKey};
pub use timestamp::Timestamp;
