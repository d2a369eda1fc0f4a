//! The sysdiagnose parsers on thousands of deterministic damages of their synthetic inputs
//! (byte flips, cuts, inserted bytes, invalid UTF-8): never a panic, and every record accounted
//! for by a line of the input.

#[path = "support/sysdiagnose.rs"]
mod sysdiagnose;

use sysdiagnose::{INSTALL_LOG, IPS_EVIL, IPS_JETSAM, IPS_TEXT, PS, SHUTDOWN, TASKINFO};
use tracehound_ios::sysdiagnose::apps::parse_install_log;
use tracehound_ios::sysdiagnose::crash_reports::parse_ips;
use tracehound_ios::sysdiagnose::ps::parse_ps;
use tracehound_ios::sysdiagnose::taskinfo::parse_taskinfo;
use tracehound_ios::sysdiagnose::{parse_ctime, parse_name, parse_zoned, Clock};

/// Deterministic damages of `input`: flips, cuts and insertions spread over it.
fn mutations(input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ input.len() as u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        state >> 33
    };
    for _ in 0..400 {
        let mut m = input.to_vec();
        if m.is_empty() {
            break;
        }
        let at = next() as usize % m.len();
        match next() % 4 {
            0 => m[at] ^= 1 << (next() % 8),
            1 => m.truncate(at),
            2 => m.insert(
                at,
                [0u8, 0xff, b'\n', b'[', b'"', b':'][next() as usize % 6],
            ),
            _ => m[at] = 0x80 | (next() as u8 & 0x3f),
        }
        out.push(m);
    }
    out
}

fn lines(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn damaged_inputs_never_panic() {
    let clock = Clock::default();
    for m in mutations(PS.as_bytes()) {
        let text = String::from_utf8_lossy(&m);
        if let Some((procs, bad)) = parse_ps(&text) {
            assert!(procs.len() + bad < lines(&text).max(1));
        }
    }
    for m in mutations(TASKINFO.as_bytes()) {
        let text = String::from_utf8_lossy(&m);
        let l = parse_taskinfo(&text);
        assert!(l.tasks.len() + l.unparsed <= lines(&text));
    }
    for m in mutations(INSTALL_LOG.as_bytes()) {
        let text = String::from_utf8_lossy(&m);
        let l = parse_install_log(&text, "x", &clock);
        assert!(l.events.len() <= l.entries && l.entries + l.unparsed <= lines(&text));
    }
    for m in mutations(SHUTDOWN.as_bytes()) {
        let text = String::from_utf8_lossy(&m);
        let (records, alerts, _) = tracehound_ios::shutdownlog::analyse(&text, "x");
        assert!(alerts
            .iter()
            .all(|a| a.record.is_some_and(|r| r < records.len())));
    }
    for input in [IPS_EVIL, IPS_JETSAM, IPS_TEXT] {
        for m in mutations(input.as_bytes()) {
            let _ = parse_ips(&m, "x.ips");
        }
    }
    for input in [
        "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS",
        "Sun Dec  2 11:05:18 2018",
        "2023-05-24 13:05:58.00 -0700",
    ] {
        for m in mutations(input.as_bytes()) {
            let s = String::from_utf8_lossy(&m);
            let _ = (parse_name(&s), parse_ctime(&s), parse_zoned(&s));
        }
    }
    // Deeply nested and huge values in a report body.
    let deep = format!("{{}}\n{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_ips(deep.as_bytes(), "deep.ips").is_some());
    let huge =
        b"{\"timestamp\":\"99999-99-99 99:99:99.00 +9999\",\"bug_type\":123456789012345678901234567890}\n{\"procPath\":7}";
    let r = parse_ips(huge, "huge.ips").unwrap();
    assert_eq!((r.isodate, r.proc_path.as_str()), (None, "7"));
}
