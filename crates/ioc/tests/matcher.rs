//! Matching semantics, each with positive and negative cases.

mod common;

use common::{bundle, shared};
use tracehound_core::matcher::{IocKind, MatchReason, Matcher};
use tracehound_core::Observable::{self, *};
use tracehound_ioc::{IndicatorMatcher, IndicatorSet};

fn matcher() -> IndicatorMatcher {
    let json = bundle(&[
        "[domain-name:value = 'evil.com' OR domain-name:value = 'Bad.Example.ORG.']",
        "[ipv4-addr:value = '198.51.100.1'] OR [ipv6-addr:value = '2001:DB8::1']",
        "[url:value = 'https://good.com/exploit/']",
        "[process:name = 'bh'] OR [process:name = 'com.apple.CommCenterRootHelper']",
        "[process:name = 'roleaccountd_x']",
        "[process:name = 'exactly16bytes__']",
        "[file:name = 'payload.dylib'] OR [file:name = '/var/foobar/txt']",
        "[file:path = '/private/var/tmp/x'] OR [file:path = '/private/var/db/com.evil/']",
        "[email-addr:value = 'Bob@Evil.COM']",
        "[file:hashes.md5 = 'D41D8CD98F00B204E9800998ECF8427E']",
        "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
        "[file:hashes.sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        "[app:id = 'com.Evil.App'] OR [app:cert.sha256 = 'AABBCC']",
        "[configuration-profile:id = 'ABCD-1234'] OR [android-property:name = 'sys.Evil']",
    ]);
    IndicatorMatcher::new(&IndicatorSet::load_bytes("t.stix2", &json).unwrap())
}

/// (indicator value, observed, reason) of every match.
fn check(m: &IndicatorMatcher, o: Observable<'_>) -> Vec<(String, String, MatchReason)> {
    let mut out = Vec::new();
    m.check(o, &mut out);
    out.into_iter()
        .map(|x| (x.indicator.value.clone(), x.observed, x.reason))
        .collect()
}

fn hit(m: &IndicatorMatcher, o: Observable<'_>) -> Option<(String, MatchReason)> {
    let found = check(m, o);
    assert!(found.len() <= 1, "{o:?}: {found:?}");
    found.into_iter().next().map(|(v, _, r)| (v, r))
}

fn is(v: &str, r: MatchReason) -> Option<(String, MatchReason)> {
    Some((v.to_string(), r))
}

#[test]
fn domains_exact_subdomain_and_ips() {
    let m = matcher();
    assert_eq!(
        hit(&m, Domain("evil.com")),
        is("evil.com", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Domain("EVIL.com.")),
        is("evil.com", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Domain("evil.com:443")),
        is("evil.com", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Domain("a.b.Evil.com")),
        is("evil.com", MatchReason::Subdomain)
    );
    assert_eq!(
        hit(&m, Domain("x.bad.example.org")),
        is("bad.example.org", MatchReason::Subdomain)
    );
    assert_eq!(hit(&m, Domain("notevil.com")), None);
    assert_eq!(hit(&m, Domain("evil.com.au")), None);
    assert_eq!(hit(&m, Domain("example.org")), None);
    assert_eq!(
        hit(&m, Domain("198.51.100.1")),
        is("198.51.100.1", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Domain("[2001:db8:0::1]:8080")),
        is("2001:db8::1", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Domain("2001:db8::1")),
        is("2001:db8::1", MatchReason::Exact)
    );
    assert_eq!(hit(&m, Domain("198.51.100.10")), None);
    assert_eq!(hit(&m, Domain("")), None);
    assert_eq!(
        hit(&m, Domain("https://x.evil.com/a")),
        is("evil.com", MatchReason::Subdomain)
    );
}

