//! What kind of observable a value typed by an analyst is (`tracehound iocs match VALUE`).
//!
//! The shape decides: `scheme://…` is a URL, `user@host` an e-mail address, `/…` a file path,
//! 32, 40 or 64 hex digits a file hash, an IP address or a dotted name a domain — a dotted name
//! is also tried as an app id (`com.example.app` is both shapes) — and a single word a process
//! name.

use tracehound_core::Observable;

/// A kind of value that can be checked against indicators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueKind {
    /// A domain or IP address (a URL's host is taken if a URL is given).
    Domain,
    /// A full URL.
    Url,
    /// A process name (or a path to the executable).
    Process,
    /// An e-mail address.
    Email,
    /// An iOS bundle id or Android package name.
    AppId,
    /// An absolute file path.
    FilePath,
    /// A file name.
    FileName,
    /// An MD5, SHA-1 or SHA-256 file hash.
    FileHash,
    /// An app signing certificate hash.
    AppCertHash,
    /// A configuration profile id.
    ProfileId,
    /// An Android system property name.
    AndroidProperty,
}

impl ValueKind {
    /// The observable for `value` as this kind.
    pub fn observable(self, value: &str) -> Observable<'_> {
        match self {
            ValueKind::Domain => Observable::Domain(value),
            ValueKind::Url => Observable::Url(value),
            ValueKind::Process => Observable::Process(value),
            ValueKind::Email => Observable::Email(value),
            ValueKind::AppId => Observable::AppId(value),
            ValueKind::FilePath => Observable::FilePath(value),
            ValueKind::FileName => Observable::FileName(value),
            ValueKind::FileHash => Observable::FileHash(value),
            ValueKind::AppCertHash => Observable::AppCertHash(value),
            ValueKind::ProfileId => Observable::ProfileId(value),
            ValueKind::AndroidProperty => Observable::AndroidProperty(value),
        }
    }

    /// A short lower-case name (`domain`, `app_id`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Domain => "domain",
            ValueKind::Url => "url",
            ValueKind::Process => "process",
            ValueKind::Email => "email",
            ValueKind::AppId => "app_id",
            ValueKind::FilePath => "file_path",
            ValueKind::FileName => "file_name",
            ValueKind::FileHash => "file_hash",
            ValueKind::AppCertHash => "app_cert_hash",
            ValueKind::ProfileId => "profile_id",
            ValueKind::AndroidProperty => "android_property",
        }
    }
}

/// The kinds `value` is checked as when no kind is given, most likely first.
pub fn guess_kinds(value: &str) -> Vec<ValueKind> {
    let v = value.trim();
    if v.contains("://") {
        return vec![ValueKind::Url];
    }
    if v.starts_with('/') {
        return vec![ValueKind::FilePath];
    }
    if v.contains('@') && !v.contains(char::is_whitespace) {
        return vec![ValueKind::Email];
    }
    if matches!(v.len(), 32 | 40 | 64) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return vec![ValueKind::FileHash];
    }
    if v.parse::<std::net::IpAddr>().is_ok() {
        return vec![ValueKind::Domain];
    }
    if v.contains('/') {
        // `host/path` without a scheme: the matcher takes the host.
        return vec![ValueKind::Domain];
    }
    if v.contains('.') && !v.contains(char::is_whitespace) {
        return vec![ValueKind::Domain, ValueKind::AppId];
    }
    vec![ValueKind::Process]
}

#[cfg(test)]
mod tests {
    use super::{guess_kinds, ValueKind::*};

    #[test]
    fn shapes() {
        assert_eq!(guess_kinds("https://evil.com/x"), [Url]);
        assert_eq!(guess_kinds("a@b.org"), [Email]);
        assert_eq!(guess_kinds("/private/var/tmp/x"), [FilePath]);
        assert_eq!(guess_kinds(&"ab".repeat(32)), [FileHash]);
        assert_eq!(guess_kinds("1.2.3.4"), [Domain]);
        assert_eq!(guess_kinds("evil.com/path"), [Domain]);
        assert_eq!(guess_kinds("com.evil.app"), [Domain, AppId]);
        assert_eq!(guess_kinds("bh"), [Process]);
    }
}
