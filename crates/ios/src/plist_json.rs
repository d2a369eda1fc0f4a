//! Property-list values in the JSON shape MVT's results give them, and the date conversions
//! plist-based modules share.
//!
//! MVT loads plists with Python's `plistlib` and dumps whatever it gets: dates become
//! `str(datetime)` (`2021-12-03 19:33:13`, with `.ffffff` only when there are microseconds),
//! byte strings are decoded as UTF-8 with invalid bytes written `\xNN`, and everything else maps
//! to its JSON equivalent. We follow that so records compare equal, with two choices of our own:
//! non-finite reals become `null` (Python writes the invalid JSON token `NaN`), and nesting
//! deeper than [`MAX_DEPTH`] is cut (a hostile plist must not exhaust the stack).

use plist::Value;
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value as Json};
use std::time::{SystemTime, UNIX_EPOCH};
use tracehound_core::{ModuleError, Timestamp};
use tracehound_evidence::{plist_util, FoundFile, IosSource};

/// Reads and parses the property list `file`; an unreadable one is `Corrupted`, naming it.
pub fn read_plist(ev: &dyn IosSource, file: &FoundFile) -> Result<Value, ModuleError> {
    let bytes = ev.read(file)?;
    plist_util::parse(&file.path, &bytes).map_err(|e| ModuleError::Corrupted {
        path: file.artifact(),
        reason: e.to_string(),
    })
}

/// A time as MVT writes it (`2021-12-03 19:33:13.000000`), or `""` when unknown.
pub struct OrEmpty(pub Option<Timestamp>);

impl Serialize for OrEmpty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(t) => t.serialize(s),
            None => s.serialize_str(""),
        }
    }
}

/// `serialize_with` form of [`OrEmpty`].
pub fn or_empty<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    OrEmpty(*t).serialize(s)
}

/// A JSON value as Python's `str()` shows it in MVT's timeline descriptions.
pub fn py_str(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "None".into(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Bool(true)) => "True".into(),
        Some(Json::Bool(false)) => "False".into(),
        Some(other) => other.to_string(),
    }
}

/// Deepest nesting converted; deeper containers become `null`.
pub const MAX_DEPTH: usize = 64;

/// A plist date as a timestamp (`None` outside the years 1–9999), rounded to the nearest
/// microsecond as Python's `plistlib` does (binary plists hold a float, so truncating would
/// turn `.150919` into `.150918`).
pub fn date_timestamp(d: &plist::Date) -> Option<Timestamp> {
    let t: SystemTime = (*d).into();
    let round = |nanos: u128| i64::try_from(nanos.checked_add(500)? / 1000).ok();
    let micros = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => round(after.as_nanos())?,
        Err(before) => -round(before.duration().as_nanos())?,
    };
    Timestamp::from_unix_micros(micros)
}

/// The timestamp of a plist date value.
pub fn value_date(v: &Value) -> Option<Timestamp> {
    match v {
        Value::Date(d) => date_timestamp(d),
        _ => None,
    }
}

/// Python's `str(datetime)` of a naive UTC time: microseconds only when non-zero.
pub fn python_datetime(t: Timestamp) -> String {
    let mut s = t.to_mvt_string();
    if s.ends_with(".000000") {
        s.truncate(s.len() - 7);
    }
    s
}

/// A Mac absolute time held in a plist number, converted as MVT does for plists: seconds since
/// 2001 (integer or real); an 18-digit integer is a nanosecond count; zero means "no date".
pub fn mac_time(v: &Value) -> Option<Timestamp> {
    match v {
        Value::Real(r) if *r != 0.0 => Timestamp::from_mac_secs_f64(*r),
        Value::Integer(i) => {
            let n = i.as_signed()?;
            if n == 0 {
                None
            } else if (100_000_000_000_000_000..1_000_000_000_000_000_000).contains(&n) {
                Timestamp::from_mac_nanos(n)
            } else {
                Timestamp::from_mac_secs_f64(n as f64)
            }
        }
        _ => None,
    }
}

/// Bytes decoded as UTF-8, each invalid byte written `\xNN` (Python's `backslashreplace`).
pub fn backslash_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len()).min(rest.len());
                for b in rest.iter().take(bad) {
                    out.push_str(&format!("\\x{b:02x}"));
                }
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

/// A plist value as MVT's JSON shows it.
pub fn to_json(v: &Value) -> Json {
    convert(v, 0)
}

/// A plist dictionary as a JSON object, keys in file order.
pub fn dict_to_json(d: &plist::Dictionary) -> Map<String, Json> {
    dict(d, 0)
}

fn dict(d: &plist::Dictionary, depth: usize) -> Map<String, Json> {
    d.iter()
        .map(|(k, v)| (k.clone(), convert(v, depth + 1)))
        .collect()
}

fn convert(v: &Value, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    match v {
        Value::Array(a) => Json::Array(a.iter().map(|x| convert(x, depth + 1)).collect()),
        Value::Dictionary(d) => Json::Object(dict(d, depth)),
        Value::Boolean(b) => Json::Bool(*b),
        Value::Data(b) => Json::String(backslash_utf8(b)),
        Value::Date(d) => date_timestamp(d)
            .map(|t| Json::String(python_datetime(t)))
            .unwrap_or(Json::Null),
        Value::Real(r) => Number::from_f64(*r).map(Json::Number).unwrap_or(Json::Null),
        Value::Integer(i) => match (i.as_signed(), i.as_unsigned()) {
            (Some(s), _) => Json::Number(s.into()),
            (None, Some(u)) => Json::Number(u.into()),
            _ => Json::Null,
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Uid(u) => Json::String(format!("UID({})", u.get())),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_like_python() {
        assert_eq!(backslash_utf8(b"ab\xffc\xe2\x82"), "ab\\xffc\\xe2\\x82");
        assert_eq!(backslash_utf8("é".as_bytes()), "é");
    }

    #[test]
    fn dates_like_python() {
        let t = Timestamp::from_unix_secs(1_638_559_993).unwrap();
        assert_eq!(python_datetime(t), "2021-12-03 19:33:13");
        let t = Timestamp::from_unix_micros(1_638_559_993_000_001).unwrap();
        assert_eq!(python_datetime(t), "2021-12-03 19:33:13.000001");
    }

    #[test]
    fn mac_times() {
        let v = Value::Real(660_000_000.5);
        assert_eq!(
            mac_time(&v).unwrap().to_mvt_string(),
            "2021-11-30 21:20:00.500000"
        );
        assert_eq!(mac_time(&Value::Integer(0.into())), None);
        assert_eq!(mac_time(&Value::String("x".into())), None);
        let nanos = Value::Integer(588_813_210_539_788_032i64.into());
        assert_eq!(
            mac_time(&nanos).unwrap().to_mvt_string(),
            "2019-08-29 23:13:30.539788"
        );
    }

    #[test]
    fn deep_nesting_is_cut() {
        let mut v = Value::Boolean(true);
        for _ in 0..200 {
            v = Value::Array(vec![v]);
        }
        let j = to_json(&v);
        assert!(j.is_array());
    }
}
