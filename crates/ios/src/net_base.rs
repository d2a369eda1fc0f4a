//! What `DataUsage.sqlite` (Datausage) and `netusage.sqlite` (Netusage) share: both are Core
//! Data stores written by the same networking stack, with `ZPROCESS` (every process that used
//! the network: name, bundle id, first and last use, Mac absolute seconds) and `ZLIVEUSAGE`
//! (traffic counters pointing at a process through `ZHASPROCESS`). Records, the tampering
//! heuristics, and, on full-filesystem dumps, the search for the binaries of processes without
//! a bundle id live here.

use crate::common::{find, query_error};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use tracehound_core::{
    AcquisitionKind, Alert, Level, ModuleError, ModuleOutput, Observable, Record, TimelineEvent,
    Timestamp,
};
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::{Artifact, Db, IosSource};

/// One process, joined with one of its live-usage rows when it has any.
#[derive(Debug, Clone, Serialize)]
pub struct DataUsageEntry {
    /// First network use by the process (`ZPROCESS.ZFIRSTTIMESTAMP`).
    pub first_isodate: Option<Timestamp>,
    /// Latest network use by the process (`ZPROCESS.ZTIMESTAMP`).
    pub isodate: Option<Timestamp>,
    /// Process name, often `<executable>/<bundle id>`, truncated to 16 characters by the OS.
    pub proc_name: Option<String>,
    /// Bundle id.
    pub bundle_id: Option<String>,
    /// `ZPROCESS.Z_PK`; `None` when the usage row's process is missing.
    pub proc_id: Option<i64>,
    /// Wi-Fi bytes in.
    pub wifi_in: RawValue,
    /// Wi-Fi bytes out.
    pub wifi_out: RawValue,
    /// Cellular bytes in.
    pub wwan_in: RawValue,
    /// Cellular bytes out.
    pub wwan_out: RawValue,
    /// `ZLIVEUSAGE.Z_PK`.
    pub live_id: Option<i64>,
    /// `ZLIVEUSAGE.ZHASPROCESS`: the process the usage row refers to.
    pub live_proc_id: Option<i64>,
    /// Time of the usage row, or the process's first use when it has none.
    pub live_isodate: Option<Timestamp>,
}

/// Renders a counter as Python prints it (`None`, `12`, `253438.0`), as MVT's timeline does.
fn py_number(v: &RawValue) -> String {
    match v {
        RawValue::Null => "None".into(),
        RawValue::Int(i) => i.to_string(),
        RawValue::Real(r) if r.is_finite() && r.fract() == 0.0 && r.abs() < 1e16 => {
            format!("{r:.1}")
        }
        RawValue::Real(r) => r.to_string(),
        RawValue::Text(t) => t.to_string(),
        RawValue::Blob(_) => "<blob>".into(),
    }
}

impl DataUsageEntry {
    fn label(&self) -> String {
        let opt = |v: Option<&str>| v.unwrap_or("None").to_string();
        format!(
            "{} (Bundle ID: {}, ID: {})",
            match (&self.proc_name, self.proc_id) {
                (Some(n), _) => n.clone(),
                (None, None) => "[process record missing]".into(),
                (None, Some(_)) => "None".into(),
            },
            opt(self.bundle_id.as_deref()),
            self.proc_id.map_or("None".into(), |i| i.to_string()),
        )
    }
}

