//! The report's sections, each a typed value rendered in page order: [`verdict::Verdict`] (and
//! what could not be checked), [`detections::Detections`], [`timeline::TimelineSection`],
//! [`tables::ModuleTables`], [`about::About`].

pub mod about;
pub mod detections;
pub mod tables;
pub mod timeline;
pub mod verdict;

use super::builder::Html;
use super::escape::truncate;
use serde_json::Value;

/// A section of the page.
pub trait Section {
    /// Appends the section's markup.
    fn render(&self, h: &mut Html);
}

/// Plain-language meaning of each level, as the README explains them.
pub fn level_meaning(level: &str) -> &'static str {
    match level {
        "CRITICAL" => {
            "Matches a published indicator of compromise (a domain, process, file or app tied to \
             spyware). A strong lead, not yet a conclusion."
        }
        "HIGH" => "Strongly suspicious finding from a heuristic. Needs an analyst's review.",
        "MEDIUM" => "Suspicious finding from a heuristic. Often innocent; review it in context.",
        "LOW" => "Unusual, worth a look in context. Not a sign of compromise on its own.",
        _ => "Context (for example Lockdown Mode being on). Not a sign of compromise.",
    }
}

/// The CSS class of a level (`lvl-critical`…).
pub fn level_class(level: &str) -> &'static str {
    match level {
        "CRITICAL" => "lvl lvl-critical",
        "HIGH" => "lvl lvl-high",
        "MEDIUM" => "lvl lvl-medium",
        "LOW" => "lvl lvl-low",
        _ => "lvl lvl-info",
    }
}

/// A level badge.
pub fn badge(h: &mut Html, level: &str) {
    h.text_el("span", &[("class", level_class(level))], level);
}

/// A record field's value as one line of text: strings as they are, other values as compact
/// JSON, cut at `max` characters.
pub fn value_text(v: &Value, max: usize) -> String {
    match v {
        Value::String(s) => truncate(s, max).into_owned(),
        Value::Null => String::new(),
        other => truncate(&other.to_string(), max).into_owned(),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// `n thing` or `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(300000), "300,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(plural(1, "record", "records"), "1 record");
        assert_eq!(plural(2, "record", "records"), "2 records");
    }
}
