//! `--redact`: a shareable report without message bodies, contact names and phone numbers.
//!
//! Redaction is defined on record field names, per module, in [`REDACTED_FIELDS`] (the one
//! place to extend). In records (tables and each alert's evidence) those fields' values become
//! `[redacted]`, at any depth. Free text elsewhere — timeline descriptions, alert messages and
//! the other fields of records — is cleaned by value: every string found under a redacted field
//! of any record is looked for (with its lines, and with newlines written `\n` as the SMS
//! timeline writes them) and replaced where it stands as a whole word. Values equal to a matched
//! indicator are kept: indicators are public and they are the finding. When the private text is
//! too large to search for ([`MAX_PATTERN_BYTES`]), timeline descriptions are hidden whole.

use aho_corasick::AhoCorasick;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;

mod fields;
pub use fields::{is_redacted_field, REDACTED_FIELDS};

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Above this many bytes of private strings, timeline descriptions are hidden whole.
pub const MAX_PATTERN_BYTES: usize = 8 << 20;

/// Shorter strings are not searched for in free text (they would match everywhere); their
/// fields are still redacted.
const MIN_PATTERN_CHARS: usize = 3;

/// Collects the private strings of a run's records, then redacts records and free text.
/// Disabled, it changes nothing.
pub struct Redactor {
    enabled: bool,
    keep: HashSet<String>,
    patterns: HashSet<String>,
    bytes: usize,
    matcher: Option<AhoCorasick>,
    overflow: bool,
}

impl Redactor {
    /// A redactor; `enabled` false makes every method a no-op.
    pub fn new(enabled: bool) -> Self {
        Redactor {
            enabled,
            keep: HashSet::new(),
            patterns: HashSet::new(),
            bytes: 0,
            matcher: None,
            overflow: false,
        }
    }

    /// Whether redaction is on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// True when free text could not be searched and timeline descriptions are hidden.
    pub fn descriptions_hidden(&self) -> bool {
        self.enabled && self.overflow
    }

    /// Never treat `value` (a matched indicator) as private text.
    pub fn keep(&mut self, value: &str) {
        if self.enabled {
            self.keep.insert(value.trim().to_lowercase());
        }
    }