impl Record for DataUsageEntry {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(name) = &self.proc_name {
            out.push(Observable::Process(name));
        }
        if let Some(bundle) = &self.bundle_id {
            out.push(Observable::AppId(bundle));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let label = self.label();
        out.push(TimelineEvent::new(
            self.live_isodate,
            "live_usage",
            format!(
                "{label} WWAN IN: {}, WWAN OUT: {}",
                py_number(&self.wwan_in),
                py_number(&self.wwan_out)
            ),
        ));
        // Process-level times only for processes that have usage rows, as MVT does.
        if self.proc_id.is_some() && self.live_proc_id.is_some() {
            out.push(TimelineEvent::new(
                self.first_isodate,
                "first_usage",
                label.clone(),
            ));
            out.push(TimelineEvent::new(self.isodate, "current_usage", label));
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        // MVT dates indicator matches by the process's first use.
        self.first_isodate.or(self.live_isodate)
    }
}

/// Core Data (Mac absolute) seconds in a SQLite cell; 0 and NULL mean "unset".
pub(crate) fn mac_time(v: &RawValue) -> Option<Timestamp> {
    match v.as_f64()? {
        0.0 => None,
        s => Timestamp::from_mac_secs_f64(s),
    }
}

/// `table.name` when the column exists, else `NULL` (columns vary between iOS versions).
fn column(cols: &[String], table: &str, name: &str) -> String {
    if cols.iter().any(|c| c.eq_ignore_ascii_case(name)) {
        format!("{table}.{name}")
    } else {
        "NULL".into()
    }
}

/// Reads every process with its live-usage rows, plus processes without any, ordered by
/// first use (ties broken by the other columns, which is the order MVT's results have).
pub fn read_entries(db: &Db) -> Result<Vec<DataUsageEntry>, rusqlite::Error> {
    let p = db.columns("ZPROCESS");
    let l = db.columns("ZLIVEUSAGE");
    let pc = |n: &str| column(&p, "ZPROCESS", n);
    let lc = |n: &str| column(&l, "ZLIVEUSAGE", n);
    let sql = format!(
        "SELECT {first}, {ts}, {name}, {bundle}, ZPROCESS.Z_PK, {wi}, {wo}, {ni}, {no}, \
                ZLIVEUSAGE.Z_PK, ZLIVEUSAGE.ZHASPROCESS, {lts} \
         FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK \
         UNION ALL \
         SELECT {first}, {ts}, {name}, {bundle}, ZPROCESS.Z_PK, \
                NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM ZPROCESS WHERE ZPROCESS.Z_PK NOT IN \
              (SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL) \
         ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12",
        first = pc("ZFIRSTTIMESTAMP"),
        ts = pc("ZTIMESTAMP"),
        name = pc("ZPROCNAME"),
        bundle = pc("ZBUNDLENAME"),
        wi = lc("ZWIFIIN"),
        wo = lc("ZWIFIOUT"),
        ni = lc("ZWWANIN"),
        no = lc("ZWWANOUT"),
        lts = lc("ZTIMESTAMP"),
    );
    let mut stmt = db.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = Vec::with_capacity(12);
        for i in 0..12 {
            v.push(RawValue::from_ref(r.get_ref(i)?));
        }
        let mut v = v.into_iter();
        let mut next = || v.next().unwrap_or(RawValue::Null);
        let text = |x: RawValue| x.as_str().map(str::to_string);
        let first_isodate = mac_time(&next());
        let isodate = mac_time(&next());
        let proc_name = text(next());
        let bundle_id = text(next());
        let proc_id = next().as_i64();
        let (wifi_in, wifi_out, wwan_in, wwan_out) = (next(), next(), next(), next());
        let live_id = next().as_i64();
        let live_proc_id = next().as_i64();
        let live_isodate = mac_time(&next()).or(first_isodate);
        out.push(DataUsageEntry {
            first_isodate,
            isodate,
            proc_name,
            bundle_id,
            proc_id,
            wifi_in,
            wifi_out,
            wwan_in,
            wwan_out,
            live_id,
            live_proc_id,
            live_isodate,
        });
    }
    Ok(out)
}

fn ts(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "unknown time".into(), |t| t.to_mvt_string())
}

/// Heuristics for a cleaned database: usage rows whose process row is gone (HIGH), and holes
/// in the `ZPROCESS` primary keys (LOW, about the process just before each hole).
pub fn find_tampering(entries: &[DataUsageEntry]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.proc_id.is_none() {
            let target = e
                .live_proc_id
                .map_or_else(|| "no process".into(), |p| format!("process {p}"));
            alerts.push(
                Alert::heuristic(
                    Level::High,
                    i,
                    format!(
                        "Network usage row {} at {} refers to {target}, which has no ZPROCESS \
                         row: the process record looks deleted",
                        e.live_id.map_or("?".into(), |x| x.to_string()),
                        ts(e.live_isodate),
                    ),
                )
                .at(e.live_isodate),
            );
        }
    }
    // Last record of each process id, as the row a hole is reported against.
    let mut by_id: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(id) = e.proc_id {
            by_id.insert(id, i);
        }
    }
    let ids: Vec<(i64, usize)> = by_id.into_iter().collect();
    for pair in ids.windows(2) {
        let (&(prev, idx), &(next, _)) = match pair {
            [a, b] => (a, b),
            _ => continue,
        };
        if next.saturating_sub(prev) <= 1 {
            continue;
        }
        let Some(e) = entries.get(idx) else { continue };
        let missing = if next.saturating_sub(prev) == 2 {
            format!("id {}", prev + 1)
        } else {
            format!("ids {} to {}", prev + 1, next - 1)
        };
        alerts.push(
            Alert::heuristic(
                Level::Low,
                idx,
                format!(
                    "ZPROCESS has no row with {missing}: deleted after process {prev} ({}), \
                     first seen {}",
                    e.proc_name.as_deref().unwrap_or("unnamed"),
                    ts(e.first_isodate),
                ),
            )
            .at(e.first_isodate),
        );
    }
    alerts
}

