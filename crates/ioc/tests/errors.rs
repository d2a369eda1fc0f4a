//! Malformed bundles are clear errors naming the file; no input makes the loader panic.

mod common;

use common::shared;
use tracehound_ioc::{IndicatorSet, IocError, MAX_FILE_SIZE};

fn load_err(name: &str, json: &str) -> IocError {
    match IndicatorSet::load_bytes(name, json.as_bytes()) {
        Ok(set) => panic!("{name} loaded: {:?}", set.sources()),
        Err(e) => e,
    }
}

#[test]
fn invalid_json_names_file_line_and_column() {
    let err = load_err("broken.stix2", "{\"type\": \"bundle\",\n \"objects\": [}");
    let msg = err.to_string();
    assert!(msg.contains("broken.stix2"), "{msg}");
    match err {
        IocError::Json { line, column, .. } => assert_eq!((line, column), (2, 14)),
        other => panic!("{other:?}"),
    }
    let msg = load_err("t.json", r#"{"type": "bundle", "objects": []} trailing"#).to_string();
    assert!(msg.contains("t.json") && msg.contains("line 1"), "{msg}");
}

#[test]
fn wrong_structure_is_an_error() {
    let cases = [
        ("[1, 2]", "a STIX2 bundle"),
        ("\"bundle\"", "a STIX2 bundle"),
        (
            r#"{"type": "bundle", "objects": {"a": 1}}"#,
            "array of STIX2 objects",
        ),
        (
            r#"{"type": "bundle", "objects": "x"}"#,
            "array of STIX2 objects",
        ),
        (r#"{"type": "bundle", "objects": [1]}"#, "objects[0]"),
        (
            r#"{"type": "bundle", "objects": [{"type": "malware"}, {"id": "x"}]}"#,
            "objects[1] has no string \"type\"",
        ),
        (
            r#"{"type": "bundle", "objects": [{"type": 7}]}"#,
            "objects[0] has no string \"type\"",
        ),
    ];
    for (json, expected) in cases {
        let err = load_err("bad.stix2", json);
        let msg = err.to_string();
        assert!(matches!(err, IocError::Json { .. }), "{json}: {msg}");
        assert!(
            msg.contains("bad.stix2") && msg.contains(expected),
            "{json}: {msg}"
        );
    }
}

#[test]
fn json_that_is_not_a_bundle() {
    for json in [r#"{"objects": []}"#, r#"{"type": "report", "objects": []}"#] {
        let err = load_err("other.json", json);
        assert!(matches!(err, IocError::NotABundle { .. }), "{err}");
        assert!(err.to_string().contains("other.json"));
    }
    // A bundle with no objects is valid and empty.
    let set = IndicatorSet::load_bytes("e.stix2", br#"{"type": "bundle"}"#).unwrap();
    assert!(set.is_empty());
}

#[test]
fn missing_and_oversized_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.stix2");
    let err = IndicatorSet::load_paths(&[missing]).unwrap_err();
    assert!(matches!(err, IocError::Io { .. }));
    assert!(err.to_string().contains("missing.stix2"), "{err}");

    let big = dir.path().join("big.stix2");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(MAX_FILE_SIZE + 1).unwrap(); // sparse: nothing is written
    let err = IndicatorSet::load_paths(&[big]).unwrap_err();
    assert!(matches!(err, IocError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("big.stix2"), "{err}");

    // A malformed file inside a folder is named by its full path.
    std::fs::write(dir.path().join("a.json"), "{oops").unwrap();
    std::fs::remove_file(dir.path().join("big.stix2")).unwrap();
    let err = IndicatorSet::load_paths(&[dir.path().to_path_buf()]).unwrap_err();
    assert!(
        err.to_string()
            .contains(&*dir.path().join("a.json").to_string_lossy()),
        "{err}"
    );
}

/// Every prefix and many byte flips of a real bundle load or fail cleanly, and what loads
/// respects the loader's invariants.
#[test]
fn truncated_and_corrupted_bundles_never_panic() {
    let bytes = std::fs::read(shared().join("fixtures/mvt/stix2/test.stix2")).unwrap();
    let check = |data: &[u8]| {
        if let Ok(set) = IndicatorSet::load_bytes("x.stix2", data) {
            for s in set.sources() {
                assert_eq!(s.counts.values().sum::<usize>(), s.len());
                assert!(s.indicators.iter().all(|i| !i.value.is_empty()));
            }
        }
    };
    for end in 0..bytes.len() {
        check(&bytes[..end]);
    }
    let mut data = bytes.clone();
    for i in (0..data.len()).step_by(7) {
        for b in [b'\'', b'\\', b'[', b']', b'"', 0xff, b'=', b' '] {
            let old = data[i];
            data[i] = b;
            check(&data);
            data[i] = old;
        }
    }
}
