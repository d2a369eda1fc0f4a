//! Times the backup key derivation with iOS's real round counts (10,000,000 PBKDF2-HMAC-SHA256
//! then 10,000 PBKDF2-HMAC-SHA1): `cargo run --release -p tracehound-evidence --example
//! derive_key [DPIC [ITER]]`. Kept out of the tests, which use small counts.

use std::time::Instant;
use tracehound_evidence::crypto::keybag::{DoubleProtection, Keybag};
use tracehound_evidence::crypto::keys::derive_key;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u32>());
    let dpic = args.next().and_then(Result::ok).unwrap_or(10_000_000);
    let iter = args.next().and_then(Result::ok).unwrap_or(10_000);
    let keybag = Keybag {
        version: Some(4),
        kind: Some(1),
        salt: vec![1; 20],
        iterations: iter,
        double_protection: Some(DoubleProtection {
            salt: vec![2; 20],
            iterations: dpic,
        }),
        class_keys: Vec::new(),
    };
    let start = Instant::now();
    let key = derive_key(b"correct horse battery staple", &keybag);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{dpic} PBKDF2-HMAC-SHA256 + {iter} PBKDF2-HMAC-SHA1 rounds: {secs:.3} s (key {}…)",
        &key.to_hex()[..8]
    );
}
