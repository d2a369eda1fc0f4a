//! Runs modules in dependency order, in parallel, isolating failures, and matches their records
//! against indicators.

use crate::alert::{Alert, Level};
use crate::matcher::{IndicatorMatch, Matcher};
use crate::module::{Module, ModuleContext, ModuleError, ModuleMeta, ModuleOutput};
use crate::observable::Observable;
use crate::record::{TimelineEvent, TimelineKey};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// How a module's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Ran and produced its records.
    Ok,
    /// Its artefact is absent from the acquisition: the check could not run.
    NotFound(String),
    /// Its artefact is corrupt or unreadable, or the module failed.
    Failed(String),
    /// Not run: a dependency did not complete.
    Skipped(String),
}

impl Status {
    /// Short name for summaries and `info.json`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotFound(_) => "not_found",
            Status::Failed(_) => "failed",
            Status::Skipped(_) => "skipped",
        }
    }

    /// The reason, for statuses that have one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Ok => None,
            Status::NotFound(r) | Status::Failed(r) | Status::Skipped(r) => Some(r),
        }
    }
}

/// The outcome of one module.
pub struct ModuleReport {
    /// The module's description.
    pub meta: &'static ModuleMeta,
    /// How it ended.
    pub status: Status,
    /// Its output when it ran.
    pub output: Option<ModuleOutput>,
    /// Heuristic alerts followed by indicator alerts, each pointing at a record.
    pub alerts: Vec<Alert>,
    /// Its timeline events as keys, sorted by time, record and index; render them with
    /// [`ModuleReport::render_timeline`].
    pub timeline: Vec<TimelineKey>,
    /// Wall time spent.
    pub duration: Duration,
}

impl ModuleReport {
    /// Renders the timeline events for `keys` (sorted as [`ModuleReport::timeline`] is), in
    /// order, dropping exact duplicates (same time, event and description), calling `f` on each.
    pub fn render_timeline(&self, keys: &[TimelineKey], mut f: impl FnMut(&TimelineEvent)) {
        let Some(out) = &self.output else { return };
        let mut events = Vec::new();
        let mut cached: Option<u32> = None;
        // The events already rendered at the current time. A set, not a list: a filesystem
        // dump has hundreds of thousands of entries sharing one time.
        let mut group: HashSet<TimelineEvent> = HashSet::new();
        let mut group_time = None;
        for key in keys {
            if cached != Some(key.record) {
                events.clear();
                out.records.timeline(key.record as usize, &mut events);
                cached = Some(key.record);
            }
            let Some(e) = events.get(key.index as usize) else {
                continue;
            };
            if group_time != Some(e.timestamp) {
                group.clear();
                group_time = Some(e.timestamp);
            }
            if group.contains(e) {
                continue;
            }
            f(e);
            group.insert(e.clone());
        }
    }

    /// Number of records produced.
    pub fn record_count(&self) -> usize {
        self.output.as_ref().map_or(0, |o| o.records.len())
    }
}

/// Receives progress notifications (the CLI draws them; tests ignore them).
pub trait Progress: Sync {
    /// A module started.
    fn started(&self, _meta: &'static ModuleMeta) {}
    /// A module finished.
    fn finished(&self, _report: &ModuleReport) {}
}

/// A progress sink that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// Orders modules so that each comes after its dependencies. Unknown dependencies and cycles
/// are reported as errors naming the module.
pub fn order<E: ?Sized>(modules: &[&dyn Module<E>]) -> Result<Vec<Vec<usize>>, String> {
    let index: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.meta().slug, i))
        .collect();
    let mut done: HashSet<usize> = HashSet::new();
    let mut waves = Vec::new();
    while done.len() < modules.len() {
        let wave: Vec<usize> = (0..modules.len())
            .filter(|i| !done.contains(i))
            .filter(|&i| {
                modules[i]
                    .meta()
                    .dependencies
                    .iter()
                    .all(|d| index.get(d).is_some_and(|j| done.contains(j)))
            })
            .collect();
        if wave.is_empty() {
            let stuck: Vec<&str> = (0..modules.len())
                .filter(|i| !done.contains(i))
                .map(|i| modules[i].meta().slug)
                .collect();
            return Err(format!(
                "modules with missing or cyclic dependencies: {}",
                stuck.join(", ")
            ));
        }
        done.extend(wave.iter().copied());
        waves.push(wave);
    }
    Ok(waves)
}

/// Runs `modules` over `evidence`, matching records against `matcher`.
///
/// Reports come back in the order of `modules`. A module that fails, or panics, is reported as
/// failed; the others go on.
pub fn run<E: Sync + ?Sized>(
    modules: &[&dyn Module<E>],
    evidence: &E,
    matcher: &dyn Matcher,
    progress: &dyn Progress,
) -> Result<Vec<ModuleReport>, String> {
    let waves = order(modules)?;
    let mut reports: Vec<Option<ModuleReport>> = (0..modules.len()).map(|_| None).collect();
    for wave in waves {
        let finished: Vec<(usize, ModuleReport)> = {
            let done = &reports;
            wave.par_iter()
                .map(|&i| {
                    let module = modules[i];
                    let meta = module.meta();
                    progress.started(meta);
                    let report = run_one(module, evidence, matcher, done, modules);
                    progress.finished(&report);
                    (i, report)
                })
                .collect()
        };
        for (i, r) in finished {
            reports[i] = Some(r);
        }
    }
    Ok(reports.into_iter().flatten().collect())
}

