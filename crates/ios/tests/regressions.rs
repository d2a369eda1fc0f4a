//! Inputs that fuzzing found breaking a parser's invariants, kept as files under
//! `tests/regressions/`, each with its exact expected outcome.

use std::path::PathBuf;
use tracehound_ios::sysdiagnose::{apps, Clock};

fn regression(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// "Uninstalling identifier " with nothing after it made an uninstall event naming no app.
/// The entry is read (it is a log entry) but gives no event.
#[test]
fn install_log_uninstall_without_identifier_gives_no_event() {
    let text = regression("install-log-uninstall-without-identifier.log");
    let log = apps::parse_install_log(&text, "mobile_installation.log.0", &Clock::default());
    assert_eq!((log.entries, log.unparsed), (1, 1));
    assert!(log.events.is_empty(), "{:?}", log.events);
}
