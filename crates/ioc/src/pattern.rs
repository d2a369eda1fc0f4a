//! STIX 2.1 patterning, the subset indicator bundles use, and the mapping of object paths to
//! indicator kinds.
//!
//! A pattern is one or more observations `[ ... ]` joined by `OR`, `AND` or `FOLLOWEDBY`, with
//! optional parentheses and qualifiers (`WITHIN n SECONDS`, `REPEATS n TIMES`,
//! `START t'…' STOP t'…'`, parsed and ignored). Inside an observation, comparisons
//! `object-path = value` are joined by `AND` or `OR`. Reference: STIX 2.1, section 9
//! (<https://docs.oasis-open.org/cti/stix/v2.1/stix-v2.1.html>).
//!
//! Indicator semantics are those of the tools that publish these bundles: **every `=`
//! comparison becomes an indicator of its own**, whatever joins it to the others. For `OR` that
//! is exact; for `AND` and `FOLLOWEDBY` it is deliberately looser (any one of the values is
//! reported), which is what a triage tool wants and what bundles in the wild expect. Other
//! operators (`!=`, `LIKE`, `MATCHES`, `IN`, `NOT …`) are rejected with an error.

use std::borrow::Cow;
use tracehound_core::matcher::IocKind;

/// Deepest nesting of parentheses accepted, so hostile patterns cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// One `object-path = value` comparison from a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison<'a> {
    /// The object path as written, e.g. `domain-name:value` or `file:hashes.'SHA-256'`.
    pub path: &'a str,
    /// The value, with quotes removed and escapes (`\'`, `\\`) resolved.
    pub value: Cow<'a, str>,
    /// Byte offset of the object path in the pattern.
    pub offset: usize,
}

/// A pattern that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: {message}")]
pub struct PatternError {
    /// Byte offset in the pattern where the problem was found.
    pub offset: usize,
    /// What was expected or found.
    pub message: String,
}

/// Parses a STIX pattern and returns its `=` comparisons in order of appearance.
pub fn parse_pattern(pattern: &str) -> Result<Vec<Comparison<'_>>, PatternError> {
    let mut p = Parser {
        src: pattern,
        pos: 0,
        out: Vec::new(),
    };
    p.observation_expr(0)?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(p.error("unexpected text after the end of the pattern"));
    }
    Ok(p.out)
}

/// What a comparison means to the matcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// A supported indicator with its normalised value (possibly empty: the caller decides).
    Indicator(IocKind, String),
    /// An object path this crate does not support, normalised (counted, never fatal).
    Unknown(String),
}

/// Normalises an object path: hash algorithms (`file:hashes.X`, `app:cert.X`) lose quotes and
/// hyphens and are lower-cased, so `file:hashes.'SHA-256'` becomes `file:hashes.sha256`.
pub fn normalise_path(path: &str) -> Cow<'_, str> {
    let path = path.trim();
    for sep in ["hashes.", "cert."] {
        if let Some(i) = path.find(sep) {
            let (head, algo) = path.split_at(i + sep.len());
            let algo: String = algo.chars().filter(|c| *c != '\'' && *c != '-').collect();
            return Cow::Owned(format!("{head}{}", algo.to_lowercase()));
        }
    }
    Cow::Borrowed(path)
}

