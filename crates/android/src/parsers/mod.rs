//! Pure parsers: text or bytes in, records and a count of what was not understood out. They
//! never panic and never drop input silently: every line or entry they skip is counted in
//! [`Parsed::failed`] and the first few are described in [`Parsed::warnings`].

pub mod accessibility;
pub mod adb;
pub mod appops;
pub mod battery_daily;
pub mod battery_history;
pub mod dbinfo;
pub mod dumpstate;
pub mod dumpsys_package;
pub mod files;
pub mod getprop;
pub mod intrusion;
pub mod json;
pub mod mounts;
pub mod packages;
pub mod platform_compat;
pub mod ps;
pub mod resolvers;
pub mod root_binaries;
pub mod settings;
pub mod sms_backup;
pub mod tombstone;
pub mod tombstone_pb;

/// What a parser returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// Records understood.
    pub records: Vec<T>,
    /// Lines or entries that could not be understood.
    pub failed: u64,
    /// The first few of them, described (at most [`MAX_WARNINGS`]).
    pub warnings: Vec<String>,
}

/// At most this many not-understood lines are described one by one.
pub const MAX_WARNINGS: usize = 20;

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            records: Vec::new(),
            failed: 0,
            warnings: Vec::new(),
        }
    }
}

impl<T> Parsed<T> {
    /// Counts one thing not understood, described by `what` (only the first few are kept).
    pub fn fail(&mut self, what: impl FnOnce() -> String) {
        self.failed += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(what());
        }
    }
}

/// Splits text into lines, accepting `\n`, `\r\n` and stray `\r`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// Decodes bytes as UTF-8, replacing invalid sequences (never dropping the line).
pub fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}
