//! An indicator bundle of a million domain indicators (about 230 MB): it must load in bounded
//! time and memory. Feeds are downloaded from the network, so a hostile or broken mirror could
//! serve one.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Indicators in the bundle.
pub const MILLION: usize = 1_000_000;

/// Writes the bundle to `path`, streamed: one malware, [`MILLION`] domain indicators
/// (`d0.example`…), a relationship tying every third to the malware, and a report listing
/// all the others in one million-element-scale `object_refs` array.
pub fn million_indicators(path: &Path) -> io::Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    let mut w = BufWriter::new(fs::File::create(path)?);
    w.write_all(
        br#"{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000001","name":"Million","is_family":false}"#,
    )?;
    for i in 0..MILLION {
        write!(
            w,
            ",\n{{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--{i:08}\",\
             \"pattern\":\"[domain-name:value = 'd{i}.example']\",\"pattern_type\":\"stix\"}}"
        )?;
        if i % 3 == 0 {
            write!(
                w,
                ",\n{{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--{i:08}\",\
                 \"relationship_type\":\"indicates\",\"source_ref\":\"indicator--{i:08}\",\
                 \"target_ref\":\"malware--00000000-0000-4000-8000-000000000001\"}}"
            )?;
        }
    }
    w.write_all(
        b",\n{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"report--1\",\"name\":\"Listed\",\"object_refs\":[",
    )?;
    let mut first = true;
    for i in (0..MILLION).filter(|i| i % 3 != 0) {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        write!(w, "\"indicator--{i:08}\"")?;
    }
    w.write_all(b"]}\n]}\n")?;
    w.flush()
}
