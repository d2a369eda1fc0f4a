//! iOS text artefacts: shutdown.log and the sysdiagnose's ps.txt, taskinfo.txt,
//! mobile_installation.log and .ips crash reports; WebKit origin files.

use tracehound_ios::shutdownlog::parse::parse_shutdown_log;
use tracehound_ios::sysdiagnose::{apps, crash_reports, parse_name, ps, taskinfo, Clock};
use tracehound_ios::webkit_origins;

pub fn shutdown_log(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let log = parse_shutdown_log(&text);
    assert_eq!(
        log.lines as u64,
        crate::nonblank_lines(&text),
        "every non-empty line read"
    );
    assert!(log.unparsed <= log.lines);
    for r in &log.reboots {
        for c in &r.clients {
            assert!(c.delay.is_finite() && c.delay >= 0.0);
            assert!(c.times_delayed as usize <= r.waits.len());
            assert!(c.delay == 0.0 || r.waits.contains(&c.delay));
        }
    }
}

/// ps.txt: without a header nothing is read; with one, every later non-empty line is a process
/// or counted as not understood, and each process's path is the start of its command.
pub fn sysdiagnose_ps(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Some((procs, bad)) = ps::parse_ps(&text) else {
        return;
    };
    let lines = crate::nonblank_lines(&text);
    assert_eq!((procs.len() + bad) as u64 + 1, lines, "every line read");
    for p in &procs {
        assert!(!p.pid.is_empty() && p.pid.bytes().all(|b| b.is_ascii_digit()));
        assert!(p.command.starts_with(&p.path), "{p:?}");
        assert!(p.path.is_empty() || p.path.starts_with('/'));
        assert!(p.path.is_empty() || !p.process_name.contains('/'));
    }
    serde_json::to_string(&procs).expect("serialize");
}

/// taskinfo.txt: tasks and top-level lines not understood never outnumber the lines, and a
/// task's threads are at most the lines that name one.
pub fn taskinfo(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let list = taskinfo::parse_taskinfo(&text);
    let lines = crate::nonblank_lines(&text);
    assert!((list.tasks.len() + list.unparsed) as u64 <= lines);
    let threads: u64 = list.tasks.iter().map(|t| u64::from(t.threads)).sum();
    assert!(threads + list.tasks.len() as u64 <= lines);
    for t in &list.tasks {
        assert!(!t.pid.is_empty() && t.pid.bytes().all(|b| b.is_ascii_digit()));
    }
}

/// mobile_installation.log: entries and lines not understood add up to at most the lines;
/// every event comes from an entry and names an app; times stay in range whatever the offset.
pub fn install_log(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for offset in [None, Some(-12 * 3600), Some(14 * 3600)] {
        let clock = Clock {
            created: None,
            offset,
        };
        let log = apps::parse_install_log(&text, "mobile_installation.log.0", &clock);
        assert!((log.entries + log.unparsed) as u64 <= crate::nonblank_lines(&text));
        assert!(log.events.len() <= log.entries);
        for e in &log.events {
            assert!(!e.bundle_id.is_empty(), "{e:?}");
        }
    }
    // The sysdiagnose folder name carries the clock; any text is tried as one.
    let _ = parse_name(&text);
}

/// One .ips file: parsed or refused, never more; a parsed one serializes.
pub fn ips(data: &[u8]) {
    if let Some(r) = crash_reports::parse_ips(data, "x.ips") {
        serde_json::to_string(&r).expect("serialize");
        assert_eq!(r.file, "x.ips");
    }
}

/// A WebKit `origin` file: decoded or refused; a decoded one encodes back to at most as many
/// bytes (WebKit ignores what follows; a Latin-1 string may have come as UTF-16) and decodes
/// again to the same origins.
pub fn webkit_origin(data: &[u8]) {
    if let Ok(o) = webkit_origins::parse_origin_file(data) {
        let again = webkit_origins::encode_origin_file(&o);
        assert!(again.len() <= data.len());
        assert_eq!(webkit_origins::parse_origin_file(&again), Ok(o));
    }
}
