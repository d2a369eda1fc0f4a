//! Fuzz targets for tracehound's pure parsers. Each function takes the fuzzer's bytes, runs one
//! parser, and asserts invariants beyond "no panic": round trips, counts that add up, bounds
//! that hold. The `fuzz_targets/` binaries are one line each, calling these.

mod android;
mod evidence;
mod ioc;
mod ios;

pub use android::*;
pub use evidence::*;
pub use ioc::*;
pub use ios::*;

/// The non-blank lines of `text`, as the line-oriented parsers count them.
pub(crate) fn nonblank_lines(text: &str) -> u64 {
    text.lines().filter(|l| !l.trim().is_empty()).count() as u64
}

/// Every line of `text` (`\n`-separated), blank or not.
pub(crate) fn all_lines(text: &str) -> u64 {
    text.split('\n').count() as u64
}

/// Invariants of any `Parsed` result: at most `MAX_WARNINGS` described, never more described
/// than counted, and the records serialize to JSON.
pub(crate) fn check_parsed<T: serde::Serialize>(p: &tracehound_android::parsers::Parsed<T>) {
    use tracehound_android::parsers::MAX_WARNINGS;
    assert!(p.warnings.len() <= MAX_WARNINGS);
    assert!(p.warnings.len() as u64 <= p.failed);
    serde_json::to_string(&p.records).expect("records serialize");
}
