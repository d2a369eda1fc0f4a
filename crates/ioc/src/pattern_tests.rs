use super::*;

fn pairs(pattern: &str) -> Vec<(String, String)> {
    match parse_pattern(pattern) {
        Ok(cs) => cs
            .into_iter()
            .map(|c| (c.path.to_string(), c.value.into_owned()))
            .collect(),
        Err(e) => panic!("{pattern}: {e}"),
    }
}

fn p(path: &str, value: &str) -> (String, String) {
    (path.to_string(), value.to_string())
}

#[test]
fn single_comparison_with_and_without_spaces() {
    assert_eq!(
        pairs("[domain-name:value = 'evil.com']"),
        vec![p("domain-name:value", "evil.com")]
    );
    assert_eq!(
        pairs("[domain-name:value='evil.com']"),
        vec![p("domain-name:value", "evil.com")]
    );
    assert_eq!(
        pairs("  [ process:name\t=\n'x' ]  "),
        vec![p("process:name", "x")]
    );
}

#[test]
fn or_inside_and_between_observations() {
    assert_eq!(
        pairs("[domain-name:value = 'a.com' OR domain-name:value = 'b.com']"),
        vec![
            p("domain-name:value", "a.com"),
            p("domain-name:value", "b.com")
        ]
    );
    assert_eq!(
        pairs("[url:value = 'http://x/'] OR [email-addr:value = 'a@b.c'] or [app:id = 'q']"),
        vec![
            p("url:value", "http://x/"),
            p("email-addr:value", "a@b.c"),
            p("app:id", "q")
        ]
    );
}

#[test]
fn and_yields_each_comparison() {
    assert_eq!(
        pairs("[file:name = 'a' AND file:hashes.'SHA-256' = 'ab'] AND ([process:name = 'p'])"),
        vec![
            p("file:name", "a"),
            p("file:hashes.'SHA-256'", "ab"),
            p("process:name", "p")
        ]
    );
    assert_eq!(
        pairs("[(file:name = 'a' OR file:name = 'b') AND file:path = 'c']"),
        vec![
            p("file:name", "a"),
            p("file:name", "b"),
            p("file:path", "c")
        ]
    );
}

#[test]
fn escapes_and_tricky_values() {
    assert_eq!(
        pairs(r"[file:name = 'it\'s \\ here']"),
        vec![p("file:name", r"it's \ here")]
    );
    assert_eq!(
        pairs("[url:value = 'http://x/?a=b&c=]d OR [e']"),
        vec![p("url:value", "http://x/?a=b&c=]d OR [e")]
    );
    assert_eq!(
        pairs("[file:path = 'é/ü = ok']"),
        vec![p("file:path", "é/ü = ok")]
    );
}

#[test]
fn qualifiers_and_literals_are_accepted() {
    assert_eq!(
        pairs("[process:name = 'a'] REPEATS 5 TIMES WITHIN 10 SECONDS"),
        vec![p("process:name", "a")]
    );
    assert_eq!(
        pairs("[x:y = 5] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'"),
        vec![p("x:y", "5")]
    );
    assert_eq!(pairs("[x:y[*].z = true]"), vec![p("x:y[*].z", "true")]);
}

#[test]
fn malformed_patterns_report_offsets() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("domain-name:value = 'x'", 0),
        ("[domain-name:value = 'x'", 24),
        ("[domain-name:value = 'x]", 21),
        ("[domain-name:value 'x']", 19),
        ("[domain-name:value != 'x']", 19),
        ("[domain-name:value MATCHES 'x']", 19),
        ("[= 'x']", 1),
        ("[domain-name: = 'x']", 13),
        ("[file:name = 'a\\qb']", 16),
        ("[a:b = 'x'] junk", 12),
        ("[a:b = 'x'] OR", 14),
        ("[a:b = x]", 7),
    ];
    for (pattern, offset) in cases {
        match parse_pattern(pattern) {
            Ok(c) => panic!("{pattern:?} parsed as {c:?}"),
            Err(e) => assert_eq!(e.offset, *offset, "{pattern:?}: {e}"),
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}[a:b = 'x']{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(parse_pattern(&deep).is_err());
    let deep = format!("[{}a:b = 'x'{}]", "(".repeat(100_000), ")".repeat(100_000));
    assert!(parse_pattern(&deep).is_err());
}

#[test]
fn paths_are_normalised_and_classified() {
    assert_eq!(
        normalise_path("file:hashes.'SHA-256'"),
        "file:hashes.sha256"
    );
    assert_eq!(normalise_path("file:hashes.'SHA-1'"), "file:hashes.sha1");
    assert_eq!(normalise_path("file:hashes.MD5"), "file:hashes.md5");
    assert_eq!(normalise_path("app:cert.'SHA-256'"), "app:cert.sha256");
    let c = |path: &str, value: &str| {
        classify(&Comparison {
            path,
            value: value.into(),
            offset: 0,
        })
    };
    assert_eq!(
        c("domain-name:value", " Evil.COM. "),
        Classified::Indicator(IocKind::Domains, "evil.com".into())
    );
    assert_eq!(
        c("ipv6-addr:value", "[2001:DB8::1]"),
        Classified::Indicator(IocKind::Domains, "2001:db8::1".into())
    );
    assert_eq!(
        c("file:hashes.'SHA-256'", "ABCD"),
        Classified::Indicator(IocKind::FilesSha256, "abcd".into())
    );
    assert_eq!(
        c("app:cert.sha1", "AB"),
        Classified::Indicator(IocKind::AppCertHashes, "ab".into())
    );
    assert_eq!(
        c("process:name", "CaseKept"),
        Classified::Indicator(IocKind::Processes, "CaseKept".into())
    );
    assert_eq!(
        c("x-custom:thing", "v"),
        Classified::Unknown("x-custom:thing".into())
    );
}
