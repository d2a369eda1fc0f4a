//! Native crash reports ("tombstones", `/data/tombstones/tombstone_NN`, in bugreports under
//! `FS/data/tombstones/`): the text form (all Android versions) and, since Android 12, a
//! protobuf twin `tombstone_NN.pb` (see [`super::tombstone_pb`]). Exploits that crash a
//! privileged process leave one; MVT flags crashes of processes running as root, system or shell.
//!
//! Text: the header lines `Build fingerprint:`, `Revision:`, `ABI:`, `Timestamp:` (with a UTC
//! offset), `Process uptime:`, `Cmdline:`, the first `pid: …, tid: …, name: … >>> binary <<<`,
//! `uid:`, `signal N (NAME), code N (NAME)`, `Cause:` and `Abort message:`; the rest (registers,
//! backtraces, other threads) is skipped. A tombstone missing a required field is refused whole.

use serde::Serialize;
use serde_json::Value;
use tracehound_core::Timestamp;

/// The separator line at the top of a text tombstone.
const DELIMITER: &str = "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***";

/// UIDs whose crashes are worth a look (root, system, shell).
pub const SUSPICIOUS_UIDS: &[i64] = &[0, 1000, 2000];

/// The crashing signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalInfo {
    /// Signal code (`1`, `-1`).
    pub code: i64,
    /// Code name (`SEGV_MAPERR`).
    pub code_name: String,
    /// Signal name (`SIGSEGV`).
    pub name: String,
    /// Signal number.
    pub number: Option<i64>,
}

/// One crash, as either form of tombstone describes it (MVT's fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TombstoneCrash {
    /// The tombstone's file name.
    pub file_name: String,
    /// The file's modification time.
    pub file_timestamp: String,
    /// `Build fingerprint`.
    pub build_fingerprint: String,
    /// `Revision`.
    pub revision: String,
    /// `ABI` (text) or the architecture's name (protobuf).
    pub arch: Option<String>,
    /// When it crashed (UTC).
    pub timestamp: String,
    /// Seconds the process had run.
    pub process_uptime: Option<i64>,
    /// The command line.
    pub command_line: Option<Vec<String>>,
    /// Process id.
    pub pid: i64,
    /// Crashing thread id.
    pub tid: i64,
    /// The crashing thread's name.
    pub process_name: Option<String>,
    /// The executable (text form only).
    pub binary_path: Option<String>,
    /// SELinux context (protobuf form only).
    pub selinux_label: Option<String>,
    /// The process's UID.
    pub uid: i64,
    /// The signal.
    pub signal_info: SignalInfo,
    /// `Cause:` (text form).
    pub cause: Option<String>,
    /// Causes (protobuf form).
    pub causes: Option<Vec<Value>>,
    /// `Abort message:`.
    pub abort_message: Option<String>,
    /// Reserved (MVT's field).
    pub extra: Option<String>,
}

/// The crash time: `2021-09-29 17:43:49+0200` or `…49.518290770+0200` (or without an offset,
/// taken as UTC), in MVT's form.
pub fn crash_time(s: &str) -> Option<String> {
    let s = s.trim();
    let parsed = chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%z")
        .map(|d| d.timestamp_micros())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                .map(|d| d.and_utc().timestamp_micros())
        })
        .ok()?;
    Timestamp::from_unix_micros(parsed).map(Timestamp::to_mvt_string)
}

/// Fields of a text tombstone as read so far.
#[derive(Default)]
struct Text {
    fingerprint: Option<String>,
    revision: Option<String>,
    arch: Option<String>,
    timestamp: Option<String>,
    uptime: Option<i64>,
    cmdline: Option<Vec<String>>,
    pid: Option<i64>,
    tid: Option<i64>,
    name: Option<String>,
    binary: Option<String>,
    uid: Option<i64>,
    signal: Option<SignalInfo>,
    cause: Option<String>,
    abort: Option<String>,
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

fn num(v: &str, what: &str) -> Result<i64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{what}: {v:?} is not a number"))
}

/// `signal 11 (SIGSEGV)` → (11, SIGSEGV); `code -1 (SI_QUEUE)` → (-1, SI_QUEUE).
fn numbered(part: &str, prefix: &str) -> Result<(i64, String), String> {
    let m = part
        .split_once(prefix)
        .map(|x| x.1)
        .ok_or_else(|| format!("no {prefix:?} in {part:?}"))?;
    let n = num(m.split_whitespace().next().unwrap_or(""), prefix.trim())?;
    let name = match m.split_once('(') {
        Some((_, rest)) => rest.split(')').next().unwrap_or("").to_string(),
        None => "UNKNOWN".to_string(),
    };
    Ok((n, name))
}

