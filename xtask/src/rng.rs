//! A tiny deterministic PRNG (SplitMix64) and the clock shared by all generated artefacts.
//!
//! Every module draws from its own stream, derived from the run seed and the module slug, so
//! changing how many rows one module writes never shifts the content of another.

/// Seconds between the Unix epoch and the Mac absolute-time epoch (2001-01-01T00:00:00Z).
pub const MAC_EPOCH_UNIX: i64 = 978_307_200;

/// The generated device's "now": 2023-03-01T00:00:00Z. Records fall in the 90 days before.
pub const NOW_UNIX: i64 = 1_677_628_800;

/// How far back generated activity goes, in seconds.
pub const SPAN_SECS: u64 = 90 * 24 * 3600;

/// SplitMix64: small, fast and good enough for synthetic data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A stream for one module: the run seed mixed with the module slug.
    pub fn derive(seed: u64, stream: &str) -> Self {
        // FNV-1a over the slug, then one SplitMix round, so nearby seeds diverge at once.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in stream.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let mut r = Rng(seed ^ h);
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; returns 0 for `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: unbiased enough for test data and branch-free.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An upper-case RFC 4122-shaped UUID string, as iOS writes GUIDs.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// A Unix time (seconds) within the generated activity window.
    pub fn unix_time(&mut self) -> i64 {
        NOW_UNIX - self.below(SPAN_SECS) as i64
    }

    /// A Unix time with a sub-second part.
    pub fn unix_time_f(&mut self) -> f64 {
        self.unix_time() as f64 + (self.below(1000) as f64) / 1000.0
    }
}

/// Unix seconds to Mac absolute seconds (Core Data `TIMESTAMP`, Safari `visit_time`).
pub fn mac_secs(unix: f64) -> f64 {
    unix - MAC_EPOCH_UNIX as f64
}

/// Unix seconds to Mac absolute nanoseconds (sms.db `message.date` since iOS 11).
pub fn mac_nanos(unix: f64) -> i64 {
    (mac_secs(unix) * 1e9) as i64
}

/// Unix seconds to an RFC 3339 UTC string, for the expected-detections file.
pub fn iso8601(unix: f64) -> String {
    let secs = unix.floor() as i64;
    let millis = ((unix - secs as f64) * 1000.0).round() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::derive(1, "sms").next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::derive(1, "sms").next_u64(),
            Rng::derive(1, "tcc").next_u64()
        );
        assert_ne!(
            Rng::derive(1, "sms").next_u64(),
            Rng::derive(2, "sms").next_u64()
        );
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(NOW_UNIX as f64), "2023-03-01T00:00:00.000Z");
        assert_eq!(
            iso8601(MAC_EPOCH_UNIX as f64 + 0.25),
            "2001-01-01T00:00:00.250Z"
        );
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::derive(7, "x");
        assert!((0..1000).all(|_| r.below(3) < 3));
        assert_eq!(r.uuid().len(), 36);
    }
}
