//! `Tombstones` (MVT's slug `tombstones`): native crash reports under the bugreport's `FS/`
//! (`…/tombstones/tombstone_NN`, and `tombstone_NN.pb` since Android 12). The text and protobuf
//! forms of one crash are merged into one record (protobuf preferred, gaps filled from the
//! text), with each source's outcome and the fields where they disagree.
//!
//! Heuristic (MVT's): a crash of a process running as root, system or shell is MEDIUM (an
//! exploit against a privileged process often crashes it first).

use super::{bugreport, KINDS};
use crate::parsers::tombstone::{parse_tombstone_text, TombstoneCrash, SUSPICIOUS_UIDS};
use crate::parsers::tombstone_pb::parse_tombstone_pb;
use crate::AndroidSource;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    Alert, InputFile, Level, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, Platform,
    Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::archive::TreeFormat;

/// Largest tombstone read (real ones are well under 1 MiB).
const MAX_TOMBSTONE: u64 = 64 << 20;

/// One crash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tombstone {
    /// MVT's crash fields (see [`TombstoneCrash`]).
    #[serde(flatten)]
    pub crash: Map<String, Value>,
    /// `tombstone_NN`.
    pub crash_id: String,
    /// Per source (`text`, `protobuf`): file, time, whether it parsed, error, record.
    pub sources: Map<String, Value>,
    /// Fields on which the two forms disagree.
    pub differences: Map<String, Value>,
}

impl Tombstone {
    fn str(&self, key: &str) -> Option<&str> {
        self.crash.get(key).and_then(Value::as_str)
    }

    fn shown(&self, key: &str) -> String {
        match self.crash.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "None".into(),
            Some(v) => v.to_string(),
        }
    }

    fn time(&self) -> Option<Timestamp> {
        self.str("timestamp").and_then(Timestamp::parse)
    }
}