/// Maps a comparison to an indicator kind and a normalised value: values are trimmed; domains
/// and IP addresses are lower-cased, lose a trailing dot (and IPv6 brackets); emails and hashes
/// are lower-cased.
pub fn classify(c: &Comparison<'_>) -> Classified {
    let path = normalise_path(c.path);
    let value = c.value.trim();
    let kind = match path.as_ref() {
        "domain-name:value" | "ipv4-addr:value" => IocKind::Domains,
        "ipv6-addr:value" => {
            let v = value.strip_prefix('[').unwrap_or(value);
            let v = v.strip_suffix(']').unwrap_or(v);
            return Classified::Indicator(IocKind::Domains, v.to_lowercase());
        }
        "url:value" => IocKind::Urls,
        "process:name" => IocKind::Processes,
        "email-addr:value" => IocKind::Emails,
        "file:name" => IocKind::FileNames,
        "file:path" => IocKind::FilePaths,
        "file:hashes.md5" => IocKind::FilesMd5,
        "file:hashes.sha1" => IocKind::FilesSha1,
        "file:hashes.sha256" => IocKind::FilesSha256,
        "app:cert.md5" | "app:cert.sha1" | "app:cert.sha256" => IocKind::AppCertHashes,
        "app:id" => IocKind::AppIds,
        "configuration-profile:id" => IocKind::IosProfileIds,
        "android-property:name" => IocKind::AndroidPropertyNames,
        _ => return Classified::Unknown(path.into_owned()),
    };
    let value = match kind {
        IocKind::Domains => {
            let v = value.to_lowercase();
            v.strip_suffix('.').map(str::to_string).unwrap_or(v)
        }
        IocKind::Emails
        | IocKind::FilesMd5
        | IocKind::FilesSha1
        | IocKind::FilesSha256
        | IocKind::AppCertHashes => value.to_lowercase(),
        _ => value.to_string(),
    };
    Classified::Indicator(kind, value)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Comparison<'a>>,
}

impl<'a> Parser<'a> {
    fn error(&self, message: impl Into<String>) -> PatternError {
        PatternError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.rest().chars().next()
    }

