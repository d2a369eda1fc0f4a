//! The sysdiagnose modules on a synthetic sysdiagnose, as a folder and as the `.tar.gz` iOS
//! writes (identical results): exact records, timelines, alerts and not-understood counts;
//! damaged artefacts are errors naming the file.

#[path = "support/sysdiagnose.rs"]
mod sysdiagnose;

use serde_json::json;
use sysdiagnose::{
    alerts, full, observables, records_json, run, timeline, SyntheticSysdiagnose, NAME,
};
use tracehound_core::ModuleError;
use tracehound_evidence::IosSource;

fn both(name: &str, f: impl Fn(&(dyn IosSource + 'static))) {
    let mut s = SyntheticSysdiagnose::new(name);
    full(&mut s);
    let folder = s.open();
    assert_eq!(folder.root(), format!("{NAME}/"));
    f(&folder);
    let archive = s.open_tar_gz();
    assert_eq!(archive.root(), format!("{NAME}/"));
    f(&archive);
}

#[test]
fn process_list() {
    both("ps", |ev| {
        let out = run("sysdiagnose_ps", ev).unwrap();
        let r = records_json(&out);
        assert_eq!(r.as_array().unwrap().len(), 7);
        assert_eq!((out.stats.ok, out.stats.failed), (7, 1));
        assert_eq!(
            r[1],
            json!({"isodate": "2023-05-24 20:29:15.000000", "user": "mobile", "uid": "501",
                   "pid": "120", "ppid": "1", "stat": "Ss", "started": "7:22PM",
                   "command": "/private/var/containers/Bundle/Application/U1/My App.app/My App -launch",
                   "path": "/private/var/containers/Bundle/Application/U1/My App.app/My App",
                   "process_name": "My App"})
        );
        assert_eq!(
            (r[2]["path"].as_str(), r[2]["process_name"].as_str()),
            (Some(""), Some("kernel_task"))
        );
        let a = alerts(&out);
        let levels: Vec<_> = a.iter().map(|x| (x.0.as_str(), x.1)).collect();
        assert_eq!(
            levels,
            [("HIGH", Some(3)), ("HIGH", Some(4)), ("HIGH", Some(5))]
        );
        assert!(a[0].2.contains("database/temporary folder"), "{}", a[0].2);
        assert!(a[1].2.contains("running as root"), "{}", a[1].2);
        assert_eq!(
            observables(&out, 5)
                .into_iter()
                .map(|o| o.0)
                .collect::<Vec<_>>(),
            ["Process", "FilePath", "PathComponents"]
        );
        assert_eq!(
            observables(&out, 2),
            [("Process".into(), "kernel_task".into())]
        );
        assert_eq!(
            timeline(&out)[0],
            "2023-05-24 20:29:15.000000 process_running Process /sbin/launchd (pid 1, user root) \
             was running when the sysdiagnose was taken"
        );
        assert_eq!(out.warnings, ["ps.txt: 1 lines not understood"]);
    });
}

#[test]
fn task_list() {
    both("taskinfo", |ev| {
        let out = run("sysdiagnose_taskinfo", ev).unwrap();
        let r = records_json(&out);
        assert_eq!(
            r,
            json!([
                {"isodate": "2023-05-23 20:29:15.000000", "name": "kernel_task", "pid": "0",
                 "run_time": 86400, "threads": 2},
                {"isodate": "2023-05-24 20:28:15.000000", "name": "bh", "pid": "802",
                 "run_time": 60, "threads": 1},
                {"isodate": "2023-05-24 20:29:15.000000", "name": "launchd", "pid": "1",
                 "run_time": null, "threads": 0}
            ])
        );
        assert_eq!((out.stats.ok, out.stats.failed), (3, 1));
        assert!(out.alerts.is_empty());
        let t = timeline(&out);
        assert_eq!(
            t[1],
            "2023-05-24 20:28:15.000000 process_started Process bh (pid 802) started"
        );
        assert!(t[2].contains("process_running"), "{}", t[2]);
        assert_eq!(observables(&out, 1), [("Process".into(), "bh".into())]);
    });
}

#[test]
fn shutdown_log() {
    both("shutdown", |ev| {
        let out = run("sysdiagnose_shutdown_log", ev).unwrap();
        let r = records_json(&out);
        assert_eq!(r.as_array().unwrap().len(), 2);
        assert_eq!(
            r[1],
            json!({"isodate": "2023-05-24 03:46:40.000000", "pid": "733",
                   "client": "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd",
                   "delay": 3.21, "times_delayed": 3,
                   "log_file": "system_logs.logarchive/Extra/shutdown.log"})
        );
        let levels: Vec<_> = alerts(&out).into_iter().map(|x| (x.0, x.1)).collect();
        assert_eq!(
            levels,
            [("HIGH".into(), Some(1)), ("MEDIUM".into(), Some(1))]
        );
        assert_eq!((out.stats.ok, out.stats.failed), (2, 0));
        assert_eq!(timeline(&out).len(), 2);
    });
}

#[test]
fn crash_reports() {
    both("ips", |ev| {
        let out = run("sysdiagnose_crash_reports", ev).unwrap();
        let r = records_json(&out);
        assert_eq!(r.as_array().unwrap().len(), 3);
        assert_eq!((out.stats.ok, out.stats.failed), (3, 1));
        assert_eq!(
            r[0]["file"],
            "crashes_and_spins/Retired/News-2019-01-02-030405.ips"
        );
        assert_eq!(r[0]["proc_name"], "News");
        assert_eq!(r[0]["parent_proc"], "launchd");
        assert_eq!(r[0]["bundle_id"], "com.apple.news");
        assert_eq!(r[1]["processes"], json!(["SpringBoard", "bh"]));
        assert_eq!(r[1]["isodate"], "2023-05-20 08:10:10.000000");
        assert_eq!(
            r[2],
            json!({"isodate": "2023-05-24 20:05:58.000000",
                   "file": "crashes_and_spins/ExcUserFault_evild-2023-05-24-130558.ips",
                   "bug_type": "309", "app_name": "evild", "bundle_id": "",
                   "os_version": "iPhone OS 16.5 (20F66)", "incident_id": "I-1",
                   "proc_name": "evild", "proc_path": "/private/var/db/evil/evild",
                   "parent_proc": "launchd", "coalition": "com.evil.coalition", "user_id": "0",
                   "processes": [], "images": ["/private/var/db/evil/evild", "/usr/lib/dyld"]})
        );
        let a = alerts(&out);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].0.as_str(), a[0].1), ("HIGH", Some(2)));
        assert!(
            a[0].2.contains("/private/var/db/evil/evild ran from"),
            "{}",
            a[0].2
        );
        assert_eq!(
            observables(&out, 1),
            [
                ("Process".into(), "SpringBoard".into()),
                ("Process".into(), "bh".into())
            ]
        );
        assert!(out.warnings[0].starts_with("1 .ips files without a JSON header"));
        assert!(out.warnings[0].contains("crashes_and_spins/broken.ips"));
        assert_eq!(
            timeline(&out)[2],
            "2023-05-24 20:05:58.000000 diagnostic_report Diagnostic report (bug type 309) \
             about evild in crashes_and_spins/ExcUserFault_evild-2023-05-24-130558.ips"
        );
    });
}

