//! Android: the androidqf and dumpsys text parsers, the section reader, tombstones, the SMS
//! backup, intrusion logs and the `.ab` header. Line parsers must account for every line: a
//! record or a count, never more than the input has.

use crate::{all_lines, check_parsed, nonblank_lines};
use std::collections::HashSet;
use tracehound_android::backup::ab;
use tracehound_android::parsers::*;
use tracehound_core::Timestamp;
use tracehound_evidence::archive::Limits;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

pub fn getprop(data: &[u8]) {
    let t = text(data);
    let p = getprop::parse_getprop(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 + p.failed <= nonblank_lines(&t));
    assert!(p.records.iter().all(|r| !r.name.is_empty()));
    let reference = Timestamp::from_unix_secs(1_700_000_000).expect("time");
    let _ = getprop::check_security_patch(&p.records, reference);
}

pub fn ps(data: &[u8]) {
    let t = text(data);
    let p = ps::parse_ps(&t);
    check_parsed(&p);
    // Every non-blank line after the header is a record, a failure, or both (a process whose
    // numbers do not parse is kept for its name); a bad header fails every line.
    let lines = nonblank_lines(&t);
    let (records, failed) = (p.records.len() as u64, p.failed);
    assert!(records < lines.max(1) && failed <= lines);
    assert!(records + failed >= lines.saturating_sub(1));
    assert!(p.records.iter().all(|r| !r.command.is_empty()));
}

pub fn settings(data: &[u8]) {
    let t = text(data);
    let p = settings::parse_settings("global", &t);
    check_parsed(&p);
    assert_eq!(p.records.len() as u64 + p.failed, nonblank_lines(&t));
    let _ = settings::check_settings(&p.records);
}

pub fn packages(data: &[u8]) {
    let items = json::array_items(&text(data));
    check_parsed(&items);
    let n = items.records.len();
    let p = packages::parse_packages(items.records);
    check_parsed(&p);
    assert!(p.records.len() <= n);
    let _ = packages::check_packages(&p.records);
}

/// files.json, mounts.json and root_binaries.json: JSON arrays of items.
pub fn androidqf_json(data: &[u8]) {
    let items = json::array_items(&text(data));
    let values: Vec<_> = items.records.iter().map(|r| json::value(r)).collect();
    let f = files::parse_files(&items.records);
    check_parsed(&f);
    // Each item is a record or a failure; a record may also count up to three bad times.
    let n = values.len() as u64;
    assert!(f.records.len() as u64 <= n && f.records.len() as u64 + f.failed >= n);
    assert!(f.failed <= 4 * n);
    let _ = files::check_files(&f.records);
    let m = mounts::parse_mounts(&values);
    check_parsed(&m);
    let _ = mounts::check_mounts(&m.records);
    let r = root_binaries::parse_root_binaries(&values);
    check_parsed(&r);
    assert_eq!(r.records.len() as u64 + r.failed, values.len() as u64);
    let _ = root_binaries::check_root_binaries(&r.records);
}

pub fn dumpsys_package(data: &[u8]) {
    let t = text(data);
    let p = dumpsys_package::parse_dumpsys_packages(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 <= all_lines(&t));
    let _ = dumpsys_package::check_dumpsys_packages(&p.records);
}

pub fn appops(data: &[u8]) {
    let t = text(data);
    let p = appops::parse_appops(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 <= all_lines(&t));
    let _ = appops::check_appops(&p.records);
}

pub fn accessibility(data: &[u8]) {
    let t = text(data);
    let p = accessibility::parse_accessibility(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 <= all_lines(&t));
    let _ = accessibility::check_accessibility(&p.records);
}

pub fn battery_daily(data: &[u8]) {
    let t = text(data);
    let (p, _alerts) = battery_daily::parse_battery_daily(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 <= all_lines(&t));
}

pub fn battery_history(data: &[u8]) {
    let t = text(data);
    let p = battery_history::parse_battery_history(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 + p.failed <= all_lines(&t));
}

pub fn dbinfo(data: &[u8]) {
    let t = text(data);
    let p = dbinfo::parse_dbinfo(&t);
    check_parsed(&p);
    assert!(p.records.len() as u64 + p.failed <= all_lines(&t));
}

