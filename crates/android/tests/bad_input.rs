//! Hostile and damaged input for the bugreport and intrusion-log readers: single-line
//! "dumpsys" inputs of 50 MiB and 1 GiB (generated while read, well under a second) streamed through the section reader and the
//! intrusion-log parser with bounded memory, a truncated bugreport zip, and intrusion logs in
//! nested zips with indicator observables.

use std::collections::HashSet;
use std::io::{self, BufReader, Read, Write};
use tracehound_android::intrusion::open_intrusion_logs;
use tracehound_android::parsers::dumpstate::{extract_section, for_each_line, Heading, Line};
use tracehound_android::parsers::intrusion::parse_intrusion_log;
use tracehound_android::{AndroidSource, INTRUSION_LOGS_MODULES};
use tracehound_core::module::ModuleContext;
use tracehound_core::Observable;
use tracehound_evidence::archive::Limits;

/// `len` bytes of one line, generated as they are read (never held whole).
struct OneLine {
    left: u64,
}

impl Read for OneLine {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(b'A');
        self.left -= n as u64;
        Ok(n)
    }
}

/// Peak resident memory of this process, in KiB (Linux; 0 elsewhere).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn single_line(len: u64) {
    let before = peak_kib();
    // Heading first, then one enormous line, then a normal one.
    let head = io::Cursor::new(b"DUMP OF SERVICE package:\n".to_vec());
    let tail = io::Cursor::new(b"\nPackages:\n".to_vec());
    let mut r = BufReader::new(head.chain(OneLine { left: len }).chain(tail));
    let s = extract_section(&mut r, Heading::Service("DUMP OF SERVICE package:")).unwrap();
    assert!(s.found);
    assert_eq!((s.too_long, s.text().as_ref()), (1, "Packages:\n"));
    let mut lines = 0;
    for_each_line(&mut BufReader::new(OneLine { left: len }), 1 << 20, |l| {
        assert_eq!(l, Line::TooLong(len));
        lines += 1;
        true
    })
    .unwrap();
    assert_eq!(lines, 1);
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 64 << 10, "peak memory grew by {grown} KiB");
}

#[test]
fn single_line_50_mib_is_skipped_with_bounded_memory() {
    single_line(50 << 20);
}

#[test]
fn single_line_1_gib_is_skipped_with_bounded_memory() {
    single_line(1 << 30);
}

#[test]
fn over_long_intrusion_line_is_counted() {
    let mut log = vec![b'{'; 2 << 20];
    log.extend_from_slice(b"\n{\"dns_event\":{\"hostname\":\"x.example\",\"event_time\":1}}\n");
    let p = parse_intrusion_log(&log, "dns_event", &mut HashSet::new());
    assert_eq!((p.records.len(), p.failed), (1, 1));
}

#[test]
fn truncated_bugreport_zip_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bugreport.zip");
    let mut z = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    z.start_file("main_entry.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"dumpstate.txt").unwrap();
    let bytes = z.finish().unwrap().into_inner();
    std::fs::write(&path, &bytes[..bytes.len() - 30]).unwrap();
    let e = tracehound_android::bugreport::open_bugreport(&path, Limits::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("zip"), "{e}");
}

fn zip_bytes(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    for (n, b) in files {
        z.start_file(*n, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn intrusion_logs_in_nested_zips() {
    let day1 = br#"{"dns_event":{"hostname":"bad.example.org","ip_addresses":["/198.51.100.1"],"package_name":"com.x","event_time":1750000000000}}
{"connect_event":{"ip_address":"/198.51.100.1","port":443,"package_name":"com.x","event_time":1750000000001}}
{"security_event":{"event_id":1,"event_time":1750000000000000000,"key_integrity_violation":{"key_id":"k","uid":10001}}}
"#;
    // The same day again (overlapping export) and a broken line.
    let day2 = [&day1[..], b"{broken\n"].concat();
    let inner = zip_bytes(&[("logs/day2.txt", &day2)]);
    let outer = zip_bytes(&[("day1.txt", day1), ("more.zip", &inner)]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("intrusion_logs.zip");
    std::fs::write(&path, outer).unwrap();
    let ev = open_intrusion_logs(&path, Limits::default()).unwrap();
    let mut counts = Vec::new();
    for m in INTRUSION_LOGS_MODULES {
        let out = m
            .run(&ev as &dyn AndroidSource, &ModuleContext::empty())
            .unwrap();
        let mut obs = Vec::new();
        for i in 0..out.records.len() {
            out.records.observables(i, &mut obs);
        }
        counts.push((
            m.meta().slug,
            out.records.len(),
            out.stats.failed,
            out.alerts.len(),
        ));
        if m.meta().slug == "dns_event" {
            assert!(obs.contains(&Observable::Domain("bad.example.org")));
            assert!(obs.contains(&Observable::Domain("198.51.100.1")));
        }
    }
    assert_eq!(
        counts,
        [
            ("dns_event", 1, 1, 0),
            ("connect_event", 1, 1, 0),
            ("security_event", 1, 1, 1)
        ]
    );
}
