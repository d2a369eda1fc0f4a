//! `ps` output: a header line naming the columns, then one process per line. androidqf saves
//! `ps -A` as `ps.txt` (Android 8+ toybox: `USER PID PPID VSZ RSS WCHAN ADDR S NAME`); bugreports
//! print it in their `PROCESSES AND THREADS` section (with `LABEL`, `TID`, `PRI`, `TIME`, `CMD`…).
//! Android 7 and older toolbox `ps` prints `USER PID PPID VSIZE RSS WCHAN PC NAME`, with an
//! unlabelled state letter before the name; both layouts are read.
//!
//! Columns we do not know are kept under their lower-cased header. The last column (the
//! command) takes the rest of the line, spaces included; kernel threads' `[name]` lose their
//! brackets, as MVT writes them.

use super::{lines, Parsed};
use serde::Serialize;
use std::collections::BTreeMap;
use tracehound_core::{Observable, Record};

/// One process.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// SELinux label (`ps -Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// User.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Process id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<i64>,
    /// Thread id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<i64>,
    /// Parent process id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ppid: Option<i64>,
    /// Virtual memory size (KiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_memory_size: Option<i64>,
    /// Resident set size (KiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resident_set_size: Option<i64>,
    /// Kernel wait channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wchan: Option<String>,
    /// Instruction address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// State letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Nice value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nice: Option<i64>,
    /// Real-time priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realtime_priority: Option<String>,
    /// Scheduling class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<String>,
    /// Scheduling policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// CPU time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_time: Option<String>,
    /// Command or process name.
    pub command: String,
    /// Columns we do not know, by lower-cased header.
    #[serde(flatten)]
    pub other: BTreeMap<String, String>,
}

impl Process {
    /// The process name: the command's last path component.
    pub fn name(&self) -> &str {
        self.command.rsplit('/').next().unwrap_or_default()
    }
}

impl Record for Process {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        let name = self.name();
        // gatekeeperd is a stock Android daemon whose name collides with a published indicator
        // prefix (as MVT also excludes it).
        if name.is_empty() || name == "gatekeeperd" {
            return;
        }
        out.push(Observable::AppId(name));
        out.push(Observable::Process(name));
    }
}

#[derive(Clone, Copy)]
enum Col {
    Text(fn(&mut Process) -> &mut Option<String>),
    Int(fn(&mut Process) -> &mut Option<i64>),
    Command,
    Other,
}

fn column(header: &str) -> Col {
    match header {
        "LABEL" => Col::Text(|p| &mut p.label),
        "USER" | "UID" => Col::Text(|p| &mut p.user),
        "PID" => Col::Int(|p| &mut p.pid),
        "TID" => Col::Int(|p| &mut p.tid),
        "PPID" => Col::Int(|p| &mut p.ppid),
        "VSZ" | "VSIZE" => Col::Int(|p| &mut p.virtual_memory_size),
        "RSS" => Col::Int(|p| &mut p.resident_set_size),
        "WCHAN" => Col::Text(|p| &mut p.wchan),
        "ADDR" | "PC" => Col::Text(|p| &mut p.address),
        "S" => Col::Text(|p| &mut p.state),
        "PRI" => Col::Int(|p| &mut p.priority),
        "NI" => Col::Int(|p| &mut p.nice),
        "RTPRIO" => Col::Text(|p| &mut p.realtime_priority),
        "SCH" => Col::Text(|p| &mut p.scheduler),
        "PCY" => Col::Text(|p| &mut p.policy),
        "TIME" => Col::Text(|p| &mut p.cpu_time),
        "CMD" | "NAME" | "COMMAND" | "ARGS" => Col::Command,
        _ => Col::Other,
    }
}