    /// Gathers the private strings of one record of `module`.
    pub fn collect(&mut self, module: &str, record: &Value) {
        if !self.enabled {
            return;
        }
        match record {
            Value::Object(map) => {
                for (k, v) in map {
                    if is_redacted_field(module, k) {
                        self.collect_leaves(v);
                    } else {
                        self.collect(module, v);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect(module, v)),
            _ => {}
        }
    }

    fn collect_leaves(&mut self, v: &Value) {
        match v {
            Value::String(s) => {
                self.add(s);
                if s.contains('\n') {
                    self.add(&s.replace('\n', "\\n"));
                    for line in s.lines() {
                        self.add(line);
                    }
                }
            }
            Value::Number(n) => {
                let s = n.to_string();
                if s.len() >= 5 {
                    self.add(&s);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect_leaves(v)),
            Value::Object(map) => map.values().for_each(|v| self.collect_leaves(v)),
            _ => {}
        }
    }

    fn add(&mut self, s: &str) {
        let s = s.trim();
        if s.chars().count() < MIN_PATTERN_CHARS || self.overflow {
            return;
        }
        if matches!(
            s.to_ascii_lowercase().as_str(),
            "none" | "null" | "true" | "false" | "unknown"
        ) {
            return;
        }
        if self.patterns.insert(s.to_string()) {
            self.bytes += s.len();
            if self.bytes > MAX_PATTERN_BYTES {
                self.overflow = true;
                self.patterns.clear();
            }
        }
    }

    /// Builds the search for private text; call after the last [`Redactor::collect`].
    pub fn finish(&mut self) {
        if !self.enabled || self.overflow {
            return;
        }
        let keep = &self.keep;
        let patterns: Vec<&String> = self
            .patterns
            .iter()
            .filter(|p| !keep.contains(&p.to_lowercase()))
            .collect();
        if patterns.is_empty() {
            return;
        }
        self.matcher = AhoCorasick::new(patterns).ok();
        if self.matcher.is_none() {
            self.overflow = true;
        }
    }

    /// `s` with private strings replaced (unchanged when disabled).
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let Some(ac) = self.matcher.as_ref().filter(|_| self.enabled) else {
            return s.into();
        };
        let mut spans: Vec<(usize, usize)> = ac
            .find_overlapping_iter(s)
            .map(|m| (m.start(), m.end()))
            .filter(|&(a, b)| whole_word(s, a, b))
            .collect();
        if spans.is_empty() {
            return s.into();
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (a, b) in spans {
            if b <= pos {
                continue;
            }
            if a >= pos {
                out.push_str(s.get(pos..a).unwrap_or_default());
                out.push_str(REDACTED);
            }
            pos = b;
        }
        out.push_str(s.get(pos..).unwrap_or_default());
        out.into()
    }

    /// A timeline description, redacted (hidden whole when free text cannot be searched).
    pub fn description<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.descriptions_hidden() && !s.is_empty() {
            return REDACTED.into();
        }
        self.text(s)
    }

    /// Redacts one record of `module` in place.
    pub fn record(&self, module: &str, record: &mut Value) {
        if !self.enabled {
            return;
        }
        match record {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if is_redacted_field(module, k) {
                        if !v.is_null() && v.as_str() != Some("") {
                            *v = Value::String(REDACTED.into());
                        }
                    } else {
                        self.record(module, v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.record(module, v)),
            Value::String(s) => {
                if let Cow::Owned(r) = self.text(s) {
                    *s = r;
                }
            }
            _ => {}
        }
    }
}

/// A match counts when it does not cut a word: the characters on each side of it are not
/// alphanumeric where the match's own first or last character is.
fn whole_word(s: &str, a: usize, b: usize) -> bool {
    let (Some(before), Some(inner), Some(after)) = (s.get(..a), s.get(a..b), s.get(b..)) else {
        return false;
    };
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let starts = alnum(inner.chars().next()) && alnum(before.chars().next_back());
    let ends = alnum(inner.chars().next_back()) && alnum(after.chars().next());
    !starts && !ends
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor(records: &[(&str, Value)], keep: &[&str]) -> Redactor {
        let mut r = Redactor::new(true);
        for k in keep {
            r.keep(k);
        }
        for (m, rec) in records {
            r.collect(m, rec);
        }
        r.finish();
        r
    }

    #[test]
    fn fields_are_redacted_at_any_depth_and_values_everywhere() {
        let sms = json!({"text": "meet me at 5\nat the café", "phone_number": "+447700900123",
            "service": "SMS", "links": ["https://example.org/x"], "nested": {"handle": "bob"}});
        let calls = json!({"number": "+447700900123", "name": "Alice Example", "location": "UK"});
        let r = redactor(
            &[("sms", sms.clone()), ("calls", calls.clone())],
            &["https://example.org/x"],
        );
        let mut rec = sms;
        r.record("sms", &mut rec);
        assert_eq!(rec["text"], REDACTED);
        assert_eq!(rec["phone_number"], REDACTED);
        assert_eq!(rec["nested"]["handle"], REDACTED);
        assert_eq!(rec["service"], "SMS");
        assert_eq!(rec["links"][0], "https://example.org/x");
        let mut rec = calls;
        r.record("calls", &mut rec);
        assert_eq!(rec["name"], REDACTED);
        assert_eq!(rec["location"], "UK");

        let d = r.description(
            "SMS: 1 \"meet me at 5\\nat the café\" from +447700900123 (E:me); Alice Example called",
        );
        assert_eq!(
            d,
            "SMS: 1 \"[redacted]\" from [redacted] (E:me); [redacted] called"
        );
    }

    #[test]
    fn whole_words_only_and_indicators_kept() {
        let r = redactor(
            &[(
                "calls",
                json!({"name": "Anna", "number": "foobar@example.org"}),
            )],
            &["foobar@example.org"],
        );
        assert_eq!(
            r.text("Annapolis, Anna, anna"),
            "Annapolis, [redacted], anna"
        );
        assert_eq!(
            r.text("mail from foobar@example.org"),
            "mail from foobar@example.org"
        );
        let mut rec = json!({"name": "Anna", "number": "foobar@example.org"});
        r.record("calls", &mut rec);
        assert_eq!(rec["number"], REDACTED, "the field is still redacted");
    }

    #[test]
    fn disabled_changes_nothing_and_overflow_hides_descriptions() {
        let r = redactor(&[], &[]);
        assert_eq!(r.description("anything"), "anything");
        let off = Redactor::new(false);
        let mut rec = json!({"text": "x"});
        off.record("sms", &mut rec);
        assert_eq!(rec["text"], "x");

        let mut big = Redactor::new(true);
        let body = "x".repeat(1 << 20);
        for i in 0..9 {
            big.collect("sms", &json!({ "text": format!("{i}{body}") }));
        }
        big.finish();
        assert!(big.descriptions_hidden());
        assert_eq!(big.description("SMS from Bob"), REDACTED);
        assert_eq!(big.description(""), "");
    }

    #[test]
    fn every_module_in_the_table_is_a_snake_case_slug() {
        for (m, fields) in REDACTED_FIELDS {
            assert!(*m == "*" || m.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(!fields.is_empty());
        }
    }
}
