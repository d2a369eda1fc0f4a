//! Inputs that fuzzing found breaking a parser's invariants, kept as files under
//! `tests/regressions/`, each with its exact expected outcome.

use std::path::PathBuf;
use tracehound_android::parsers::{platform_compat, ps};

fn regression(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// 19 process lines where two keep their name although RSS is not a number: they count as a
/// record and as a failure (the fuzz invariant "records + failed ≤ lines" was the wrong one).
#[test]
fn ps_line_kept_for_its_name_is_also_counted_as_not_understood() {
    let t = regression("ps-kept-and-failed.txt");
    let p = ps::parse_ps(&t);
    assert_eq!((p.records.len(), p.failed), (16, 5));
    assert_eq!(
        p.warnings,
        [
            "line 5: 7 of 9 columns",
            "line 10: 7 of 9 columns",
            "line 14: RSS \"0\u{fffd}\" is not a number",
            "line 18: RSS \"0\u{fffd}\" is not a number",
            "line 20: 8 of 9 columns, RSS \"0(0\" is not a number",
        ]
    );
    assert!(p.records.iter().all(|r| !r.command.is_empty()));
    // A line with every column but an empty command is counted, not silently dropped.
    let p = ps::parse_ps("USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 0 0 0 0 S []\n");
    assert_eq!((p.records.len(), p.failed), (0, 1));
    assert_eq!(p.warnings, ["line 2: no command"]);
}

/// One ChangeId line holds several overrides: three records and one failure from two lines
/// (the fuzz invariant "records ≤ lines" was the wrong one). An override without a package
/// name is a failure, not a record with an empty name.
#[test]
fn platform_compat_line_with_several_overrides() {
    let t = regression("platform-compat-overrides-on-one-line.txt");
    let p = platform_compat::parse_platform_compat(&t);
    let names: Vec<&str> = p.records.iter().map(|r| r.package_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "org.torproject.torbrohyon",
            "org.torprojecwser",
            "org.at.torbrowser"
        ]
    );
    assert_eq!(p.failed, 1);
    let p = platform_compat::parse_platform_compat(
        "ChangeId(1; name=X; rawOverrides={=false, a.b=true})\n",
    );
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.records[0].package_name, "a.b");
    assert_eq!(p.failed, 1);
}
