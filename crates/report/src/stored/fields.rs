//! Which fields of each module's stored records carry observables, and as what.
//!
//! One entry per module slug, ours and MVT's (both write the same field names where both have
//! the module; Android's `sms` and iOS's share a slug and an entry). Each rule names a field
//! by its path in the record (`/`-separated keys; `*` for every element of an array or value
//! of an object; a number for one element) and what its strings are. Most are the observable
//! kinds themselves; a few are small transforms that reproduce what a module derives from a
//! field (an e-mail address out of `mailto:…`, the components of a backup path…). The rules
//! give at least every observable the module itself gives (a test checks this against the
//! modules' own records); where they give more, the extra values are of kinds that only match
//! exactly (an app id that is also tried as a file path), never looser matches.

use serde_json::Value;
use std::borrow::Cow;
use tracehound_core::{ModuleMeta, Observable};

pub use super::table::MODULES;

/// What the strings of a field are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum As {
    Url,
    Domain,
    Text,
    Process,
    PathComponents,
    Email,
    FilePath,
    FileName,
    FileHash,
    AppId,
    AppCertHash,
    ProfileId,
    AndroidProperty,
    /// An e-mail address when it holds `@` (a `mailto:` prefix and quotes removed).
    EmailLike,
    /// A URL when it holds `://`.
    UrlLike,
    /// A contact's value: an e-mail address or a web address, by its shape.
    Contact,
    /// A path relative to `/`: `/`-prefixed as a file path, its name, its components.
    RootedPath,
    /// A backup's relative path: as [`As::RootedPath`] but no name, and the host-like parts
    /// between `_` as URLs (app folders named after web sites).
    BackupPath,
    /// A command: its executable's name as a process and an app id (Android processes).
    Command,
    /// Every component holding a dot as an app id (`/data/user/0/<package>/…`).
    DottedComponents,
    /// `:`-separated parts as app ids (`com.x:remote`).
    ColonParts,
    /// An IP address as printed (`/1.2.3.4`), loopback and `0.0.0.0` skipped.
    Ip,
    /// Every web address in the strings anywhere below the field.
    DeepUrls,
}

/// One field of a record and what its strings are.
#[derive(Debug)]
pub(crate) struct Rule {
    pub path: &'static str,
    pub kinds: &'static [As],
}

/// A module whose results can be re-read, and its rules.
#[derive(Debug)]
pub struct StoredModule {
    /// The module, as its results name it.
    pub meta: ModuleMeta,
    pub(crate) rules: &'static [Rule],
}

/// The module whose results file is `<slug>.json`, if known.
pub fn module(slug: &str) -> Option<&'static StoredModule> {
    MODULES.iter().find(|m| m.meta.slug == slug)
}

/// One observable read from a stored record: its kind and its value (borrowed from the
/// record, or derived from it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredObservable<'a> {
    kind: Kind,
    value: Cow<'a, str>,
}

/// The observable kinds, without their values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Url,
    Domain,
    Text,
    Process,
    PathComponents,
    Email,
    FilePath,
    FileName,
    FileHash,
    AppId,
    AppCertHash,
    ProfileId,
    AndroidProperty,
}

impl StoredObservable<'_> {
    /// As the matcher takes it.
    pub fn observable(&self) -> Observable<'_> {
        let v = self.value.as_ref();
        match self.kind {
            Kind::Url => Observable::Url(v),
            Kind::Domain => Observable::Domain(v),
            Kind::Text => Observable::Text(v),
            Kind::Process => Observable::Process(v),
            Kind::PathComponents => Observable::PathComponents(v),
            Kind::Email => Observable::Email(v),
            Kind::FilePath => Observable::FilePath(v),
            Kind::FileName => Observable::FileName(v),
            Kind::FileHash => Observable::FileHash(v),
            Kind::AppId => Observable::AppId(v),
            Kind::AppCertHash => Observable::AppCertHash(v),
            Kind::ProfileId => Observable::ProfileId(v),
            Kind::AndroidProperty => Observable::AndroidProperty(v),
        }
    }
}

/// The observables of one stored record of `module`.
pub fn observables<'a>(module: &StoredModule, record: &'a Value) -> Vec<StoredObservable<'a>> {
    let mut out = Vec::new();
    for rule in module.rules {
        let mut leaves = Vec::new();
        let parts: Vec<&str> = rule.path.split('/').collect();
        select(record, &parts, &mut leaves);
        for leaf in leaves {
            for kind in rule.kinds {
                apply(*kind, leaf, &mut out);
            }
        }
    }
    out
}

