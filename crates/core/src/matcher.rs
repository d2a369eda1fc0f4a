//! The indicator-matching interface. The `ioc` crate implements it; the runner calls it.

use crate::observable::Observable;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Indicator categories, named as MVT names its indicator collections (these names appear in
/// `alerts.json` as `matched_indicator.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IocKind {
    /// `domain-name:value` and `ipv4-addr`/`ipv6-addr:value`.
    Domains,
    /// `url:value`.
    Urls,
    /// `process:name`.
    Processes,
    /// `email-addr:value`.
    Emails,
    /// `file:name`.
    FileNames,
    /// `file:path`.
    FilePaths,
    /// `file:hashes.md5`.
    FilesMd5,
    /// `file:hashes.sha1`.
    FilesSha1,
    /// `file:hashes.sha256`.
    FilesSha256,
    /// `app:cert.*`.
    AppCertHashes,
    /// `app:id`.
    AppIds,
    /// `configuration-profile:id`.
    IosProfileIds,
    /// `android-property:name`.
    AndroidPropertyNames,
}

impl IocKind {
    /// Every kind, in a stable order (used for per-type counts).
    pub const ALL: [IocKind; 13] = [
        IocKind::Domains,
        IocKind::Urls,
        IocKind::Processes,
        IocKind::Emails,
        IocKind::FileNames,
        IocKind::FilePaths,
        IocKind::FilesMd5,
        IocKind::FilesSha1,
        IocKind::FilesSha256,
        IocKind::AppCertHashes,
        IocKind::AppIds,
        IocKind::IosProfileIds,
        IocKind::AndroidPropertyNames,
    ];

    /// The collection name as written in results (`domains`, `processes`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            IocKind::Domains => "domains",
            IocKind::Urls => "urls",
            IocKind::Processes => "processes",
            IocKind::Emails => "emails",
            IocKind::FileNames => "file_names",
            IocKind::FilePaths => "file_paths",
            IocKind::FilesMd5 => "files_md5",
            IocKind::FilesSha1 => "files_sha1",
            IocKind::FilesSha256 => "files_sha256",
            IocKind::AppCertHashes => "app_cert_hashes",
            IocKind::AppIds => "app_ids",
            IocKind::IosProfileIds => "ios_profile_ids",
            IocKind::AndroidPropertyNames => "android_property_names",
        }
    }
}

/// One loaded indicator, with where it came from. Serializes as MVT's `matched_indicator`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndicatorRef {
    /// The indicator value as normalised for matching (domains and emails lower-cased).
    pub value: String,
    /// Its category.
    #[serde(rename = "type")]
    pub kind: IocKind,
    /// The malware or report name the bundle ties it to ("Default collection" if none).
    pub name: String,
    /// File name of the bundle it came from.
    pub stix2_file_name: String,
}

/// How an observed value matched an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// Equal (case-insensitively where the type is).
    Exact,
    /// A host that is a subdomain of an indicator domain.
    Subdomain,
    /// A URL whose host equals or is under an indicator domain.
    UrlHost,
    /// A process name iOS truncated to 15/16 characters, a prefix of the indicator.
    TruncatedProcess,
    /// A file path under an indicator directory.
    PathPrefix,
    /// A path one of whose components is an indicator process name.
    PathComponent,
    /// A URL or domain found inside free text.
    InText,
}

/// An observed value that matched an indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorMatch {
    /// The indicator.
    pub indicator: Arc<IndicatorRef>,
    /// What was observed (the URL, host, process name… as found in the evidence).
    pub observed: String,
    /// How it matched.
    pub reason: MatchReason,
}

impl IndicatorMatch {
    /// A one-sentence description for alerts and logs.
    pub fn message(&self) -> String {
        let ioc = &self.indicator;
        let what = match (ioc.kind, self.reason) {
            (IocKind::Domains, MatchReason::Subdomain) => "a subdomain of a known malicious domain",
            (IocKind::Domains, MatchReason::UrlHost) => "a URL on a known malicious domain",
            (IocKind::Domains, MatchReason::InText) => "a known malicious domain in text",
            (IocKind::Domains, _) => "a known malicious domain",
            (IocKind::Urls, _) => "a known malicious URL",
            (IocKind::Processes, MatchReason::TruncatedProcess) => {
                "a truncated known malicious process name"
            }
            (IocKind::Processes, MatchReason::PathComponent) => {
                "a path naming a known malicious process"
            }
            (IocKind::Processes, _) => "a known malicious process name",
            (IocKind::Emails, _) => "a known malicious email address",
            (IocKind::FileNames, _) => "a known malicious file name",
            (IocKind::FilePaths, _) => "a known malicious file path",
            (IocKind::FilesMd5 | IocKind::FilesSha1 | IocKind::FilesSha256, _) => {
                "a file with a known malicious hash"
            }
            (IocKind::AppCertHashes, _) => "an app signed with a known malicious certificate",
            (IocKind::AppIds, _) => "a known malicious app id",
            (IocKind::IosProfileIds, _) => "a known malicious configuration profile",
            (IocKind::AndroidPropertyNames, _) => "a known malicious Android property",
        };
        format!(
            "Found {what} \"{}\" matching indicator \"{}\" from \"{}\" ({})",
            self.observed, ioc.value, ioc.name, ioc.stix2_file_name
        )
    }
}

/// Checks observables against a set of indicators. Implementations are built once per run and
/// must answer in time independent of the number of indicators.
pub trait Matcher: Send + Sync {
    /// Appends every indicator the observable matches (at most one per indicator).
    fn check(&self, observable: Observable<'_>, out: &mut Vec<IndicatorMatch>);

    /// True when no indicator is loaded (matching can be skipped).
    fn is_empty(&self) -> bool;
}

/// A matcher with no indicators, for runs that only extract.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoIndicators;

impl Matcher for NoIndicators {
    fn check(&self, _: Observable<'_>, _: &mut Vec<IndicatorMatch>) {}
    fn is_empty(&self) -> bool {
        true
    }
}
