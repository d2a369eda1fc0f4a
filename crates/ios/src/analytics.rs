//! Security analytics events: the SQLite databases of
//! `/private/var/Keychains/Analytics/*.db` (`ckks_analytics.db`, `sos_analytics.db`,
//! `sft_analytics.db`…; iOS 10 and later; not in backups). `hard_failures`, `soft_failures`
//! and, when present, `all_events` hold `(timestamp, data)` rows: a Unix time and a property
//! list describing the event (process names, build numbers, URLs of failing requests). Each
//! event is one record: its plist keys, plus `isodate` and `artifact` (the database's file
//! name). Every top-level string value is matched against process and URL indicators.
//! Identical rows of the tables are one record (the tables are read as a `UNION`).

use crate::common::find;
use crate::multi_db::read_each;
use crate::plist_json::dict_to_json;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, ParseStats,
    Platform, Record, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{plist_util, Artifact, Db, FoundFile, IosSource};

/// Where the analytics databases live.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["private/var/Keychains/Analytics/*.db"],
};

/// One analytics event.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsEvent {
    /// The event's plist keys, then `isodate` and `artifact`, in MVT's order.
    #[serde(flatten)]
    pub data: Map<String, Json>,
    /// The event time.
    #[serde(skip)]
    pub time: Option<Timestamp>,
}

impl AnalyticsEvent {
    /// The database's file name.
    pub fn artifact(&self) -> &str {
        self.data
            .get("artifact")
            .and_then(Json::as_str)
            .unwrap_or_default()
    }
}

impl Record for AnalyticsEvent {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for v in self.data.values() {
            if let Json::String(s) = v {
                out.push(Observable::Process(s));
                out.push(Observable::Url(s));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let mut repr = String::new();
        py_repr(&Json::Object(self.data.clone()), &mut repr, 0);
        out.push(TimelineEvent::new(self.time, self.artifact(), repr));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.time
    }
}

/// Python's `repr` of a JSON value (MVT's timeline shows events as `str(dict)`).
fn py_repr(v: &Json, out: &mut String, depth: usize) {
    if depth > crate::plist_json::MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Json::Null => out.push_str("None"),
        Json::Bool(true) => out.push_str("True"),
        Json::Bool(false) => out.push_str("False"),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => {
            let q = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            out.push(q);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == q => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push(q);
        }
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr(x, out, depth + 1);
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr(&Json::String(k.clone()), out, depth + 1);
                out.push_str(": ");
                py_repr(x, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// A row: the event, or why its plist could not be read.
type Row = Result<AnalyticsEvent, String>;

fn event(ts: &RawValue, data: &RawValue, artifact: &str) -> Option<Row> {
    let time = ts
        .as_f64()
        .filter(|t| *t != 0.0)
        .and_then(Timestamp::from_unix_secs_f64);
    let bytes: Option<&[u8]> = match data {
        RawValue::Blob(b) if !b.is_empty() => Some(b),
        RawValue::Text(t) if !t.is_empty() => Some(t.as_bytes()),
        _ => None,
    };
    let mut map = match bytes {
        None if time.is_none() => return None,
        None => Map::new(),
        Some(b) => match plist_util::parse(artifact, b) {
            Ok(plist::Value::Dictionary(d)) => dict_to_json(&d),
            Ok(_) => return Some(Err("event data is not a dictionary".into())),
            Err(e) => return Some(Err(e.to_string())),
        },
    };
    let iso = time.map_or_else(String::new, |t| t.to_mvt_string());
    map.insert("isodate".into(), iso.into());
    map.insert("artifact".into(), artifact.into());
    Some(Ok(AnalyticsEvent { data: map, time }))
}

fn read(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<Row>> {
    let artifact = file.relative_path.rsplit('/').next().unwrap_or_default();
    let selects: Vec<String> = ["hard_failures", "soft_failures", "all_events"]
        .iter()
        .filter(|t| db.has_table(t))
        .map(|t| format!("SELECT timestamp, data FROM {t}"))
        .collect();
    let sql = format!("{} ORDER BY 1, 2", selects.join(" UNION "));
    let mut stmt = db.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let ts = RawValue::from_ref(r.get_ref(0)?);
        let data = RawValue::from_ref(r.get_ref(1)?);
        out.extend(event(&ts, &data, artifact));
    }
    Ok(out)
}

/// What [`read_all`] found.
pub struct Events {
    /// Every readable event, sorted by time.
    pub events: Vec<AnalyticsEvent>,
    /// The databases.
    pub files: Vec<FoundFile>,
    /// One per database or event that could not be read.
    pub warnings: Vec<String>,
    /// Databases and events that could not be read.
    pub failed: u64,
}

impl Events {
    /// The module output holding `records`, with these inputs, warnings and counts.
    pub fn output<R: tracehound_core::RecordSet + 'static>(self, records: R) -> ModuleOutput {
        let ok = records.len() as u64;
        let mut out =
            ModuleOutput::new(records).with_inputs(self.files.iter().map(|f| f.input()).collect());
        out.stats = ParseStats {
            ok,
            failed: self.failed,
        };
        out.warnings = self.warnings;
        out
    }
}

/// Every event of every analytics database.
pub fn read_all(ev: &dyn IosSource) -> Result<Events, ModuleError> {
    let files = find(ev, &ARTIFACT)?;
    let got = read_each(ev, &files, &["hard_failures"], read)?;
    let mut warnings = got.warnings;
    let mut failed = got.failed;
    let mut events = Vec::new();
    for row in got.records {
        match row {
            Ok(e) => events.push(e),
            Err(why) => {
                failed += 1;
                warnings.push(format!("an event could not be read: {why}"));
            }
        }
    }
    events.sort_by_key(|e| e.time);
    Ok(Events {
        events,
        files,
        warnings,
        failed,
    })
}

/// The Analytics module.
pub struct Analytics;

static META: ModuleMeta = ModuleMeta {
    slug: "analytics",
    name: "Analytics",
    description: "Security analytics events (Keychains/Analytics/*.db): processes and URLs",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/private/var/Keychains/Analytics/*.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for Analytics {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let mut all = read_all(ev)?;
        let events = std::mem::take(&mut all.events);
        Ok(all.output(events))
    }
}

#[cfg(test)]
mod tests {
    use super::py_repr;
    use serde_json::json;

    #[test]
    fn python_repr() {
        let mut s = String::new();
        py_repr(
            &json!({"a": "it's", "b": [1, 2.5, true, null], "c": "x\\y\n"}),
            &mut s,
            0,
        );
        assert_eq!(
            s,
            r#"{'a': "it's", 'b': [1, 2.5, True, None], 'c': 'x\\y\n'}"#
        );
    }
}
