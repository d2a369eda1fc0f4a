//! The text of `shutdown.log`: a pure parser, shared by full-filesystem dumps and sysdiagnose
//! archives, and fuzzed.
//!
//! Each reboot appends a block: while the device waits for processes to exit, it writes
//! `After 1.18s, these clients are still here:` followed by one
//! `remaining client pid: 212 (/usr/libexec/xyz)` line per process still running; the block
//! ends with `SIGTERM: [1673257123] …` (Unix seconds). The "After" times count from the start
//! of the shutdown, so a process's delay is the last of them it is listed under. Lines of
//! any other shape are counted, never guessed at.

/// A process the shutdown waited for, in one reboot.
#[derive(Debug, Clone, PartialEq)]
pub struct ShutdownClient {
    /// Process id, as written.
    pub pid: String,
    /// The client: the path of its executable (or whatever is between the parentheses).
    pub client: String,
    /// Seconds into the shutdown it was last seen still running (0: listed before any wait).
    pub delay: f64,
    /// Number of waits it was listed under.
    pub times_delayed: u32,
}

/// One reboot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reboot {
    /// The `SIGTERM` time (Unix seconds); `None` when the block has none (a truncated log, or a
    /// shutdown that never finished).
    pub time: Option<i64>,
    /// The waits, in seconds into the shutdown ("After N s" lines), in order.
    pub waits: Vec<f64>,
    /// Processes waited for, in order of first appearance.
    pub clients: Vec<ShutdownClient>,
}

/// A parsed log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShutdownLog {
    /// Reboots in file order.
    pub reboots: Vec<Reboot>,
    /// Non-empty lines read.
    pub lines: usize,
    /// Non-empty lines not understood.
    pub unparsed: usize,
}

/// Parses `remaining client pid: 212 (/usr/libexec/xyz)`.
fn client_line(rest: &str) -> Option<(String, String)> {
    let (pid, client) = rest.trim_start().split_once(' ')?;
    let client = client.trim().strip_prefix('(')?.strip_suffix(')')?;
    (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (pid.to_string(), client.to_string()))
}

/// Parses the seconds of `After 1.18s, these clients are still here:`.
fn wait_line(rest: &str) -> Option<f64> {
    let (secs, tail) = rest.split_once("s,")?;
    if !tail.contains("still here") {
        return None;
    }
    let v: f64 = secs.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// The Unix time of a `SIGTERM` line: `[1673257123]`, or `@1673257123` in older logs.
fn sigterm_time(line: &str) -> Option<i64> {
    let digits = |s: &str| -> Option<i64> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        (!d.is_empty() && d.len() <= 12)
            .then(|| d.parse().ok())
            .flatten()
    };
    if let Some((_, after)) = line.split_once('[') {
        if let Some(t) = digits(after) {
            return Some(t);
        }
    }
    line.split_once(" @").and_then(|(_, after)| digits(after))
}

/// Parses the text of a shutdown log.
pub fn parse_shutdown_log(text: &str) -> ShutdownLog {
    let mut log = ShutdownLog::default();
    let mut current = Reboot::default();
    // Clients listed under the current wait (a client is counted once per wait).
    let mut in_wait: Vec<usize> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        log.lines += 1;
        if let Some(rest) = line.strip_prefix("remaining client pid:") {
            let Some((pid, client)) = client_line(rest) else {
                log.unparsed += 1;
                continue;
            };
            let delay = current.waits.last().copied().unwrap_or(0.0);
            let waited = !current.waits.is_empty();
            let i = match current
                .clients
                .iter()
                .position(|c| c.pid == pid && c.client == client)
            {
                Some(i) => i,
                None => {
                    current.clients.push(ShutdownClient {
                        pid,
                        client,
                        delay: 0.0,
                        times_delayed: 0,
                    });
                    current.clients.len() - 1
                }
            };
            if waited && !in_wait.contains(&i) {
                in_wait.push(i);
                if let Some(c) = current.clients.get_mut(i) {
                    c.times_delayed = c.times_delayed.saturating_add(1);
                    c.delay = c.delay.max(delay);
                }
            }
        } else if let Some(rest) = line.strip_prefix("After ") {
            match wait_line(rest) {
                Some(secs) => {
                    current.waits.push(secs);
                    in_wait.clear();
                }
                None => log.unparsed += 1,
            }
        } else if line.starts_with("SIGTERM:") {
            current.time = sigterm_time(line);
            if current.time.is_none() {
                log.unparsed += 1;
            }
            log.reboots.push(std::mem::take(&mut current));
            in_wait.clear();
        } else {
            log.unparsed += 1;
        }
    }
    if !current.clients.is_empty() || !current.waits.is_empty() {
        log.reboots.push(current);
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
After 1.18s, these clients are still here:
\tremaining client pid: 212 (/usr/libexec/lockdownd)
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 2.20s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 3.21s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1673257123] Got SIGTERM
SIGTERM: [1673343523] Got SIGTERM
remaining client pid: 9 (/sbin/launchd)
garbage here
After xs, these clients are still here:
";

    #[test]
    fn reboots_clients_and_delays() {
        let log = parse_shutdown_log(LOG);
        assert_eq!(log.lines, 12);
        assert_eq!(log.unparsed, 2);
        assert_eq!(log.reboots.len(), 3);
        let r = &log.reboots[0];
        assert_eq!(r.time, Some(1_673_257_123));
        assert_eq!(r.waits, [1.18, 2.20, 3.21]);
        assert_eq!(r.clients.len(), 2);
        assert_eq!((r.clients[0].delay, r.clients[0].times_delayed), (1.18, 1));
        assert_eq!((r.clients[1].delay, r.clients[1].times_delayed), (3.21, 3));
        assert!(log.reboots[1].clients.is_empty());
        // A block without its SIGTERM line (the log ends mid-shutdown).
        let last = &log.reboots[2];
        assert_eq!(last.time, None);
        assert_eq!(last.clients[0].client, "/sbin/launchd");
        assert_eq!(last.clients[0].times_delayed, 0);
    }

    #[test]
    fn old_style_times_and_odd_clients() {
        let log = parse_shutdown_log(
            "remaining client pid: 12 (/Applications/A (1).app/A)\nSIGTERM: x @1600000000 y\n\
             remaining client pid: -1 (x)\nremaining client pid: 3\nSIGTERM: [99999999999999]\n",
        );
        assert_eq!(log.reboots[0].time, Some(1_600_000_000));
        assert_eq!(
            log.reboots[0].clients[0].client,
            "/Applications/A (1).app/A"
        );
        assert_eq!(log.reboots[1].time, None);
        assert_eq!(log.unparsed, 3);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_counts_hold() {
        let mut seed = 0x1234_5678_u64;
        let alphabet: &[&str] = &[
            "After ",
            "s,",
            " still here",
            "remaining client pid:",
            " (",
            ")",
            "SIGTERM:",
            "[",
            "]",
            " @",
            "1",
            "9.5",
            "\n",
            "é",
            "\u{202e}",
            "\0",
            "(",
            "-",
            "NaN",
            "inf",
        ];
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                text.push_str(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let log = parse_shutdown_log(&text);
            assert!(log.unparsed <= log.lines);
            let clients: usize = log.reboots.iter().map(|r| r.clients.len()).sum();
            assert!(clients + log.reboots.len() <= log.lines + 1);
            for r in &log.reboots {
                for c in &r.clients {
                    assert!(c.delay.is_finite() && c.delay >= 0.0);
                    assert!(c.times_delayed as usize <= r.waits.len());
                }
            }
        }
    }
}
