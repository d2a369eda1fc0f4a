//! Property lists: nested 100,000 deep, a binary plist declaring a billion-element array, and a
//! binary plist whose objects reference each other until they would fill gigabytes.

use super::backup;
use super::{Case, BACKUP};
use std::io;
use std::path::Path;

/// An XML plist of arrays nested `depth` deep.
pub fn nested_xml(depth: usize) -> Vec<u8> {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">"#);
    s.push_str(&"<array>".repeat(depth));
    s.push_str("<true/>");
    s.push_str(&"</array>".repeat(depth));
    s.push_str("</plist>");
    s.into_bytes()
}

/// Binary plist trailer: 1-byte offsets and references, `n` objects, top 0, table at `table`.
fn trailer(out: &mut Vec<u8>, n: u64, table: usize) {
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&[1, 1]);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&(table as u64).to_be_bytes());
}

/// A binary plist whose top array declares 1,000,000,000 elements (and holds eight).
pub fn billion_array() -> Vec<u8> {
    let mut b = b"bplist00".to_vec();
    b.extend_from_slice(&[0xaf, 0x12]);
    b.extend_from_slice(&1_000_000_000u32.to_be_bytes());
    b.extend_from_slice(&[1; 8]);
    let obj1 = b.len();
    b.push(0x09);
    let table = b.len();
    b.extend_from_slice(&[8, obj1 as u8]);
    trailer(&mut b, 2, table);
    b
}

/// `levels` arrays, each holding `fan` references to the next: fan^levels values expanded.
pub fn reference_bomb(levels: usize, fan: u8) -> Vec<u8> {
    let mut b = b"bplist00".to_vec();
    let mut offsets = Vec::new();
    for i in 0..levels {
        offsets.push(b.len() as u8);
        b.push(0xa0 | fan);
        b.extend(std::iter::repeat_n(i as u8 + 1, fan as usize));
    }
    offsets.push(b.len() as u8);
    b.push(0x09);
    let table = b.len();
    b.extend_from_slice(&offsets);
    trailer(&mut b, levels as u64 + 1, table);
    b
}

fn deep(dir: &Path, _: &Path) -> io::Result<()> {
    backup::write(dir, &[], Some(&nested_xml(100_000)))
}

fn bomb(dir: &Path, _: &Path) -> io::Result<()> {
    backup::write(dir, &[], Some(&reference_bomb(8, 14)))
}

fn billion(dir: &Path, _: &Path) -> io::Result<()> {
    backup::write(dir, &[], None)?;
    std::fs::write(dir.join("Manifest.plist"), billion_array())
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "plist-nested-100000",
            what: "Info.plist nested 100,000 deep: refused at 512 levels, the other modules run",
            args: BACKUP,
            exit: 0,
            says: &["nested more than 512 deep"],
            build: deep,
        },
        Case {
            name: "plist-reference-bomb",
            what: "Info.plist of 170 bytes whose 8 arrays each reference the next 14 times \
                   (14^8 values): refused at the expansion bound",
            args: BACKUP,
            exit: 0,
            says: &["expands to more than"],
            build: bomb,
        },
        Case {
            name: "plist-billion-array",
            what: "Manifest.plist declaring a 1,000,000,000-element array in 40 bytes: a clear \
                   error, nothing allocated",
            args: BACKUP,
            exit: 2,
            says: &["Manifest.plist", "invalid property list"],
            build: billion,
        },
    ]
}
