//! Entry names: normalising them (and refusing traversal and absolute ones), and matching them
//! against shell-style patterns.

/// Why an entry name was refused.
pub(crate) type NameCheck = Result<Option<String>, &'static str>;

/// Normalises an entry name to a relative `/`-separated path; `Ok(None)` for the root itself.
pub(crate) fn clean_path(raw: &str) -> NameCheck {
    if raw.contains('\0') {
        return Err("NUL byte in name");
    }
    let s = raw.replace('\\', "/");
    if s.starts_with('/') {
        return Err("absolute path");
    }
    let b = s.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("absolute path (drive letter)");
    }
    let mut parts = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("`..` component (path traversal)"),
            p => parts.push(p),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// Shell-style matching of a `/`-separated path: `*` matches within one component, `?` one
/// character, `**` as a whole component any number of components (none included).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_parts(&pat, &parts)
}

fn match_parts(pat: &[&str], parts: &[&str]) -> bool {
    match pat.split_first() {
        None => parts.is_empty(),
        Some((&"**", rest)) => {
            (0..=parts.len()).any(|i| match_parts(rest, parts.get(i..).unwrap_or_default()))
        }
        Some((p, rest)) => match parts.split_first() {
            Some((first, tail)) => {
                match_component(p.as_bytes(), first.as_bytes()) && match_parts(rest, tail)
            }
            None => false,
        },
    }
}

/// `*` and `?` within one component (iterative, linear backtracking).
fn match_component(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == s.get(si) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("a/./b//c"), Ok(Some("a/b/c".into())));
        assert_eq!(clean_path("a\\b"), Ok(Some("a/b".into())));
        assert_eq!(clean_path("./"), Ok(None));
        assert!(clean_path("/etc/passwd").is_err());
        assert!(clean_path("C:\\x").is_err());
        assert!(clean_path("a/../../b").is_err());
        assert!(clean_path("..").is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("settings_*.txt", "settings_global.txt"));
        assert!(!glob_match("settings_*.txt", "x/settings_global.txt"));
        assert!(glob_match("**/getprop.txt", "getprop.txt"));
        assert!(glob_match("**/getprop.txt", "a/b/getprop.txt"));
        assert!(glob_match("logs/**", "logs/a/b"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a*c", "ab"));
        assert!(glob_match("*", "x"));
    }
}