    /// The run of ASCII letters at the cursor (after whitespace), not consumed.
    fn peek_word(&mut self) -> &'a str {
        self.skip_ws();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        rest.get(..len).unwrap_or("")
    }

    /// Consumes `word` (case-insensitively) if it is the next word.
    fn eat_word(&mut self, word: &str) -> bool {
        if self.peek_word().eq_ignore_ascii_case(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), PatternError> {
        match self.peek() {
            Some(found) if found == c => {
                self.pos += 1;
                Ok(())
            }
            Some(found) => Err(self.error(format!("expected '{c}', found '{found}'"))),
            None => Err(self.error(format!("expected '{c}', found the end of the pattern"))),
        }
    }

    fn observation_expr(&mut self, depth: usize) -> Result<(), PatternError> {
        self.observation_term(depth)?;
        while self.eat_word("OR") || self.eat_word("AND") || self.eat_word("FOLLOWEDBY") {
            self.observation_term(depth)?;
        }
        Ok(())
    }

    fn observation_term(&mut self, depth: usize) -> Result<(), PatternError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("parentheses nested too deeply"));
        }
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                self.observation_expr(depth + 1)?;
                self.expect(')')?;
            }
            Some('[') => {
                self.pos += 1;
                self.comparison_expr(depth + 1)?;
                self.expect(']')?;
            }
            Some(c) => return Err(self.error(format!("expected '[' or '(', found '{c}'"))),
            None => return Err(self.error("expected '[', found the end of the pattern")),
        }
        self.qualifiers()
    }

    /// Skips `WITHIN n SECONDS`, `REPEATS n TIMES` and `START t'…' STOP t'…'`.
    fn qualifiers(&mut self) -> Result<(), PatternError> {
        loop {
            if self.eat_word("WITHIN") {
                self.number()?;
                self.expect_word("SECONDS")?;
            } else if self.eat_word("REPEATS") {
                self.number()?;
                self.expect_word("TIMES")?;
            } else if self.eat_word("START") {
                self.literal()?;
                self.expect_word("STOP")?;
                self.literal()?;
            } else {
                return Ok(());
            }
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), PatternError> {
        if self.eat_word(word) {
            Ok(())
        } else {
            Err(self.error(format!("expected {word}")))
        }
    }

    fn comparison_expr(&mut self, depth: usize) -> Result<(), PatternError> {
        self.comparison_term(depth)?;
        while self.eat_word("AND") || self.eat_word("OR") {
            self.comparison_term(depth)?;
        }
        Ok(())
    }

    fn comparison_term(&mut self, depth: usize) -> Result<(), PatternError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("parentheses nested too deeply"));
        }
        if self.peek() == Some('(') {
            self.pos += 1;
            self.comparison_expr(depth + 1)?;
            return self.expect(')');
        }
        let offset = self.pos;
        let path = self.object_path()?;
        match self.peek() {
            Some('=') => self.pos += 1,
            Some('!' | '<' | '>') => {
                return Err(self.error("only the '=' operator is supported"));
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let word = self.peek_word();
                return Err(self.error(format!("operator {word} is not supported")));
            }
            Some(c) => return Err(self.error(format!("expected '=', found '{c}'"))),
            None => return Err(self.error("expected '=', found the end of the pattern")),
        }
        let value = self.literal()?;
        self.out.push(Comparison {
            path,
            value,
            offset,
        });
        Ok(())
    }

    /// `object-type:property(.property|.'quoted'|[index])*`
    fn object_path(&mut self) -> Result<&'a str, PatternError> {
        self.skip_ws();
        let start = self.pos;
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let rest = self.rest();
        let type_len = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if type_len == 0 || !rest.get(type_len..).is_some_and(|r| r.starts_with(':')) {
            return Err(self.error("expected an object path such as domain-name:value"));
        }
        self.pos += type_len + 1;
        let props_start = self.pos;
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else { break };
            if is_word(c) {
                self.pos += rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
            } else if c == '.' {
                self.pos += 1;
            } else if c == '\'' {
                self.quoted()?;
            } else if c == '[' && rest.len() > 1 {
                let close = rest
                    .find(']')
                    .ok_or_else(|| self.error("unclosed '[' in path"))?;
                let index = rest.get(1..close).unwrap_or("");
                if index != "*" && (index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(self.error("list index must be '*' or a number"));
                }
                self.pos += close + 1;
            } else {
                break;
            }
        }
        if self.pos == props_start {
            return Err(self.error("expected a property name after ':'"));
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    /// A literal after `=`: a quoted string (optionally `t`, `h` or `b`-prefixed), a number, or
    /// a boolean; returned as text.
    fn literal(&mut self) -> Result<Cow<'a, str>, PatternError> {
        match self.peek() {
            Some('\'') => self.quoted(),
            Some('t' | 'h' | 'b') if self.rest().get(1..2) == Some("'") => {
                self.pos += 1;
                self.quoted()
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => self.number(),
            Some(_) if self.eat_word("true") => Ok(Cow::Borrowed("true")),
            Some(_) if self.eat_word("false") => Ok(Cow::Borrowed("false")),
            Some(c) => Err(self.error(format!("expected a quoted value, found '{c}'"))),
            None => Err(self.error("expected a quoted value, found the end of the pattern")),
        }
    }

    fn number(&mut self) -> Result<Cow<'a, str>, PatternError> {
        self.skip_ws();
        let rest = self.rest();
        let sign = usize::from(rest.starts_with(['-', '+']));
        let body = rest.get(sign..).unwrap_or("");
        let len = body
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(body.len());
        let text = rest.get(..sign + len).unwrap_or("");
        if len == 0 || !body.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.error("expected a number"));
        }
        self.pos += text.len();
        Ok(Cow::Borrowed(text))
    }

    /// A single-quoted string at the cursor; only `\'` and `\\` are valid escapes. Borrowed
    /// from the pattern unless it has escapes.
    fn quoted(&mut self) -> Result<Cow<'a, str>, PatternError> {
        let open = self.pos;
        let body = self.rest().get(1..).unwrap_or("");
        let mut owned: Option<String> = None;
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    self.pos = open + 1 + i + 1;
                    let raw = body.get(..i).unwrap_or("");
                    return Ok(owned.map_or(Cow::Borrowed(raw), Cow::Owned));
                }
                '\\' => {
                    let buf = owned.get_or_insert_with(|| body.get(..i).unwrap_or("").to_string());
                    match chars.next() {
                        Some((_, e @ ('\'' | '\\'))) => buf.push(e),
                        Some((j, e)) => {
                            self.pos = open + 1 + j;
                            return Err(self.error(format!("invalid escape '\\{e}' in string")));
                        }
                        None => break,
                    }
                }
                _ => {
                    if let Some(buf) = owned.as_mut() {
                        buf.push(c);
                    }
                }
            }
        }
        self.pos = open;
        Err(self.error("unterminated string"))
    }
}

#[cfg(test)]
#[path = "pattern_tests.rs"]
mod tests;
