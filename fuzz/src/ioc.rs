//! STIX2: the pattern parser (parse → write → parse round trip) and bundle loading (counts
//! that add up).

use std::collections::HashSet;
use tracehound_core::{Matcher, Observable};
use tracehound_ioc::pattern::{classify, parse_pattern};
use tracehound_ioc::{IndicatorMatcher, IndicatorSet};

/// Writes comparisons back as a pattern, one observation each, joined by `OR`.
fn write_pattern(comparisons: &[(String, String)]) -> String {
    let parts: Vec<String> = comparisons
        .iter()
        .map(|(p, v)| {
            let v = v.replace('\\', "\\\\").replace('\'', "\\'");
            format!("[{p} = '{v}']")
        })
        .collect();
    parts.join(" OR ")
}

pub fn stix_pattern(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cs) = parse_pattern(src) else {
        return;
    };
    let first: Vec<(String, String)> = cs
        .iter()
        .map(|c| {
            assert!(src.get(c.offset..).is_some_and(|r| r.starts_with(c.path)));
            let _ = classify(c);
            (c.path.to_string(), c.value.to_string())
        })
        .collect();
    if first.is_empty() {
        return;
    }
    let written = write_pattern(&first);
    let again =
        parse_pattern(&written).unwrap_or_else(|e| panic!("re-parse of {written:?} failed: {e}"));
    let second: Vec<(String, String)> = again
        .iter()
        .map(|c| (c.path.to_string(), c.value.to_string()))
        .collect();
    assert_eq!(first, second, "round trip through {written:?}");
}

pub fn stix_bundle(data: &[u8]) {
    let Ok(set) = IndicatorSet::load_bytes("fuzz.stix2", data) else {
        return;
    };
    assert_eq!(set.sources().len(), 1);
    let src = &set.sources()[0];
    let counted: usize = src.counts.values().sum();
    assert_eq!(counted, src.indicators.len(), "per-kind counts add up");
    assert_eq!(set.len(), src.indicators.len());
    let names: HashSet<&str> = src.malware_names.iter().map(String::as_str).collect();
    assert_eq!(
        names.len(),
        src.malware_names.len(),
        "collection names unique"
    );
    let mut seen = HashSet::new();
    for ind in &src.indicators {
        assert!(!ind.value.is_empty());
        assert!(names.contains(ind.name.as_str()), "{} not listed", ind.name);
        assert!(seen.insert((ind.name.clone(), ind.kind, ind.value.clone())));
    }
    let m = IndicatorMatcher::new(&set);
    let mut out = Vec::new();
    for ind in src.indicators.iter().take(16) {
        m.check(Observable::Domain(&ind.value), &mut out);
        m.check(Observable::Url(&ind.value), &mut out);
        m.check(Observable::Text(&ind.value), &mut out);
    }
}