fn run_one<E: Sync + ?Sized>(
    module: &dyn Module<E>,
    evidence: &E,
    matcher: &dyn Matcher,
    done: &[Option<ModuleReport>],
    modules: &[&dyn Module<E>],
) -> ModuleReport {
    let meta = module.meta();
    let start = Instant::now();
    let mut ctx = ModuleContext::empty();
    for dep in meta.dependencies {
        let dep_report = modules
            .iter()
            .position(|m| m.meta().slug == *dep)
            .and_then(|j| done[j].as_ref());
        match dep_report.and_then(|r| r.output.as_ref()) {
            Some(out) => {
                ctx.deps.insert(dep, out.records.as_ref());
            }
            None => {
                return ModuleReport {
                    meta,
                    status: Status::Skipped(format!("dependency {dep} did not produce records")),
                    output: None,
                    alerts: Vec::new(),
                    timeline: Vec::new(),
                    duration: start.elapsed(),
                };
            }
        }
    }
    let result = catch_unwind(AssertUnwindSafe(|| module.run(evidence, &ctx)));
    let (status, output) = match result {
        Ok(Ok(out)) => (Status::Ok, Some(out)),
        Ok(Err(ModuleError::NotFound(what))) => (Status::NotFound(what), None),
        Ok(Err(e)) => (Status::Failed(e.to_string()), None),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            (
                Status::Failed(format!("internal error (please report): {what}")),
                None,
            )
        }
    };
    let mut alerts = Vec::new();
    let mut timeline = Vec::new();
    if let Some(out) = &output {
        for a in &out.alerts {
            let mut a = a.clone();
            a.module = meta.slug;
            if a.event_time.is_none() {
                a.event_time = a.record.and_then(|i| out.records.event_time(i));
            }
            alerts.push(a);
        }
        alerts.extend(match_records(meta.slug, out, matcher));
        timeline = build_timeline(out);
    }
    ModuleReport {
        meta,
        status,
        output,
        alerts,
        timeline,
        duration: start.elapsed(),
    }
}

/// Records per parallel chunk: large enough to amortise scheduling, small enough to balance.
const CHUNK: usize = 4096;

fn match_records(slug: &'static str, out: &ModuleOutput, matcher: &dyn Matcher) -> Vec<Alert> {
    if matcher.is_empty() {
        return Vec::new();
    }
    let n = out.records.len();
    let chunks: Vec<Vec<Alert>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut alerts = Vec::new();
            let mut obs: Vec<Observable<'_>> = Vec::new();
            let mut hits: Vec<IndicatorMatch> = Vec::new();
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                obs.clear();
                hits.clear();
                out.records.observables(i, &mut obs);
                for o in &obs {
                    matcher.check(*o, &mut hits);
                }
                if hits.is_empty() {
                    continue;
                }
                // One alert per distinct indicator per record.
                let mut seen = HashSet::new();
                for hit in hits.drain(..) {
                    if !seen.insert(hit.indicator.clone()) {
                        continue;
                    }
                    alerts.push(Alert {
                        level: Level::Critical,
                        module: slug,
                        message: hit.message(),
                        event_time: out.records.event_time(i),
                        record: Some(i),
                        matched_indicator: Some(hit.indicator),
                    });
                }
                if let Some((level, message)) = out.records.on_match(i) {
                    alerts.push(Alert {
                        level,
                        module: slug,
                        message,
                        event_time: out.records.event_time(i),
                        record: Some(i),
                        matched_indicator: None,
                    });
                }
            }
            alerts
        })
        .collect();
    chunks.into_iter().flatten().collect()
}

fn build_timeline(out: &ModuleOutput) -> Vec<TimelineKey> {
    let n = out.records.len().min(u32::MAX as usize);
    let mut keys: Vec<TimelineKey> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let mut keys = Vec::new();
            let mut ev = Vec::new();
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                ev.clear();
                out.records.timeline(i, &mut ev);
                keys.extend(ev.iter().take(u16::MAX as usize).enumerate().map(|(j, e)| {
                    TimelineKey {
                        timestamp: e.timestamp,
                        record: i as u32,
                        index: j as u16,
                    }
                }));
            }
            keys
        })
        .collect();
    keys.par_sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::{IndicatorRef, IocKind, MatchReason};
    use crate::Record;
    use std::sync::Arc;

    #[derive(serde::Serialize)]
    struct Rec(&'static str);

    impl Record for Rec {
        fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
            out.push(Observable::Domain(self.0));
        }
        fn on_match(&self) -> Option<(Level, String)> {
            Some((Level::High, format!("follow-up on {}", self.0)))
        }
    }

    /// Matches the domain `evil.example` only.
    struct Evil;

    impl Matcher for Evil {
        fn check(&self, o: Observable<'_>, out: &mut Vec<IndicatorMatch>) {
            if o == Observable::Domain("evil.example") {
                out.push(IndicatorMatch {
                    indicator: Arc::new(IndicatorRef {
                        value: "evil.example".into(),
                        kind: IocKind::Domains,
                        name: "Test".into(),
                        stix2_file_name: "t.stix2".into(),
                    }),
                    observed: "evil.example".into(),
                    reason: MatchReason::Exact,
                });
            }
        }
        fn is_empty(&self) -> bool {
            false
        }
    }

    /// A record that matched gets its follow-up alert after the match; others get none.
    #[test]
    fn follow_up_alert_only_on_matched_records() {
        let out = ModuleOutput::new(vec![Rec("fine.example"), Rec("evil.example")]);
        let alerts = match_records("m", &out, &Evil);
        let got: Vec<(Level, Option<usize>, bool, &str)> = alerts
            .iter()
            .map(|a| {
                (
                    a.level,
                    a.record,
                    a.matched_indicator.is_some(),
                    a.message.as_str(),
                )
            })
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, Level::Critical);
        assert_eq!((got[0].1, got[0].2), (Some(1), true));
        assert_eq!(
            got[1],
            (Level::High, Some(1), false, "follow-up on evil.example")
        );
    }
}
