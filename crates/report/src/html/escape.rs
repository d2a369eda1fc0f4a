//! Escaping for the HTML report. Every string from evidence is attacker-controlled (a message
//! body, a process name, a file path), so nothing reaches the page without passing through one
//! of these functions, each for one context:
//! - [`text`]: element content (`&`, `<`, `>` and quotes, so it is also safe in attributes);
//! - [`attr`]: a double-quoted attribute value (the same set);
//! - [`ScriptJson`]: JSON inside `<script type="application/json">`, where the HTML parser only
//!   looks for `</script` and `<!--`: every `<`, `>` and `&` is written as a JSON `\u` escape, so
//!   neither can appear, and `JSON.parse` gives back the original string.
//!
//! Control characters other than tab and newline are replaced by U+FFFD in text and attributes
//! (they are invalid in HTML and can hide content); bidi overrides are kept but rendered inside
//! elements with `unicode-bidi: isolate` by the style sheet.

use std::fmt::Write as _;
use std::io::{self, Write};

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Appends `s` escaped for element content.
pub fn text_into(out: &mut String, s: &str) {
    escape_into(out, s);
}

/// `s` escaped for element content.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// `s` escaped for a double-quoted attribute value.
pub fn attr(s: &str) -> String {
    text(s)
}

/// Writes `value` as JSON safe to embed in `<script type="application/json">`.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut buf = ScriptJson(Vec::new());
    // Serializing plain data into memory cannot fail; an error would leave `null`.
    if serde_json::to_writer(&mut buf, value).is_err() {
        return "null".into();
    }
    String::from_utf8(buf.0).unwrap_or_else(|_| "null".into())
}

/// A writer that escapes `<`, `>` and `&` as JSON `\u` escapes while passing JSON through.
/// These bytes are ASCII, so replacing them byte by byte never splits a UTF-8 sequence, and in
/// JSON they can only occur inside strings, where the escapes mean the same characters.
pub struct ScriptJson<W: Write>(pub W);

impl<W: Write> Write for ScriptJson<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, b) in buf.iter().enumerate() {
            let rep: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(rep)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Shortens `s` to at most `max` characters, marking the cut.
pub fn truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((i, _)) => {
            let mut out = s[..i].to_string();
            let _ = write!(out, "… [{} more characters]", s.chars().count() - max);
            out.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_escape_markup_and_quotes() {
        assert_eq!(
            text("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(attr("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
        assert_eq!(
            text("a\u{0}b\u{1b}[31m\tc\n"),
            "a\u{FFFD}b\u{FFFD}[31m\tc\n"
        );
        assert_eq!(text("é 日本 🙂"), "é 日本 🙂");
    }

    #[test]
    fn script_json_cannot_close_the_script_or_open_a_comment() {
        let evil = "</script><script>document.title='pwned'</script><!-- </SCRIPT x";
        let out = json_for_script(&serde_json::json!({ "d": evil, "k<": [1, "&amp;"] }));
        assert!(!out.contains('<'), "{out}");
        assert!(!out.contains('>'), "{out}");
        assert!(!out.contains('&'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["d"], evil);
        assert_eq!(back["k<"][1], "&amp;");
    }

    #[test]
    fn script_json_streams_in_pieces() {
        let mut w = ScriptJson(Vec::new());
        w.write_all(b"\"a<").unwrap();
        w.write_all(b"/b>&\"").unwrap();
        assert_eq!(
            String::from_utf8(w.0).unwrap(),
            "\"a\\u003c/b\\u003e\\u0026\""
        );
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("ééééé", 2), "éé… [3 more characters]");
    }
}