/// File names iOS may have cut a process name from: names of 15 or 16 bytes are often
/// truncated (`MAXCOMLEN`), so any file whose name starts with them counts.
fn maybe_truncated(name: &str) -> bool {
    name.len() == 15 || name.len() == 16
}

/// Whether a file named `name` (or, for a possibly truncated name, starting with it) is
/// anywhere in the dump.
fn binary_present(ev: &dyn IosSource, name: &str) -> Result<bool, ModuleError> {
    let truncated = maybe_truncated(name);
    let pattern = if truncated {
        format!("**/{name}*")
    } else {
        format!("**/{name}")
    };
    let mut found = false;
    ev.list_matching(&pattern, &mut |e| {
        let n = e.name();
        found |= !e.is_dir && (n == name || (truncated && n.starts_with(name)));
    })?;
    Ok(found)
}

/// On a full-filesystem dump: processes without a bundle id (daemons, and spyware posing as
/// one) whose binary is nowhere in the dump (MEDIUM, once per process). System daemons live
/// on the system volume, which dumps include; a process whose binary has vanished was
/// removed, or ran from memory.
pub fn find_missing_binaries(
    ev: &dyn IosSource,
    entries: &[DataUsageEntry],
) -> Result<Vec<Alert>, ModuleError> {
    let mut alerts = Vec::new();
    let mut seen = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(id) = e.proc_id else { continue };
        if e.bundle_id.as_deref().is_some_and(|b| !b.is_empty()) || !seen.insert(id) {
            continue;
        }
        let name = e.proc_name.as_deref().unwrap_or_default();
        let name = name.rsplit('/').next().unwrap_or(name);
        let message = if name.is_empty() {
            format!(
                "Process {id} has no name and no bundle id (usage at {})",
                ts(e.live_isodate)
            )
        } else if binary_present(ev, name)? {
            continue;
        } else {
            let hint = if maybe_truncated(name) {
                " (nor any starting with it: the name may be truncated)"
            } else {
                ""
            };
            format!(
                "Process {name} (id {id}, no bundle id) used the network, but no file named \
                 {name} is in the dump{hint}: its binary was removed or never on disk"
            )
        };
        alerts.push(Alert::heuristic(Level::Medium, i, message).at(e.live_isodate));
    }
    Ok(alerts)
}

/// Reads every copy of `artifact` (DataUsage or netusage), with the tampering heuristics and,
/// on full-filesystem dumps, the missing-binary one.
pub fn collect(ev: &dyn IosSource, artifact: &Artifact) -> Result<ModuleOutput, ModuleError> {
    let files = find(ev, artifact)?;
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    let mut alerts = Vec::new();
    for file in &files {
        let db = ev.open_sqlite(file)?;
        if !db.has_table("ZPROCESS") || !db.has_table("ZLIVEUSAGE") {
            warnings.push(format!("{}: no ZPROCESS/ZLIVEUSAGE tables", file.path));
            continue;
        }
        let found = read_entries(&db).map_err(|e| query_error(file, e))?;
        let base = entries.len();
        let mut new_alerts = find_tampering(&found);
        if ev.kind() == AcquisitionKind::IosFilesystem {
            new_alerts.extend(find_missing_binaries(ev, &found)?);
        }
        alerts.extend(new_alerts.into_iter().map(|mut a| {
            a.record = a.record.map(|r| r + base);
            a
        }));
        entries.extend(found);
    }
    let mut out = ModuleOutput::new(entries).with_inputs(files.iter().map(|f| f.input()).collect());
    out.alerts = alerts;
    out.warnings = warnings;
    Ok(out)
}
