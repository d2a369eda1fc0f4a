//! Streaming access to `dumpstate` / `dumpsys` text: lines of bounded length, and the section a
//! parser wants, read without holding the rest of the file.
//!
//! A bugreport's main entry (`dumpstate-*.txt`, named by `main_entry.txt`; Android 7+) and
//! androidqf's `dumpsys.txt` are concatenations of sections:
//! - `DUMP OF SERVICE <name>:` … up to the next line of 78 dashes (one per `dumpsys` service);
//! - `------ SYSTEM PROPERTIES (getprop) ------` … up to the next `------` heading (commands).
//!
//! dumpstate prints a section's timing line (`--------- 0.053s was the duration of …`) when the
//! section *finishes*, which can land inside another one: it never ends a section. Both the
//! section and each line are size-bounded, so a 1 GiB file without a newline costs a few MiB:
//! an over-long line is skipped and counted, a section past [`MAX_SECTION`] is cut and flagged.

use std::io::{self, BufRead};

/// Longest line kept, in bytes; longer lines are skipped and counted as not understood.
pub const MAX_LINE: usize = 1 << 20;
/// Largest section kept, in bytes; the rest is dropped and the section marked truncated.
pub const MAX_SECTION: usize = 256 << 20;

/// The line of dashes that ends a `dumpsys` service section.
const DELIMITER: &[u8] =
    b"------------------------------------------------------------------------------";

/// One line from [`for_each_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// A line (without its `\n` or `\r\n`).
    Text(&'a [u8]),
    /// A line longer than the limit, skipped; its length in bytes.
    TooLong(u64),
}

/// Calls `f` on each line of `reader`, keeping at most `max` bytes of any line in memory.
/// `f` returns `false` to stop early. Accepts `\n` and `\r\n`.
pub fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    max: usize,
    mut f: impl FnMut(Line<'_>) -> bool,
) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    // Bytes of the current line seen while it is too long (0 when it is not).
    let mut skipped: u64 = 0;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        let (part, newline) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        let used = part.len() + usize::from(newline);
        if skipped > 0 || buf.len() + part.len() > max {
            skipped += (buf.len() + part.len()) as u64;
            buf.clear();
        } else {
            buf.extend_from_slice(part);
        }
        reader.consume(used);
        if newline {
            let go_on = if skipped > 0 {
                f(Line::TooLong(skipped))
            } else {
                f(Line::Text(buf.strip_suffix(b"\r").unwrap_or(&buf)))
            };
            buf.clear();
            skipped = 0;
            if !go_on {
                return Ok(());
            }
        }
    }
    if skipped > 0 {
        f(Line::TooLong(skipped));
    } else if !buf.is_empty() {
        f(Line::Text(buf.strip_suffix(b"\r").unwrap_or(&buf)));
    }
    Ok(())
}

/// Which section to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading<'a> {
    /// `DUMP OF SERVICE <name>:` (give the whole line, e.g. `DUMP OF SERVICE package:`).
    Service(&'a str),
    /// A dumpstate command section whose heading line starts with this (e.g.
    /// `------ SYSTEM PROPERTIES`).
    Command(&'a str),
}

/// A section as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Whether the heading was found.
    pub found: bool,
    /// The section's lines, each followed by `\n` (bytes: some services print binary data).
    pub bytes: Vec<u8>,
    /// Lines of the section skipped because they were longer than [`MAX_LINE`].
    pub too_long: u64,
    /// Lines dropped because the section grew past [`MAX_SECTION`].
    pub dropped: u64,
}

impl Section {
    /// The section as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Lines of the section that no parser saw (too long, or past the size limit).
    pub fn lost(&self) -> u64 {
        self.too_long + self.dropped
    }
}

/// `--------- 0.053s was the duration of …`: a timing line, not a section boundary.
pub fn is_duration_line(t: &[u8]) -> bool {
    let dashes = t.iter().take_while(|&&b| b == b'-').count();
    if dashes < 3 {
        return false;
    }
    let rest = trim(&t[dashes..]);
    let digits = rest
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    rest.first() == Some(&b's')
        && trim(&rest[1..])
            .get(..19)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"was the duration of"))
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let end = b.len()
        - b.iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    b.get(start..end.max(start)).unwrap_or_default()
}