#[test]
fn urls_exact_and_by_host() {
    let m = matcher();
    let url = "https://good.com/exploit";
    assert_eq!(
        check(&m, Url(url)),
        [(url.to_string() + "/", url.into(), MatchReason::Exact)]
    );
    assert_eq!(
        hit(&m, Url("HTTPS://GOOD.com/exploit/")),
        is("https://good.com/exploit/", MatchReason::Exact)
    );
    assert_eq!(hit(&m, Url("https://good.com/Exploit/")), None);
    assert_eq!(hit(&m, Url("https://good.com/")), None);
    assert_eq!(
        hit(&m, Url("https://user:pw@x.evil.com:8443/p?q#f")),
        is("evil.com", MatchReason::UrlHost)
    );
    assert_eq!(
        hit(&m, Url("evil.com/path")),
        is("evil.com", MatchReason::UrlHost)
    );
    assert_eq!(
        hit(&m, Url("http://[2001:db8::1]/")),
        is("2001:db8::1", MatchReason::UrlHost)
    );
    assert_eq!(
        hit(&m, Url("http://198.51.100.1:80/a")),
        is("198.51.100.1", MatchReason::UrlHost)
    );
    assert_eq!(hit(&m, Url("https://notevil.com/evil.com")), None);
    for garbage in [
        "",
        "://",
        "http://",
        "http://@",
        "[",
        "http://[",
        "\u{0}\u{ffff}",
        "é:/é@é",
    ] {
        assert_eq!(hit(&m, Url(garbage)), None, "{garbage:?}");
    }
}