pub fn platform_compat(data: &[u8]) {
    let t = text(data);
    let p = platform_compat::parse_platform_compat(&t);
    check_parsed(&p);
    // One record or failure per override, at most one override per comma-separated entry.
    let entries = all_lines(&t) + t.matches(',').count() as u64;
    assert!(p.records.len() as u64 + p.failed <= entries);
    assert!(p.records.iter().all(|r| !r.package_name.is_empty()));
}

pub fn resolvers(data: &[u8]) {
    let t = text(data);
    for table in ["Activity", "Receiver"] {
        let p = resolvers::parse_resolver_table(&t, table);
        check_parsed(&p);
        assert!(p.records.len() as u64 <= all_lines(&t));
    }
}

/// The streaming section reader: a section never holds a line longer than the limit, and
/// every line is either kept, counted as too long, or counted as dropped.
pub fn dumpstate(data: &[u8]) {
    use dumpstate::{extract_section_with, for_each_line, Heading, Line};
    const MAX_LINE: usize = 64;
    let mut n = 0u64;
    let mut reader = data;
    for_each_line(&mut reader, MAX_LINE, |l| {
        match l {
            Line::Text(t) => assert!(t.len() <= MAX_LINE && !t.contains(&b'\n')),
            Line::TooLong(len) => assert!(len > MAX_LINE as u64),
        }
        n += 1;
        true
    })
    .expect("reading from memory");
    assert!(n <= data.iter().filter(|&&b| b == b'\n').count() as u64 + 1);
    for heading in [
        Heading::Service("DUMP OF SERVICE package:"),
        Heading::Command("------ SYSTEM PROPERTIES"),
    ] {
        let mut reader = data;
        let s = extract_section_with(&mut reader, heading, MAX_LINE, 256).expect("memory");
        assert!(s.bytes.len() <= 256 + MAX_LINE + 1);
        assert!(s.bytes.split(|&b| b == b'\n').all(|l| l.len() <= MAX_LINE));
        assert!(s.found || s.bytes.is_empty());
    }
}

pub fn adb(data: &[u8]) {
    let mut lost = 0;
    if let Ok(state) = adb::parse_adb(data, &mut lost) {
        serde_json::to_string(&state).expect("JSON");
        for k in adb::trusted_keys(&state) {
            let _ = adb::key_material(k.get("user_key").and_then(|v| v.as_str()));
        }
    }
    assert!(lost <= data.len() as u64 + 1);
}

pub fn tombstone_text(data: &[u8]) {
    if let Ok(c) = tombstone::parse_tombstone_text("tombstone_01", "2024-01-01 00:00:00", data) {
        serde_json::to_string(&c).expect("JSON");
    }
}

pub fn tombstone_pb(data: &[u8]) {
    if let Ok(c) = tombstone_pb::parse_tombstone_pb("tombstone_01.pb", "2024-01-01 00:00:00", data)
    {
        serde_json::to_string(&c).expect("JSON");
    }
}

pub fn sms_backup(data: &[u8]) {
    if let Ok(p) = sms_backup::parse_sms_backup(data) {
        check_parsed(&p);
    }
}

pub fn intrusion(data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count() as u64;
    let mut seen = HashSet::new();
    for kind in intrusion::EVENT_TYPES {
        let before = seen.len();
        let p = intrusion::parse_intrusion_log(data, kind, &mut seen);
        check_parsed(&p);
        assert!(p.records.len() as u64 + p.failed <= lines);
        assert_eq!(
            seen.len() - before,
            p.records.len(),
            "each event taken once"
        );
        let _ = intrusion::check_security(&p.records);
    }
    // The same file again adds nothing: its events were all seen.
    for kind in intrusion::EVENT_TYPES {
        assert!(intrusion::parse_intrusion_log(data, kind, &mut seen)
            .records
            .is_empty());
    }
}

pub fn ab_header(data: &[u8]) {
    if let Ok(h) = ab::parse_header("fuzz.ab", data) {
        assert!(h.data_offset <= data.len());
        assert!(data.starts_with(ab::MAGIC));
        let limits = Limits {
            max_entry_size: 4 << 20,
            max_total_read: 8 << 20,
            ..Limits::default()
        };
        if let Ok(tar) = ab::decode("fuzz.ab", data.to_vec(), Some(b"pw"), &limits) {
            assert!(tar.len() as u64 <= limits.max_entry_size);
        }
    }
}
