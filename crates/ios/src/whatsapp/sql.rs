//! Small helpers for querying Core Data databases whose columns vary between app and OS
//! versions: a column that is missing is selected as `NULL` instead of failing the query, and
//! values are read the way MVT's Python code sees them.

use tracehound_core::Timestamp;
use tracehound_evidence::rawrow::RawValue;
use tracehound_evidence::Db;

/// Quotes an identifier taken from the evidence (table or column name) for SQL.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A table under an alias in a query, with the columns it actually has (none when the table is
/// absent or not joined).
pub(crate) struct Table {
    alias: &'static str,
    columns: Vec<String>,
}

impl Table {
    /// `table` of `db` under `alias`.
    pub(crate) fn of(db: &Db, table: &str, alias: &'static str) -> Self {
        Table {
            alias,
            columns: db.columns(table),
        }
    }

    /// A table that takes no part in the query: all its columns read as `NULL`.
    pub(crate) fn absent(alias: &'static str) -> Self {
        Table {
            alias,
            columns: Vec::new(),
        }
    }

    /// Whether the table is present with every column of `cols`.
    pub(crate) fn has(&self, cols: &[&str]) -> bool {
        cols.iter().all(|c| self.columns.iter().any(|n| n == c))
    }

    /// `alias."col"`, or `NULL` when the column does not exist.
    pub(crate) fn col(&self, col: &str) -> String {
        if self.has(&[col]) {
            format!("{}.{}", self.alias, quote(col))
        } else {
            "NULL".to_string()
        }
    }
}

/// Mac absolute time as MVT converts it: seconds since 2001 (integer or real); 18-digit
/// integers are nanoseconds. Zero, NULL and non-numeric values have no time.
pub(crate) fn mac_time(v: &RawValue) -> Option<Timestamp> {
    match *v {
        RawValue::Int(0) => None,
        RawValue::Int(n) if (100_000_000_000_000_000..1_000_000_000_000_000_000).contains(&n) => {
            Timestamp::from_mac_nanos(n)
        }
        RawValue::Int(n) => Timestamp::from_mac_secs_f64(n as f64),
        RawValue::Real(0.0) => None,
        RawValue::Real(r) => Timestamp::from_mac_secs_f64(r),
        _ => None,
    }
}

/// A value as Python's `str()` would print it, or `None` when Python would find it falsy
/// (`NULL`, empty text, zero). Blobs are decoded as UTF-8 (Core Data stores some strings so).
pub(crate) fn py_str(v: &RawValue) -> Option<String> {
    match v {
        RawValue::Null | RawValue::Int(0) => None,
        RawValue::Int(i) => Some(i.to_string()),
        RawValue::Real(r) if *r == 0.0 => None,
        RawValue::Real(r) if r.is_finite() && r.fract() == 0.0 && r.abs() < 1e16 => {
            Some(format!("{r:.1}"))
        }
        RawValue::Real(r) => Some(r.to_string()),
        RawValue::Text(t) if t.is_empty() => None,
        RawValue::Text(t) => Some(t.to_string()),
        RawValue::Blob(b) if b.is_empty() => None,
        RawValue::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// A value as Python's f-strings print it (`None` for NULL), for timeline descriptions.
pub(crate) fn py_display(v: &RawValue) -> String {
    match v {
        RawValue::Null => "None".to_string(),
        RawValue::Int(0) => "0".to_string(),
        RawValue::Real(r) if *r == 0.0 => "0.0".to_string(),
        other => py_str(other).unwrap_or_default(),
    }
}

/// Reads every row of `sql` as a vector of values (as many as the query has columns).
pub(crate) fn query_values(db: &Db, sql: &str) -> rusqlite::Result<Vec<Vec<RawValue>>> {
    let mut stmt = db.conn().prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut vals = Vec::with_capacity(n);
        for i in 0..n {
            vals.push(RawValue::from_ref(r.get_ref(i)?));
        }
        out.push(vals);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_time_variants() {
        let t = |v| mac_time(&v).map(|t: Timestamp| t.to_mvt_string());
        assert_eq!(
            t(RawValue::Real(778_000_000.0)).as_deref(),
            Some("2025-08-27 15:06:40.000000")
        );
        assert_eq!(
            t(RawValue::Int(778_000_000)).as_deref(),
            Some("2025-08-27 15:06:40.000000")
        );
        assert_eq!(
            t(RawValue::Int(778_000_000_123_456_789)).as_deref(),
            Some("2025-08-27 15:06:40.123456")
        );
        assert_eq!(t(RawValue::Int(0)), None);
        assert_eq!(t(RawValue::Real(f64::NAN)), None);
        assert_eq!(t(RawValue::Real(1e300)), None);
        assert_eq!(t(RawValue::Text("x".into())), None);
    }

    #[test]
    fn python_like_strings() {
        assert_eq!(py_str(&RawValue::Int(5)).as_deref(), Some("5"));
        assert_eq!(py_str(&RawValue::Real(2.0)).as_deref(), Some("2.0"));
        assert_eq!(py_str(&RawValue::Text("".into())), None);
        assert_eq!(
            py_str(&RawValue::Blob(b"A\xffB".to_vec().into())).as_deref(),
            Some("A\u{fffd}B")
        );
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
