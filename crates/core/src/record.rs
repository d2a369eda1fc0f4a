//! Typed module records and their type-erased collection.

use crate::alert::Level;
use crate::observable::Observable;
use crate::timestamp::Timestamp;
use serde::Serialize;
use std::any::Any;
use std::io;

/// One timeline entry derived from a record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TimelineEvent {
    /// When it happened (`None` sorts first).
    pub timestamp: Option<Timestamp>,
    /// Short event name (`sms_received`, `live_usage`, `M--B`…).
    pub event: String,
    /// One line describing it.
    pub description: String,
}

impl TimelineEvent {
    /// An event at a known time.
    pub fn new(
        timestamp: Option<Timestamp>,
        event: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        TimelineEvent {
            timestamp,
            event: event.into(),
            description: description.into(),
        }
    }
}

/// Where a timeline event comes from, without its text: the runner sorts these and the
/// writers render the events from the records as they stream the timeline out, so a run never
/// holds millions of description strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimelineKey {
    /// When it happened (`None` sorts first).
    pub timestamp: Option<Timestamp>,
    /// Index of the record in its module's records.
    pub record: u32,
    /// Index of the event among that record's events.
    pub index: u16,
}

/// A record a module yields: a plain serde struct whose field names follow MVT's where MVT has
/// the module. It tells the runner what it carries that indicators can match and what goes on
/// the timeline; the matching itself is generic.
pub trait Record: Serialize + Send + Sync + 'static {
    /// Appends the observables this record carries.
    fn observables<'a>(&'a self, _out: &mut Vec<Observable<'a>>) {}

    /// Appends this record's timeline events.
    fn timeline(&self, _out: &mut Vec<TimelineEvent>) {}

    /// The time an alert about this record refers to.
    fn event_time(&self) -> Option<Timestamp> {
        None
    }

    /// A second alert to raise when this record matched an indicator (besides the match
    /// itself): what the match implies, such as the redirect chain it sits in.
    fn on_match(&self) -> Option<(Level, String)> {
        None
    }

    /// The links a message carries, listed in `urls.json` (as MVT lists message links).
    fn links<'a>(&'a self, _out: &mut Vec<&'a str>) {}
}

/// A module's records, type-erased so the runner and writers handle every module alike.
pub trait RecordSet: Send + Sync {
    /// Number of records.
    fn len(&self) -> usize;
    /// True when there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Observables of record `i`.
    fn observables<'a>(&'a self, i: usize, out: &mut Vec<Observable<'a>>);
    /// Timeline events of record `i`.
    fn timeline(&self, i: usize, out: &mut Vec<TimelineEvent>);
    /// Event time of record `i`.
    fn event_time(&self, i: usize) -> Option<Timestamp>;
    /// [`Record::on_match`] of record `i`.
    fn on_match(&self, _i: usize) -> Option<(Level, String)> {
        None
    }
    /// [`Record::links`] of record `i`.
    fn links<'a>(&'a self, _i: usize, _out: &mut Vec<&'a str>) {}
    /// Record `i` as a JSON value (for embedding in alerts).
    fn record_json(&self, i: usize) -> serde_json::Value;
    /// Writes all records as one pretty-printed JSON array (4-space indent, as MVT writes).
    fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()>;
    /// Typed access for dependent modules: downcast to `Vec<T>`.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Record> RecordSet for Vec<T> {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn observables<'a>(&'a self, i: usize, out: &mut Vec<Observable<'a>>) {
        if let Some(r) = self.get(i) {
            r.observables(out);
        }
    }
    fn timeline(&self, i: usize, out: &mut Vec<TimelineEvent>) {
        if let Some(r) = self.get(i) {
            r.timeline(out);
        }
    }
    fn event_time(&self, i: usize) -> Option<Timestamp> {
        self.get(i).and_then(Record::event_time)
    }
    fn on_match(&self, i: usize) -> Option<(Level, String)> {
        self.get(i).and_then(Record::on_match)
    }
    fn links<'a>(&'a self, i: usize, out: &mut Vec<&'a str>) {
        if let Some(r) = self.get(i) {
            r.links(out);
        }
    }
    fn record_json(&self, i: usize) -> serde_json::Value {
        self.get(i)
            .and_then(|r| serde_json::to_value(r).ok())
            .unwrap_or(serde_json::Value::Null)
    }
    fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        write_pretty_json(out, self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A module result that is one object rather than a list (MVT writes `backup_info.json` so).
#[derive(Debug, Clone)]
pub struct Single<T>(pub T);

impl<T: Record> RecordSet for Single<T> {
    fn len(&self) -> usize {
        1
    }
    fn observables<'a>(&'a self, i: usize, out: &mut Vec<Observable<'a>>) {
        if i == 0 {
            self.0.observables(out);
        }
    }
    fn timeline(&self, i: usize, out: &mut Vec<TimelineEvent>) {
        if i == 0 {
            self.0.timeline(out);
        }
    }
    fn event_time(&self, i: usize) -> Option<Timestamp> {
        (i == 0).then(|| self.0.event_time()).flatten()
    }
    fn on_match(&self, i: usize) -> Option<(Level, String)> {
        (i == 0).then(|| self.0.on_match()).flatten()
    }
    fn record_json(&self, i: usize) -> serde_json::Value {
        match i {
            0 => serde_json::to_value(&self.0).unwrap_or(serde_json::Value::Null),
            _ => serde_json::Value::Null,
        }
    }
    fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        write_pretty_json(out, &self.0)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Serializes `value` as JSON with MVT's 4-space indentation.
pub fn write_pretty_json<T: Serialize + ?Sized>(
    out: &mut dyn io::Write,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        io::BufWriter::with_capacity(1 << 16, out),
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    value.serialize(&mut ser).map_err(io::Error::other)?;
    io::Write::flush(&mut ser.into_inner())
}
