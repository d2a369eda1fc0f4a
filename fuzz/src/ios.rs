//! iOS text artefacts: shutdown.log.

use tracehound_ios::shutdownlog::parse::parse_shutdown_log;

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
