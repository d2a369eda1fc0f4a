//! `tracehound ios check-sysdiagnose` and `tracehound check` on sysdiagnoses: the folder and
//! the `.tar.gz` iOS writes give the same detections; inputs are hashed from inside the
//! archive; the results re-check (`check-iocs`) to the same indicator detections; a folder
//! that is not a sysdiagnose is an error.

mod common;

use common::*;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const NAME: &str = "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_20F66";

const STIX: &str = r#"{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "malware", "spec_version": "2.1", "id": "malware--1", "name": "SdTest",
  "is_family": false},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--1",
  "pattern": "[process:name='bh']", "pattern_type": "stix"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--2",
  "pattern": "[app:id='com.evil.agent']", "pattern_type": "stix"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--3",
  "pattern": "[file:path='/private/var/db/evil/']", "pattern_type": "stix"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--1",
  "relationship_type": "indicates", "source_ref": "indicator--1", "target_ref": "malware--1"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--2",
  "relationship_type": "indicates", "source_ref": "indicator--2", "target_ref": "malware--1"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--3",
  "relationship_type": "indicates", "source_ref": "indicator--3", "target_ref": "malware--1"}
]}"#;

fn write(root: &Path, rel: &str, data: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

/// A sysdiagnose with a staged implant (`bh` from /private/var/tmp), a daemon crashing from
/// /private/var/db/evil, and a developer-signed app install.
fn sysdiagnose(root: &Path) {
    let r = root.join(NAME);
    write(
        &r,
        "ps.txt",
        "USER UID PID PPID STAT STARTED TIME COMMAND\n\
         root 0 1 0 Ss 7:22PM 0:50.56 /sbin/launchd\n\
         mobile 501 802 1 Ss 7:22PM 0:00.10 /private/var/tmp/bh --daemon\n\
         root 0 733 1 Ss 7:22PM 0:00.10 /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd\n",
    );
    write(
        &r,
        "taskinfo.txt",
        "num tasks: 2\n\nprocess: \"launchd\" [1]\n\trun time: 100 s\n\n\n\
         process: \"bh\" [802]\n\trun time: 60 s\n",
    );
    write(
        &r,
        "system_logs.logarchive/Extra/shutdown.log",
        "After 1.0s, these clients are still here:\n\
         \tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)\n\
         SIGTERM: [1684900000] Got SIGTERM\n",
    );
    write(
        &r,
        "crashes_and_spins/evild-2023-05-24-130558.ips",
        "{\"app_name\":\"evild\",\"timestamp\":\"2023-05-24 13:05:58.00 -0700\",\"bug_type\":\"309\"}\n\
         {\"procName\":\"evild\",\"procPath\":\"/private/var/db/evil/evild\",\"userID\":0}\n",
    );
    write(
        &r,
        "crashes_and_spins/JetsamEvent-2023-05-20-101010.ips",
        "{\"bug_type\":\"298\",\"timestamp\":\"2023-05-20 10:10:10.00 +0200\"}\n\
         {\"processes\":[{\"name\":\"SpringBoard\"},{\"name\":\"bh\"}]}",
    );
    write(
        &r,
        "logs/MobileInstallation/mobile_installation.log.0",
        "Mon Dec  3 09:00:00 2018 [47] <notice> (0x1) -[MIClientConnection x]: Install of \
         \"/private/var/mobile/Media/PublicStaging/Agent.app\" type Developer (LSInstallType = \
         (null)) requested by streaming_zip_conduit (pid 300)\n\
         Mon Dec  3 09:00:01 2018 [47] <notice> (0x1) -[MIInstaller x]: Installing \
         <MIInstallableBundle ID=com.evil.agent; Version=1, ShortVersion=1.0>\n",
    );
    write(
        &r,
        "sysdiagnose.log",
        &format!("Output: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/{NAME}.tar.gz\n"),
    );
}

/// `(module, indicator value)` of the CRITICAL alerts, and the count of alerts per level.
fn detections(out: &Path) -> (Vec<(String, String)>, BTreeMap<String, usize>) {
    let alerts = read_json(&out.join("alerts.json"));
    let mut critical = Vec::new();
    let mut levels = BTreeMap::new();
    for a in alerts.as_array().unwrap() {
        let level = a["level"].as_str().unwrap().to_string();
        if level == "CRITICAL" {
            critical.push((
                a["module"].as_str().unwrap().to_string(),
                a["matched_indicator"]["value"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ));
        }
        *levels.entry(level).or_insert(0) += 1;
    }
    critical.sort();
    (critical, levels)
}

#[test]
fn folder_and_tar_gz_give_the_same_detections() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("sd");
    sysdiagnose(&src);
    let stix = tmp.path().join("sd.stix2");
    fs::write(&stix, STIX).unwrap();
    let before = tree_hashes(&src);

    let out = tmp.path().join("out-folder");
    tracehound()
        .args(["ios", "check-sysdiagnose", "--iocs"])
        .arg(&stix)
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Verdict: 10 detections"));
    let (critical, levels) = detections(&out);
    let expected: Vec<(String, String)> = [
        ("sysdiagnose_crash_reports", "/private/var/db/evil/"),
        ("sysdiagnose_crash_reports", "bh"),
        ("sysdiagnose_installed_apps", "com.evil.agent"),
        ("sysdiagnose_ps", "bh"),
        ("sysdiagnose_taskinfo", "bh"),
    ]
    .iter()
    .map(|(m, v)| (m.to_string(), v.to_string()))
    .collect();
    assert_eq!(critical, expected);
    let want: BTreeMap<String, usize> = [("CRITICAL", 5), ("HIGH", 4), ("MEDIUM", 1)]
        .iter()
        .map(|(l, n)| (l.to_string(), *n))
        .collect();
    assert_eq!(levels, want);
    let info = read_json(&out.join("info.json"));
    assert_eq!(info["acquisition"], "ios_sysdiagnose");
    assert_eq!(info["modules"].as_array().unwrap().len(), 5);
    assert_eq!(
        before,
        tree_hashes(&src),
        "the sysdiagnose is left unchanged"
    );

    // The .tar.gz, recognised by `check`, hashed from inside the archive.
    let archive = tmp.path().join(format!("{NAME}.tar.gz"));
    let status = std::process::Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(&src)
        .arg(NAME)
        .status()
        .unwrap();
    assert!(status.success());
    let out2 = tmp.path().join("out-archive");
    tracehound()
        .args(["check", "--hashes", "--iocs"])
        .arg(&stix)
        .arg("-o")
        .arg(&out2)
        .arg(&archive)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is an iOS sysdiagnose"));
    assert_eq!(detections(&out2), (expected.clone(), want.clone()));
    let hashes = read_json(&out2.join("info.json"))["hashes"].clone();
    let hashes = hashes.as_array().unwrap();
    assert_eq!(hashes.len(), 6, "{hashes:?}");
    assert!(hashes.iter().all(|h| h["sha256"].is_string()), "{hashes:?}");

    // `check` on the folder holding the unpacked sysdiagnose.
    tracehound()
        .args(["check", "--iocs"])
        .arg(&stix)
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is an iOS sysdiagnose"));

    // The results re-check to the same indicator detections.
    let re = tmp.path().join("re");
    tracehound()
        .args(["check-iocs", "--iocs"])
        .arg(&stix)
        .arg("-o")
        .arg(&re)
        .arg(&out)
        .assert()
        .code(1);
    let (again, _) = detections(&re);
    assert_eq!(again, expected);
}

#[test]
fn module_list_and_not_a_sysdiagnose() {
    tracehound()
        .args(["ios", "check-sysdiagnose", "--list-modules"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("sysdiagnose_ps")
                .and(predicate::str::contains("sysdiagnose_taskinfo"))
                .and(predicate::str::contains("sysdiagnose_shutdown_log"))
                .and(predicate::str::contains("sysdiagnose_crash_reports"))
                .and(predicate::str::contains("sysdiagnose_installed_apps"))
                .and(predicate::str::contains("sms").not()),
        );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "notes/readme.txt", "hello");
    tracehound()
        .args(["ios", "check-sysdiagnose"])
        .arg(tmp.path().join("notes"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an iOS sysdiagnose"));
}
