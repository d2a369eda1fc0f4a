//! UTC timestamps with microsecond precision, and the epoch conversions phones use.
//!
//! Apple stores "Mac absolute time" (seconds, or nanoseconds, since 2001-01-01 UTC); Chrome and
//! Windows-derived formats count microseconds since 1601-01-01; Android mostly uses Unix
//! milliseconds. Every conversion is checked: a value an attacker planted far outside the
//! representable range yields `None`, never a panic or a wrapped date.

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use std::fmt;

/// Seconds between the Unix epoch and 2001-01-01T00:00:00Z (Apple's reference date).
pub const MAC_EPOCH_OFFSET_SECS: i64 = 978_307_200;
/// Seconds between 1601-01-01T00:00:00Z (Chrome/WebKit epoch) and the Unix epoch.
pub const WEBKIT_EPOCH_OFFSET_SECS: i64 = 11_644_473_600;

/// Latest instant we accept: 9999-12-31T23:59:59.999999Z, in microseconds since the Unix epoch.
const MAX_MICROS: i64 = 253_402_300_799_999_999;
/// Earliest instant we accept: 0001-01-01T00:00:00Z.
const MIN_MICROS: i64 = -62_135_596_800_000_000;

/// An instant in UTC, stored as microseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From microseconds since the Unix epoch; `None` outside years 1–9999.
    pub fn from_unix_micros(micros: i64) -> Option<Self> {
        (MIN_MICROS..=MAX_MICROS)
            .contains(&micros)
            .then_some(Timestamp(micros))
    }

    /// From whole seconds since the Unix epoch.
    pub fn from_unix_secs(secs: i64) -> Option<Self> {
        Self::from_unix_micros(secs.checked_mul(1_000_000)?)
    }

    /// From milliseconds since the Unix epoch (Android's usual unit).
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        Self::from_unix_micros(millis.checked_mul(1_000)?)
    }

    /// From fractional seconds since the Unix epoch, rounded to the nearest microsecond.
    pub fn from_unix_secs_f64(secs: f64) -> Option<Self> {
        if !secs.is_finite() {
            return None;
        }
        let micros = (secs * 1_000_000.0).round();
        if micros < MIN_MICROS as f64 || micros > MAX_MICROS as f64 {
            return None;
        }
        Self::from_unix_micros(micros as i64)
    }

    /// From fractional seconds since 2001-01-01 (Core Data / Mac absolute time).
    pub fn from_mac_secs_f64(secs: f64) -> Option<Self> {
        Self::from_unix_secs_f64(secs + MAC_EPOCH_OFFSET_SECS as f64)
    }

    /// From nanoseconds since 2001-01-01 (sms.db since iOS 11).
    pub fn from_mac_nanos(nanos: i64) -> Option<Self> {
        let micros = nanos.div_euclid(1_000);
        Self::from_unix_micros(micros.checked_add(MAC_EPOCH_OFFSET_SECS * 1_000_000)?)
    }

    /// From microseconds since 1601-01-01 (Chrome history, WebKit).
    pub fn from_webkit_micros(micros: i64) -> Option<Self> {
        Self::from_unix_micros(micros.checked_sub(WEBKIT_EPOCH_OFFSET_SECS * 1_000_000)?)
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        self.0
    }

    fn datetime(self) -> DateTime<Utc> {
        // In range by construction (years 1–9999), which chrono always represents.
        DateTime::from_timestamp_micros(self.0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    }

    /// The form MVT writes in its JSON results: `2021-12-03 19:33:13.000000` (UTC, no zone).
    pub fn to_mvt_string(self) -> String {
        self.render(' ', "")
    }

    /// RFC 3339 / ISO 8601 in UTC with microseconds: `2021-12-03T19:33:13.000000Z`.
    pub fn to_rfc3339(self) -> String {
        self.render('T', "Z")
    }

    /// `YYYY-MM-DD<sep>HH:MM:SS.ffffff<suffix>`, written directly: timelines render millions of
    /// these, and chrono's `format` re-parses its pattern on every call.
    fn render(self, sep: char, suffix: &str) -> String {
        use chrono::{Datelike, Timelike};
        let dt = self.datetime();
        let micros = self.0.rem_euclid(1_000_000);
        let mut out = String::with_capacity(27);
        let push = |out: &mut String, v: u32, width: usize| {
            let digits = v.to_string();
            for _ in digits.len()..width {
                out.push('0');
            }
            out.push_str(&digits);
        };
        push(&mut out, dt.year().max(0) as u32, 4);
        out.push('-');
        push(&mut out, dt.month(), 2);
        out.push('-');
        push(&mut out, dt.day(), 2);
        out.push(sep);
        push(&mut out, dt.hour(), 2);
        out.push(':');
        push(&mut out, dt.minute(), 2);
        out.push(':');
        push(&mut out, dt.second(), 2);
        out.push('.');
        push(&mut out, micros as u32, 6);
        out.push_str(suffix);
        out
    }

    /// The current time.
    pub fn now() -> Self {
        Timestamp(Utc::now().timestamp_micros().clamp(MIN_MICROS, MAX_MICROS))
    }

    /// Parses the MVT form (`YYYY-MM-DD HH:MM:SS[.ffffff]`) or RFC 3339; used when re-reading
    /// results folders.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Self::from_unix_micros(dt.timestamp_micros());
        }
        for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
                return Self::from_unix_micros(dt.and_utc().timestamp_micros());
            }
        }
        None
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_mvt_string())
    }
}

/// Records serialize timestamps in MVT's form so results stay comparable with MVT's.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_mvt_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_absolute_time() {
        let t = Timestamp::from_mac_secs_f64(778_100_000.0).unwrap();
        assert_eq!(t.to_mvt_string(), "2025-08-28 18:53:20.000000");
        assert_eq!(t.to_rfc3339(), "2025-08-28T18:53:20.000000Z");
    }

    #[test]
    fn mac_nanos() {
        let t = Timestamp::from_mac_nanos(588_813_210_539_788_032).unwrap();
        assert_eq!(t.to_mvt_string(), "2019-08-29 23:13:30.539788");
    }

    #[test]
    fn out_of_range_is_none_not_panic() {
        assert!(Timestamp::from_unix_secs(i64::MAX).is_none());
        assert!(Timestamp::from_unix_secs_f64(f64::NAN).is_none());
        assert!(Timestamp::from_unix_secs_f64(1e300).is_none());
        assert!(Timestamp::from_unix_millis(i64::MAX).is_none());
        assert!(Timestamp::from_mac_nanos(i64::MIN).is_some()); // 1709: in range
        assert!(Timestamp::from_webkit_micros(i64::MIN).is_none());
    }

    #[test]
    fn direct_formatting_equals_chrono() {
        let mut x: i64 = 0x2545_f491_4f6c_dd1d;
        let mut values = vec![MIN_MICROS, MAX_MICROS, 0, -1, 1, -1_000_001, 999_999];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x.rem_euclid(MAX_MICROS - MIN_MICROS) + MIN_MICROS);
        }
        for v in values {
            let t = Timestamp::from_unix_micros(v).unwrap();
            let dt = t.datetime();
            assert_eq!(
                t.to_mvt_string(),
                dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
            );
            assert_eq!(
                t.to_rfc3339(),
                dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
            );
        }
    }

    #[test]
    fn parse_round_trip() {
        let t = Timestamp::from_unix_micros(1_638_559_993_123_456).unwrap();
        assert_eq!(Timestamp::parse(&t.to_mvt_string()), Some(t));
        assert_eq!(Timestamp::parse(&t.to_rfc3339()), Some(t));
    }
}
