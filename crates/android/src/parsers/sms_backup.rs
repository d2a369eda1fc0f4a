//! The telephony provider's backup of SMS and MMS (`apps/com.android.providers.telephony/d_f/
//! NNNNNN_sms_backup` and `…_mms_backup` in an `adb backup`, Android 6+): each file is a zlib
//! stream of a JSON array of messages with string fields (`address`, `body` or `mms_body`,
//! `date` in Unix milliseconds, `date_sent`, …). Links in the bodies are what indicators are
//! matched against.
//!
//! Not understood: an array item that is not an object, or whose `date`/`date_sent` is not a
//! number.

use super::Parsed;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Read;
use tracehound_core::text::extract_links;
use tracehound_core::{Observable, Record, TimelineEvent, Timestamp};

/// Largest inflated backup file accepted (the message store of a busy phone is tens of MiB).
pub const MAX_INFLATED: u64 = 512 << 20;

/// One message: the backup's own fields as they are, then MVT's `isodate`, `direction` and
/// `links`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupMessage {
    /// All fields, in the backup's order (`mms_body` renamed `body`).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
    /// When it was sent or received.
    #[serde(skip)]
    pub time: Option<Timestamp>,
}

impl BackupMessage {
    fn body(&self) -> Option<&str> {
        self.fields.get("body").and_then(Value::as_str)
    }
}

impl Record for BackupMessage {
    fn links<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(Value::Array(links)) = self.fields.get("links") {
            out.extend(links.iter().filter_map(Value::as_str));
        }
    }

    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(b) = self.body() {
            out.push(Observable::Text(b));
        }
        if let Some(Value::Array(links)) = self.fields.get("links") {
            out.extend(links.iter().filter_map(Value::as_str).map(Observable::Url));
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        let dir = self
            .fields
            .get("direction")
            .and_then(Value::as_str)
            .unwrap_or("");
        let who = match self.fields.get("address") {
            Some(Value::String(a)) => a.clone(),
            _ => match self.fields.get("recipients") {
                Some(Value::Array(r)) => r
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            },
        };
        out.push(TimelineEvent::new(
            self.time,
            format!("sms_{dir}"),
            format!("{who}: {}", self.body().unwrap_or("")),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.time
    }
}

fn number(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// Parses one `*_sms_backup` / `*_mms_backup` file (zlib-compressed JSON).
pub fn parse_sms_backup(data: &[u8]) -> Result<Parsed<BackupMessage>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("not a zlib stream, or cut short ({e})"))?;
    if json.len() as u64 > MAX_INFLATED {
        return Err(format!("inflates past {MAX_INFLATED} bytes"));
    }
    let items: Vec<Value> =
        serde_json::from_slice(&json).map_err(|e| format!("not a JSON array of messages ({e})"))?;
    let mut out = Parsed::default();
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut m) = item else {
            out.fail(|| format!("message {i}: not an object"));
            continue;
        };
        if let Some(b) = m.remove("mms_body") {
            m.insert("body".into(), b);
        }
        let (Some(date), Some(sent)) = (number(m.get("date")), number(m.get("date_sent"))) else {
            out.fail(|| format!("message {i}: date or date_sent is not a number"));
            continue;
        };
        let time = Timestamp::from_unix_millis(date);
        let body = m
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let links: Vec<Value> = extract_links(&body).into_iter().map(Value::from).collect();
        m.insert(
            "isodate".into(),
            time.map_or(String::new(), |t| t.to_mvt_string()).into(),
        );
        m.insert(
            "direction".into(),
            if sent != 0 { "sent" } else { "received" }.into(),
        );
        if !links.is_empty() {
            m.insert("links".into(), Value::Array(links));
        } else if body.trim().is_empty() {
            m.insert("links".into(), Value::Null);
        }
        out.records.push(BackupMessage { fields: m, time });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, b).unwrap();
        z.finish().unwrap()
    }

    #[test]
    fn messages() {
        let p = parse_sms_backup(&zlib(
            br#"[{"address":"1","body":"see http://x.example/a","date":"1645543781956","date_sent":"0"},
               {"mms_body":"","date":"1","date_sent":"2"}, 7, {"date":"x","date_sent":"0"}]"#,
        ))
        .unwrap();
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.failed, 2);
        assert_eq!(p.records[0].fields["links"][0], "http://x.example/a");
        assert_eq!(p.records[0].fields["isodate"], "2022-02-22 15:29:41.956000");
        assert_eq!(p.records[1].fields["direction"], "sent");
        assert!(p.records[1].fields["links"].is_null());
        assert!(parse_sms_backup(b"not zlib").is_err());
    }
}
