//! The indicator matcher: [`tracehound_core::Matcher`] over an [`IndicatorSet`].
//!
//! Built once per run. Every indicator kind is a hash map from a normalised key to the
//! indicators that share it. A host is looked up with each of its parent domains, and free text
//! is cut into domain-like words looked up the same way, so the cost of checking an observable
//! depends on the observable (at most one lookup per label, of at most the longest indicator's
//! length), not on how many indicators are loaded. Unlike an Aho-Corasick automaton over all
//! domains, this costs nothing to build (one automaton over a million domains takes seconds and
//! hundreds of megabytes) and folds case beyond ASCII. The rules for each observable are on
//! [`IndicatorMatcher`].

use crate::host::{domain_words, host_key, url_host, url_key};
use crate::index::Index;
use crate::load::IndicatorSet;
use foldhash::{HashMap, HashSet, HashSetExt};
use std::borrow::Cow;
use std::sync::Arc;
use tracehound_core::matcher::{IndicatorMatch, IndicatorRef, IocKind, MatchReason, Matcher};
use tracehound_core::text::extract_links;
use tracehound_core::Observable;

/// Checks observables against loaded indicators.
///
/// - `Domain`: the host (of a URL, if one is given) is lower-cased and loses a trailing dot and
///   `:port`; it matches a domain indicator equal to it (`Exact`) or to a parent domain at a
///   label boundary (`Subdomain`: `a.evil.com` matches `evil.com`, `notevil.com` does not). IP
///   addresses match exactly.
/// - `Url`: equal to a URL indicator, ignoring the case of scheme and host and a trailing `/`
///   (`Exact`); its host is then checked as a `Domain` (`UrlHost`).
/// - `Text`: each `http(s)://` link is checked as a `Url`; then any domain indicator standing at
///   a domain boundary anywhere in the text matches (`InText`): preceded by the start, a
///   non-label character or the `.` of a subdomain, and followed by the end, a non-label
///   character or a final `.` (`a.evil.com.` and `(EVIL.com)` match `evil.com`; `notevil.com`,
///   `evil.com.au` and `my-evil.com` do not). IPv4 addresses match whole words only.
/// - `Process`: the name after the last `/` equals a process indicator (`Exact`), or has 15 or
///   16 bytes and is a prefix of one (`TruncatedProcess`, as iOS truncates process names).
/// - `PathComponents`: a `/`-separated component equals a process indicator (`PathComponent`).
/// - `FilePath`: its last component (or the whole path) equals a file-name indicator; the path
///   equals a file-path indicator (`Exact`) or lies under one (`PathPrefix`).
/// - `FileName`: equals a file-name indicator.
/// - `Email`, `AppId`, `AndroidProperty`, `ProfileId`: equal, case-insensitively.
/// - `FileHash`: MD5, SHA-1 or SHA-256 by length, case-insensitively. `AppCertHash`: equal,
///   case-insensitively and ignoring `:` separators.
///
/// Identical indicators loaded twice are kept once; each check reports an indicator at most once.
#[derive(Debug, Default)]
pub struct IndicatorMatcher {
    refs: Vec<Arc<IndicatorRef>>,
    domains: Index<Box<str>>,
    /// Per domain entry: whether its key is an IP address.
    domain_is_ip: Vec<bool>,
    /// Length in bytes of the longest domain key: longer suffixes are not looked up.
    max_domain_len: usize,
    /// Length in bytes of the longest file-path key: longer ancestors are not looked up.
    max_path_len: usize,
    urls: Index<Box<str>>,
    processes: Index<Box<str>>,
    truncated: Index<Box<[u8]>>,
    file_names: Index<Box<str>>,
    file_paths: Index<Box<str>>,
    emails: Index<Box<str>>,
    md5: Index<Box<str>>,
    sha1: Index<Box<str>>,
    sha256: Index<Box<str>>,
    certs: Index<Box<str>>,
    app_ids: Index<Box<str>>,
    profiles: Index<Box<str>>,
    properties: Index<Box<str>>,
    warnings: Vec<String>,
}

impl IndicatorMatcher {
    /// Indexes every indicator of `set`.
    pub fn new(set: &IndicatorSet) -> Self {
        let mut m = IndicatorMatcher::default();
        // Indicators of one source are distinct, and indicators of sources with different file
        // names differ in `stix2_file_name`: only sources sharing a file name can repeat one.
        let mut files: HashMap<&str, usize> = HashMap::default();
        for source in set.sources() {
            *files.entry(source.file_name.as_str()).or_insert(0) += 1;
        }
        let mut seen: HashSet<&IndicatorRef> = HashSet::new();
        for source in set.sources() {
            let shared_name = files.get(source.file_name.as_str()).is_some_and(|&n| n > 1);
            for ioc in &source.indicators {
                if shared_name && !seen.insert(ioc.as_ref()) {
                    continue;
                }
                let id = m.refs.len();
                m.refs.push(Arc::clone(ioc));
                m.add(id, ioc.kind, &ioc.value);
            }
        }
        m
    }

