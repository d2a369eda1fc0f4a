//! The archive reader on mutated zips, tars and tar.gz files (deterministic byte flips and
//! cuts): opening and reading every listed entry never panics, and reads stay within limits.

use std::io::{Cursor, Write};
use tracehound_evidence::archive::{Limits, Tree};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn samples() -> Vec<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (i, name) in ["getprop.txt", "logs/a.txt", "bugreport.zip"]
        .iter()
        .enumerate()
    {
        w.start_file(*name, opts).unwrap();
        w.write_all(&vec![b'a' + i as u8; 300 * (i + 1)]).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [("a.txt", &b"hello"[..]), ("d/b.txt", &[7u8; 1000][..])] {
        let mut h = tar::Header::new_gnu();
        h.set_path(name).unwrap();
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    vec![zip, tar, gz.finish().unwrap()]
}

#[test]
fn mutated_archives_never_panic() {
    let limits = Limits {
        max_entry_size: 1 << 20,
        max_total_read: 64 << 20,
        ..Limits::default()
    };
    let mut rng = Rng(0xa11ce);
    for base in samples() {
        for _ in 0..1500 {
            let mut b = base.clone();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(b.len());
                if rng.below(5) == 0 {
                    b.truncate(at.max(1));
                } else if let Some(x) = b.get_mut(at) {
                    *x = rng.next() as u8;
                }
            }
            let Ok(tree) = Tree::from_bytes("m", b, limits) else {
                continue;
            };
            for e in tree.entries().to_vec() {
                if let Ok(data) = tree.read(&e.path) {
                    assert!(data.len() as u64 <= limits.max_entry_size);
                }
                let _ = tree.open_nested(&e.path);
            }
        }
    }
}
