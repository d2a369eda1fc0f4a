//! `TRACEHOUND_IOCS` parsing (its own test binary: it sets a process-wide variable).

use std::path::PathBuf;
use tracehound_ioc::{env_paths, ENV_VAR};

#[test]
fn env_paths_split_like_path() {
    std::env::remove_var(ENV_VAR);
    assert!(env_paths().is_empty());
    let joined = std::env::join_paths(["/a/b.stix2", "", "/c dir"]).unwrap();
    std::env::set_var(ENV_VAR, joined);
    assert_eq!(
        env_paths(),
        [PathBuf::from("/a/b.stix2"), PathBuf::from("/c dir")]
    );
    std::env::remove_var(ENV_VAR);
}
