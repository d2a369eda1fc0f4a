//! Report data from a results folder on disk, ours or MVT's: `info.json`, `alerts.json` (or
//! the `<module>_detected.json` files when it is absent), `timeline.csv` and every
//! `<module>.json`. Module files are streamed: only the first records are kept as values.

use super::collect::Collector;
use super::model::{AlertView, IndicatorFileView, IndicatorView, ModuleView, ReportData, RunView};
use super::{ReportError, ReportOptions};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tracehound_core::Timestamp;

/// Builds the report's data from the results folder `dir`.
pub fn from_dir(dir: &Path, opts: &ReportOptions) -> Result<ReportData, ReportError> {
    let info_path = dir.join("info.json");
    if !info_path.is_file() {
        return Err(ReportError::NotResults(dir.display().to_string()));
    }
    let info = read_json(&info_path)?;
    let mut files: Vec<String> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();

    let mut c = Collector::new(opts);
    let alerts_path = dir.join("alerts.json");
    let raw_alerts: Vec<Value> = if alerts_path.is_file() {
        as_array(read_json(&alerts_path)?)
    } else {
        let mut all = Vec::new();
        for f in files.iter().filter(|f| f.ends_with("_detected.json")) {
            all.extend(as_array(read_json(&dir.join(f))?));
        }
        all
    };
    c.alerts(raw_alerts.iter().map(alert_view).collect());
    for f in files.iter().filter(|f| is_module_file(f)) {
        let slug = f.trim_end_matches(".json");
        c.table(slug, f);
        let path = dir.join(f);
        let bytes = fs::read(&path).map_err(io_err(&path))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        Records(&mut c)
            .deserialize(&mut de)
            .map_err(|source| json_err(&path, source))?;
    }
    c.finish_records();
    let timeline = dir.join("timeline.csv");
    if timeline.is_file() {
        read_timeline(&mut c, &timeline)?;
    }
    Ok(c.build(run_view(&info), module_views(&info)))
}

fn is_module_file(name: &str) -> bool {
    !matches!(name, "info.json" | "alerts.json") && !name.ends_with("_detected.json")
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn json_err(path: &Path, source: serde_json::Error) -> ReportError {
    ReportError::Json {
        path: path.display().to_string(),
        source,
    }
}

fn read_json(path: &Path) -> Result<Value, ReportError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    serde_json::from_slice(&bytes).map_err(|e| json_err(path, e))
}

fn as_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn alert_view(a: &Value) -> AlertView {
    let event_time = str_of(a, "event_time");
    AlertView {
        level: str_of(a, "level").to_ascii_uppercase(),
        module: str_of(a, "module"),
        message: str_of(a, "message"),
        micros: Timestamp::parse(&event_time).map(Timestamp::unix_micros),
        event_time,
        event: a.get("event").cloned().unwrap_or(Value::Null),
        indicator: a
            .get("matched_indicator")
            .filter(|i| i.is_object())
            .map(|i| IndicatorView {
                value: str_of(i, "value"),
                kind: str_of(i, "type"),
                malware: str_of(i, "name"),
                source: str_of(i, "stix2_file_name"),
            }),
    }
}

/// Streams a module file into the collector: an array of records, or one object.
struct Records<'c, 'o>(&'c mut Collector<'o>);

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records or one record")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.0.wants_record() {
                match seq.next_element::<Value>()? {
                    Some(v) => self.0.record(v),
                    None => return Ok(()),
                }
            } else {
                match seq.next_element::<IgnoredAny>()? {
                    Some(_) => self.0.skip_record(),
                    None => return Ok(()),
                }
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.0.record(v);
        Ok(())
    }
}

/// `timeline.csv`: time, plugin, event, description, by position (MVT names the first column
/// `UTC Timestamp` or `Device Local Timestamp`).
fn read_timeline(c: &mut Collector<'_>, path: &Path) -> Result<(), ReportError> {
    let csv_err = |source: csv::Error| ReportError::Csv {
        path: path.display().to_string(),
        source,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(csv_err)?;
    let mut row = csv::StringRecord::new();
    while rdr.read_record(&mut row).map_err(csv_err)? {
        let field = |i| row.get(i).unwrap_or("");
        let micros = Timestamp::parse(field(0)).map(Timestamp::unix_micros);
        c.event(field(1), micros, field(2), field(3));
    }
    Ok(())
}

fn run_view(info: &Value) -> RunView {
    let mvt = info.get("mvt_version").is_some();
    let tool = if mvt {
        format!("MVT {}", str_of(info, "mvt_version"))
    } else {
        format!("{} {}", str_of(info, "tool"), str_of(info, "version"))
    };
    let command = match info.get("command") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let indicators = if mvt {
        let files = info.get("ioc_files").and_then(Value::as_array);
        files
            .into_iter()
            .flatten()
            .map(|f| IndicatorFileView {
                path: f.as_str().unwrap_or_default().to_string(),
                sha256: String::new(),
                count: None,
                malware: Vec::new(),
            })
            .collect()
    } else {
        let files = info.get("indicators").and_then(Value::as_array);
        files
            .into_iter()
            .flatten()
            .map(|s| IndicatorFileView {
                path: str_of(s, "path"),
                sha256: str_of(s, "sha256"),
                count: s
                    .get("counts")
                    .and_then(Value::as_object)
                    .map(|c| c.values().filter_map(Value::as_u64).sum::<u64>() as usize),
                malware: s
                    .get("malware")
                    .and_then(Value::as_array)
                    .map(|m| {
                        m.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    };
    let network = if mvt {
        String::new()
    } else {
        let short = info.get("short_urls").and_then(Value::as_array);
        crate::html::model::network_line(short.map(|s| {
            let expanded = s.iter().filter(|e| e["expanded_url"].is_string()).count();
            let contacted = s
                .iter()
                .filter_map(|e| e["contacted"].as_array())
                .map(Vec::len)
                .sum();
            (expanded, s.len(), contacted)
        }))
    };
    RunView {
        tool,
        command,
        started: if mvt {
            str_of(info, "date")
        } else {
            str_of(info, "started")
        },
        finished: str_of(info, "finished"),
        target: str_of(info, "target_path"),
        acquisition: str_of(info, "acquisition"),
        indicators,
        network,
        layout_note: mvt.then(|| {
            "These results were written by MVT, which does not record which modules ran, found \
             nothing to read or failed: only the modules that produced records are known."
                .to_string()
        }),
    }
}

fn module_views(info: &Value) -> Option<Vec<ModuleView>> {
    let modules = info.get("modules")?.as_array()?;
    Some(
        modules
            .iter()
            .map(|m| ModuleView {
                slug: str_of(m, "module"),
                status: str_of(m, "status"),
                reason: m.get("reason").and_then(Value::as_str).map(String::from),
                records: m.get("records").and_then(Value::as_u64).unwrap_or(0) as usize,
                detections: m
                    .get("detections")
                    .and_then(Value::as_object)
                    .map(|d| {
                        d.iter()
                            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0) as usize))
                            .collect()
                    })
                    .unwrap_or_default(),
                parse_failed: m
                    .pointer("/parse/failed")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                warnings: m
                    .get("warnings")
                    .and_then(Value::as_array)
                    .map(|w| {
                        w.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
    )
}
