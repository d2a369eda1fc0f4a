//! Detections: indicator matches and heuristic findings.

use crate::matcher::IndicatorRef;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Alert severity, as MVT names its levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Worth knowing (e.g. Lockdown Mode is on); not a sign of compromise.
    Informational,
    /// Unusual; look at it in context.
    Low,
    /// Suspicious; needs an analyst's review.
    Medium,
    /// Strongly suspicious.
    High,
    /// Matches a published indicator of compromise.
    Critical,
}

impl Level {
    /// Every level, most severe first.
    pub const ALL_DESC: [Level; 5] = [
        Level::Critical,
        Level::High,
        Level::Medium,
        Level::Low,
        Level::Informational,
    ];

    /// The upper-case name used in results.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "INFORMATIONAL",
            Level::Low => "LOW",
            Level::Medium => "MEDIUM",
            Level::High => "HIGH",
            Level::Critical => "CRITICAL",
        }
    }
}

/// One detection about one record of a module.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Severity.
    pub level: Level,
    /// Slug of the module that raised it (filled in by the runner).
    pub module: &'static str,
    /// A sentence saying what was found.
    pub message: String,
    /// When the event happened, if known.
    pub event_time: Option<Timestamp>,
    /// Index of the record it is about, in the module's records.
    pub record: Option<usize>,
    /// The indicator matched, for indicator alerts.
    pub matched_indicator: Option<Arc<IndicatorRef>>,
}

impl Alert {
    /// A heuristic alert (no indicator) about record `record`.
    pub fn heuristic(level: Level, record: usize, message: impl Into<String>) -> Self {
        Alert {
            level,
            module: "",
            message: message.into(),
            event_time: None,
            record: Some(record),
            matched_indicator: None,
        }
    }

    /// Sets the event time.
    pub fn at(mut self, time: Option<Timestamp>) -> Self {
        self.event_time = time;
        self
    }
}