impl Record for Tombstone {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(p) = self.str("process_name") {
            out.push(Observable::Process(p));
        }
        let cmd = self.crash.get("command_line").and_then(Value::as_array);
        if let Some(first) = cmd.and_then(|c| c.first()).and_then(Value::as_str) {
            out.push(Observable::Process(
                first.rsplit('/').next().unwrap_or(first),
            ));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let sig = self.crash.get("signal_info");
        let field = |k: &str| {
            sig.and_then(|s| s.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        out.push(TimelineEvent::new(
            self.time(),
            "Tombstone",
            format!(
                "Crash in '{}' process running as UID '{}' in file '{}' Crash type '{}' with \
                 code '{}'",
                self.shown("process_name"),
                self.shown("uid"),
                self.shown("file_name"),
                field("name"),
                field("code_name")
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.time()
    }
}

/// Python's `isoformat()` of the file time: aware (`+00:00`) for a folder, naive for a zip.
fn isoformat(t: Timestamp, aware: bool) -> String {
    let s = t.to_rfc3339();
    let base = &s[..19];
    let micros = t.unix_micros().rem_euclid(1_000_000);
    let frac = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}")
    };
    format!("{base}{frac}{}", if aware { "+00:00" } else { "" })
}

fn to_map(c: &TombstoneCrash) -> Map<String, Value> {
    match serde_json::to_value(c) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

/// The module.
pub struct Tombstones;

impl Module<dyn AndroidSource> for Tombstones {
    fn meta(&self) -> &'static ModuleMeta {
        static META: ModuleMeta = ModuleMeta {
            slug: "tombstones",
            name: "Tombstones",
            description: "Native crash reports (text and protobuf tombstones)",
            platform: Platform::Android,
            kinds: KINDS,
            artifacts: &["bugreport: FS/data/tombstones/tombstone_*"],
            dependencies: &[],
        };
        &META
    }

    fn run(
        &self,
        ev: &dyn AndroidSource,
        _: &ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let br = bugreport(ev)?;
        let files: Vec<_> = br
            .find("**/tombstone_*")
            .into_iter()
            .filter(|e| e.path.contains('/'))
            .collect();
        if files.is_empty() {
            return Err(ModuleError::NotFound(
                "tombstone files in the bugreport".into(),
            ));
        }
        let aware = br.container() == Some(TreeFormat::Folder);
        let mut grouped: BTreeMap<String, [Option<crate::FoundEntry>; 2]> = BTreeMap::new();
        for e in files {
            let name = e.path.rsplit('/').next().unwrap_or(&e.path).to_string();
            let (id, slot) = match name.strip_suffix(".pb") {
                Some(id) => (id.to_string(), 1),
                None => (name, 0),
            };
            grouped.entry(id).or_default()[slot] = Some(e);
        }
        let (mut records, mut warnings, mut inputs, mut failed) =
            (Vec::new(), Vec::new(), Vec::new(), 0u64);
        for (crash_id, pair) in grouped {
            let mut sources = Map::new();
            let mut parsed: [Option<Map<String, Value>>; 2] = [None, None];
            for (slot, entry) in pair.iter().enumerate() {
                let Some(entry) = entry else { continue };
                let name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
                let ts = entry
                    .modified
                    .unwrap_or(Timestamp::from_unix_secs(0).unwrap_or(Timestamp::now()));
                let result = if entry.size > MAX_TOMBSTONE {
                    Err(format!("larger than {MAX_TOMBSTONE} bytes"))
                } else {
                    br.read(entry).map_err(|e| e.to_string()).and_then(|data| {
                        inputs.push(InputFile {
                            path: entry.path.clone(),
                            artifact: Some("tombstone".into()),
                        });
                        let file_ts = ts.to_mvt_string();
                        if slot == 1 {
                            parse_tombstone_pb(name, &file_ts, &data)
                        } else {
                            parse_tombstone_text(name, &file_ts, &data)
                        }
                    })
                };
                let mut info = Map::new();
                info.insert("file_name".into(), name.into());
                info.insert("file_timestamp".into(), isoformat(ts, aware).into());
                info.insert("parsed".into(), result.is_ok().into());
                match result {
                    Ok(c) => {
                        let m = to_map(&c);
                        info.insert("error".into(), Value::Null);
                        info.insert("record".into(), Value::Object(m.clone()));
                        parsed[slot] = Some(m);
                    }
                    Err(e) => {
                        failed += 1;
                        warnings.push(format!("{}: {e}", entry.path));
                        info.insert("error".into(), e.into());
                        info.insert("record".into(), Value::Null);
                    }
                }
                sources.insert(
                    if slot == 1 { "protobuf" } else { "text" }.into(),
                    Value::Object(info),
                );
            }
            let [text, proto] = parsed;
            let Some(mut crash) = proto.clone().or_else(|| text.clone()) else {
                continue;
            };
            let mut differences = Map::new();
            if let Some(text) = &text {
                for (k, v) in text {
                    if empty(crash.get(k)) {
                        crash.insert(k.clone(), v.clone());
                    }
                }
                if let Some(proto) = &proto {
                    for (k, tv) in text {
                        if k == "file_name" || k == "file_timestamp" {
                            continue;
                        }
                        if let Some(pv) = proto.get(k).filter(|pv| *pv != tv) {
                            let mut d = Map::new();
                            d.insert("text".into(), tv.clone());
                            d.insert("protobuf".into(), pv.clone());
                            differences.insert(k.clone(), Value::Object(d));
                        }
                    }
                }
            }
            records.push(Tombstone {
                crash,
                crash_id,
                sources,
                differences,
            });
        }
        let alerts = check(&records);
        let mut out = ModuleOutput::new(records).with_inputs(inputs);
        out.alerts = alerts;
        out.warnings = warnings;
        out.stats.failed = failed;
        Ok(out)
    }
}

fn check(records: &[Tombstone]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let uid = r.crash.get("uid").and_then(Value::as_i64);
        if uid.is_some_and(|u| SUSPICIOUS_UIDS.contains(&u)) {
            alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!(
                    "Potentially suspicious crash in process '{}' running as UID '{}' in \
                     tombstone '{}' at {}",
                    r.shown("process_name"),
                    r.shown("uid"),
                    r.shown("file_name"),
                    r.shown("timestamp")
                ),
            ));
        }
    }
    alerts
}
