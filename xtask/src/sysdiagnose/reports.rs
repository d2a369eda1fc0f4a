//! The crash reports and installd log of a generated sysdiagnose.

use super::{ctime, zoned, Tally, APPS, BUILD};
use crate::rng::{Rng, NOW_UNIX};
use serde_json::json;
use std::fmt::Write as _;

pub(super) fn crash_reports(rng: &mut Rng, n: u64, t: &mut Tally) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for i in 0..(n / 20).max(2) {
        let when = rng.unix_time();
        let app = rng.pick(APPS);
        let path = format!(
            "/private/var/containers/Bundle/Application/{}/{app}.app/{app}",
            rng.uuid()
        );
        let head = json!({"app_name": app, "timestamp": zoned(when), "bug_type": "309",
                          "os_version": format!("iPhone OS 16.3.1 ({BUILD})"), "incident_id": rng.uuid()});
        let body = json!({"procName": app, "procPath": path, "parentProc": "launchd", "userID": 501,
                          "usedImages": [{"path": path}, {"path": "/usr/lib/dyld"}, {"source": "S"}]});
        files.push((format!("{app}-{i}.ips"), format!("{head}\n{body:#}\n")));
    }
    let when = NOW_UNIX - 86_400;
    let head =
        json!({"bug_type": "298", "timestamp": zoned(when), "os_version": "iPhone OS 16.3.1"});
    let body =
        json!({"processes": [{"name": "SpringBoard"}, {"name": "fservernetd"}, {"name": "wifid"}]});
    files.push(("JetsamEvent-plant.ips".into(), format!("{head}\n{body}")));
    let head = json!({"app_name": "takePhoto", "timestamp": zoned(when + 60), "bug_type": "309"});
    let body =
        json!({"procName": "takePhoto", "procPath": "/private/var/tmp/takePhoto", "userID": 0});
    files.push((
        "Retired/takePhoto-plant.ips".into(),
        format!("{head}\n{body}"),
    ));
    files.push((
        "stacks-damaged.ips".into(),
        "\u{0}\u{1} not a report".into(),
    ));
    t.add("sysdiagnose_crash_reports", files.len() as u64 - 1);
    t.heuristic("sysdiagnose_crash_reports", "HIGH");
    t.plant(
        "sysdiagnose_crash_reports",
        "process:name",
        "fservernetd",
        "pegasus.stix2",
        "crashes_and_spins/JetsamEvent-plant.ips",
        json!({"processes": "fservernetd"}),
    );
    t.plant(
        "sysdiagnose_crash_reports",
        "file:path",
        "/private/var/tmp/takePhoto",
        "cytrox.stix2",
        "crashes_and_spins/Retired/takePhoto-plant.ips",
        json!({"proc_path": "/private/var/tmp/takePhoto"}),
    );
    files
}

pub(super) fn install_log(rng: &mut Rng, n: u64, t: &mut Tally) -> String {
    let mut log = String::from("installd log start\n");
    let entry = |log: &mut String, when: i64, msg: &str| {
        let _ = writeln!(
            log,
            "{} [47] <notice> (0x16bad3000) -[MIInstaller x]: {msg}",
            ctime(when)
        );
    };
    let mut events: Vec<(i64, u64)> = (0..(n / 10).max(2)).map(|i| (rng.unix_time(), i)).collect();
    events.sort_unstable();
    for (when, i) in events {
        let id = format!("com.example.app{i}");
        if i % 5 == 4 {
            entry(
                &mut log,
                when,
                &format!(
                    "Uninstall requested by lsd (pid 87) for identifier {id} with options: (null)"
                ),
            );
            entry(&mut log, when + 1, &format!("Uninstalling identifier {id}"));
        } else {
            entry(&mut log, when, &format!("Install of \"/private/var/containers/Shared/SystemGroup/x/PromiseStaging/{i}/App.app\" type Customer (LSInstallType = 1) requested by appstored (pid 90)"));
            entry(
                &mut log,
                when + 1,
                &format!(
                    "Installing <MIInstallableBundle ID={id}; Version=1.{i}, ShortVersion=1.{i}>"
                ),
            );
            entry(
                &mut log,
                when + 1,
                &format!(
                    "Made container live for {id} at /private/var/containers/Bundle/Application/{}",
                    rng.uuid()
                ),
            );
        }
        t.add("sysdiagnose_installed_apps", 1);
    }
    let when = NOW_UNIX - 3 * 86_400;
    entry(&mut log, when, "Install of \"/private/var/mobile/Media/PublicStaging/Helper.app\" type Developer (LSInstallType = (null)) requested by streaming_zip_conduit (pid 300)");
    entry(
        &mut log,
        when + 1,
        "Installing <MIInstallableBundle ID=com.gu.activity; Version=1, ShortVersion=1.0>",
    );
    t.add("sysdiagnose_installed_apps", 1);
    t.heuristic("sysdiagnose_installed_apps", "MEDIUM");
    t.plant(
        "sysdiagnose_installed_apps",
        "app:id",
        "com.gu.activity",
        "novispy.stix2",
        "logs/MobileInstallation/mobile_installation.log.0",
        json!({"bundle_id": "com.gu.activity"}),
    );
    log
}