impl Text {
    fn line(&mut self, line: &str) -> Result<(), String> {
        let kv = |key: &str| -> Option<&str> {
            let (k, v) = line.split_once(':')?;
            (k == key).then_some(v)
        };
        if let Some(v) = kv("Build fingerprint") {
            self.fingerprint = Some(unquote(v).to_string());
        } else if let Some(v) = kv("Revision") {
            self.revision = Some(unquote(v).to_string());
        } else if let Some(v) = kv("ABI") {
            self.arch = Some(unquote(v).to_string());
        } else if line.starts_with("Timestamp") {
            let v = line.split_once(':').map_or("", |x| x.1);
            self.timestamp =
                Some(crash_time(v).ok_or_else(|| format!("Timestamp: {v:?} is not a date"))?);
        } else if let Some(v) = kv("Process uptime") {
            self.uptime = Some(num(unquote(v).trim_end_matches('s'), "Process uptime")?);
        } else if let Some(v) = kv("Cmdline") {
            self.cmdline = Some(vec![unquote(v).to_string()]);
        } else if line.starts_with("pid") {
            if self.pid.is_none() {
                self.pid_line(line)?;
            }
        } else if let Some(v) = kv("uid") {
            self.uid = Some(num(unquote(v), "uid")?);
        } else if line.starts_with("signal") {
            let mut parts = line.split(',').map(str::trim);
            let (Some(sig), Some(code)) = (parts.next(), parts.next()) else {
                return Err(format!("signal line without a code: {line:?}"));
            };
            let (number, name) = numbered(sig, "signal ")?;
            let (code, code_name) = numbered(code, "code ")?;
            self.signal = Some(SignalInfo {
                code,
                code_name,
                name,
                number: Some(number),
            });
        } else if let Some(v) = kv("Cause") {
            self.cause = Some(unquote(v).to_string());
        } else if let Some(v) = kv("Abort message") {
            self.abort = Some(unquote(v).to_string());
        }
        Ok(())
    }

    fn pid_line(&mut self, line: &str) -> Result<(), String> {
        let (info, binary) = match line.split_once(">>>") {
            Some((a, b)) => (a, Some(b)),
            None => (line, None),
        };
        for item in info.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = item
                .split_once(':')
                .ok_or_else(|| format!("pid line: {item:?} is not key: value"))?;
            match k.trim() {
                "pid" => self.pid = Some(num(v, "pid")?),
                "tid" => self.tid = Some(num(v, "tid")?),
                "name" => self.name = Some(v.trim().to_string()),
                _ => {}
            }
        }
        if let Some(b) = binary {
            self.binary = Some(b.trim().trim_end_matches([' ', '<']).to_string());
        }
        Ok(())
    }
}

fn required<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("no {what}"))
}

/// Parses a text tombstone (at most its first [`super::dumpstate::MAX_LINE`]-long lines are
/// read; longer ones are skipped).
pub fn parse_tombstone_text(
    file_name: &str,
    file_timestamp: &str,
    content: &[u8],
) -> Result<TombstoneCrash, String> {
    if content.is_empty() {
        return Err("empty plaintext tombstone".into());
    }
    let text = String::from_utf8_lossy(content);
    let mut t = Text::default();
    for (n, line) in super::lines(&text).enumerate() {
        if line.trim().is_empty()
            || line.contains(DELIMITER)
            || line.len() > super::dumpstate::MAX_LINE
        {
            continue;
        }
        t.line(line)
            .map_err(|e| format!("Error parsing line {}: {e}", n + 1))?;
    }
    Ok(TombstoneCrash {
        file_name: file_name.to_string(),
        file_timestamp: file_timestamp.to_string(),
        build_fingerprint: required(t.fingerprint, "Build fingerprint")?,
        revision: required(t.revision, "Revision")?,
        arch: t.arch,
        timestamp: required(t.timestamp, "Timestamp")?,
        process_uptime: t.uptime,
        command_line: t.cmdline,
        pid: required(t.pid, "pid")?,
        tid: required(t.tid, "tid")?,
        process_name: t.name,
        binary_path: t.binary,
        selinux_label: None,
        uid: required(t.uid, "uid")?,
        signal_info: required(t.signal, "signal")?,
        cause: t.cause,
        causes: None,
        abort_message: t.abort,
        extra: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tombstone() {
        let t = "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n\
            Build fingerprint: 'a/b'\nRevision: '5'\nABI: 'arm'\nTimestamp: 2021-09-29 17:43:49+0200\n\
            pid: 1, tid: 2, name: w  >>> /system/bin/adbd <<<\nuid: 2000\n\
            signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n\
            Abort message: 'x '\npid: 9, tid: 9, name: other\n";
        let c = parse_tombstone_text("tombstone_00", "t", t.as_bytes()).unwrap();
        assert_eq!(c.timestamp, "2021-09-29 15:43:49.000000");
        assert_eq!((c.pid, c.tid, c.uid), (1, 2, 2000));
        assert_eq!(c.binary_path.as_deref(), Some("/system/bin/adbd"));
        assert_eq!(c.signal_info.code, -1);
        assert_eq!(c.abort_message.as_deref(), Some("x "));
        assert!(parse_tombstone_text("x", "t", b"Revision: '1'\n").is_err());
        assert!(parse_tombstone_text("x", "t", b"pid: nope\n").is_err());
    }
}