    fn add(&mut self, id: usize, kind: IocKind, value: &str) {
        let lower = || value.trim().to_lowercase().into_boxed_str();
        match kind {
            IocKind::Domains => match host_key(value) {
                Some((key, ip)) => {
                    self.max_domain_len = self.max_domain_len.max(key.len());
                    let entry = self.domains.insert(key.into_boxed_str(), id);
                    if entry == self.domain_is_ip.len() {
                        self.domain_is_ip.push(ip);
                    }
                }
                None => self.warn(value, kind),
            },
            IocKind::Urls => {
                self.urls.insert(url_key(value).into_boxed_str(), id);
            }
            IocKind::Processes => {
                self.processes.insert(value.into(), id);
                for len in [15, 16] {
                    if let Some(prefix) = value.as_bytes().get(..len).filter(|_| value.len() > len)
                    {
                        self.truncated.insert(prefix.into(), id);
                    }
                }
            }
            IocKind::FileNames => {
                self.file_names.insert(value.into(), id);
            }
            IocKind::FilePaths => {
                let path = value.trim_end_matches('/');
                if path.is_empty() {
                    self.warn(value, kind);
                } else {
                    self.max_path_len = self.max_path_len.max(path.len());
                    self.file_paths.insert(path.into(), id);
                }
            }
            IocKind::Emails => self.emails.insert_key(lower(), id),
            IocKind::FilesMd5 => self.md5.insert_key(lower(), id),
            IocKind::FilesSha1 => self.sha1.insert_key(lower(), id),
            IocKind::FilesSha256 => self.sha256.insert_key(lower(), id),
            IocKind::AppCertHashes => self.certs.insert_key(cert_key(value).into(), id),
            IocKind::AppIds => self.app_ids.insert_key(lower(), id),
            IocKind::IosProfileIds => self.profiles.insert_key(lower(), id),
            IocKind::AndroidPropertyNames => self.properties.insert_key(lower(), id),
        }
    }

    fn warn(&mut self, value: &str, kind: IocKind) {
        self.warnings.push(format!(
            "{} indicator {value:?} can match nothing; ignored",
            kind.as_str()
        ));
    }

    /// Number of distinct indicators indexed.
    pub fn indicator_count(&self) -> usize {
        self.refs.len()
    }

    /// Indicators that can match nothing (a file path `/`, a blank domain).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn check_domain(&self, host: &str, observed: &str, in_url: bool, hits: &mut Hits<'_>) {
        let Some((key, ip)) = host_key(host) else {
            return;
        };
        let exact = if in_url {
            MatchReason::UrlHost
        } else {
            MatchReason::Exact
        };
        if let Some(entry) = self.domains.entry(key.as_str()) {
            hits.add(self, self.domains.ids(entry), observed, exact);
        }
        if ip {
            return;
        }
        let parent = if in_url {
            MatchReason::UrlHost
        } else {
            MatchReason::Subdomain
        };
        let mut rest = key.as_str();
        while let Some(dot) = rest.find('.') {
            rest = rest.get(dot + 1..).unwrap_or("");
            if let Some(entry) = self.parent_entry(rest) {
                hits.add(self, self.domains.ids(entry), observed, parent);
            }
        }
    }

    /// The domain entry equal to `suffix`, a parent domain: never an IP address.
    fn parent_entry(&self, suffix: &str) -> Option<usize> {
        if suffix.len() > self.max_domain_len {
            return None;
        }
        let entry = self.domains.entry(suffix)?;
        (!self.domain_is_ip.get(entry).copied().unwrap_or(true)).then_some(entry)
    }

    fn check_url(&self, url: &str, hits: &mut Hits<'_>) {
        hits.add(
            self,
            self.urls.get(url_key(url).as_str()),
            url,
            MatchReason::Exact,
        );
        if let Some(host) = url_host(url) {
            self.check_domain(host, url, true, hits);
        }
    }

    fn check_text(&self, text: &str, hits: &mut Hits<'_>) {
        for link in extract_links(text) {
            self.check_url(link, hits);
        }
        for word in domain_words(text) {
            self.check_word(word, hits);
        }
    }

    /// Looks up a word of text and its parent domains (see [`domain_words`]).
    fn check_word(&self, word: &str, hits: &mut Hits<'_>) {
        // ASCII lower-casing keeps byte offsets, so one copy serves every suffix.
        let ascii_lower = word.is_ascii().then(|| word.to_ascii_lowercase());
        let mut start = 0;
        loop {
            let suffix = word.get(start..).unwrap_or("");
            if suffix.len() <= self.max_domain_len {
                let key = match &ascii_lower {
                    Some(lower) => Cow::Borrowed(lower.get(start..).unwrap_or("")),
                    None => Cow::Owned(suffix.to_lowercase()),
                };
                let entry = if start == 0 {
                    self.domains.entry(key.as_ref())
                } else {
                    self.parent_entry(&key)
                };
                if let Some(entry) = entry {
                    hits.add(self, self.domains.ids(entry), suffix, MatchReason::InText);
                }
            }
            match suffix.find('.') {
                Some(dot) => start += dot + 1,
                None => break,
            }
        }
    }

    fn check_file_path(&self, path: &str, hits: &mut Hits<'_>) {
        let name = path.rsplit('/').next().unwrap_or(path);
        hits.add(self, self.file_names.get(name), path, MatchReason::Exact);
        if name != path {
            hits.add(self, self.file_names.get(path), path, MatchReason::Exact);
        }
        let mut cur = path.trim_end_matches('/');
        hits.add(self, self.file_paths.get(cur), path, MatchReason::Exact);
        while let Some(slash) = cur.rfind('/') {
            cur = cur.get(..slash).unwrap_or("").trim_end_matches('/');
            if cur.len() <= self.max_path_len {
                hits.add(
                    self,
                    self.file_paths.get(cur),
                    path,
                    MatchReason::PathPrefix,
                );
            }
        }
    }
}

