//! Large generated bundles load in linear time.

use std::fmt::Write;
use std::time::Instant;
use tracehound_core::matcher::{IocKind, Matcher};
use tracehound_core::Observable;
use tracehound_ioc::{IndicatorMatcher, IndicatorSet};

/// A bundle of `n` domain indicators: a third tied to a malware by relationships, a third listed
/// in a report, a third in no collection.
fn generated(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 200);
    s.push_str(r#"{"type":"bundle","objects":[{"type":"malware","id":"malware--m","name":"Gen"}"#);
    for i in 0..n {
        let _ = write!(
            s,
            r#",{{"type":"indicator","id":"indicator--{i}","pattern":"[domain-name:value = 'd{i}.example']","pattern_type":"stix"}}"#
        );
        if i % 3 == 0 {
            let _ = write!(
                s,
                r#",{{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--{i}","target_ref":"malware--m"}}"#
            );
        }
    }
    s.push_str(r#",{"type":"report","id":"report--r","name":"Rep","object_refs":["#);
    let refs: Vec<String> = (1..n)
        .step_by(3)
        .map(|i| format!("\"indicator--{i}\""))
        .collect();
    s.push_str(&refs.join(","));
    s.push_str("]}]}");
    s.into_bytes()
}

fn load_and_check(n: usize) {
    let bytes = generated(n);
    let start = Instant::now();
    let set = IndicatorSet::load_bytes("gen.stix2", &bytes).unwrap();
    let loaded = start.elapsed();
    assert_eq!(set.counts().get(&IocKind::Domains), Some(&n));
    let names = &set.sources()[0].malware_names;
    assert_eq!(names, &["Gen", "Rep", "Default collection"]);
    let by_name = |name: &str| set.indicators().filter(|i| i.name == name).count();
    assert_eq!(by_name("Gen"), n.div_ceil(3));
    let start = Instant::now();
    let m = IndicatorMatcher::new(&set);
    let built = start.elapsed();
    let mut out = Vec::new();
    m.check(Observable::Domain("x.d7.example"), &mut out);
    m.check(Observable::Text("visit d4.example today"), &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].indicator.name, "Rep");
    eprintln!("{n} indicators: loaded in {loaded:?}, matcher built in {built:?}");
}

#[test]
fn hundred_thousand_indicators() {
    load_and_check(100_000);
}

#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn million_indicators() {
    load_and_check(1_000_000);
}
