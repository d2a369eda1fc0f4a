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

/// A row: shared column names and this row's values.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    names: Arc<[String]>,
    values: Vec<RawValue>,
}

impl RawRow {
    /// Captures the current row of a query whose column names are `names`.
    pub fn from_row(names: &Arc<[String]>, row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            values.push(RawValue::from_ref(row.get_ref(i)?));
        }
        Ok(RawRow {
            names: names.clone(),
            values,
        })
    }

    /// The value of column `name`.
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        let i = self.names.iter().position(|n| n == name)?;
        self.values.get(i)
    }

    /// Text of column `name`.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(RawValue::as_str)
    }

    /// Integer of column `name`.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(RawValue::as_i64)
    }

    /// Replaces the value of column `name` (no-op if absent).
    pub fn set(&mut self, name: &str, value: RawValue) {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            if let Some(v) = self.values.get_mut(i) {
                *v = value;
            }
        }
    }
}

impl Serialize for RawRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.names.iter().zip(&self.values) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Column names of a prepared statement, shared by all its rows.
pub fn column_names(stmt: &rusqlite::Statement<'_>) -> Arc<[String]> {
    stmt.column_names().iter().map(|s| s.to_string()).collect()
}