/// Reads `reader` up to the end of the first section under `heading` and returns it.
pub fn extract_section<R: BufRead + ?Sized>(
    reader: &mut R,
    heading: Heading<'_>,
) -> io::Result<Section> {
    extract_section_with(reader, heading, MAX_LINE, MAX_SECTION)
}

/// [`extract_section`] with explicit limits (for tests).
pub fn extract_section_with<R: BufRead + ?Sized>(
    reader: &mut R,
    heading: Heading<'_>,
    max_line: usize,
    max_section: usize,
) -> io::Result<Section> {
    let mut s = Section::default();
    for_each_line(reader, max_line, |line| {
        let Line::Text(l) = line else {
            if s.found {
                s.too_long += 1;
            }
            return true;
        };
        let t = trim(l);
        if !s.found {
            s.found = match heading {
                Heading::Service(h) => t == h.as_bytes(),
                Heading::Command(h) => t.starts_with(h.as_bytes()),
            };
            return true;
        }
        match heading {
            Heading::Service(_) if t.starts_with(DELIMITER) => return false,
            // A timing line inside a command section is dropped, not a boundary.
            Heading::Command(_) if t.starts_with(b"------") => {
                return is_duration_line(t);
            }
            _ => {}
        }
        if s.bytes.len() + l.len() + 1 > max_section {
            s.dropped += 1;
        } else {
            s.bytes.extend_from_slice(l);
            s.bytes.push(b'\n');
        }
        true
    })?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "junk\r\n\
-------------------------------------------------------------------------------\r\n\
DUMP OF SERVICE a:\r\n\
a1\r\n\
--------- 0.002s was the duration of dumpsys b, ending at: 2022-03-29\r\n\
a2\r\n\
-------------------------------------------------------------------------------\r\n\
DUMP OF SERVICE b:\n\
b1\n\
------ SYSTEM PROPERTIES (getprop) ------\n\
[x]: [1]\n\
--------- 0.1s was the duration of 'X' ------\n\
[y]: [2]\n\
------ NEXT ------\n";

    fn sec(h: Heading<'_>) -> Section {
        extract_section(&mut DUMP.as_bytes(), h).unwrap()
    }

    #[test]
    fn sections() {
        assert_eq!(
            sec(Heading::Service("DUMP OF SERVICE a:")).text(),
            "a1\n--------- 0.002s was the duration of dumpsys b, ending at: 2022-03-29\na2\n"
        );
        let b = sec(Heading::Service("DUMP OF SERVICE b:"));
        assert!(b.text().starts_with("b1\n------ SYSTEM"));
        let p = sec(Heading::Command("------ SYSTEM PROPERTIES"));
        assert_eq!(p.text(), "[x]: [1]\n[y]: [2]\n");
        let none = sec(Heading::Service("DUMP OF SERVICE zzz:"));
        assert!(!none.found && none.bytes.is_empty());
    }

    #[test]
    fn long_lines_and_limits() {
        let text = format!(
            "DUMP OF SERVICE a:\n{}\nok\n{}",
            "x".repeat(50),
            "y".repeat(70)
        );
        let s = extract_section_with(
            &mut text.as_bytes(),
            Heading::Service("DUMP OF SERVICE a:"),
            40,
            1000,
        )
        .unwrap();
        assert_eq!((s.text().as_ref(), s.too_long), ("ok\n", 2));
        let s = extract_section_with(
            &mut "DUMP OF SERVICE a:\n1\n22\n333\n".as_bytes(),
            Heading::Service("DUMP OF SERVICE a:"),
            40,
            5,
        )
        .unwrap();
        assert_eq!((s.text().as_ref(), s.dropped), ("1\n22\n", 1));
    }

    #[test]
    fn small_reader_buffers() {
        let mut r = io::BufReader::with_capacity(3, DUMP.as_bytes());
        let p = extract_section(&mut r, Heading::Command("------ SYSTEM PROPERTIES")).unwrap();
        assert_eq!(p.text(), "[x]: [1]\n[y]: [2]\n");
    }

    #[test]
    fn durations() {
        assert!(is_duration_line(
            b"--------- 0.053s was the duration of dumpsys appops"
        ));
        assert!(is_duration_line(b"--- 12s WAS THE DURATION OF x"));
        assert!(!is_duration_line(b"------ SYSTEM PROPERTIES ------"));
    }
}
