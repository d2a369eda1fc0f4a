//! CacheFiles on a synthetic dump: every Cache.db, responses grouped by file as MVT writes
//! them, URLs as observables, a cache without the table a warning, a lone corrupt one an error.

#[path = "support/dump.rs"]
mod dump;

use dump::{
    caches, observables, records_json, run, timeline, SyntheticDump, CACHE_A as A, CACHE_B as B,
};
use serde_json::json;
use tracehound_core::ModuleError;

#[test]
fn responses_grouped_by_cache_file() {
    let mut d = SyntheticDump::new("cache-files");
    caches(&mut d);
    let dump = d.open();
    let out = run("cache_files", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    let row = |id: i64, hash: i64, policy: i64, url: &str, t: &str| {
        json!({"entry_id": id, "version": 0, "hash_value": hash, "storage_policy": policy,
               "url": url, "isodate": t})
    };
    assert_eq!(
        r,
        json!({
            A: [row(1, 123, 0, "https://evil.example.net/a", "2021-06-15 10:00:00"),
                row(2, -5, 1, "https://apple.com/", "2021-06-15 11:00:00")],
            B: [row(7, 1, 0, "http://news.example.org/", "garbage time")],
        })
    );
    assert_eq!(out.records.len(), 3);
    assert_eq!(out.records.record_json(0)["cache_file"], A);
    assert_eq!(
        observables(&out, 0),
        [("Url".to_string(), "https://evil.example.net/a".to_string())]
    );
    let t = timeline(&out);
    assert_eq!(
        t[0],
        format!("2021-06-15 10:00:00.000000 cache_response {A} recorded visit to URL https://evil.example.net/a")
    );
    assert!(t[2].starts_with("- cache_response"));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(out.inputs.len(), 3);
}

#[test]
fn a_lone_corrupt_cache_is_an_error_naming_it() {
    let mut d = SyntheticDump::new("cache-corrupt");
    d.add(A, b"SQLite format 3\0garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage");
    let dump = d.open();
    match run("cache_files", &dump) {
        Err(ModuleError::Corrupted { path, .. }) => assert_eq!(path, A),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt database was accepted"),
    }
}
