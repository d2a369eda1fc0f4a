//! JSON arrays of objects as androidqf writes them (`packages.json`, `files.json`,
//! `root_binaries.json`, `mounts.json`), read tolerantly: a whole array; an array cut short
//! (the items before the cut are kept, the cut counts as one failure); or one value per line
//! (JSON Lines, which some androidqf versions wrote for `files.json`).
//!
//! Items come back as raw JSON text, so records can be written out exactly as the phone's
//! tools wrote them: integers too large for 64 bits (certificate serial numbers) keep every
//! digit instead of becoming floats.

use super::Parsed;
use serde_json::value::RawValue;
use serde_json::Value;

/// One item of an array, as written.
pub type RawItem = Box<RawValue>;

/// An item parsed into a [`Value`] (integers past 64 bits become floats here).
pub fn value(item: &RawValue) -> Value {
    serde_json::from_str(item.get()).unwrap_or(Value::Null)
}

/// The items of a JSON array, or of JSON Lines.
pub fn array_items(text: &str) -> Parsed<RawItem> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    match t.strip_prefix('[') {
        Some(rest) => array(rest),
        None => json_lines(t),
    }
}

fn skip_ws(s: &str, pos: usize) -> usize {
    let rest = s.get(pos..).unwrap_or_default();
    pos + (rest.len() - rest.trim_start().len())
}

fn array(s: &str) -> Parsed<RawItem> {
    let mut out = Parsed::default();
    let mut pos = skip_ws(s, 0);
    if s.get(pos..).is_some_and(|r| r.starts_with(']')) {
        return trailing(out, s, pos + 1);
    }
    loop {
        let rest = s.get(pos..).unwrap_or_default();
        let mut items = serde_json::Deserializer::from_str(rest).into_iter::<RawItem>();
        match items.next() {
            Some(Ok(v)) => {
                out.records.push(v);
                pos += items.byte_offset();
            }
            Some(Err(e)) => {
                let at = pos;
                out.fail(|| format!("item at byte {at}: {e}"));
                return out;
            }
            None => {
                out.fail(|| "array cut short (no closing `]`)".to_string());
                return out;
            }
        }
        pos = skip_ws(s, pos);
        match s.get(pos..).and_then(|r| r.chars().next()) {
            Some(',') => pos = skip_ws(s, pos + 1),
            Some(']') => return trailing(out, s, pos + 1),
            None => {
                out.fail(|| "array cut short (no closing `]`)".to_string());
                return out;
            }
            Some(c) => {
                out.fail(|| format!("unexpected {c:?} between items at byte {pos}"));
                return out;
            }
        }
    }
}

fn trailing(mut out: Parsed<RawItem>, s: &str, pos: usize) -> Parsed<RawItem> {
    if !s.get(pos..).unwrap_or_default().trim().is_empty() {
        out.fail(|| format!("text after the closing `]` at byte {pos}"));
    }
    out
}

fn json_lines(t: &str) -> Parsed<RawItem> {
    let mut out = Parsed::default();
    for (n, line) in super::lines(t).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<RawItem>(line) {
            Ok(v) => out.records.push(v),
            Err(e) => out.fail(|| format!("line {}: {e}", n + 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_truncated_and_lines() {
        let p = array_items("[{\"a\":1}, {\"a\":2}]");
        assert_eq!((p.records.len(), p.failed), (2, 0));
        let p = array_items("[{\"a\":1}, {\"a\":2}, {\"a\":");
        assert_eq!((p.records.len(), p.failed), (2, 1));
        let p = array_items("[{\"a\":1}, {\"a\":2}");
        assert_eq!((p.records.len(), p.failed), (2, 1));
        let p = array_items("{\"a\":1}\r\n\r\nnot json\n{\"a\":2}\n");
        assert_eq!((p.records.len(), p.failed), (2, 1));
        let p = array_items("[]");
        assert_eq!((p.records.len(), p.failed), (0, 0));
        let p = array_items("[1 2]");
        assert_eq!((p.records.len(), p.failed), (1, 1));
        let p = array_items("");
        assert_eq!((p.records.len(), p.failed), (0, 0));
        let p = array_items("[{\"n\": 955466096586930338769951715633687128507538251257}]");
        assert_eq!(
            p.records[0].get(),
            "{\"n\": 955466096586930338769951715633687128507538251257}"
        );
    }
}
