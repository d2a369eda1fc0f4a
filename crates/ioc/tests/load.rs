//! Loading real and synthetic bundles: counts, collections, warnings, folders.

mod common;

use common::{bundle, shared};
use std::collections::BTreeMap;
use tracehound_core::matcher::IocKind::{self, *};
use tracehound_ioc::{IndicatorSet, Source, DEFAULT_COLLECTION};

fn counts(pairs: &[(IocKind, usize)]) -> BTreeMap<IocKind, usize> {
    pairs.iter().copied().collect()
}

/// The per-type counts in `shared/iocs/README.md`.
fn expected_public_counts() -> Vec<(&'static str, BTreeMap<IocKind, usize>)> {
    vec![
        (
            "cytrox.stix2",
            counts(&[(Domains, 336), (FilePaths, 6), (IosProfileIds, 1)]),
        ),
        (
            "malware.stix2",
            counts(&[(Domains, 2183), (AndroidPropertyNames, 3), (FilePaths, 1)]),
        ),
        (
            "novispy.stix2",
            counts(&[
                (Domains, 7),
                (AppIds, 4),
                (AppCertHashes, 3),
                (FilesSha256, 4),
            ]),
        ),
        (
            "pegasus.stix2",
            counts(&[
                (Domains, 1438),
                (Processes, 81),
                (Emails, 29),
                (FileNames, 1),
            ]),
        ),
        ("wintego_helios.stix2", counts(&[(Domains, 175)])),
    ]
}

fn assert_public(sources: &[Source]) {
    let expected = expected_public_counts();
    assert_eq!(sources.len(), expected.len());
    for (source, (name, counts)) in sources.iter().zip(expected) {
        assert_eq!(source.file_name, name);
        assert_eq!(source.counts, counts, "{name}");
        assert!(source.unknown_types.is_empty(), "{name}");
        assert!(source.warnings.is_empty(), "{name}: {:?}", source.warnings);
        assert_eq!(source.malware_names.len(), 1, "{name}");
        assert_eq!(source.sha256.len(), 64);
        let malware = &source.malware_names[0];
        assert!(source.indicators.iter().all(|i| &i.name == malware));
        assert!(source.indicators.iter().all(|i| i.stix2_file_name == name));
    }
}

#[test]
fn public_bundles_from_the_shared_folder() {
    let set = IndicatorSet::load_paths(&[shared().join("iocs")]).unwrap();
    assert_public(set.sources());
    assert!(set.sources()[0].path.ends_with("cytrox.stix2"));
    assert_eq!(set.sources()[3].malware_names, ["Pegasus"]);
    assert_eq!(set.len(), 343 + 2187 + 18 + 1549 + 175);
}

#[test]
fn bundled_set_equals_the_shared_files() {
    let bundled = IndicatorSet::bundled().unwrap();
    assert_public(bundled.sources());
    let shared = IndicatorSet::load_paths(&[shared().join("iocs")]).unwrap();
    for (a, b) in bundled.sources().iter().zip(shared.sources()) {
        assert_eq!(
            a.sha256, b.sha256,
            "{} differs from the shared copy",
            a.file_name
        );
        assert_eq!(a.path, a.file_name);
    }
    let mut all = bundled.counts();
    all.retain(|_, n| *n > 0);
    assert_eq!(all[&Domains], 336 + 2183 + 7 + 1438 + 175);
}

#[test]
fn mvt_test_bundle() {
    let path = shared().join("fixtures/mvt/stix2/test.stix2");
    let set = IndicatorSet::load_paths(&[path]).unwrap();
    let source = &set.sources()[0];
    assert_eq!(source.file_name, "test.stix2");
    assert_eq!(source.len(), 9);
    assert_eq!(source.malware_names, ["TestMalware"]);
    assert_eq!(
        source.counts,
        counts(&[
            (Domains, 2),
            (Urls, 1),
            (Processes, 1),
            (Emails, 1),
            (FileNames, 1),
            (FilesSha1, 1),
            (FilesSha256, 1),
            (AndroidPropertyNames, 1),
        ])
    );
    let sha256 = source.indicators.iter().find(|i| i.kind == FilesSha256);
    assert_eq!(
        sha256.map(|i| i.value.as_str()),
        Some("570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6")
    );
    assert!(source.indicators.iter().all(|i| i.name == "TestMalware"));
}

