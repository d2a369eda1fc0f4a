//! Hosts and URLs as the matcher compares them: authority parsing that never fails, lookup keys
//! for hosts and URLs, and the words of free text where a domain may stand.

use std::net::IpAddr;

/// The lookup key of a host or IP address, and whether it is an IP address.
///
/// Trims, lower-cases, removes IPv6 brackets, a `:port` and one trailing dot; IP addresses are
/// put in canonical form (so `2001:DB8:0::1` equals `2001:db8::1`). `None` when nothing is left.
pub(crate) fn host_key(host: &str) -> Option<(String, bool)> {
    let h = host.trim();
    let h = if let Some(inner) = h.strip_prefix('[') {
        inner.split(']').next().unwrap_or(inner)
    } else if h.bytes().filter(|&b| b == b':').count() == 1 {
        h.split(':').next().unwrap_or(h)
    } else {
        h
    };
    let lower = h.to_lowercase();
    let key = lower.strip_suffix('.').unwrap_or(&lower);
    if key.is_empty() {
        return None;
    }
    match key.parse::<IpAddr>() {
        Ok(ip) => Some((ip.to_string(), true)),
        Err(_) => Some((key.to_string(), false)),
    }
}

/// Splits `url` into the part up to the end of its authority and the rest, with whether it has
/// a scheme. A string without `scheme://` (`evil.com/path`) is all authority up to the first
/// `/`, `?`, `#` or `\`.
fn split_authority(url: &str) -> (&str, &str) {
    let after_scheme = match url.find("://") {
        Some(i) if is_scheme(url.get(..i).unwrap_or("")) => i + 3,
        _ if url.starts_with("//") => 2,
        _ => 0,
    };
    let rest = url.get(after_scheme..).unwrap_or("");
    let end = after_scheme + rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    (url.get(..end).unwrap_or(url), url.get(end..).unwrap_or(""))
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The host (with any port) of a URL: `scheme://[userinfo@]host[:port]/…`, or a scheme-less
/// `host[:port]/…`. `None` when the authority is empty.
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let (head, _) = split_authority(url.trim());
    let authority = match head.find("://") {
        Some(i) if is_scheme(head.get(..i).unwrap_or("")) => head.get(i + 3..).unwrap_or(""),
        _ => head.strip_prefix("//").unwrap_or(head),
    };
    let host = authority.rsplit('@').next().unwrap_or(authority);
    (!host.is_empty()).then_some(host)
}

/// The lookup key of a URL: trimmed, scheme and authority lower-cased, trailing `/` removed (so
/// `http://Evil.com/x/` equals `http://evil.com/x`).
pub(crate) fn url_key(url: &str) -> String {
    let (head, rest) = split_authority(url.trim());
    let mut key = head.to_lowercase();
    key.push_str(rest);
    let trimmed = key.trim_end_matches('/').len();
    key.truncate(trimmed);
    key
}

fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// The domain-like words of free text: maximal runs of label characters (letters, digits, `-`,
/// `_`) and dots, without trailing dots.
///
/// A domain indicator stands at a domain boundary in the text exactly when it equals such a word
/// or a suffix of one that starts after a `.` (a subdomain): `notevil.com`, `evil.com.au` and
/// `my-evil.com` do not contain `evil.com` at a boundary; `a.evil.com.` and `(evil.com)` do.
pub(crate) fn domain_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_label_char(c) && c != '.')
        .map(|word| word.trim_end_matches('.'))
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_keys() {
        let k = |h: &str| host_key(h).map(|(k, _)| k);
        assert_eq!(k("Evil.COM."), Some("evil.com".into()));
        assert_eq!(k("evil.com:8443"), Some("evil.com".into()));
        assert_eq!(k("[2001:DB8:0::1]:443"), Some("2001:db8::1".into()));
        assert_eq!(k("2001:db8::1"), Some("2001:db8::1".into()));
        assert_eq!(
            host_key("198.51.100.1:80"),
            Some(("198.51.100.1".into(), true))
        );
        assert_eq!(k(""), None);
        assert_eq!(k("[]"), None);
        assert_eq!(k(":80"), None);
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://u:p@Evil.com:8080/x?y#z"),
            Some("Evil.com:8080")
        );
        assert_eq!(url_host("evil.com/path"), Some("evil.com"));
        assert_eq!(url_host("//evil.com"), Some("evil.com"));
        assert_eq!(url_host("http://[::1]:80/"), Some("[::1]:80"));
        assert_eq!(url_host("http://a.com\\@evil.com/"), Some("a.com"));
        assert_eq!(url_host("evil.com/r?u=http://x.org"), Some("evil.com"));
        assert_eq!(url_host("https://"), None);
        assert_eq!(url_host("ü://é"), Some("ü:"));
        assert_eq!(url_host(""), None);
    }

    #[test]
    fn url_keys() {
        assert_eq!(url_key("HTTP://Evil.com/A/"), "http://evil.com/A");
        assert_eq!(url_key(" http://evil.com "), "http://evil.com");
        assert_eq!(url_key("http://evil.com/"), "http://evil.com");
    }

    #[test]
    fn words() {
        let words: Vec<_> =
            domain_words("Go a.Evil.com. (x) notevil.com:80, é-ü_1.2 ...").collect();
        assert_eq!(
            words,
            ["Go", "a.Evil.com", "x", "notevil.com", "80", "é-ü_1.2"]
        );
        assert_eq!(domain_words("").count(), 0);
    }
}
