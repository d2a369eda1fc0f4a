//! Property lists from evidence: size-bounded parsing and NSKeyedArchiver decoding.

use crate::EvidenceError;
use plist::{Dictionary, Value};
use std::io::Cursor;

/// Largest property list we parse (real ones are kilobytes to a few megabytes).
pub const MAX_PLIST_BYTES: usize = 64 << 20;

/// Parses an XML or binary property list. `name` names the file in errors.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Value, EvidenceError> {
    if bytes.len() > MAX_PLIST_BYTES {
        return Err(EvidenceError::Plist {
            name: name.to_string(),
            detail: format!(
                "{} bytes is over the {MAX_PLIST_BYTES}-byte limit",
                bytes.len()
            ),
        });
    }
    Value::from_reader(Cursor::new(bytes)).map_err(|e| EvidenceError::Plist {
        name: name.to_string(),
        detail: e.to_string(),
    })
}

/// Parses a property list whose top level must be a dictionary.
pub fn parse_dict(name: &str, bytes: &[u8]) -> Result<Dictionary, EvidenceError> {
    match parse(name, bytes)? {
        Value::Dictionary(d) => Ok(d),
        _ => Err(EvidenceError::Plist {
            name: name.to_string(),
            detail: "top level is not a dictionary".into(),
        }),
    }
}

/// An `NSKeyedArchiver` archive: `$objects` with `UID` references from `$top`.
pub struct KeyedArchive<'a> {
    objects: &'a [Value],
    top: &'a Dictionary,
}

impl<'a> KeyedArchive<'a> {
    /// Views `value` as a keyed archive, if it is one.
    pub fn new(value: &'a Value) -> Option<Self> {
        let d = value.as_dictionary()?;
        Some(KeyedArchive {
            objects: d.get("$objects")?.as_array()?,
            top: d.get("$top")?.as_dictionary()?,
        })
    }

    /// Follows a UID reference (or returns the value itself if it is not one).
    pub fn resolve(&self, v: &'a Value) -> Option<&'a Value> {
        match v {
            Value::Uid(uid) => self.objects.get(usize::try_from(uid.get()).ok()?),
            other => Some(other),
        }
    }

    /// The object `$top[key]` points at (usually `root`).
    pub fn top(&self, key: &str) -> Option<&'a Value> {
        self.resolve(self.top.get(key)?)
    }

    /// `dict[key]` with one level of UID resolution.
    pub fn field(&self, dict: &'a Dictionary, key: &str) -> Option<&'a Value> {
        self.resolve(dict.get(key)?)
    }
}

/// An integer value, whatever its plist integer/real encoding.
pub fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i.as_signed().or_else(|| i.as_unsigned().map(|u| u as i64)),
        Value::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}
