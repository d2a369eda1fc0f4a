//! Reading a module's output in tests, whatever the acquisition: running a module by slug,
//! records as JSON, timeline events as text, alerts and observables as plain tuples.
#![allow(dead_code)] // each test binary uses part of it

use tracehound_core::module::ModuleContext;
use tracehound_core::{Module, ModuleError, ModuleOutput};
use tracehound_evidence::IosSource;

/// Runs the module `slug` of `modules` on `ev`.
pub fn run_in(
    modules: &[&dyn Module<dyn IosSource>],
    slug: &str,
    ev: &(dyn IosSource + 'static),
) -> Result<ModuleOutput, ModuleError> {
    let module = modules
        .iter()
        .find(|m| m.meta().slug == slug)
        .unwrap_or_else(|| panic!("module {slug} is not registered"));
    module.run(ev, &ModuleContext::empty())
}

/// A module's records as JSON.
pub fn records_json(out: &ModuleOutput) -> serde_json::Value {
    let mut buf = Vec::new();
    out.records.write_json(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

/// Every timeline event of a module's records, in record order.
pub fn timeline_events(out: &ModuleOutput) -> Vec<tracehound_core::TimelineEvent> {
    let mut events = Vec::new();
    for i in 0..out.records.len() {
        out.records.timeline(i, &mut events);
    }
    events
}

/// Every timeline event of a module's records, as `"<time> <event> <description>"`.
pub fn timeline(out: &ModuleOutput) -> Vec<String> {
    timeline_events(out)
        .iter()
        .map(|e| {
            let t = e.timestamp.map_or("-".into(), |t| t.to_mvt_string());
            format!("{t} {} {}", e.event, e.description)
        })
        .collect()
}

/// The alerts as `(level, record, message)`.
pub fn alerts(out: &ModuleOutput) -> Vec<(String, Option<usize>, String)> {
    out.alerts
        .iter()
        .map(|a| (a.level.as_str().to_string(), a.record, a.message.clone()))
        .collect()
}

/// The observables of record `i`, as `(variant, value)`: `("Process", "bh")`.
pub fn observables(out: &ModuleOutput, i: usize) -> Vec<(String, String)> {
    let mut obs = Vec::new();
    out.records.observables(i, &mut obs);
    obs.iter()
        .map(|o| {
            let kind = format!("{o:?}");
            let kind = kind.split('(').next().unwrap_or_default().to_string();
            (kind, o.value().to_string())
        })
        .collect()
}
