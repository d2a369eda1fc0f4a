//! ShutdownLog on a synthetic dump: shutdown.log and a rotated shutdown.1.log, one record per
//! process per reboot, processes running from odd places (HIGH), a process the reboot waited
//! for three times (MEDIUM), lines not understood counted; a log of garbage is an error.

#[path = "support/dump.rs"]
mod dump;

use dump::{alerts, observables, records_json, run, shutdown, timeline, SyntheticDump};
use serde_json::json;
use tracehound_core::ModuleError;

#[test]
fn reboots_delays_and_heuristics() {
    let mut d = SyntheticDump::new("shutdown");
    shutdown(&mut d);
    let dump = d.open();
    let out = run("shutdown_log", &dump).unwrap_or_else(|e| panic!("{e}"));
    let r = records_json(&out);
    assert_eq!(r.as_array().unwrap().len(), 4);
    assert_eq!(
        r[0],
        json!({"isodate": "", "pid": "7", "client": "/private/var/mobile/Library/evil",
               "delay": 1.0, "times_delayed": 1,
               "log_file": "private/var/db/diagnostics/shutdown.1.log"})
    );
    assert_eq!(
        r[1]["client"],
        "/private/var/containers/Bundle/Application/U1/App.app/App"
    );
    assert_eq!(r[1]["isodate"], "2021-06-13 16:00:00.000000");
    assert_eq!(r[2]["client"], "/usr/libexec/lockdownd");
    assert_eq!(
        (r[2]["delay"].as_f64(), r[2]["times_delayed"].as_u64()),
        (Some(1.18), Some(1))
    );
    assert_eq!(
        r[3],
        json!({"isodate": "2021-06-16 10:00:00.000000", "pid": "733",
               "client": "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd",
               "delay": 3.21, "times_delayed": 3,
               "log_file": "private/var/db/diagnostics/shutdown.log"})
    );
    let a = alerts(&out);
    let levels: Vec<_> = a.iter().map(|x| (x.0.as_str(), x.1)).collect();
    assert_eq!(
        levels,
        [("HIGH", Some(0)), ("HIGH", Some(3)), ("MEDIUM", Some(3))]
    );
    assert!(a[1].2.contains("database/temporary folder"), "{}", a[1].2);
    assert!(a[2].2.contains("after 3 waits (3.21s)"), "{}", a[2].2);
    assert_eq!(out.alerts[1].event_time, out.records.event_time(3));
    assert_eq!(
        timeline(&out)[3],
        "2021-06-16 10:00:00.000000 shutdown Client \
         /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd with PID 733 was running when \
         the device was shut down"
    );
    let obs: Vec<_> = observables(&out, 3).into_iter().map(|o| o.0).collect();
    assert_eq!(obs, ["Process", "FilePath", "PathComponents"]);
    assert_eq!((out.stats.ok, out.stats.failed), (4, 1));
    assert_eq!(
        out.warnings,
        ["private/var/db/diagnostics/shutdown.1.log: 1 of 6 lines not understood"]
    );
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn garbage_is_an_error_naming_the_file_and_absence_is_not_found() {
    let mut d = SyntheticDump::new("shutdown-corrupt");
    d.add(
        "private/var/db/diagnostics/shutdown.log",
        b"\x00\x01\xff\xfe binary\nnot a log\n",
    );
    let dump = d.open();
    match run("shutdown_log", &dump) {
        Err(ModuleError::Corrupted { path, reason }) => {
            assert_eq!(path, "private/var/db/diagnostics/shutdown.log");
            assert!(reason.contains("none of its 2 lines"), "{reason}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("garbage was accepted"),
    }
    let mut d = SyntheticDump::new("shutdown-none");
    d.add("private/var/db/diagnostics/other.log", b"x");
    let dump = d.open();
    assert!(matches!(
        run("shutdown_log", &dump),
        Err(ModuleError::NotFound(_))
    ));
}

#[test]
fn odd_locations() {
    use tracehound_ios::shutdownlog::unusual_location as u;
    assert!(u("/usr/libexec/lockdownd").is_none());
    assert!(u("/System/Library/PrivateFrameworks/X.framework/x").is_none());
    assert!(u("/private/preboot/Cryptexes/OS/System/Library/x").is_none());
    assert!(u("/private/var/containers/Bundle/Application/U/A.app/A").is_none());
    assert!(u("lockdownd").is_none());
    assert!(u("/private/var/tmp/takePhoto").is_some());
    assert!(u("/var/db/x").is_some());
    assert!(u("/private/var/mobile/x").is_some());
    assert!(u("/usr/../private/var/tmp/x").is_some());
}
