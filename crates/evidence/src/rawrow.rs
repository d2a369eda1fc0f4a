//! Rows of tables whose columns vary between OS versions, kept compactly and serialized as a
//! JSON object in column order (the shape MVT writes for `SELECT table.*`).

use base64::Engine;
use rusqlite::types::ValueRef;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::sync::Arc;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// SQL NULL.
    Null,
    /// INTEGER.
    Int(i64),
    /// REAL.
    Real(f64),
    /// TEXT (invalid UTF-8 replaced, never dropped).
    Text(Box<str>),
    /// BLOB, written as base64.
    Blob(Box<[u8]>),
}

impl RawValue {
    /// Copies a SQLite value.
    pub fn from_ref(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => RawValue::Null,
            ValueRef::Integer(i) => RawValue::Int(i),
            ValueRef::Real(r) => RawValue::Real(r),
            ValueRef::Text(t) => RawValue::Text(String::from_utf8_lossy(t).into()),
            ValueRef::Blob(b) => RawValue::Blob(b.into()),
        }
    }

    /// The text, if a TEXT value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RawValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The integer, if an INTEGER (or integral REAL) value.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            RawValue::Int(i) => Some(i),
            RawValue::Real(r) if r.is_finite() && r.fract() == 0.0 => Some(r as i64),
            _ => None,
        }
    }

    /// The number as a float, if numeric.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            RawValue::Int(i) => Some(i as f64),
            RawValue::Real(r) => Some(r),
            _ => None,
        }
    }
}

impl Serialize for RawValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RawValue::Null => s.serialize_none(),
            RawValue::Int(i) => s.serialize_i64(*i),
            RawValue::Real(r) if r.is_finite() => s.serialize_f64(*r),
            RawValue::Real(_) => s.serialize_none(),
            RawValue::Text(t) => s.serialize_str(t),
            RawValue::Blob(b) => {
                s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
            }
        }
    }
}

/// A row: shared column names and this row's values, encoded compactly.
///
/// Tables like `message` have ~80 columns, mostly NULL or small integers; holding a
/// [`RawValue`] per cell would cost ~2 KB per row, so values are packed into one byte buffer
/// (a tag byte, then the payload) and decoded when read or serialized.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    names: Arc<[String]>,
    data: Box<[u8]>,
}

const T_NULL: u8 = 0;
const T_SMALL: u8 = 1;
const T_INT: u8 = 2;
const T_REAL: u8 = 3;
const T_TEXT: u8 = 4;
const T_BLOB: u8 = 5;

fn encode(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => out.push(T_NULL),
        ValueRef::Integer(i) => match i8::try_from(i) {
            Ok(small) => out.extend_from_slice(&[T_SMALL, small as u8]),
            Err(_) => {
                out.push(T_INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
        },
        ValueRef::Real(r) => {
            out.push(T_REAL);
            out.extend_from_slice(&r.to_le_bytes());
        }
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t);
            encode_bytes(out, T_TEXT, text.as_bytes());
        }
        ValueRef::Blob(b) => encode_bytes(out, T_BLOB, b),
    }
}

fn encode_bytes(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    // SQLITE_LIMIT_LENGTH keeps values far below 4 GiB; clamp defensively all the same.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.push(tag);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&bytes[..len as usize]);
}

/// A decoded cell borrowing from the row.
enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// Decodes the cell at `at`, returning it and the offset of the next one.
fn decode(data: &[u8], at: usize) -> Option<(Cell<'_>, usize)> {
    let tag = *data.get(at)?;
    let fixed = |n: usize| data.get(at + 1..at + 1 + n);
    match tag {
        T_NULL => Some((Cell::Null, at + 1)),
        T_SMALL => Some((Cell::Int(*fixed(1)?.first()? as i8 as i64), at + 2)),
        T_INT => Some((
            Cell::Int(i64::from_le_bytes(fixed(8)?.try_into().ok()?)),
            at + 9,
        )),
        T_REAL => Some((
            Cell::Real(f64::from_le_bytes(fixed(8)?.try_into().ok()?)),
            at + 9,
        )),
        T_TEXT | T_BLOB => {
            let len = u32::from_le_bytes(fixed(4)?.try_into().ok()?) as usize;
            let bytes = data.get(at + 5..at + 5 + len)?;
            let cell = if tag == T_TEXT {
                Cell::Text(std::str::from_utf8(bytes).ok()?)
            } else {
                Cell::Blob(bytes)
            };
            Some((cell, at + 5 + len))
        }
        _ => None,
    }
}

