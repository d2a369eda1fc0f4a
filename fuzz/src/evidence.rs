//! The evidence layer: plists (our bounded builder, MVT-shaped JSON), MBFile blobs (fast reader
//! against the general one), keybags, WAL replay and in-memory databases, archives.

use plist::Value;
use std::sync::Arc;
use tracehound_evidence::archive::{Limits, Tree};
use tracehound_evidence::backup::{decode_mbfile_fast, decode_mbfile_general};
use tracehound_evidence::crypto::Keybag;
use tracehound_evidence::plist_util::{self, KeyedArchive};
use tracehound_evidence::rawrow::{column_names, RawRow};
use tracehound_evidence::{wal, Db};

#[path = "../../crates/ios/src/plist_json.rs"]
#[allow(dead_code)]
mod plist_json;

/// Depth and accounted size of a value, as the builder accounts them.
fn measure(v: &Value, depth: usize, max_depth: &mut usize, cost: &mut u64) {
    *max_depth = (*max_depth).max(depth);
    *cost += 64;
    match v {
        Value::Array(a) => a
            .iter()
            .for_each(|x| measure(x, depth + 1, max_depth, cost)),
        Value::Dictionary(d) => d.iter().for_each(|(k, x)| {
            *cost += 64 + k.len() as u64;
            measure(x, depth + 1, max_depth, cost);
        }),
        Value::String(s) => *cost += s.len() as u64,
        Value::Data(d) => *cost += d.len() as u64,
        _ => {}
    }
}

fn json_depth(j: &serde_json::Value) -> usize {
    match j {
        serde_json::Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

pub fn plist(data: &[u8]) {
    let Ok(v) = plist_util::parse("fuzz.plist", data) else {
        return;
    };
    let (mut depth, mut cost) = (0, 0);
    measure(&v, 0, &mut depth, &mut cost);
    assert!(depth <= plist_util::MAX_DEPTH);
    // Keys are counted twice here (as events and entries): within twice the bound.
    assert!(cost <= 2 * plist_util::expansion_limit(data.len()));
    // Binary round trip: what we parsed, written back, parses to the same value.
    let mut buf = Vec::new();
    if v.to_writer_binary(&mut buf).is_ok() {
        let again = plist_util::parse("again.plist", &buf).expect("re-parse of our own output");
        assert_eq!(format!("{v:?}"), format!("{again:?}"));
    }
    let j = plist_json::to_json(&v);
    assert!(json_depth(&j) <= plist_json::MAX_DEPTH + 2);
    serde_json::to_string(&j).expect("JSON");
    if let Some(archive) = KeyedArchive::new(&v) {
        if let Some(Value::Dictionary(root)) = archive.top("root") {
            for k in root.keys() {
                let _ = archive.field(root, k);
            }
        }
    }
    if let Value::Data(d) = &v {
        let s = plist_json::backslash_utf8(d);
        if let Ok(valid) = std::str::from_utf8(d) {
            assert_eq!(s, valid);
        }
    }
}

pub fn mbfile(data: &[u8]) {
    let fast = decode_mbfile_fast(data);
    let general = decode_mbfile_general(data);
    if let (Some(f), Ok(g)) = (&fast, &general) {
        assert_eq!(f, g, "fast and general MBFile readers disagree");
    }
}

pub fn keybag(data: &[u8]) {
    let Ok(k) = Keybag::parse(data) else {
        return;
    };
    assert!(!k.salt.is_empty());
    assert!(k.class_keys.len() <= 64);
    if let Some(dp) = &k.double_protection {
        assert!(!dp.salt.is_empty());
    }
}

/// Input: a 2-byte length, that many bytes of database image, the rest a WAL.
pub fn wal_replay(data: &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let n = (u16::from_le_bytes(*len) as usize).min(rest.len());
    let (image, log) = rest.split_at(n);
    const MAX: u64 = 4 << 20;
    let mut db = image.to_vec();
    match wal::apply(&mut db, log, MAX) {
        Ok(stats) => {
            assert!(db.len() as u64 <= MAX.max(image.len() as u64));
            assert!(stats.trailing_bytes <= log.len() as u64);
            if stats.committed_frames == 0 {
                assert_eq!(db, image, "nothing committed, nothing changed");
            } else {
                // Every page of the result came from the image or the log.
                assert!(db.len() <= image.len().max(log.len() * 128));
            }
        }
        Err(_) => {}
    }
    if let Ok(db) = Db::from_bytes("fuzz.db", image.to_vec(), Some(log)) {
        read_all(&db);
    }
}

fn read_all(db: &Db) {
    let tables: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 8")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    for t in tables {
        let _ = db.columns(&t);
        let sql = format!("SELECT * FROM \"{}\" LIMIT 64", t.replace('"', "\"\""));
        let Ok(mut stmt) = db.conn().prepare(&sql) else {
            continue;
        };
        let names = column_names(&stmt);
        let Ok(mut rows) = stmt.query([]) else {
            continue;
        };
        while let Ok(Some(row)) = rows.next() {
            let Ok(r) = RawRow::from_row(&names, row) else {
                break;
            };
            let json = serde_json::to_value(&r).expect("row JSON");
            assert_eq!(json.as_object().map(|o| o.len()), Some(dedup(&names)));
            for n in names.iter() {
                assert!(r.get(n).is_some());
            }
        }
    }
}

fn dedup(names: &Arc<[String]>) -> usize {
    names.iter().collect::<std::collections::HashSet<_>>().len()
}

pub fn sqlite_db(data: &[u8]) {
    if let Ok(db) = Db::from_bytes("fuzz.db", data.to_vec(), None) {
        read_all(&db);
    }
}

pub fn archive(data: &[u8]) {
    let limits = Limits {
        max_entry_size: 1 << 20,
        max_total_read: 4 << 20,
        max_ratio: 100,
        ratio_exempt_size: 64 << 10,
        max_entries: 4096,
    };
    let Ok(tree) = Tree::from_bytes("fuzz.zip", data.to_vec(), limits) else {
        return;
    };
    assert!(tree.entries().len() <= limits.max_entries);
    let mut total = 0u64;
    for e in tree.entries() {
        assert!(!e.path.is_empty() && !e.path.starts_with('/') && !e.path.contains('\\'));
        assert!(e
            .path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".."));
        assert!(tree.get(&e.path).is_some());
        if e.is_dir {
            continue;
        }
        if let Ok(bytes) = tree.read(&e.path) {
            assert!(bytes.len() as u64 <= limits.max_entry_size);
            total += bytes.len() as u64;
            if let Ok(nested) = tree.open_nested(&e.path) {
                for n in nested.entries().iter().take(4) {
                    let _ = nested.read(&n.path);
                }
            }
        }
    }
    assert!(total <= limits.max_total_read);
}
