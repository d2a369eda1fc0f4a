//! The parsers on mutated input (bytes flipped, inserted, cut; deterministic): never a panic,
//! and the invariants hold — every line is either a record, blank, or counted.

use tracehound_android::parsers::{getprop, json, mounts, packages, ps, root_binaries, settings};

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

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(b.len() + 1);
        match rng.below(4) {
            0 if at < b.len() => b[at] = rng.next() as u8,
            1 => {
                let specials = b"[]:\n\r=\"{},";
                b.insert(at, specials[rng.below(specials.len())]);
            }
            2 => b.truncate(at),
            _ if at < b.len() => {
                b.remove(at);
            }
            _ => {}
        }
    }
    b
}

const SEEDS: &[&str] = &[
    "[a]: [1]\r\n[b.c]: [multi\nline]\n\n[d]: []\n",
    "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1 2 0 0 S init\nu0 2 1 0 0 0 0 S [k]\n",
    "a=1\r\nb=\nc=d=e\n",
    r#"[{"name":"a","installer":"null","system":false,"files":[{"sha256":"00","certificate":{"Md5":"x"}}]},{"name":"b"}]"#,
    r#"["/system/bin/su", "/x/magisk"]"#,
    r#"["/dev/a on / type ext4 (ro)", "/dev/b /system ext4 rw 0 0"]"#,
];

#[test]
fn parsers_never_panic_and_count_what_they_skip() {
    let mut rng = Rng(0x5eed);
    for seed in SEEDS {
        for _ in 0..3000 {
            let bytes = mutate(&mut rng, seed.as_bytes());
            let text = String::from_utf8_lossy(&bytes);
            let nonblank = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;

            let p = getprop::parse_getprop(&text);
            assert!(p
                .records
                .iter()
                .all(|r| !r.name.is_empty() && !r.name.contains(']')));
            assert!(p.records.len() as u64 + p.failed <= nonblank);

            let p = settings::parse_settings("global", &text);
            assert_eq!(p.records.len() as u64 + p.failed, nonblank, "{text:?}");

            let p = ps::parse_ps(&text);
            assert!(p.records.len() as u64 <= nonblank);
            assert!(p.warnings.len() <= 20);

            let items = json::array_items(&text);
            let values: Vec<_> = items.records.iter().map(|r| json::value(r)).collect();
            let _ = packages::check_packages(&packages::parse_packages(items.records).records);
            let m = mounts::parse_mounts(&values);
            let _ = mounts::check_mounts(&m.records);
            let r = root_binaries::parse_root_binaries(&values);
            assert_eq!(r.records.len() + r.failed as usize, values.len());
        }
    }
}