#[test]
fn installed_apps() {
    both("apps", |ev| {
        let out = run("sysdiagnose_installed_apps", ev).unwrap();
        let r = records_json(&out);
        assert_eq!(r.as_array().unwrap().len(), 3);
        assert_eq!((out.stats.ok, out.stats.failed), (3, 1));
        assert_eq!(
            r[0],
            json!({"isodate": "2018-12-02 18:04:22.000000", "event": "uninstall",
                   "bundle_id": "com.old.app", "version": "", "short_version": "",
                   "install_type": "", "requested_by": "lsd", "source_path": "",
                   "bundle_path": "",
                   "log_file": "logs/MobileInstallation/mobile_installation.log.0"})
        );
        assert_eq!(
            r[1],
            json!({"isodate": "2018-12-02 18:05:19.000000", "event": "install",
                   "bundle_id": "com.example.news", "version": "122.2.2",
                   "short_version": "122.2", "install_type": "Customer",
                   "requested_by": "lsd",
                   "source_path": "/private/var/containers/Shared/SystemGroup/x/PromiseStaging/88A3/News.app",
                   "bundle_path": "/private/var/containers/Bundle/Application/43F1",
                   "log_file": "logs/MobileInstallation/mobile_installation.log.0"})
        );
        assert_eq!(r[2]["install_type"], "Developer");
        assert_eq!(r[2]["requested_by"], "streaming_zip_conduit");
        let a = alerts(&out);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].0.as_str(), a[0].1), ("MEDIUM", Some(2)));
        assert!(a[0].2.contains("com.evil.agent"), "{}", a[0].2);
        assert_eq!(
            timeline(&out),
            [
                "2018-12-02 18:04:22.000000 app_uninstalled App com.old.app uninstalled requested by lsd",
                "2018-12-02 18:05:19.000000 app_installed App com.example.news installed (Customer) requested by lsd",
                "2018-12-03 16:00:01.000000 app_installed App com.evil.agent installed (Developer) requested by streaming_zip_conduit",
            ]
        );
        assert_eq!(
            observables(&out, 2)[0],
            ("AppId".into(), "com.evil.agent".into())
        );
    });
}