#[test]
fn report_names_its_indicators() {
    let path = shared().join("fixtures/mvt/stix2/638cd3ee5e5f019f84f9e0ea.json");
    let set = IndicatorSet::load_paths(&[path]).unwrap();
    let source = &set.sources()[0];
    assert_eq!(source.counts, counts(&[(Domains, 15), (Urls, 54)]));
    let report = "Pegasus Forensic Traces per Target Identified in the Aftermath of the Pegasus \
                  Project Revelations - Amnesty International";
    assert_eq!(source.malware_names, [report]);
    assert!(source.indicators.iter().all(|i| i.name == report));
}

#[test]
fn collections_report_then_relationship_then_default() {
    let json = br#"{"type": "bundle", "objects": [
      {"type": "indicator", "id": "i1", "pattern": "[domain-name:value = 'a.com']"},
      {"type": "indicator", "id": "i2", "pattern": "[domain-name:value = 'b.com']"},
      {"type": "indicator", "id": "i3", "pattern": "[domain-name:value = 'c.com']"},
      {"type": "indicator", "id": "i4", "pattern": "[domain-name:value = 'd.com']"},
      {"type": "relationship", "relationship_type": "indicates", "source_ref": "i1", "target_ref": "m1"},
      {"type": "relationship", "relationship_type": "indicates", "source_ref": "i2", "target_ref": "m1"},
      {"type": "relationship", "relationship_type": "related-to", "source_ref": "i3", "target_ref": "m1"},
      {"type": "relationship", "relationship_type": "indicates", "source_ref": "i4", "target_ref": "nothing"},
      {"type": "report", "id": "r1", "name": "The Report", "object_refs": ["i1", 5, null]},
      {"type": "malware", "id": "m1", "name": "Mal", "aliases": {"odd": true}}
    ]}"#;
    let set = IndicatorSet::load_bytes("dir/c.json", json).unwrap();
    let source = &set.sources()[0];
    assert_eq!(source.file_name, "c.json");
    assert_eq!(source.path, "dir/c.json");
    let names: Vec<(&str, &str)> = source
        .indicators
        .iter()
        .map(|i| (i.value.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("a.com", "The Report"),
            ("b.com", "Mal"),
            ("c.com", DEFAULT_COLLECTION),
            ("d.com", DEFAULT_COLLECTION)
        ]
    );
    assert_eq!(
        source.malware_names,
        ["The Report", "Mal", DEFAULT_COLLECTION]
    );
}

#[test]
fn duplicates_within_a_collection_count_once() {
    let json = bundle(&[
        "[domain-name:value = 'evil.com']",
        "[domain-name:value = 'EVIL.com.']",
        "[domain-name:value = 'evil.com' OR process:name = 'x' OR process:name = 'x']",
    ]);
    let set = IndicatorSet::load_bytes("d.stix2", &json).unwrap();
    assert_eq!(
        set.sources()[0].counts,
        counts(&[(Domains, 1), (Processes, 1)])
    );
    // The same value in another collection is another indicator.
    let json = br#"{"type": "bundle", "objects": [
      {"type": "malware", "id": "m1", "name": "One"},
      {"type": "malware", "id": "m2", "name": "Two"},
      {"type": "indicator", "id": "i1", "pattern": "[domain-name:value = 'x.com']"},
      {"type": "indicator", "id": "i2", "pattern": "[domain-name:value = 'x.com']"},
      {"type": "relationship", "relationship_type": "indicates", "source_ref": "i1", "target_ref": "m1"},
      {"type": "relationship", "relationship_type": "indicates", "source_ref": "i2", "target_ref": "m2"}
    ]}"#;
    let set = IndicatorSet::load_bytes("two.stix2", json).unwrap();
    assert_eq!(set.len(), 2);
}

