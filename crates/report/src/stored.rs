//! Results folders read back — ours or MVT's, the layout is the same — for re-checking them
//! against new indicators without the acquisition (`tracehound check-iocs`).
//!
//! Each `<module>.json` is streamed record by record (a JSON array; or, as MVT writes
//! `cache_files` and `webkit_session_resource_log`, an object of arrays; or one object, as
//! `backup_info`), so a folder of any size is read in bounded memory: only records that match
//! an indicator are kept. What a record carries that indicators can match is read from its
//! fields by a table per module ([`fields`]): the records are MVT-named JSON, not our typed
//! records, so the table maps field names to observable kinds; a test holds it to the modules'
//! own observables. Files that are outputs (`alerts.json`, `*_detected.json`, `info.json`), MVT's
//! `urls.json` list, and files of modules neither tool has are listed as skipped.

pub mod fields;
mod table;

use crate::recheck::StoredRecords;
use fields::{observables, StoredModule};
use rayon::prelude::*;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;
use tracehound_core::runner::{ModuleReport, Progress, Status};
use tracehound_core::{Alert, InputFile, Level, Matcher, ModuleOutput, ParseStats, Timestamp};

/// Why a results folder could not be read.
#[derive(Debug, Error)]
pub enum StoredError {
    /// Not a results folder.
    #[error("{0} is not a results folder (no info.json, alerts.json or <module>.json files)")]
    NotResults(String),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not the JSON it should be.
    #[error("{path}: not valid JSON: {source}")]
    Json {
        /// The file.
        path: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
}

/// Largest `info.json` read (it is small; anything bigger is not ours or MVT's).
const MAX_INFO: u64 = 64 << 20;

/// A results folder.
#[derive(Debug)]
pub struct ResultsFolder {
    /// The folder.
    pub dir: PathBuf,
    /// Its `info.json`, when it has a readable one.
    pub info: Option<Value>,
    /// The module files to re-check, sorted by name.
    pub modules: Vec<(&'static StoredModule, PathBuf)>,
    /// Files not re-checked, with why.
    pub skipped: Vec<String>,
}

/// An indicator file the original run used, as its `info.json` names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OriginalIndicator {
    /// Path as the run gave it.
    pub path: String,
    /// SHA-256 of the file, when recorded (ours records it, MVT does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl ResultsFolder {
    /// Lists the folder.
    pub fn open(dir: &Path) -> Result<ResultsFolder, StoredError> {
        let io = |source| StoredError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut names: Vec<(String, bool)> = fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| {
                let is_file = e.file_type().is_ok_and(|t| t.is_file());
                (e.file_name().to_string_lossy().into_owned(), is_file)
            })
            .filter(|(n, _)| n.ends_with(".json"))
            .collect();
        names.sort();
        let mut folder = ResultsFolder {
            dir: dir.to_path_buf(),
            info: None,
            modules: Vec::new(),
            skipped: Vec::new(),
        };
        let mut outputs = false;
        for (name, is_file) in names {
            let path = dir.join(&name);
            let slug = name.trim_end_matches(".json");
            if !is_file {
                folder.skipped.push(format!("{name}: not a regular file"));
            } else if name == "info.json" {
                folder.info = read_info(&path)?;
            } else if name == "alerts.json" || slug.ends_with("_detected") {
                outputs = true;
            } else if name == "urls.json" {
                folder
                    .skipped
                    .push(format!("{name}: the list of message links, not a module"));
            } else if let Some(m) = fields::module(slug) {
                folder.modules.push((m, path));
            } else {
                folder.skipped.push(format!(
                    "{name}: not the results of a module tracehound knows"
                ));
            }
        }
        if folder.info.is_none() && !outputs && folder.modules.is_empty() {
            return Err(StoredError::NotResults(dir.display().to_string()));
        }
        Ok(folder)
    }

    /// The indicator files of the run that wrote the folder: ours list them under
    /// `indicators` (with their SHA-256), MVT's under `ioc_files`.
    pub fn original_indicators(&self) -> Vec<OriginalIndicator> {
        let Some(info) = &self.info else {
            return Vec::new();
        };
        if let Some(Value::Array(list)) = info.get("indicators") {
            return list
                .iter()
                .filter_map(|i| {
                    Some(OriginalIndicator {
                        path: i.get("path")?.as_str()?.to_string(),
                        sha256: i.get("sha256").and_then(Value::as_str).map(str::to_string),
                    })
                })
                .collect();
        }
        let files = info.get("ioc_files").and_then(Value::as_array);
        files
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|p| OriginalIndicator {
                path: p.to_string(),
                sha256: None,
            })
            .collect()
    }

    /// A string field of `info.json`, the first of `keys` present.
    pub fn info_str(&self, keys: &[&str]) -> Option<String> {
        let info = self.info.as_ref()?;
        keys.iter()
            .find_map(|k| info.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    }
}