#[test]
fn files_at_the_top_and_no_name() {
    // Files at the archive's top: the clock comes from sysdiagnose.log.
    let mut s = SyntheticSysdiagnose::with_prefix("top", "");
    full(&mut s);
    let ev = s.open();
    assert_eq!(ev.root(), "");
    let out = run("sysdiagnose_ps", &ev).unwrap();
    assert_eq!(
        records_json(&out)[0]["isodate"],
        "2023-05-24 20:29:15.000000"
    );
    // Without sysdiagnose.log nor a dated name, times are unknown and said so.
    let mut s = SyntheticSysdiagnose::with_prefix("noname", "");
    s.add("ps.txt", sysdiagnose::PS.as_bytes()).add(
        "logs/MobileInstallation/mobile_installation.log.1",
        sysdiagnose::INSTALL_LOG.as_bytes(),
    );
    let ev = s.open();
    let out = run("sysdiagnose_ps", &ev).unwrap();
    assert_eq!(records_json(&out)[0]["isodate"], "");
    assert!(out
        .warnings
        .iter()
        .any(|w| w.contains("creation time is unknown")));
    let out = run("sysdiagnose_installed_apps", &ev).unwrap();
    assert_eq!(
        records_json(&out)[0]["isodate"],
        "2018-12-02 11:04:22.000000"
    );
    assert!(out
        .warnings
        .iter()
        .any(|w| w.contains("time zone is unknown")));
    for slug in [
        "sysdiagnose_taskinfo",
        "sysdiagnose_shutdown_log",
        "sysdiagnose_crash_reports",
    ] {
        assert!(
            matches!(run(slug, &ev), Err(ModuleError::NotFound(_))),
            "{slug}"
        );
    }
}

fn corrupted(slug: &str, path: &str, bytes: &[u8]) -> String {
    let mut s = SyntheticSysdiagnose::new("bad");
    s.add(path, bytes);
    match run(slug, &s.open()) {
        Err(ModuleError::Corrupted { path: p, reason }) => {
            assert!(p.ends_with(path), "{p} names {path}");
            reason
        }
        other => panic!(
            "{slug}: expected Corrupted, got {:?}",
            other.map(|o| o.records.len())
        ),
    }
}

#[test]
fn damaged_artefacts_are_errors_naming_the_file() {
    let noise = b"\xff\xfe\x00garbage\x00\nmore garbage\n";
    assert!(corrupted("sysdiagnose_ps", "ps.txt", noise).contains("no header"));
    assert!(corrupted("sysdiagnose_taskinfo", "taskinfo.txt", noise).contains("none of its 2"));
    corrupted(
        "sysdiagnose_shutdown_log",
        "system_logs.logarchive/Extra/shutdown.log",
        noise,
    );
    corrupted(
        "sysdiagnose_crash_reports",
        "crashes_and_spins/x.ips",
        noise,
    );
    corrupted(
        "sysdiagnose_installed_apps",
        "logs/MobileInstallation/mobile_installation.log.0",
        noise,
    );
    // Empty files are not damage: nothing to report.
    let mut s = SyntheticSysdiagnose::new("empty");
    s.add("ps.txt", b"").add("taskinfo.txt", b"");
    assert!(matches!(
        run("sysdiagnose_ps", &s.open()),
        Err(ModuleError::Corrupted { .. })
    ));
    assert_eq!(
        run("sysdiagnose_taskinfo", &s.open())
            .unwrap()
            .records
            .len(),
        0
    );
}
