//! Protobuf tombstones (`tombstone_NN.pb`, Android 12+; AOSP `system/core/debuggerd/proto/
//! tombstone.proto`), read with a small wire-format reader: only the fields MVT reports are
//! decoded, everything else is skipped by its wire type. Bounded: lengths are checked against
//! the input, nesting is at most a few levels, unknown groups stop the read with an error.

use super::tombstone::{crash_time, SignalInfo, TombstoneCrash};
use serde_json::{Map, Value};

/// A protobuf field value.
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Reads one message's fields in order.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self
                .buf
                .get(self.pos)
                .ok_or("truncated varint (file cut short?)")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint longer than 10 bytes".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or("length overflows")?;
        let s = self.buf.get(self.pos..end).ok_or_else(|| {
            format!(
                "field of {n} bytes runs past the end ({} left)",
                self.buf.len() - self.pos
            )
        })?;
        self.pos = end;
        Ok(s)
    }

    /// The next (field number, value), or `None` at the end.
    fn next(&mut self) -> Result<Option<(u64, Field<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let (num, wire) = (key >> 3, key & 7);
        let value = match wire {
            0 => Field::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Field::Fixed
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| "length too large")?;
                Field::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Field::Fixed
            }
            w => return Err(format!("unsupported wire type {w} for field {num}")),
        };
        Ok(Some((num, value)))
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A varint as a signed 32-bit value (protobuf `int32` is sign-extended to 64 bits).
fn int32(v: u64) -> i64 {
    i64::from(v as u32 as i32)
}

const ARCHS: [&str; 6] = ["ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"];
const TOOLS: [&str; 2] = ["GWP_ASAN", "SCUDO"];
const ERROR_TYPES: [&str; 6] = [
    "UNKNOWN",
    "USE_AFTER_FREE",
    "DOUBLE_FREE",
    "INVALID_FREE",
    "BUFFER_OVERFLOW",
    "BUFFER_UNDERFLOW",
];

fn enum_name(names: &[&str], v: u64) -> Value {
    usize::try_from(v)
        .ok()
        .and_then(|i| names.get(i))
        .map_or_else(|| Value::from(v), |n| Value::from(*n))
}

fn signal(buf: &[u8]) -> Result<SignalInfo, String> {
    let mut s = SignalInfo {
        code: 0,
        code_name: String::new(),
        name: String::new(),
        number: Some(0),
    };
    let mut r = Reader::new(buf);
    while let Some((n, f)) = r.next()? {
        match (n, f) {
            (1, Field::Varint(v)) => s.number = Some(int32(v)),
            (2, Field::Bytes(b)) => s.name = text(b),
            (3, Field::Varint(v)) => s.code = int32(v),
            (4, Field::Bytes(b)) => s.code_name = text(b),
            _ => {}
        }
    }
    Ok(s)
}

fn heap(buf: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    let mut r = Reader::new(buf);
    while let Some((n, f)) = r.next()? {
        let key = match n {
            1 => "address",
            2 => "size",
            3 => "allocation_tid",
            5 => "deallocation_tid",
            _ => continue,
        };
        if let Field::Varint(v) = f {
            m.insert(key.into(), v.into());
        }
    }
    Ok(Value::Object(m))
}

fn cause(buf: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    m.insert("human_readable".into(), "".into());
    m.insert("memory_error".into(), Value::Null);
    let mut r = Reader::new(buf);
    while let Some((n, f)) = r.next()? {
        match (n, f) {
            (1, Field::Bytes(b)) => {
                m.insert("human_readable".into(), text(b).into());
            }
            (2, Field::Bytes(b)) => {
                let mut e = Map::new();
                e.insert("tool".into(), enum_name(&TOOLS, 0));
                e.insert("type".into(), enum_name(&ERROR_TYPES, 0));
                let mut er = Reader::new(b);
                while let Some((n, f)) = er.next()? {
                    match (n, f) {
                        (1, Field::Varint(v)) => {
                            e.insert("tool".into(), enum_name(&TOOLS, v));
                        }
                        (2, Field::Varint(v)) => {
                            e.insert("type".into(), enum_name(&ERROR_TYPES, v));
                        }
                        (3, Field::Bytes(h)) => {
                            e.insert("heap".into(), heap(h)?);
                        }
                        _ => {}
                    }
                }
                m.insert("memory_error".into(), Value::Object(e));
            }
            _ => {}
        }
    }
    Ok(Value::Object(m))
}

