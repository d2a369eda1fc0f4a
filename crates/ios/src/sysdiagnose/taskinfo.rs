//! The task list of a sysdiagnose: `taskinfo.txt` at its root, iOS 10 onwards: `num tasks: N`,
//! then one block per task, `process: "name" [pid]` followed by indented details (`run time:
//! N s`, memory, ports…) and its threads (`thread ID: …` sub-blocks). Not in backups or
//! filesystem dumps.
//!
//! It names every task the kernel knew when the sysdiagnose was taken, with how long it had
//! been running, so a process that hid from `ps.txt`'s snapshot, or was started shortly
//! before, still shows. Process names are checked against process indicators; the start time
//! (creation time less the run time) goes on the timeline. Top-level lines of any other shape
//! are counted, never guessed at; details inside a block are kept only as far as named here.

use super::clock;
use crate::common::find;
use serde::Serialize;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, ParseStats,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::{Artifact, IosSource};

/// Where the task list lives (relative to the sysdiagnose root).
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["taskinfo.txt"],
};

/// A task known to the kernel when the sysdiagnose was taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Task {
    /// When it started (the sysdiagnose's time less its run time), or the sysdiagnose's time
    /// when the run time is missing.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// Process name, as between the quotes.
    pub name: String,
    /// Process id.
    pub pid: String,
    /// Seconds it had been running, when written.
    pub run_time: Option<u64>,
    /// Number of its threads listed.
    pub threads: u32,
}

impl Record for Task {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Process(&self.name));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let (event, what) = match self.run_time {
            Some(_) => ("process_started", "started"),
            None => (
                "process_running",
                "was running when the sysdiagnose was taken",
            ),
        };
        out.push(TimelineEvent::new(
            self.isodate,
            event,
            format!("Process {} (pid {}) {what}", self.name, self.pid),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// A parsed `taskinfo.txt`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskList {
    /// The `num tasks:` count, when written.
    pub declared: Option<usize>,
    /// Tasks in file order.
    pub tasks: Vec<Task>,
    /// Top-level lines not understood.
    pub unparsed: usize,
}

/// `process: "name" [pid]` (the name may itself hold quotes or brackets).
fn process_line(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("process:")?.trim();
    let open = rest.rfind('[')?;
    let pid = rest.get(open + 1..)?.strip_suffix(']')?.trim();
    let name = rest.get(..open)?.trim();
    let name = name.strip_prefix('"')?.strip_suffix('"')?;
    (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (name.to_string(), pid.to_string()))
}

/// Parses the text of `taskinfo.txt`.
pub fn parse_taskinfo(text: &str) -> TaskList {
    let mut list = TaskList::default();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if let Some(n) = line.strip_prefix("num tasks:") {
            list.declared = n.trim().parse().ok();
        } else if let Some((name, pid)) = process_line(line) {
            list.tasks.push(Task {
                name,
                pid,
                ..Task::default()
            });
        } else if let (true, Some(task)) = (indented, list.tasks.last_mut()) {
            if let Some(v) = line.strip_prefix("run time:") {
                task.run_time = v.trim().trim_end_matches('s').trim().parse().ok();
            } else if line.starts_with("thread ID:") {
                task.threads = task.threads.saturating_add(1);
            }
        } else {
            list.unparsed += 1;
        }
    }
    list
}

/// The Taskinfo module.
pub struct Taskinfo;

static META: ModuleMeta = ModuleMeta {
    slug: "sysdiagnose_taskinfo",
    name: "SysdiagnoseTaskinfo",
    description: "Tasks known to the kernel when a sysdiagnose was taken (taskinfo.txt), with \
                  their start times",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosSysdiagnose],
    artifacts: &["taskinfo.txt"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Taskinfo {
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
            let list = parse_taskinfo(&String::from_utf8_lossy(&bytes));
            if list.tasks.is_empty() && list.unparsed > 0 {
                return Err(ModuleError::Corrupted {
                    path: file.path.clone(),
                    reason: format!(
                        "not a task list: none of its {} top-level lines understood",
                        list.unparsed
                    ),
                });
            }
            if list.unparsed > 0 {
                warnings.push(format!(
                    "{}: {} lines not understood",
                    file.relative_path, list.unparsed
                ));
            }
            if let Some(n) = list.declared.filter(|n| *n != list.tasks.len()) {
                warnings.push(format!(
                    "{}: declares {n} tasks but lists {}",
                    file.relative_path,
                    list.tasks.len()
                ));
            }
            failed += list.unparsed as u64;
            records.extend(list.tasks.into_iter().map(|t| {
                let start = match (created, t.run_time) {
                    (Some(c), Some(r)) => i64::try_from(r)
                        .ok()
                        .and_then(|r| r.checked_mul(1_000_000))
                        .and_then(|r| c.unix_micros().checked_sub(r))
                        .and_then(Timestamp::from_unix_micros),
                    (c, _) => c,
                };
                Task {
                    isodate: start,
                    ..t
                }
            }));
        }
        let mut out =
            ModuleOutput::new(records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok: out.stats.ok,
            failed,
        };
        out.warnings = warnings;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let text = "num tasks: 3\n\nprocess: \"kernel_task\" [0]\n\trun time: 100 s\n\t\
                    threads:\n\t\tthread ID: 0x65 / 101\n\t\tthread ID: 0x66 / 102\n\n\n\
                    process: \"odd \\\"name\\\" [x]\" [42]\nstray\n";
        let l = parse_taskinfo(text);
        assert_eq!(l.declared, Some(3));
        assert_eq!(l.tasks.len(), 2);
        assert_eq!((l.tasks[0].run_time, l.tasks[0].threads), (Some(100), 2));
        assert_eq!(l.tasks[1].name, "odd \\\"name\\\" [x]");
        assert_eq!(l.tasks[1].pid, "42");
        assert_eq!(l.unparsed, 1);
    }
}