impl Matcher for IndicatorMatcher {
    fn check(&self, observable: Observable<'_>, out: &mut Vec<IndicatorMatch>) {
        let mut hits = Hits {
            out,
            seen: HashSet::new(),
        };
        let exact = MatchReason::Exact;
        let lower = |v: &str| v.trim().to_lowercase();
        match observable {
            Observable::Domain(v) => {
                // Tolerate a URL given where a host was expected.
                let host = if v.contains('/') {
                    url_host(v)
                } else {
                    Some(v)
                };
                self.check_domain(host.unwrap_or(v), v, false, &mut hits);
            }
            Observable::Url(v) => self.check_url(v, &mut hits),
            Observable::Text(v) => self.check_text(v, &mut hits),
            Observable::Process(v) => {
                let name = v.rsplit('/').next().unwrap_or(v);
                hits.add(self, self.processes.get(name), v, exact);
                if name.len() == 15 || name.len() == 16 {
                    let ids = self.truncated.get(name.as_bytes());
                    hits.add(self, ids, v, MatchReason::TruncatedProcess);
                }
            }
            Observable::PathComponents(v) => {
                for part in v.split('/').filter(|p| !p.is_empty()) {
                    hits.add(
                        self,
                        self.processes.get(part),
                        v,
                        MatchReason::PathComponent,
                    );
                }
            }
            Observable::FilePath(v) => self.check_file_path(v, &mut hits),
            Observable::FileName(v) => hits.add(self, self.file_names.get(v), v, exact),
            Observable::Email(v) => hits.add(self, self.emails.get(lower(v).as_str()), v, exact),
            Observable::FileHash(v) => {
                let key = lower(v);
                let index = match key.len() {
                    32 => &self.md5,
                    40 => &self.sha1,
                    64 => &self.sha256,
                    _ => return,
                };
                hits.add(self, index.get(key.as_str()), v, exact);
            }
            Observable::AppId(v) => hits.add(self, self.app_ids.get(lower(v).as_str()), v, exact),
            Observable::AppCertHash(v) => {
                hits.add(self, self.certs.get(cert_key(v).as_str()), v, exact);
            }
            Observable::ProfileId(v) => {
                hits.add(self, self.profiles.get(lower(v).as_str()), v, exact);
            }
            Observable::AndroidProperty(v) => {
                hits.add(self, self.properties.get(lower(v).as_str()), v, exact);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }
}

/// A certificate hash without case, whitespace or `:` separators.
fn cert_key(v: &str) -> String {
    v.chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The matches of one check, each indicator at most once.
struct Hits<'o> {
    out: &'o mut Vec<IndicatorMatch>,
    seen: HashSet<usize>,
}

impl Hits<'_> {
    fn add(&mut self, m: &IndicatorMatcher, ids: &[usize], observed: &str, reason: MatchReason) {
        for &id in ids {
            if let Some(ioc) = m.refs.get(id) {
                if self.seen.insert(id) {
                    self.out.push(IndicatorMatch {
                        indicator: Arc::clone(ioc),
                        observed: observed.to_string(),
                        reason,
                    });
                }
            }
        }
    }
}