/// A `map<uint32, Thread>` entry: (key, thread id, thread name).
fn thread_entry(buf: &[u8]) -> Result<(u64, i64, String), String> {
    let (mut key, mut id, mut name) = (0, 0, String::new());
    let mut r = Reader::new(buf);
    while let Some((n, f)) = r.next()? {
        match (n, f) {
            (1, Field::Varint(v)) => key = v,
            (2, Field::Bytes(t)) => {
                let mut tr = Reader::new(t);
                while let Some((n, f)) = tr.next()? {
                    match (n, f) {
                        (1, Field::Varint(v)) => id = int32(v),
                        (2, Field::Bytes(b)) => name = text(b),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok((key, id, name))
}

/// Parses a protobuf tombstone into MVT's crash record.
pub fn parse_tombstone_pb(
    file_name: &str,
    file_timestamp: &str,
    data: &[u8],
) -> Result<TombstoneCrash, String> {
    if data.is_empty() {
        return Err("empty protobuf tombstone".into());
    }
    let mut c = TombstoneCrash {
        file_name: file_name.to_string(),
        file_timestamp: file_timestamp.to_string(),
        build_fingerprint: String::new(),
        revision: String::new(),
        arch: Some("ARM32".into()),
        timestamp: String::new(),
        process_uptime: Some(0),
        command_line: Some(Vec::new()),
        pid: 0,
        tid: 0,
        process_name: None,
        binary_path: None,
        selinux_label: Some(String::new()),
        uid: 0,
        signal_info: SignalInfo {
            code: 0,
            code_name: String::new(),
            name: String::new(),
            number: None,
        },
        cause: None,
        causes: Some(Vec::new()),
        abort_message: Some(String::new()),
        extra: None,
    };
    let mut raw_time = String::new();
    let mut has_signal = false;
    let mut threads: Vec<(i64, String)> = Vec::new();
    let mut r = Reader::new(data);
    while let Some((n, f)) = r.next()? {
        match (n, f) {
            (1, Field::Varint(v)) => {
                c.arch = Some(match enum_name(&ARCHS, v) {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            (2, Field::Bytes(b)) => c.build_fingerprint = text(b),
            (3, Field::Bytes(b)) => c.revision = text(b),
            (4, Field::Bytes(b)) => raw_time = text(b),
            (5, Field::Varint(v)) => c.pid = i64::from(v as u32),
            (6, Field::Varint(v)) => c.tid = i64::from(v as u32),
            (7, Field::Varint(v)) => c.uid = i64::from(v as u32),
            (8, Field::Bytes(b)) => {
                c.selinux_label = Some(text(b).trim_end_matches('\0').to_string());
            }
            (9, Field::Bytes(b)) => c.command_line.get_or_insert_with(Vec::new).push(text(b)),
            (20, Field::Varint(v)) => c.process_uptime = Some(i64::from(v as u32)),
            (10, Field::Bytes(b)) => {
                c.signal_info = signal(b)?;
                has_signal = true;
            }
            (14, Field::Bytes(b)) => c.abort_message = Some(text(b)),
            (15, Field::Bytes(b)) => c.causes.get_or_insert_with(Vec::new).push(cause(b)?),
            (16, Field::Bytes(b)) => {
                let (_, id, name) = thread_entry(b)?;
                threads.push((id, name));
            }
            (_, Field::Varint(_) | Field::Bytes(_) | Field::Fixed) => {}
        }
    }
    if !has_signal {
        return Err("no signal_info".into());
    }
    c.timestamp =
        crash_time(&raw_time).ok_or_else(|| format!("timestamp {raw_time:?} is not a date"))?;
    c.process_name = Some(
        threads
            .into_iter()
            .find(|(id, name)| *id == c.tid && !name.is_empty())
            .map_or_else(|| "Unknown".to_string(), |t| t.1),
    );
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn field(n: u64, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        varint(n << 3 | 2, &mut v);
        varint(payload.len() as u64, &mut v);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn minimal_and_truncated() {
        let mut pb = field(4, b"2023-04-12 12:32:40.518290770+0200");
        pb.extend([6 << 3, 7]);
        pb.extend(field(10, &[1 << 3, 11, 2 << 3 | 2, 3, b'S', b'E', b'G']));
        let mut thread = vec![1 << 3, 7];
        thread.extend(field(2, b"worker"));
        let mut entry = vec![1 << 3, 7];
        entry.extend(field(2, &thread));
        pb.extend(field(16, &entry));
        let c = parse_tombstone_pb("t.pb", "x", &pb).unwrap();
        assert_eq!(c.timestamp, "2023-04-12 10:32:40.518290");
        assert_eq!(c.process_name.as_deref(), Some("worker"));
        assert_eq!(c.signal_info.number, Some(11));
        assert!(parse_tombstone_pb("t.pb", "x", &pb[..pb.len() - 3]).is_err());
        assert!(parse_tombstone_pb("t.pb", "x", &[0x0b]).is_err());
    }
}
