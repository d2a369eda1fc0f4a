//! The process list of a sysdiagnose: `ps.txt` at its root (`ps -A` with the columns `USER UID
//! PRSNA PID PPID F %CPU %MEM PRI NI VSZ RSS WCHAN TT STAT STARTED TIME COMMAND`), every iOS
//! version that writes sysdiagnoses (iOS 9 onwards). Not in backups or filesystem dumps: it is
//! a snapshot of the processes running when the sysdiagnose was taken.
//!
//! Each process's executable (the command's first word; app executables whose names hold
//! spaces are kept whole) is checked against process and file-path indicators. Flags, HIGH: a
//! process running from a place legitimate processes never run from — database and temporary
//! folders (`/private/var/db/`, `/private/var/tmp/`, `/tmp/`), anything outside the system
//! volume, the cryptexes and app bundles (a user's containers among them), and a process of
//! `root` running from an app bundle (apps run as `mobile`). The columns are read from the
//! header line, so other column sets work too; lines that do not fit are counted.

use super::{clock, odd_location};
use crate::common::find;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Alert, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable,
    ParseStats, Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the process list lives (relative to the sysdiagnose root).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["ps.txt"],
};

/// A process running when the sysdiagnose was taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PsProcess {
    /// When the sysdiagnose was taken (the list is a snapshot of that moment).
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// Owner's user name (`USER`).
    pub user: String,
    /// Owner's user id (`UID`).
    pub uid: String,
    /// Process id.
    pub pid: String,
    /// Parent process id.
    pub ppid: String,
    /// State (`STAT`).
    pub stat: String,
    /// Start time as `ps` writes it (`STARTED`: `7:22PM`, `Sat09AM`, `1Jan24`…).
    pub started: String,
    /// The command line.
    pub command: String,
    /// Path of the executable (empty for a command that is not a path, as `kernel_task`).
    pub path: String,
    /// The executable's name.
    pub process_name: String,
}