fn read_info(path: &Path) -> Result<Option<Value>, StoredError> {
    let meta = fs::metadata(path).map_err(|source| StoredError::Io {
        path: path.display().to_string(),
        source,
    })?;
    if meta.len() > MAX_INFO {
        return Ok(None);
    }
    let bytes = fs::read(path).map_err(|source| StoredError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(serde_json::from_slice(&bytes).ok())
}

/// Calls `f` on every record of a module file, streaming; returns how many there were.
pub fn for_each_record(path: &Path, f: &mut dyn FnMut(Value)) -> Result<usize, StoredError> {
    let file = fs::File::open(path).map_err(|source| StoredError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let json = |source| StoredError::Json {
        path: path.display().to_string(),
        source,
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut n = 0usize;
    let mut count = |v: Value| {
        n += 1;
        f(v);
    };
    Records(&mut count).deserialize(&mut de).map_err(json)?;
    de.end().map_err(json)?;
    Ok(n)
}

/// Feeds the records of a results file to a closure as they are parsed.
struct Records<'f>(&'f mut dyn FnMut(Value));

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array or object of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            (self.0)(v);
        }
        Ok(())
    }

    /// An object of arrays of records (`{file: [records]}`), or one record.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut single = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match map.next_value::<Value>()? {
                Value::Array(items) if items.iter().all(Value::is_object) => {
                    items.into_iter().for_each(|i| (self.0)(i));
                }
                other => {
                    single.insert(key, other);
                }
            }
        }
        if !single.is_empty() {
            (self.0)(Value::Object(single));
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Fields a record's time is read from, in order of preference.
const TIME_FIELDS: &[&str] = &[
    "isodate",
    "timestamp",
    "event_time",
    "datetime",
    "last_seen_isodate",
    "first_isodate",
    "live_isodate",
    "start_date",
    "install_date",
    "last_modified",
    "modified_time",
    "modified",
    "created",
];

/// The time of a stored record, from its first time field that parses.
pub fn event_time(record: &Value) -> Option<Timestamp> {
    TIME_FIELDS
        .iter()
        .filter_map(|k| record.get(*k).and_then(Value::as_str))
        .find_map(Timestamp::parse)
}

/// Re-checks one module file against `matcher`: an alert per indicator matched per record
/// (CRITICAL, as at acquisition time), pointing at the record's index in the file. Heuristics
/// are not re-run: they need the evidence.
pub fn recheck_file(
    module: &'static StoredModule,
    path: &Path,
    matcher: &dyn Matcher,
) -> ModuleReport {
    let start = Instant::now();
    let mut records = StoredRecords::default();
    let mut alerts = Vec::new();
    let mut hits = Vec::new();
    let result = for_each_record(path, &mut |v| {
        let index = records.total;
        records.total += 1;
        hits.clear();
        for o in observables(module, &v) {
            matcher.check(o.observable(), &mut hits);
        }
        if hits.is_empty() {
            return;
        }
        let time = event_time(&v);
        let mut seen = HashSet::new();
        for hit in hits.drain(..) {
            if seen.insert(hit.indicator.clone()) {
                alerts.push(Alert {
                    level: Level::Critical,
                    module: module.meta.slug,
                    message: hit.message(),
                    event_time: time,
                    record: Some(index),
                    matched_indicator: Some(hit.indicator),
                });
            }
        }
        records.matched.push((index, v, time));
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (status, output) = match result {
        Ok(n) => {
            let out = ModuleOutput {
                records: Box::new(records),
                alerts: Vec::new(),
                warnings: Vec::new(),
                stats: ParseStats {
                    ok: n as u64,
                    failed: 0,
                },
                inputs: vec![InputFile {
                    path: name,
                    artifact: None,
                }],
            };
            (Status::Ok, Some(out))
        }
        Err(e) => {
            alerts.clear();
            (Status::Failed(e.to_string()), None)
        }
    };
    ModuleReport {
        meta: &module.meta,
        status,
        output,
        alerts,
        timeline: Vec::new(),
        duration: start.elapsed(),
    }
}

/// Re-checks every module file of `files`, in parallel; reports come back in the order of
/// `files`.
pub fn recheck_all(
    files: &[(&'static StoredModule, PathBuf)],
    matcher: &dyn Matcher,
    progress: &dyn Progress,
) -> Vec<ModuleReport> {
    files
        .par_iter()
        .map(|(m, path)| {
            progress.started(&m.meta);
            let r = recheck_file(m, path, matcher);
            progress.finished(&r);
            r
        })
        .collect()
}