/// Parses `ps` output. The first non-blank line must be the header; a process line with too
/// few columns, no command, or a number that is not one, is counted as not understood (a line
/// with all its columns and a command is still kept, so indicators can match it). So every
/// line after the header is a record, a failure, or both.
pub fn parse_ps(text: &str) -> Parsed<Process> {
    let mut out = Parsed::default();
    let mut rows = lines(text)
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header_line)) = rows.next() else {
        return out;
    };
    let mut headers: Vec<&str> = header_line.split_whitespace().collect();
    if !headers.iter().any(|h| matches!(column(h), Col::Command)) || !headers.contains(&"PID") {
        out.fail(|| format!("first line is not a ps header: {header_line:?}"));
        for _ in rows {
            out.failed += 1;
        }
        return out;
    }
    // toolbox ps (Android ≤ 7) prints the state letter in a column it does not name.
    if headers.contains(&"PC") && !headers.contains(&"S") {
        let at = headers.len().saturating_sub(1);
        headers.insert(at, "S");
    }
    let cols: Vec<Col> = headers.iter().map(|h| column(h)).collect();
    for (n, line) in rows {
        let values: Vec<&str> = split_columns(line, cols.len());
        let mut p = Process::default();
        let mut bad = Vec::new();
        if values.len() < cols.len() {
            bad.push(format!("{} of {} columns", values.len(), cols.len()));
        }
        for ((col, header), raw) in cols.iter().zip(&headers).zip(&values) {
            match col {
                Col::Text(f) => *f(&mut p) = Some(raw.to_string()),
                Col::Int(f) => match raw.parse::<i64>() {
                    Ok(v) => *f(&mut p) = Some(v),
                    Err(_) => bad.push(format!("{header} {raw:?} is not a number")),
                },
                Col::Command => {
                    let raw = raw.trim();
                    let cmd = raw
                        .strip_prefix('[')
                        .and_then(|r| r.strip_suffix(']'))
                        .unwrap_or(raw);
                    p.command = cmd.to_string();
                }
                Col::Other => {
                    p.other.insert(header.to_ascii_lowercase(), raw.to_string());
                }
            }
        }
        let keep = !p.command.is_empty() && values.len() == cols.len();
        if !keep && bad.is_empty() {
            bad.push("no command".to_string());
        }
        if !bad.is_empty() {
            out.fail(|| format!("line {}: {}", n + 1, bad.join(", ")));
        }
        if keep {
            out.records.push(p);
        }
    }
    out
}

/// Splits on runs of blanks into at most `n` columns, the last taking the rest of the line.
fn split_columns(line: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(n);
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if out.len() + 1 == n {
            out.push(rest.trim_end());
            break;
        }
        match rest.find(char::is_whitespace) {
            Some(i) => {
                out.push(rest.get(..i).unwrap_or_default());
                rest = rest.get(i..).unwrap_or_default().trim_start();
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toybox_layout() {
        let t = "USER PID PPID VSZ RSS WCHAN ADDR S NAME\r\n\
                 root 1 0 57912 2084 0 0 S init\r\n\
                 root 2 0 0 0 0 0 S [kthreadd]\r\n\
                 \r\n\
                 u0_a1 x 1 0 0 0 0 S com.example\n\
                 short line\n\
                 u0_a2 9 1 0 0 0 0 S com.example:remote service\n";
        let p = parse_ps(t);
        assert_eq!(p.records.len(), 4);
        assert_eq!(p.records[1].command, "kthreadd");
        assert_eq!(p.records[2].pid, None);
        assert_eq!(p.records[3].command, "com.example:remote service");
        assert_eq!(p.failed, 2);
    }

    #[test]
    fn toolbox_layout_and_unknown_columns() {
        let t = "USER PID PPID VSIZE RSS WCHAN PC NAME\n\
                 root 1 0 8844 652 ffffffff 00000000 S /init\n";
        let p = parse_ps(t);
        assert_eq!(p.failed, 0);
        assert_eq!(p.records[0].state.as_deref(), Some("S"));
        assert_eq!(p.records[0].name(), "init");
        let p = parse_ps("UID PID PPID C STIME TTY TIME CMD\nroot 1 0 0 10:00 ? 00:00:01 init\n");
        assert_eq!((p.records.len(), p.failed), (1, 0));
        assert_eq!(
            p.records[0].other.get("stime").map(String::as_str),
            Some("10:00")
        );
    }

    #[test]
    fn no_header() {
        let p = parse_ps("hello\nworld\n");
        assert_eq!((p.records.len(), p.failed), (0, 2));
    }
}