impl Cell<'_> {
    fn to_value(&self) -> RawValue {
        match *self {
            Cell::Null => RawValue::Null,
            Cell::Int(i) => RawValue::Int(i),
            Cell::Real(r) => RawValue::Real(r),
            Cell::Text(t) => RawValue::Text(t.into()),
            Cell::Blob(b) => RawValue::Blob(b.into()),
        }
    }
}

impl RawRow {
    /// Captures the current row of a query whose column names are `names`.
    pub fn from_row(names: &Arc<[String]>, row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let mut data = Vec::with_capacity(names.len() * 2);
        for i in 0..names.len() {
            encode(&mut data, row.get_ref(i)?);
        }
        Ok(RawRow {
            names: names.clone(),
            data: data.into_boxed_slice(),
        })
    }

    /// Every cell in column order.
    fn cells(&self) -> impl Iterator<Item = Cell<'_>> {
        let mut at = 0;
        std::iter::from_fn(move || {
            let (cell, next) = decode(&self.data, at)?;
            at = next;
            Some(cell)
        })
    }

    fn cell(&self, name: &str) -> Option<Cell<'_>> {
        let i = self.names.iter().position(|n| n == name)?;
        self.cells().nth(i)
    }

    /// The value of column `name`.
    pub fn get(&self, name: &str) -> Option<RawValue> {
        self.cell(name).map(|c| c.to_value())
    }

    /// Text of column `name`.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.cell(name)? {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Integer of column `name` (also an integral REAL).
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.cell(name)? {
            Cell::Int(i) => Some(i),
            Cell::Real(r) => RawValue::Real(r).as_i64(),
            _ => None,
        }
    }

    /// Replaces the value of column `name` (no-op if absent).
    pub fn set(&mut self, name: &str, value: RawValue) {
        let Some(target) = self.names.iter().position(|n| n == name) else {
            return;
        };
        let mut data = Vec::with_capacity(self.data.len() + 8);
        for (i, cell) in self.cells().enumerate() {
            let v = if i == target {
                value.clone()
            } else {
                cell.to_value()
            };
            let r = match &v {
                RawValue::Null => ValueRef::Null,
                RawValue::Int(i) => ValueRef::Integer(*i),
                RawValue::Real(r) => ValueRef::Real(*r),
                RawValue::Text(t) => ValueRef::Text(t.as_bytes()),
                RawValue::Blob(b) => ValueRef::Blob(b),
            };
            encode(&mut data, r);
        }
        self.data = data.into_boxed_slice();
    }
}

impl Serialize for RawRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.names.len()))?;
        for (k, cell) in self.names.iter().zip(self.cells()) {
            match cell {
                Cell::Null => map.serialize_entry(k, &None::<()>)?,
                Cell::Int(i) => map.serialize_entry(k, &i)?,
                Cell::Real(r) => map.serialize_entry(k, &RawValue::Real(r))?,
                Cell::Text(t) => map.serialize_entry(k, t)?,
                Cell::Blob(b) => {
                    map.serialize_entry(k, &base64::engine::general_purpose::STANDARD.encode(b))?
                }
            }
        }
        map.end()
    }
}

/// Column names of a prepared statement, shared by all its rows.
pub fn column_names(stmt: &rusqlite::Statement<'_>) -> Arc<[String]> {
    // `Statement::column_names` panics on a name that is not UTF-8; `Db::from_bytes` refuses
    // such schemas, and this never panics whatever gets through.
    (0..stmt.column_count())
        .map(|i| match stmt.column_name(i) {
            Ok(n) => n.to_string(),
            Err(_) => format!("column {i} (name not UTF-8)"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn round_trips_every_type() {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn
            .prepare("SELECT NULL AS n, 7 AS s, -200 AS i, 1.5 AS r, 'héllo' AS t, x'00ff' AS b, 1e400 AS inf")
            .unwrap();
        let names = column_names(&stmt);
        let row = stmt.query_row([], |r| RawRow::from_row(&names, r)).unwrap();
        assert_eq!(row.get("n"), Some(RawValue::Null));
        assert_eq!(row.int("s"), Some(7));
        assert_eq!(row.int("i"), Some(-200));
        assert_eq!(row.get("r"), Some(RawValue::Real(1.5)));
        assert_eq!(row.str("t"), Some("héllo"));
        assert_eq!(row.get("b"), Some(RawValue::Blob(vec![0, 255].into())));
        assert_eq!(row.get("missing"), None);
        assert_eq!(
            serde_json::to_value(&row).unwrap(),
            serde_json::json!({"n": null, "s": 7, "i": -200, "r": 1.5, "t": "héllo", "b": "AP8=", "inf": null})
        );
        let mut row = row;
        row.set("n", RawValue::Text("".into()));
        assert_eq!(row.str("n"), Some(""));
        assert_eq!(row.str("t"), Some("héllo"));
    }
}