#[test]
fn text_links_and_bare_domains() {
    let m = matcher();
    let found = check(
        &m,
        Text("Click https://x.evil.com/a now, or mail Bob at evil.com."),
    );
    assert_eq!(
        found,
        [(
            "evil.com".into(),
            "https://x.evil.com/a".into(),
            MatchReason::UrlHost
        )]
    );
    let found = check(&m, Text("see EVIL.COM, and (bad.example.org)"));
    assert_eq!(
        found,
        [
            ("evil.com".into(), "EVIL.COM".into(), MatchReason::InText),
            (
                "bad.example.org".into(),
                "bad.example.org".into(),
                MatchReason::InText
            )
        ]
    );
    assert_eq!(
        hit(&m, Text("a sub.evil.com b")),
        is("evil.com", MatchReason::InText)
    );
    assert_eq!(
        hit(&m, Text("host 198.51.100.1:80 up")),
        is("198.51.100.1", MatchReason::InText)
    );
    for clean in [
        "notevil.com",
        "evil.community",
        "evil.com.au",
        "my-evil.com",
        "evil.com_x",
        "1198.51.100.1",
        "198.51.100.12",
        "",
        "no domains at all",
    ] {
        assert_eq!(check(&m, Text(clean)), [], "{clean:?}");
    }
    let found = check(
        &m,
        Text("https://good.com/exploit/ then https://good.com/exploit/"),
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn processes_exact_truncated_and_in_paths() {
    let m = matcher();
    assert_eq!(hit(&m, Process("bh")), is("bh", MatchReason::Exact));
    assert_eq!(
        hit(&m, Process("/usr/libexec/bh")),
        is("bh", MatchReason::Exact)
    );
    assert_eq!(hit(&m, Process("BH")), None);
    assert_eq!(hit(&m, Process("bhx")), None);
    let long = "com.apple.CommCenterRootHelper";
    assert_eq!(
        hit(&m, Process("com.apple.CommC")),
        is(long, MatchReason::TruncatedProcess)
    );
    assert_eq!(
        hit(&m, Process("com.apple.CommCe")),
        is(long, MatchReason::TruncatedProcess)
    );
    assert_eq!(hit(&m, Process("com.apple.Comm")), None); // 14 bytes: not a truncation
    assert_eq!(hit(&m, Process("com.apple.CommCen")), None); // 17 bytes
    assert_eq!(hit(&m, Process("com.apple.CommCX")), None);
    assert_eq!(
        hit(&m, Process("roleaccountd_x")),
        is("roleaccountd_x", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Process("exactly16bytes__")),
        is("exactly16bytes__", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, Process("exactly16bytes_")),
        is("exactly16bytes__", MatchReason::TruncatedProcess)
    );

    assert_eq!(
        hit(&m, PathComponents("/private/var/bh/log.txt")),
        is("bh", MatchReason::PathComponent)
    );
    assert_eq!(hit(&m, PathComponents("/private/var/bhx/bh.txt")), None);
}

#[test]
fn file_paths_names_and_prefixes() {
    let m = matcher();
    assert_eq!(
        hit(&m, FilePath("/private/var/tmp/x")),
        is("/private/var/tmp/x", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, FilePath("/private/var/tmp/x/")),
        is("/private/var/tmp/x", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, FilePath("/private/var/tmp/x/y/z")),
        is("/private/var/tmp/x", MatchReason::PathPrefix)
    );
    assert_eq!(hit(&m, FilePath("/private/var/tmp/xy")), None);
    assert_eq!(hit(&m, FilePath("/private/var/tmp")), None);
    assert_eq!(
        hit(&m, FilePath("/private/var/db/com.evil")),
        is("/private/var/db/com.evil/", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, FilePath("/private/var/db/com.evil/a")),
        is("/private/var/db/com.evil/", MatchReason::PathPrefix)
    );
    assert_eq!(hit(&m, FilePath("/private/var/db/com.evilx")), None);
    assert_eq!(
        hit(&m, FilePath("/Library/payload.dylib")),
        is("payload.dylib", MatchReason::Exact)
    );
    assert_eq!(
        hit(&m, FilePath("/var/foobar/txt")),
        is("/var/foobar/txt", MatchReason::Exact)
    );
    assert_eq!(hit(&m, FilePath("/Library/payload.dylibx")), None);
    assert_eq!(
        hit(&m, FileName("payload.dylib")),
        is("payload.dylib", MatchReason::Exact)
    );
    assert_eq!(hit(&m, FileName("Payload.dylib")), None);
    for garbage in ["", "/", "//", "///x"] {
        assert_eq!(hit(&m, FilePath(garbage)), None);
    }
}

#[test]
fn case_insensitive_identifiers_and_hashes() {
    let m = matcher();
    assert_eq!(
        hit(&m, Email("BOB@evil.com")),
        is("bob@evil.com", MatchReason::Exact)
    );
    assert_eq!(hit(&m, Email("bob@evil.co")), None);
    assert_eq!(
        hit(&m, AppId("com.evil.APP")),
        is("com.Evil.App", MatchReason::Exact)
    );
    assert_eq!(hit(&m, AppId("com.evil.app2")), None);
    assert_eq!(
        hit(&m, AndroidProperty("SYS.EVIL")),
        is("sys.Evil", MatchReason::Exact)
    );
    assert_eq!(hit(&m, AndroidProperty("sys.evil2")), None);
    assert_eq!(
        hit(&m, ProfileId("abcd-1234")),
        is("ABCD-1234", MatchReason::Exact)
    );
    assert_eq!(hit(&m, ProfileId("ABCD-12345")), None);
    assert_eq!(
        hit(&m, AppCertHash("aa:bb:CC")),
        is("aabbcc", MatchReason::Exact)
    );
    assert_eq!(hit(&m, AppCertHash("aabbcd")), None);
    let md5 = "d41d8cd98f00b204e9800998ecf8427e";
    assert_eq!(
        hit(&m, FileHash(&md5.to_uppercase())),
        is(md5, MatchReason::Exact)
    );
    let sha1 = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709";
    assert_eq!(hit(&m, FileHash(sha1)).map(|h| h.0.len()), Some(40));
    let sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    assert_eq!(hit(&m, FileHash(sha256)).map(|h| h.0.len()), Some(64));
    assert_eq!(hit(&m, FileHash(&sha256[..63])), None);
    assert_eq!(hit(&m, FileHash("")), None);
}

#[test]
fn matches_carry_the_indicator_source() {
    let set = IndicatorSet::load_paths(&[shared().join("fixtures/mvt/stix2/test.stix2")]).unwrap();
    let m = IndicatorMatcher::new(&set);
    assert!(!m.is_empty());
    let mut out = Vec::new();
    m.check(Url("http://example.com/thisisbad"), &mut out);
    m.check(Domain("www.example.org"), &mut out);
    m.check(
        FileHash("570CD76BF49CF52E0CB347A68BDCF0590B2EAECE134E1B1EBA7E8D66261BDBE6"),
        &mut out,
    );
    m.check(Email("FOOBAR@example.org"), &mut out);
    assert_eq!(out.len(), 4, "{out:?}");
    for x in &out {
        assert_eq!(x.indicator.name, "TestMalware");
        assert_eq!(x.indicator.stix2_file_name, "test.stix2");
    }
    assert_eq!(out[0].indicator.kind, IocKind::Urls);
    assert!(
        out[1].message().contains("subdomain"),
        "{}",
        out[1].message()
    );
}

#[test]
fn identical_indicators_from_two_files_match_once_per_file() {
    let json = bundle(&["[domain-name:value = 'evil.com']"]);
    let mut set = IndicatorSet::load_bytes("a.stix2", &json).unwrap();
    let other = bundle(&["[domain-name:value = 'evil.com']", "[process:name = 'p']"]);
    set.add_bytes("b.stix2", &other).unwrap();
    let m = IndicatorMatcher::new(&set);
    let files: Vec<String> = {
        let mut out = Vec::new();
        m.check(Domain("evil.com"), &mut out);
        out.into_iter()
            .map(|x| x.indicator.stix2_file_name.clone())
            .collect()
    };
    assert_eq!(files, ["a.stix2", "b.stix2"]);
    assert!(IndicatorMatcher::new(&IndicatorSet::new()).is_empty());
}

#[test]
fn bundled_set_matches_known_pegasus_traces() {
    let m = IndicatorMatcher::new(&IndicatorSet::bundled().unwrap());
    assert!(m.warnings().is_empty(), "{:?}", m.warnings());
    let mut out = Vec::new();
    m.check(Process("bh"), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].indicator.name, "Pegasus");
}

#[test]
fn non_ascii_domains_fold_case_in_text() {
    let json = bundle(&["[domain-name:value = 'BÜCHER.example']"]);
    let m = IndicatorMatcher::new(&IndicatorSet::load_bytes("u.stix2", &json).unwrap());
    assert_eq!(
        hit(&m, Text("bei www.Bücher.EXAMPLE.")),
        is("bücher.example", MatchReason::InText)
    );
    assert_eq!(
        hit(&m, Domain("WWW.BÜCHER.example")),
        is("bücher.example", MatchReason::Subdomain)
    );
    assert_eq!(hit(&m, Text("xbücher.example")), None);
}

/// Huge hosts, words and paths are checked in linear time (a quadratic walk would hang here).
#[test]
fn huge_inputs_stay_linear() {
    let m = matcher();
    let dotted = "a.".repeat(500_000) + "evil.com";
    assert_eq!(
        hit(&m, Domain(&dotted)),
        is("evil.com", MatchReason::Subdomain)
    );
    assert_eq!(hit(&m, Text(&dotted)), is("evil.com", MatchReason::InText));
    let unicode = "é.".repeat(300_000) + "evil.com";
    assert_eq!(hit(&m, Text(&unicode)), is("evil.com", MatchReason::InText));
    let url = format!("https://{dotted}/{}", "x/".repeat(500_000));
    assert_eq!(hit(&m, Url(&url)), is("evil.com", MatchReason::UrlHost));
    let path = "/private/var/tmp/x".to_string() + &"/y".repeat(500_000);
    assert_eq!(
        hit(&m, FilePath(&path)),
        is("/private/var/tmp/x", MatchReason::PathPrefix)
    );
    let components = "/q".repeat(500_000) + "/bh";
    assert_eq!(
        hit(&m, PathComponents(&components)),
        is("bh", MatchReason::PathComponent)
    );
}
