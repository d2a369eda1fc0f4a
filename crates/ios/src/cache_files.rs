//! URLs apps fetched through `NSURLSession`/`NSURLConnection`: every `Cache.db` in a dump
//! (typically `/private/var/mobile/Containers/Data/Application/<UUID>/Library/Caches/
//! <bundle id>/Cache.db`, and the same under system containers; all iOS versions; a backup
//! leaves caches out). `cfurl_cache_response` holds one row per cached response: its id,
//! version, hash, storage policy, the request URL (`request_key`) and when it was stored
//! (`time_stamp`, UTC text). Exploit and spyware servers contacted by an app or a web view show
//! up here: each URL is matched against indicators. Results are grouped by cache file, as MVT
//! writes them (`{"<path>": [responses…]}`).

use crate::multi_db::{raw_values, read_each};
use serde::Serialize;
use std::any::Any;
use std::io;
use tracehound_core::record::write_pretty_json;
use tracehound_core::{
    AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Observable, ParseStats,
    Platform, Record, RecordSet, TimelineEvent, Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, FoundFile, IosSource};

/// Every `Cache.db`.
pub const ARTIFACT: Artifact = Artifact {
    backup: &[],
    fs: &["**/Cache.db"],
};

/// One cached response.
#[derive(Debug, Clone, Serialize)]
pub struct CacheResponse {
    /// `entry_ID`.
    pub entry_id: RawValue,
    /// `version`.
    pub version: RawValue,
    /// `hash_value`.
    pub hash_value: RawValue,
    /// `storage_policy`.
    pub storage_policy: RawValue,
    /// `request_key`: the URL requested.
    pub url: RawValue,
    /// `time_stamp`, as stored (`2021-06-10 12:00:00`, UTC).
    pub isodate: RawValue,
    /// The cache file (device path); the key its group is written under.
    #[serde(skip)]
    pub cache_file: String,
    #[serde(skip)]
    time: Option<Timestamp>,
}

impl Record for CacheResponse {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.extend(self.url.as_str().map(Observable::Url));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let url = match &self.url {
            RawValue::Null => "None".to_string(),
            RawValue::Text(t) => t.to_string(),
            other => serde_json::to_string(other).unwrap_or_default(),
        };
        out.push(TimelineEvent::new(
            self.time,
            "cache_response",
            format!("{} recorded visit to URL {url}", self.cache_file),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.time
    }
}

/// The responses of every cache file, in file order, written grouped by file.
pub struct CacheFileResponses(pub Vec<CacheResponse>);

/// Serializes consecutive responses of one file as one map entry.
struct Grouped<'a>(&'a [CacheResponse]);

impl Serialize for Grouped<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for group in self.0.chunk_by(|a, b| a.cache_file == b.cache_file) {
            if let Some(first) = group.first() {
                map.serialize_entry(&first.cache_file, group)?;
            }
        }
        map.end()
    }
}

impl RecordSet for CacheFileResponses {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn observables<'a>(&'a self, i: usize, out: &mut Vec<Observable<'a>>) {
        RecordSet::observables(&self.0, i, out);
    }
    fn timeline(&self, i: usize, out: &mut Vec<TimelineEvent>) {
        RecordSet::timeline(&self.0, i, out);
    }
    fn event_time(&self, i: usize) -> Option<Timestamp> {
        RecordSet::event_time(&self.0, i)
    }
    fn record_json(&self, i: usize) -> serde_json::Value {
        let mut v = RecordSet::record_json(&self.0, i);
        if let (Some(obj), Some(r)) = (v.as_object_mut(), self.0.get(i)) {
            obj.insert("cache_file".into(), r.cache_file.clone().into());
        }
        v
    }
    fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        write_pretty_json(out, &Grouped(&self.0))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn read(db: &Db, file: &FoundFile) -> rusqlite::Result<Vec<CacheResponse>> {
    let mut stmt = db.conn().prepare("SELECT * FROM cfurl_cache_response")?;
    let n = stmt.column_count().min(6);
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut v = raw_values(row, n)?.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let (entry_id, version, hash_value, storage_policy, url, isodate) =
            (next(), next(), next(), next(), next(), next());
        out.push(CacheResponse {
            time: isodate.as_str().and_then(Timestamp::parse),
            entry_id,
            version,
            hash_value,
            storage_policy,
            url,
            isodate,
            cache_file: file.relative_path.clone(),
        });
    }
    Ok(out)
}

/// The CacheFiles module.
pub struct CacheFiles;

static META: ModuleMeta = ModuleMeta {
    slug: "cache_files",
    name: "CacheFiles",
    description: "URLs of responses cached by apps (every Cache.db)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/**/Cache.db"],
    dependencies: &[],
};

impl Module<dyn IosSource> for CacheFiles {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        let files = crate::common::find(ev, &ARTIFACT)?;
        let got = read_each(ev, &files, &["cfurl_cache_response"], read)?;
        let ok = got.records.len() as u64;
        let mut out = ModuleOutput::new(CacheFileResponses(got.records))
            .with_inputs(files.iter().map(|f| f.input()).collect());
        out.warnings = got.warnings;
        out.stats = ParseStats {
            ok,
            failed: got.failed,
        };
        Ok(out)
    }
}