#[test]
fn patterns_or_and_unknown_bad_and_foreign() {
    let json = br#"{"type": "bundle", "objects": [
      {"type": "malware", "id": "m", "name": "M"},
      {"type": "indicator", "id": "ok", "pattern": "[domain-name:value = 'a.com' OR url:value = 'http://x/?a=b']"},
      {"type": "indicator", "id": "and", "pattern": "[file:name = 'n' AND file:hashes.'SHA-256' = 'AB']"},
      {"type": "indicator", "id": "esc", "pattern": "[file:path = '/tmp/it\\'s]']"},
      {"type": "indicator", "id": "unk", "pattern": "[x-thing:value = 'q'] OR [mutex:name = 'z']"},
      {"type": "indicator", "id": "bad", "pattern": "[domain-name:value = 'oops]"},
      {"type": "indicator", "id": "nopat"},
      {"type": "indicator", "id": "yara", "pattern": "rule x {}", "pattern_type": "yara"},
      {"type": "indicator", "id": "empty", "pattern": "[domain-name:value = '  ']"}
    ]}"#;
    let set = IndicatorSet::load_bytes("p.stix2", json).unwrap();
    let s = &set.sources()[0];
    assert_eq!(
        s.counts,
        counts(&[
            (Domains, 1),
            (Urls, 1),
            (FileNames, 1),
            (FilesSha256, 1),
            (FilePaths, 1)
        ])
    );
    assert!(s.indicators.iter().any(|i| i.value == "/tmp/it's]"));
    assert!(s.indicators.iter().any(|i| i.value == "ab"));
    let unknown: Vec<_> = s
        .unknown_types
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(unknown, [("mutex:name", 1), ("x-thing:value", 1)]);
    assert_eq!(s.other_pattern_types.get("yara"), Some(&1));
    assert_eq!(s.warnings.len(), 3, "{:?}", s.warnings);
    assert!(s.warnings[0].contains("indicator bad") && s.warnings[0].contains("at byte 21"));
    assert!(s.warnings[1].contains("nopat"));
    assert!(s.warnings[2].contains("empty"));
    // No indicator tied to a malware here: they all land in the default collection.
    assert_eq!(s.malware_names, ["M", DEFAULT_COLLECTION]);
}

#[test]
fn same_file_twice_is_loaded_once() {
    let json = bundle(&["[domain-name:value = 'evil.com']"]);
    let mut set = IndicatorSet::load_bytes("a.stix2", &json).unwrap();
    set.add_bytes("copy.stix2", &json).unwrap();
    set.extend(IndicatorSet::load_bytes("b.stix2", &json).unwrap());
    assert_eq!(set.sources().len(), 1);
    assert_eq!(set.duplicates().len(), 2);
    assert!(set.duplicates()[0].contains("copy.stix2"));
}

#[test]
fn folders_are_searched_recursively_and_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("b/nested");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
    let write = |rel: &str, domain: &str| {
        let pattern = format!("[domain-name:value = '{domain}']");
        std::fs::write(dir.path().join(rel), bundle(&[&pattern])).unwrap();
    };
    write("z.json", "z.com");
    write("b/nested/deep.STIX2", "deep.com");
    write("a.stix2", "a.com");
    write(".hidden/h.stix2", "h.com");
    write("._a.stix2", "dot.com");
    std::fs::write(dir.path().join("notes.txt"), "not a bundle").unwrap();
    let set = IndicatorSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
    let values: Vec<&str> = set.indicators().map(|i| i.value.as_str()).collect();
    assert_eq!(values, ["a.com", "deep.com", "z.com"]);

    let empty = tempfile::tempdir().unwrap();
    let err = IndicatorSet::load_paths(&[empty.path().to_path_buf()]).unwrap_err();
    assert!(err.to_string().contains("no .stix2 or .json"), "{err}");
}
