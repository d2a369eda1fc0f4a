//! `dumpsys adb` (the `DUMP OF SERVICE adb:` section; Android 11+): the ADB debugging manager's
//! state, an indented `key=value` tree inside braces, with the computers' public keys the phone
//! trusts (`user_keys`) and its key store (`keystore`: XML, Android binary XML or raw text).
//!
//! Each key gets an MD5 fingerprint as `adb` prints them (`F0:A1:…`). A key the phone trusts that
//! is not the acquiring computer's means another computer was allowed to debug it (see
//! [`trusted_keys`]). Works on bytes: the binary keystore is not text.

use base64::Engine;
use md5::{Digest, Md5};
use regex::bytes::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// Why the section gave no state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdbError {
    /// The service is absent (`Can't find service: adb`) or the section is empty.
    NoService,
    /// The state is not where or what it should be.
    Malformed(&'static str),
}

/// A public key with its fingerprint.
pub fn key_info(user_key: &[u8]) -> Map<String, Value> {
    let (key, user) = match user_key.iter().position(|&b| b == b' ') {
        Some(i) => (&user_key[..i], &user_key[i + 1..]),
        None => (user_key, &b""[..]),
    };
    // Like a lenient base64 decoder: characters outside the alphabet are ignored.
    let clean: Vec<u8> = key
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .collect();
    let fingerprint = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .map(|raw| {
            Md5::digest(raw)
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("user".into(), String::from_utf8_lossy(user).into());
    m.insert("fingerprint".into(), fingerprint.into());
    m.insert("key".into(), String::from_utf8_lossy(key).into());
    m
}

enum Node {
    Map(Vec<(String, usize)>),
    List(Vec<Vec<u8>>),
    Bytes(Vec<u8>),
}

fn is_identifier(k: &str) -> bool {
    let mut c = k.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// The indented dump (`DualDumpOutputStream`) as a tree of nodes; the root is node 0.
fn indented(data: &[u8], lost: &mut u64) -> Vec<Node> {
    let mut nodes = vec![Node::Map(Vec::new())];
    let mut stack: Vec<usize> = vec![0];
    let mut cur_indent = 0;
    let mut in_multiline = false;
    let trimmed = trim_newlines(data);
    for line in trimmed.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let body = line.trim_ascii_start();
        let indent = line.len() - body.len();
        let blank_or_close = matches!(line.trim_ascii(), b"" | b"}");
        if indent < cur_indent && !blank_or_close {
            if stack.len() <= 1 {
                *lost += 1;
                break;
            }
            stack.pop();
        }
        cur_indent = indent;
        let (key_raw, val) = match body.iter().position(|&b| b == b'=') {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let key = String::from_utf8_lossy(key_raw).into_owned();
        let top = *stack.last().unwrap_or(&0);
        if in_multiline {
            let structural = key == "}" || (val.is_some() && is_identifier(&key));
            if key.is_empty() || !structural {
                if key.is_empty() {
                    in_multiline = false;
                    if matches!(nodes.get(top), Some(Node::List(_))) {
                        stack.pop();
                    }
                } else if let Some(Node::List(l)) = nodes.get_mut(top) {
                    l.push(body.to_vec());
                }
                continue;
            }
            in_multiline = false;
            if matches!(nodes.get(top), Some(Node::List(_))) {
                stack.pop();
            }
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        let top = *stack.last().unwrap_or(&0);
        if key == "}" {
            if stack.len() <= 1 {
                *lost += 1;
                break;
            }
            stack.pop();
            continue;
        }
        let Some(val) = val else {
            *lost += 1;
            continue;
        };
        let child = nodes.len();
        let (node, push) = if val == b"{" {
            (Node::Map(Vec::new()), true)
        } else if key == "user_keys" || key == "keystore" {
            in_multiline = true;
            (Node::List(vec![val.to_vec()]), true)
        } else {
            (Node::Bytes(val.to_vec()), false)
        };
        nodes.push(node);
        if let Some(Node::Map(m)) = nodes.get_mut(top) {
            match m.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => e.1 = child,
                None => m.push((key, child)),
            }
        }
        if push {
            stack.push(child);
        }
    }
    nodes
}

fn trim_newlines(b: &[u8]) -> &[u8] {
    let s = b.iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
    let e = b.len()
        - b.iter()
            .rev()
            .take_while(|&&c| c == b'\r' || c == b'\n')
            .count();
    b.get(s..e.max(s)).unwrap_or_default()
}

fn child<'n>(nodes: &'n [Node], at: usize, key: &str) -> Option<(usize, &'n Node)> {
    let Some(Node::Map(m)) = nodes.get(at) else {
        return None;
    };
    let &(_, i) = m.iter().find(|(k, _)| k == key)?;
    Some((i, nodes.get(i)?))
}

fn to_json(nodes: &[Node], at: usize, depth: usize) -> Value {
    match nodes.get(at) {
        Some(Node::Bytes(b)) => {
            let s = String::from_utf8_lossy(b);
            match s.as_ref() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(s.into_owned()),
            }
        }
        Some(Node::List(l)) => Value::Array(
            l.iter()
                .map(|b| String::from_utf8_lossy(b).into_owned().into())
                .collect(),
        ),
        Some(Node::Map(m)) if depth < 64 => Value::Object(
            m.iter()
                .map(|(k, i)| (k.clone(), to_json(nodes, *i, depth + 1)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Finds the unindented `}` closing the state that opens at `open` (or `None`).
fn state_end(content: &[u8], open: usize) -> Option<usize> {
    let mut start = open;
    while start < content.len() {
        let end = memchr::memchr(b'\n', content.get(start..)?).map_or(content.len(), |i| start + i);
        let line = content.get(start..end)?;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if start > open && line == b"}" {
            return Some(start);
        }
        if line.starts_with(b"---------") || line.starts_with(b"DUMP OF SERVICE ") {
            return None;
        }
        start = end + 1;
    }
    None
}

static B64: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"([A-Za-z0-9+/]{300,}={0,2})(?: ([A-Za-z0-9_.@-]+))?").ok());

fn xml_attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = tag.get(at..)?;
    let v = &rest[..rest.find('"')?];
    Some(
        v.replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

fn keystore(data: &[u8]) -> Value {
    if data.starts_with(b"<?xml") {
        let text = String::from_utf8_lossy(data);
        let keys = text
            .split("<adbKey")
            .skip(1)
            .filter_map(|t| {
                let tag = &t[..t.find('>').unwrap_or(t.len())];
                let mut k = key_info(xml_attr(tag, "key")?.as_bytes());
                k.insert(
                    "last_connected".into(),
                    xml_attr(tag, "lastConnection").map_or(Value::Null, Value::String),
                );
                Some(Value::Object(k))
            })
            .collect();
        return Value::Array(keys);
    }
    if data.starts_with(b"ABX\x00") {
        let mut seen = std::collections::HashSet::new();
        let mut keys = Vec::new();
        for c in B64.iter().flat_map(|re| re.captures_iter(data)) {
            let Some(key) = c.get(1).map(|m| m.as_bytes()) else {
                continue;
            };
            let valid = base64::engine::general_purpose::STANDARD
                .decode(key)
                .is_ok();
            if !valid || !seen.insert(key.to_vec()) {
                continue;
            }
            let mut full = key.to_vec();
            if let Some(u) = c.get(2) {
                full.push(b' ');
                full.extend_from_slice(u.as_bytes());
            }
            let mut k = key_info(&full);
            k.insert("last_connected".into(), Value::Null);
            keys.push(Value::Object(k));
        }
        return Value::Array(keys);
    }
    Value::String(String::from_utf8_lossy(data).into_owned())
}

/// Parses the adb section into the debugging manager's state (MVT's record), with
/// `user_keys` and `keystore` as keys with fingerprints. `lost` counts lines not understood.
pub fn parse_adb(content: &[u8], lost: &mut u64) -> Result<Map<String, Value>, AdbError> {
    if content.trim_ascii().is_empty()
        || memchr::memmem::find(content, b"Can't find service: adb").is_some()
    {
        return Err(AdbError::NoService);
    }
    let open = memchr::memmem::find(content, b"\n{").ok_or(AdbError::Malformed(
        "no ADB manager state in the adb section",
    ))?;
    let end = state_end(content, open + 1).ok_or(AdbError::Malformed(
        "the ADB manager state in the adb section is incomplete",
    ))?;
    let body = content
        .get(open + 2..end)
        .unwrap_or_default()
        .trim_ascii_end();
    let nodes = indented(body, lost);
    let (dm, _) = child(&nodes, 0, "debugging_manager").ok_or(AdbError::Malformed(
        "no debugging_manager in the ADB manager state",
    ))?;
    let raw_store = child(&nodes, 0, "keystore")
        .filter(|(_, n)| matches!(n, Node::List(l) if !l.is_empty()))
        .or_else(|| child(&nodes, dm, "keystore"));
    let store = raw_store.and_then(|(_, n)| match n {
        Node::List(l) if !l.is_empty() => Some(l.join(&b'\n')),
        Node::Bytes(b) if !b.is_empty() => Some(b.clone()),
        _ => None,
    });
    let Value::Object(mut state) = to_json(&nodes, dm, 0) else {
        return Err(AdbError::Malformed("debugging_manager is not a block"));
    };
    state.insert(
        "keystore".into(),
        store.map_or(Value::Null, |s| keystore(&s)),
    );
    let user_keys: Vec<Value> = match child(&nodes, dm, "user_keys") {
        Some((_, Node::List(l))) => l.iter().map(|k| Value::Object(key_info(k))).collect(),
        Some((_, Node::Bytes(b))) => vec![Value::Object(key_info(b))],
        _ => Vec::new(),
    };
    state.insert("user_keys".into(), Value::Array(user_keys));
    Ok(state)
}

/// The keys the phone trusts, each once: the keystore's (with their last connection) first,
/// then `user_keys`.
pub fn trusted_keys(state: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    let mut seen = std::collections::HashSet::new();
    let store = state.get("keystore").and_then(Value::as_array);
    let users = state.get("user_keys").and_then(Value::as_array);
    store
        .into_iter()
        .flatten()
        .chain(users.into_iter().flatten())
        .filter_map(Value::as_object)
        .filter(|k| seen.insert(key_material(k.get("key").and_then(Value::as_str))))
        .collect()
}

/// The base64 part of a public key line (`<base64> user@host`).
pub fn key_material(key: Option<&str>) -> String {
    key.unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Whether `key` is strict base64 of a non-empty value.
pub fn is_valid_key(key: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(key)
        .is_ok_and(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_keystore_and_errors() {
        let s = b"ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n\
            \x20   user_keys=QUFB user@x\n\n    keystore=<?xml version='1.0' ?>\n    <keyStore version=\"1\">\n\
            \x20   <adbKey key=\"QUFB user@x\" lastConnection=\"1628501829898\" />\n    </keyStore>\n\n  }\n}\n";
        let mut lost = 0;
        let st = parse_adb(s, &mut lost).unwrap();
        assert_eq!(st["connected_to_adb"], true);
        assert_eq!(st["user_keys"][0]["user"], "user@x");
        assert_eq!(st["keystore"][0]["last_connected"], "1628501829898");
        assert_eq!(trusted_keys(&st).len(), 1);
        assert_eq!(lost, 0);
        assert_eq!(
            parse_adb(b"Can't find service: adb", &mut lost),
            Err(AdbError::NoService)
        );
        assert!(matches!(
            parse_adb(b"x\n{\n a=1\n", &mut lost),
            Err(AdbError::Malformed(_))
        ));
    }
}
