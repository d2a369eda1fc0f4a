//! Making evidence strings safe to print on a terminal.
//!
//! Strings from a phone are attacker-controlled: escape sequences could rewrite the analyst's
//! screen and bidirectional overrides could disguise a name. Control characters, bidi controls
//! and other invisible format characters are shown as `\u{…}` escapes.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// `s` with control, bidi and invisible format characters escaped.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with the characters [`for_terminal`] escapes written as `\uXXXX` escapes: still
/// the same JSON (they can only occur inside strings), but safe to print. serde_json already
/// escapes C0 controls; DEL, C1 controls (`U+009B` is a one-character CSI on some terminals)
/// and bidi controls it leaves as they are.
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    // JSON's own whitespace between tokens stays (inside strings serde escapes it).
    let unsafe_in_json = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if unsafe_in_json(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{for_terminal, json_for_terminal};

    #[test]
    fn json_stays_json() {
        let v = serde_json::json!({"a": "x\u{9b}2J\u{202e}y\u{1b}z\u{7f}"});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_for_terminal(&text);
        assert!(safe.contains('\n'), "layout kept: {safe}");
        assert!(
            !safe.replace('\n', "").chars().any(super::is_unsafe),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(for_terminal("plain ünïcode"), "plain ünïcode");
        assert_eq!(for_terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(for_terminal("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(for_terminal("line\nbreak"), "line\\u{a}break");
    }
}