/// The values at `path` below `v`.
fn select<'a>(v: &'a Value, path: &[&str], out: &mut Vec<&'a Value>) {
    let Some((head, rest)) = path.split_first() else {
        out.push(v);
        return;
    };
    match (*head, v) {
        ("*", Value::Array(items)) => items.iter().for_each(|i| select(i, rest, out)),
        ("*", Value::Object(map)) => map.values().for_each(|i| select(i, rest, out)),
        (key, Value::Object(map)) => {
            if let Some(i) = map.get(key) {
                select(i, rest, out);
            }
        }
        (index, Value::Array(items)) => {
            if let Some(i) = index.parse::<usize>().ok().and_then(|n| items.get(n)) {
                select(i, rest, out);
            }
        }
        _ => {}
    }
}

fn push<'a>(out: &mut Vec<StoredObservable<'a>>, kind: Kind, value: impl Into<Cow<'a, str>>) {
    let value = value.into();
    if !value.is_empty() {
        out.push(StoredObservable { kind, value });
    }
}

fn apply<'a>(kind: As, leaf: &'a Value, out: &mut Vec<StoredObservable<'a>>) {
    if kind == As::DeepUrls {
        deep_urls(leaf, out, 0);
        return;
    }
    let Some(s) = leaf.as_str() else { return };
    let simple = match kind {
        As::Url => Some(Kind::Url),
        As::Domain => Some(Kind::Domain),
        As::Text => Some(Kind::Text),
        As::Process => Some(Kind::Process),
        As::PathComponents => Some(Kind::PathComponents),
        As::FilePath => Some(Kind::FilePath),
        As::FileName => Some(Kind::FileName),
        As::FileHash => Some(Kind::FileHash),
        As::AppId => Some(Kind::AppId),
        As::AppCertHash => Some(Kind::AppCertHash),
        As::ProfileId => Some(Kind::ProfileId),
        As::AndroidProperty => Some(Kind::AndroidProperty),
        _ => None,
    };
    if let Some(k) = simple {
        return push(out, k, s);
    }
    match kind {
        As::Email => push(out, Kind::Email, s.trim()),
        As::EmailLike => {
            let e = s.trim();
            let e = e.strip_prefix("mailto:").unwrap_or(e).trim_matches('\'');
            if e.contains('@') {
                push(out, Kind::Email, e);
            }
        }
        As::UrlLike if s.contains("://") => push(out, Kind::Url, s),
        As::Contact => {
            let v = s.trim();
            if is_web_address(v) {
                push(out, Kind::Url, v);
            } else if v.contains('@') {
                push(out, Kind::Email, v);
            }
        }
        As::RootedPath | As::BackupPath => {
            let rel = s.trim_start_matches('/');
            if rel.is_empty() {
                return;
            }
            let rooted = format!("/{rel}");
            push(out, Kind::FilePath, rooted.clone());
            if kind == As::RootedPath {
                push(out, Kind::PathComponents, rooted.clone());
                push(out, Kind::FileName, rel.rsplit('/').next().unwrap_or(rel));
            } else {
                push(out, Kind::PathComponents, rel);
                for part in rel.split('_').filter(|p| host_like(p)) {
                    push(out, Kind::Url, part);
                }
            }
        }
        As::Command => {
            let name = s.rsplit('/').next().unwrap_or(s);
            if name != "gatekeeperd" {
                push(out, Kind::AppId, name);
                push(out, Kind::Process, name);
            }
        }
        As::DottedComponents => {
            for c in s.split('/').filter(|c| c.contains('.')) {
                push(out, Kind::AppId, c);
            }
        }
        As::ColonParts => s.split(':').for_each(|c| push(out, Kind::AppId, c)),
        As::Ip => {
            let ip = s.rsplit('/').next().unwrap_or(s);
            if !matches!(ip, "::1" | "127.0.0.1" | "0.0.0.0") {
                push(out, Kind::Domain, ip);
            }
        }
        _ => {}
    }
}

fn is_web_address(s: &str) -> bool {
    let head = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

/// A part of a backup path that looks like a host name (`www.example.com`).
fn host_like(part: &str) -> bool {
    let authority = part.split('/').next().unwrap_or("");
    match authority.rsplit_once('.') {
        Some((head, tld)) => {
            !head.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        }
        None => false,
    }
}

fn deep_urls<'a>(v: &'a Value, out: &mut Vec<StoredObservable<'a>>, depth: usize) {
    if depth > 32 {
        return;
    }
    match v {
        Value::String(s) if is_web_address(s) => push(out, Kind::Url, s.as_str()),
        Value::Array(items) => items.iter().for_each(|i| deep_urls(i, out, depth + 1)),
        Value::Object(map) => map.values().for_each(|i| deep_urls(i, out, depth + 1)),
        _ => {}
    }
}
