//! `files.json`: androidqf's listing of files it could stat on the phone (all versions): one
//! object per file with `path`, `size`, `mode` (`-rwxr-x---`), owner, `access_time`,
//! `changed_time` and `modified_time` (Unix seconds), SELinux `context`, and `md5`/`sha1`/
//! `sha256`/`sha512` when hashed. Older androidqf wrote one object per line. Objects are kept
//! whole; the three times become MVT-form UTC timestamps (they are absolute Unix times).
//!
//! Heuristic: any file under `/data/local/tmp/` (the world-writable staging folder that
//! exploits and implants use; androidqf's own collector excepted) is HIGH, saying whether it is
//! executable.

use super::Parsed;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent, Timestamp};

/// One file, as androidqf wrote it (times converted). The object is kept as compact JSON
/// text, with the few fields the checks read beside it: a listing of 100,000 files then takes
/// tens of megabytes, where one `serde_json` map per file took over 400.
#[derive(Debug, Clone)]
pub struct AqfFile {
    /// Every key androidqf wrote, in its order, as JSON.
    raw: Box<RawValue>,
    path: Box<str>,
    context: Box<str>,
    /// Whether `mode` has an `x`.
    executable: bool,
    /// `sha256`, `sha1`, `md5`: those present and not empty.
    hashes: Box<[Box<str>]>,
    /// Access, change and modification times.
    pub times: [Option<Timestamp>; 3],
}

impl PartialEq for AqfFile {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get() && self.times == other.times
    }
}

impl Serialize for AqfFile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

const TIME_KEYS: [&str; 3] = ["access_time", "changed_time", "modified_time"];
/// Where androidqf's collector runs from.
const COLLECTOR: &str = "/data/local/tmp/collector";
const STAGING: &str = "/data/local/tmp/";

impl AqfFile {
    /// The file's path on the phone.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every key androidqf wrote (times converted), parsed anew.
    pub fn fields(&self) -> Map<String, Value> {
        serde_json::from_str(self.raw.get()).unwrap_or_default()
    }
}

impl Record for AqfFile {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::FilePath(&self.path));
        out.extend(self.hashes.iter().map(|h| Observable::FileHash(h)));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let [a, c, m] = self.times;
        let mut desc = self.path.to_string();
        if !self.context.is_empty() {
            desc.push_str(&format!(" ({})", self.context));
        }
        let mut seen: Vec<Timestamp> = Vec::new();
        for t in [m, a, c].into_iter().flatten() {
            if seen.contains(&t) {
                continue;
            }
            seen.push(t);
            let flag = |x: Option<Timestamp>, ch: char| if x == Some(t) { ch } else { '-' };
            let macb: String = [flag(m, 'M'), flag(a, 'A'), flag(c, 'C'), '-']
                .into_iter()
                .collect();
            out.push(TimelineEvent::new(Some(t), macb, desc.clone()));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.times[2]
    }
}

/// Keeps the items that are objects with a string `path`, converting their times; counts the
/// others, and times that are not Unix seconds (those are left as they were).
pub fn parse_files(items: &[super::json::RawItem]) -> Parsed<AqfFile> {
    let mut out = Parsed::default();
    for (i, item) in items.iter().enumerate() {
        let mut fields = match super::json::value(item) {
            Value::Object(m) if m.get("path").is_some_and(Value::is_string) => m,
            _ => {
                out.fail(|| format!("item {i}: not a file object with a path"));
                continue;
            }
        };
        let mut times = [None; 3];
        for (slot, key) in times.iter_mut().zip(TIME_KEYS) {
            let Some(v) = fields.get_mut(key) else {
                continue;
            };
            let t = v
                .as_i64()
                .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .and_then(Timestamp::from_unix_secs);
            match t {
                Some(t) => {
                    *v = Value::String(t.to_mvt_string());
                    *slot = Some(t);
                }
                None => out.fail(|| format!("item {i}: {key} {v} is not a Unix time")),
            }
        }
        let text = |key: &str| -> Box<str> {
            fields
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into()
        };
        let (path, context) = (text("path"), text("context"));
        let executable = text("mode").contains('x');
        let hashes = ["sha256", "sha1", "md5"]
            .into_iter()
            .map(text)
            .filter(|h| !h.is_empty())
            .collect();
        // Re-serializing a map that came from JSON cannot fail; an item that did is skipped.
        let Ok(raw) = serde_json::value::to_raw_value(&fields) else {
            out.fail(|| format!("item {i}: not serializable"));
            continue;
        };
        out.records.push(AqfFile {
            raw,
            path,
            context,
            executable,
            hashes,
            times,
        });
    }
    out
}

/// HIGH for files in the `/data/local/tmp/` staging folder.
pub fn check_files(files: &[AqfFile]) -> Vec<Alert> {
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.path().starts_with(STAGING) && f.path() != COLLECTOR)
        .map(|(i, f)| {
            let kind = if f.executable {
                "Executable file"
            } else {
                "File"
            };
            Alert::heuristic(
                Level::High,
                i,
                format!("{kind} in the adb staging folder: \"{}\"", f.path()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_staging() {
        let items = crate::parsers::json::array_items(
            r#"{"path": "/data/local/tmp/x", "mode": "-rwx------", "modified_time": 0, "access_time": 0, "changed_time": 1}
            {"path": "/data/local/tmp/collector"}
            {"path": "/sdcard/a", "modified_time": "soon"}
            {"nopath": 1}"#,
        );
        let p = parse_files(&items.records);
        assert_eq!((p.records.len(), p.failed), (3, 2));
        assert_eq!(
            p.records[0].fields()["modified_time"],
            "1970-01-01 00:00:00.000000"
        );
        let mut tl = Vec::new();
        p.records[0].timeline(&mut tl);
        assert_eq!(tl.len(), 2);
        assert_eq!(tl[0].event, "MA--");
        let a = check_files(&p.records);
        assert_eq!(a.len(), 1);
        assert!(a[0].message.starts_with("Executable"));
    }
}