impl Record for PsProcess {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if self.path.is_empty() {
            out.push(Observable::Process(&self.process_name));
        } else {
            out.push(Observable::Process(&self.path));
            out.push(Observable::FilePath(&self.path));
            out.push(Observable::PathComponents(&self.path));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            "process_running",
            format!(
                "Process {} (pid {}, user {}) was running when the sysdiagnose was taken",
                self.command, self.pid, self.user
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The executable path of a command line: its first word, or for an app executable
/// (`…/My App.app/My App -arg`) the path through the name that repeats the bundle's.
pub fn executable_path(command: &str) -> &str {
    let first = command.split(' ').next().unwrap_or(command);
    if !command.starts_with('/') {
        return "";
    }
    if let Some(i) = command.find(".app/") {
        let bundle_dir = command.get(..i).unwrap_or_default();
        let stem = bundle_dir.rsplit('/').next().unwrap_or_default();
        let after = command.get(i + 5..).unwrap_or_default();
        if stem.contains(' ') && after.starts_with(stem) {
            return command.get(..i + 5 + stem.len()).unwrap_or(first);
        }
    }
    first
}

/// Splits `line` into `n` whitespace-separated fields, the last taking the rest of the line.
fn split_columns(line: &str, n: usize) -> Option<Vec<&str>> {
    let mut out = Vec::with_capacity(n);
    let mut rest = line.trim();
    while out.len() + 1 < n {
        let end = rest.find(char::is_whitespace)?;
        out.push(rest.get(..end)?);
        rest = rest.get(end..)?.trim_start();
    }
    (!rest.is_empty()).then(|| out.push(rest))?;
    Some(out)
}

/// Parses the text of `ps.txt`: the processes, and the number of non-empty lines after the
/// header not understood. `None` when there is no header naming `PID` and (last) `COMMAND`.
pub fn parse_ps(text: &str) -> Option<(Vec<PsProcess>, usize)> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next()?.split_whitespace().collect();
    if header.last() != Some(&"COMMAND") || !header.contains(&"PID") {
        return None;
    }
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (user, uid, pid, ppid) = (col("USER"), col("UID"), col("PID"), col("PPID"));
    let (stat, started) = (col("STAT"), col("STARTED").or(col("START")));
    let mut out = Vec::new();
    let mut bad = 0;
    for line in lines {
        let Some(fields) = split_columns(line, header.len()) else {
            bad += 1;
            continue;
        };
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).unwrap_or(&"").to_string();
        let pid = get(pid);
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid.is_empty() {
            bad += 1;
            continue;
        }
        let command = fields.last().unwrap_or(&"").to_string();
        let path = executable_path(&command).to_string();
        let process_name = if path.is_empty() {
            command.split(' ').next().unwrap_or_default().to_string()
        } else {
            path.rsplit('/').next().unwrap_or_default().to_string()
        };
        out.push(PsProcess {
            isodate: None,
            user: get(user),
            uid: get(uid),
            pid,
            ppid: get(ppid),
            stat: get(stat),
            started: get(started),
            command,
            path,
            process_name,
        });
    }
    Some((out, bad))
}

/// The Ps module.
pub struct Ps;

static META: ModuleMeta = ModuleMeta {
    slug: "sysdiagnose_ps",
    name: "SysdiagnosePs",
    description: "Processes running when a sysdiagnose was taken (ps.txt), with processes \
                  running from odd places",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosSysdiagnose],
    artifacts: &["ps.txt"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Ps {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = find(ev, &ARTIFACT)?;
        let created = clock(ev).created;
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        let mut failed = 0u64;
        for file in &files {
            let bytes = ev.read(file)?;
            let text = String::from_utf8_lossy(&bytes);
            let Some((procs, bad)) = parse_ps(&text) else {
                return Err(ModuleError::Corrupted {
                    path: file.path.clone(),
                    reason: "not a process list: no header line naming PID and COMMAND".into(),
                });
            };
            if bad > 0 {
                warnings.push(format!(
                    "{}: {bad} lines not understood",
                    file.relative_path
                ));
            }
            failed += bad as u64;
            records.extend(procs.into_iter().map(|p| PsProcess {
                isodate: created,
                ..p
            }));
        }
        let alerts = records
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let who = if p.user.is_empty() { &p.uid } else { &p.user };
                let why = odd_location(&p.path, Some(who.as_str()))?;
                Some(Alert::heuristic(
                    Level::High,
                    i,
                    format!(
                        "{} (pid {}, user {}) was running from {why}",
                        p.path, p.pid, p.user
                    ),
                ))
            })
            .collect();
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed,
        };
        out.alerts = alerts;
        out.warnings = warnings;
        if created.is_none() {
            out.warnings
                .push("the sysdiagnose's creation time is unknown: processes have no time".into());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_columns() {
        assert_eq!(executable_path("/usr/libexec/x -a b"), "/usr/libexec/x");
        assert_eq!(
            executable_path("/var/containers/Bundle/Application/U/My App.app/My App -x"),
            "/var/containers/Bundle/Application/U/My App.app/My App"
        );
        assert_eq!(executable_path("kernel_task"), "");
        assert_eq!(
            split_columns("a  b   c d e", 3),
            Some(vec!["a", "b", "c d e"])
        );
        assert_eq!(split_columns("a b", 3), None);
        let text = "USER UID PID PPID STAT STARTED COMMAND\n\
                    root 0 1 0 Ss 7:22PM /sbin/launchd\n\
                    garbage\n\
                    mobile 501 x 1 S 7:22PM /bin/x\n";
        let (p, bad) = parse_ps(text).unwrap();
        assert_eq!((p.len(), bad), (1, 2));
        assert_eq!(p[0].process_name, "launchd");
        assert!(parse_ps("hello\nworld").is_none());
    }
}
