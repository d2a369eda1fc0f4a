//! Property lists from evidence: bounded parsing and NSKeyedArchiver decoding.
//!
//! Plists are parsed from the `plist` crate's event stream by our own builder rather than
//! `Value::from_reader`, because a hostile plist can otherwise take the analyst's machine down:
//! a binary plist's objects may be referenced many times, so a 170-byte file whose arrays each
//! hold 14 references to the next array expands to 14^8 values (gigabytes, then out of
//! memory); and a plist nested 100,000 deep builds a value whose recursive drop overflows a
//! thread's stack. The builder caps the nesting depth ([`MAX_DEPTH`]) and the memory the
//! expanded value may take ([`expansion_limit`]), and fails with a clear error past either.

use crate::EvidenceError;
use plist::stream::{Event, Reader};
use plist::{Dictionary, Value};
use std::io::Cursor;

/// Largest property list we parse (real ones are kilobytes to a few megabytes).
pub const MAX_PLIST_BYTES: usize = 64 << 20;

/// Deepest nesting of arrays and dictionaries accepted (real plists stay under a few dozen).
pub const MAX_DEPTH: usize = 512;

/// Accounted cost of one value in the expanded tree, besides its string or data bytes (a
/// `Value` is 32 bytes; a dictionary entry with its key and index about twice that).
const NODE_COST: u64 = 64;

/// Most memory, in accounted bytes, that parsing `len` bytes of plist may expand to: 32 MiB plus
/// 64 times the input, at most 1 GiB. XML never expands; binary plists share repeated strings
/// and objects by reference, which real writers use for a few repeated keys and class names.
pub fn expansion_limit(len: usize) -> u64 {
    (32u64 << 20)
        .saturating_add((len as u64).saturating_mul(64))
        .min(1 << 30)
}

/// Parses an XML or binary property list. `name` names the file in errors.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Value, EvidenceError> {
    let err = |detail: String| EvidenceError::Plist {
        name: name.to_string(),
        detail,
    };
    if bytes.len() > MAX_PLIST_BYTES {
        return Err(err(format!(
            "{} bytes is over the {MAX_PLIST_BYTES}-byte limit",
            bytes.len()
        )));
    }
    build(
        Reader::new(Cursor::new(bytes)),
        expansion_limit(bytes.len()),
    )
    .map_err(err)
}

/// A collection being built.
enum Open {
    Array(Vec<Value>),
    Dict(Dictionary, Option<String>),
}

/// Builds one value from `events`, iteratively, within [`MAX_DEPTH`] and `budget` bytes.
fn build<I>(events: I, budget: u64) -> Result<Value, String>
where
    I: Iterator<Item = Result<Event<'static>, plist::Error>>,
{
    let mut stack: Vec<Open> = Vec::new();
    let mut spent = 0u64;
    for event in events {
        let event = event.map_err(|e| e.to_string())?;
        let payload = match &event {
            Event::Data(d) => d.len(),
            Event::String(s) => s.len(),
            _ => 0,
        };
        spent = spent.saturating_add(NODE_COST + payload as u64);
        if spent > budget {
            return Err(format!(
                "expands to more than {budget} bytes in memory (objects referenced over and \
                 over, or too many of them); refused"
            ));
        }
        let value = match event {
            Event::StartArray(len) | Event::StartDictionary(len) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("nested more than {MAX_DEPTH} deep; refused"));
                }
                // The declared length is only a hint; never trust it for an allocation.
                let hint = len.map_or(0, |n| n.min(1024) as usize);
                stack.push(match event {
                    Event::StartArray(_) => Open::Array(Vec::with_capacity(hint)),
                    _ => Open::Dict(Dictionary::new(), None),
                });
                continue;
            }
            Event::EndCollection => match stack.pop() {
                Some(Open::Array(a)) => Value::Array(a),
                Some(Open::Dict(d, None)) => Value::Dictionary(d),
                Some(Open::Dict(_, Some(key))) => {
                    return Err(format!("dictionary key {key:?} has no value"))
                }
                None => return Err("collection closed that was never opened".into()),
            },
            Event::Boolean(b) => Value::Boolean(b),
            Event::Data(d) => Value::Data(d.into_owned()),
            Event::Date(d) => Value::Date(d),
            Event::Integer(i) => Value::Integer(i),
            Event::Real(r) => Value::Real(r),
            Event::String(s) => Value::String(s.into_owned()),
            Event::Uid(u) => Value::Uid(u),
            _ => return Err("unsupported plist event".into()),
        };
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Array(a)) => a.push(value),
            Some(Open::Dict(d, key @ Some(_))) => {
                if let Some(k) = key.take() {
                    d.insert(k, value);
                }
            }
            Some(Open::Dict(_, key @ None)) => match value {
                Value::String(k) => *key = Some(k),
                _ => return Err("dictionary key is not a string".into()),
            },
        }
    }
    Err("unexpected end of the property list".into())
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
