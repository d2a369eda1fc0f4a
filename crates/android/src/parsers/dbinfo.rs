//! `dumpsys dbinfo` (the `DUMP OF SERVICE dbinfo:` section; Android 5+): per app database
//! connection pool, the most recently executed SQL operations with their time (device wall
//! clock, `MM-DD` before Android 11), pid, duration and the database path. The path names the
//! app whose database it is (`/data/user/0/<package>/databases/…`).
//!
//! Not understood: a line in a "Most recently executed operations" block that is not an
//! operation.

use super::Parsed;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use tracehound_core::{Observable, Record};

/// One recent database operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbOperation {
    /// When, as printed (`2023-07-27 12:21:44.097`, or `07-27 …` on older Android).
    pub timestamp: String,
    /// The calling pid, when printed.
    pub pid: Option<i64>,
    /// `executeForCursorWindow`, `prepare`, …
    pub action: String,
    /// How long it took.
    pub duration_ms: i64,
    /// `succeeded`, `failed`, …
    pub status: String,
    /// The SQL.
    pub sql: String,
    /// The database (the operation's own `path=`, else the pool's).
    pub path: String,
    /// The connection pool's database.
    pub pool_path: String,
    /// Connection number in the pool.
    pub connection_number: Option<i64>,
    /// Whether it is the primary connection, when printed.
    pub is_primary: Option<bool>,
}

impl Record for DbOperation {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        // Every path component may be a package name (`/data/user/0/<package>/…`).
        out.extend(
            self.path
                .split('/')
                .filter(|p| p.contains('.'))
                .map(Observable::AppId),
        );
    }
}

static OPERATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*\d+:\s*\[((?:\d{4}-)?\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\]\s*(?:\[Pid:\((\d+)\)\])?\s*([\w-]+) took (\d+)ms - ([^,]+),\s*sql="(.*)"(?:, path=(.*))?$"#,
    )
    .ok()
});
static CONNECTION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\s+Connection #(\d+):").ok());

/// Parses the dbinfo section.
pub fn parse_dbinfo(text: &str) -> Parsed<DbOperation> {
    let mut out = Parsed::default();
    let mut pool: Option<String> = None;
    let mut connection: Option<i64> = None;
    let mut primary: Option<bool> = None;
    let mut in_ops = false;
    for (n, line) in super::lines(text).enumerate() {
        if let Some(p) = line.strip_prefix("Connection pool for ") {
            pool = Some(p.trim_end_matches(':').to_string());
            in_ops = false;
        }
        if let Some(c) = CONNECTION.as_ref().and_then(|r| r.captures(line)) {
            connection = c[1].parse().ok();
            primary = None;
        }
        let t = line.trim();
        if let Some(v) = t.strip_prefix("isPrimaryConnection:") {
            primary = Some(v.trim() == "true");
        }
        let Some(pool_path) = &pool else { continue };
        if t == "Most recently executed operations:" {
            in_ops = true;
            continue;
        }
        if !in_ops {
            continue;
        }
        if !line.starts_with("        ") {
            in_ops = false;
            continue;
        }
        let Some(c) = OPERATION.as_ref().and_then(|r| r.captures(line)) else {
            out.fail(|| format!("line {}: not a database operation", n + 1));
            continue;
        };
        let get = |i: usize| c.get(i).map(|m| m.as_str().to_string());
        out.records.push(DbOperation {
            timestamp: get(1).unwrap_or_default(),
            pid: c.get(2).and_then(|m| m.as_str().parse().ok()),
            action: get(3).unwrap_or_default(),
            duration_ms: c.get(4).and_then(|m| m.as_str().parse().ok()).unwrap_or(0),
            status: get(5).unwrap_or_default(),
            sql: get(6).unwrap_or_default(),
            path: get(7).unwrap_or_else(|| pool_path.clone()),
            pool_path: pool_path.clone(),
            connection_number: connection,
            is_primary: primary,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations() {
        let text = "Connection pool for /data/user/0/com.x/databases/a.db:\n    Connection #2:\n\
            \x20     isPrimaryConnection: false\n      Most recently executed operations:\n\
            \x20       0: [07-27 12:21:44.097] prepare took 3ms - succeeded, sql=\"SELECT 1\"\n\
            \x20       1: garbage\n  Other:\n";
        let p = parse_dbinfo(text);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(
            (r.pid, r.connection_number, r.is_primary),
            (None, Some(2), Some(false))
        );
        assert_eq!(r.path, "/data/user/0/com.x/databases/a.db");
        assert_eq!(p.failed, 1);
    }
}
