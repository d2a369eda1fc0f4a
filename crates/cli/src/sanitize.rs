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

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(for_terminal("plain ünïcode"), "plain ünïcode");
        assert_eq!(for_terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(for_terminal("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(for_terminal("line\nbreak"), "line\\u{a}break");
    }
}
