//! Times loading the bundled indicators and a generated bundle, and building the matcher.
//!
//! `cargo run --release -p tracehound-ioc --example load_timing [N]` (N defaults to 1,000,000).

use std::fmt::Write;
use std::time::Instant;
use tracehound_core::{Matcher, Observable};
use tracehound_ioc::{IndicatorMatcher, IndicatorSet, IocError};

fn generated(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 200);
    s.push_str(r#"{"type":"bundle","objects":[{"type":"malware","id":"malware--m","name":"Gen"}"#);
    for i in 0..n {
        let _ = write!(
            s,
            r#",{{"type":"indicator","id":"indicator--{i}","pattern":"[domain-name:value = 'd{i}.example']","pattern_type":"stix"}},{{"type":"relationship","relationship_type":"indicates","source_ref":"indicator--{i}","target_ref":"malware--m"}}"#
        );
    }
    s.push_str("]}");
    s.into_bytes()
}

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    println!("{what}: {:.3} s", start.elapsed().as_secs_f64());
    value
}

fn main() -> Result<(), IocError> {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let bundled = time("load bundled set", IndicatorSet::bundled)?;
    println!("  {} indicators", bundled.len());
    time("build matcher (bundled)", || {
        IndicatorMatcher::new(&bundled)
    });

    let bytes = generated(n);
    println!(
        "generated bundle: {n} indicators, {} MB",
        bytes.len() / 1_000_000
    );
    let set = time("load generated bundle", || {
        IndicatorSet::load_bytes("gen.stix2", &bytes)
    })?;
    drop(bytes);
    let matcher = time("build matcher (generated)", || IndicatorMatcher::new(&set));
    let text = "lorem ipsum https://a.example/x dolor d17.example sit amet ".repeat(1000);
    let mut out = Vec::new();
    time("check 10,000 domains", || {
        for i in 0..10_000 {
            matcher.check(Observable::Domain(&format!("x.d{i}.example")), &mut out);
        }
    });
    time("check 60 kB of text", || {
        matcher.check(Observable::Text(&text), &mut out)
    });
    println!("{} matches", out.len());
    Ok(())
}
