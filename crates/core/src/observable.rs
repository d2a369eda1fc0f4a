//! What a record carries that an indicator can match.

/// One value a record exposes to indicator matching, borrowed from the record.
///
/// The variant says how the value is to be compared; the matching rules live in the `ioc` crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Observable<'a> {
    /// A full URL: compared exactly with URL indicators, and by its host with domain indicators.
    Url(&'a str),
    /// A host name or IP address: matches a domain indicator equal to it or to a parent domain.
    Domain(&'a str),
    /// Free text (a message body): URLs and bare domain names inside it are found and checked.
    Text(&'a str),
    /// A process name, or a path whose last component is one: exact, or a truncated prefix.
    Process(&'a str),
    /// A file path whose components may name a known malicious process.
    PathComponents(&'a str),
    /// An email address (case-insensitive).
    Email(&'a str),
    /// A file path: exact or by directory prefix with path indicators; its name with name ones.
    FilePath(&'a str),
    /// A bare file name.
    FileName(&'a str),
    /// An MD5, SHA-1 or SHA-256 hex digest of a file (the algorithm follows from the length).
    FileHash(&'a str),
    /// An application identifier (iOS bundle id, Android package name); case-insensitive.
    AppId(&'a str),
    /// A hash of an app's signing certificate.
    AppCertHash(&'a str),
    /// A configuration profile identifier or UUID.
    ProfileId(&'a str),
    /// An Android system property name.
    AndroidProperty(&'a str),
}

impl<'a> Observable<'a> {
    /// The observed value.
    pub fn value(&self) -> &'a str {
        match *self {
            Observable::Url(v)
            | Observable::Domain(v)
            | Observable::Text(v)
            | Observable::Process(v)
            | Observable::PathComponents(v)
            | Observable::Email(v)
            | Observable::FilePath(v)
            | Observable::FileName(v)
            | Observable::FileHash(v)
            | Observable::AppId(v)
            | Observable::AppCertHash(v)
            | Observable::ProfileId(v)
            | Observable::AndroidProperty(v) => v,
        }
    }
}
