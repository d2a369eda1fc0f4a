//! Finding links in free text.

/// Returns the `http://` and `https://` links in `text` (case-insensitive scheme), each running
/// to the next whitespace, in order of appearance.
pub fn extract_links(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    let mut i = 0;
    while i + 7 <= bytes.len() {
        let rest = &bytes[i..];
        let scheme_len = if starts_with_ci(rest, b"https://") {
            8
        } else if starts_with_ci(rest, b"http://") {
            7
        } else {
            0
        };
        if scheme_len == 0 || rest.len() == scheme_len {
            i += 1;
            continue;
        }
        // A link needs at least one non-space character after the scheme.
        let end = text[i..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(text.len(), |(j, _)| i + j);
        if end > i + scheme_len {
            links.push(&text[i..end]);
            i = end;
        } else {
            i += scheme_len;
        }
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    links
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

#[cfg(test)]
mod tests {
    use super::extract_links;

    #[test]
    fn finds_links() {
        assert_eq!(
            extract_links("Please click here https://badbadbad.example.org/"),
            vec!["https://badbadbad.example.org/"]
        );
        assert_eq!(
            extract_links("a HTTP://x.y/z b http://q.r\tc https://"),
            vec!["HTTP://x.y/z", "http://q.r"]
        );
        assert!(extract_links("no links, http:// only").is_empty());
        assert_eq!(
            extract_links("é https://ü.example/ä ok"),
            vec!["https://ü.example/ä"]
        );
    }
}
