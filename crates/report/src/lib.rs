//! Result writers. Modules never write files; writers never parse evidence.
//!
//! # Results folder (the layout MVT's users know)
//! - `<module>.json`: all records of a module that produced any, as a JSON array (4-space
//!   indent). Field names follow MVT's where MVT has the module.
//! - `<module>_detected.json`: that module's alerts, each with its record (`event`).
//! - `alerts.json`: every alert: `level` (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL),
//!   `module`, `message`, `event_time` (`YYYY-MM-DD HH:MM:SS.ffffff` UTC or `""`), `event` (the
//!   record), `matched_indicator` (`{value, type, name, stix2_file_name}` or `null`).
//! - `timeline.jsonl` (with `TimelineFormat::Jsonl` or `Both`, instead of or beside
//!   `timeline.csv`): the same events as JSON Lines for Timesketch; see [`timesketch`].
//! - `timeline.csv`: `"UTC Timestamp","Plugin","Event","Description"`, every event of every
//!   module, timestamps RFC 3339 UTC (`2021-12-03T19:33:13.000000Z`), sorted by time, then
//!   module name, then record and event order; identical events are written once; events
//!   without a time come first with an empty timestamp.
//! - `alerts_timeline.csv`: `"Event Time","Module","Message","Event","Level"`, one row per alert
//!   (alerts without a time included, first), `Event` being the record as compact JSON.
//! - `urls.json` (when messages carry links): `[{url, expanded_url, timestamp, source}]`, the
//!   links of SMS and WhatsApp messages in module and record order, as MVT writes it;
//!   `expanded_url` is set where `--resolve-short-urls` expanded the link.
//! - `info.json`: see [`info::RunInfo`].
//! - `command.log`: the run's log lines.
//! - `report.html` (with `tracehound report`, or wherever `--report` says): see [`html`].
//!
//! The folder is written under a temporary name beside its destination and renamed into place
//! when complete, so it is either absent, the previous one, or whole.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod html;
pub mod info;
pub mod output;
pub mod recheck;
pub mod stored;
pub mod timesketch;
pub mod writers;

pub use info::{FileHash, IndicatorSourceInfo, ModuleInfo, RunInfo, ShortUrlExpansion};
pub use output::{OutputDir, OutputError};
pub use timesketch::{TimelineFormat, WriteOptions};
pub use writers::write_staged;
