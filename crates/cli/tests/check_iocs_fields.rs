//! The field table `check-iocs` reads stored records with gives, for every record our modules
//! produce on the fixtures at hand, at least the observables the module itself gives: a
//! re-check never misses what the original check would have matched. Runs the iOS backup
//! modules on the sample backup and MVT's, the sysdiagnose modules on a small sysdiagnose, the
//! Android modules on MVT's androidqf folder, bugreport and adb backup. Set
//! `TRACEHOUND_COVERAGE_BACKUP` to a backup from `cargo xtask gen-ios-backup` to cover every
//! backup module.

mod common;

use common::shared;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use tracehound_android::backup::{open_backup, AbDecoder};
use tracehound_android::bugreport::open_bugreport;
use tracehound_android::{AndroidAcquisition, AndroidSource};
use tracehound_core::module::ModuleContext;
use tracehound_core::{Module, ModuleOutput, Observable};
use tracehound_evidence::archive::Limits;
use tracehound_evidence::{IosBackup, IosFsDump, IosSource, IosSysdiagnose};
use tracehound_ios::webkit_origins;
use tracehound_report::stored::fields;

fn kind(o: &Observable<'_>) -> String {
    let k = format!("{o:?}");
    k.split('(').next().unwrap_or_default().to_string()
}

/// Checks every record of `out`; returns the number of observables checked.
fn check(slug: &str, out: &ModuleOutput, missing: &mut Vec<String>) -> usize {
    let module = fields::module(slug).unwrap_or_else(|| panic!("no field rules for {slug}"));
    let mut n = 0;
    for i in 0..out.records.len() {
        let json = out.records.record_json(i);
        let got: HashSet<(String, String)> = fields::observables(module, &json)
            .iter()
            .map(|o| {
                let o = o.observable();
                (kind(&o), o.value().to_string())
            })
            .collect();
        let mut own = Vec::new();
        out.records.observables(i, &mut own);
        for o in own {
            n += 1;
            let key = (kind(&o), o.value().to_string());
            if !got.contains(&key) {
                missing.push(format!("{slug} record {i}: {key:?} not read from {json}"));
            }
        }
    }
    n
}

fn run_all<E: ?Sized>(
    modules: &[&dyn Module<E>],
    ev: &E,
    seen: &mut BTreeMap<String, usize>,
    missing: &mut Vec<String>,
) {
    for m in modules {
        let slug = m.meta().slug;
        if let Ok(out) = m.run(ev, &ModuleContext::empty()) {
            *seen.entry(slug.to_string()).or_default() += check(slug, &out, missing);
        }
    }
}

const SYSDIAGNOSE: &str = "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_20F66";

fn sysdiagnose(root: &Path) {
    let base = root.join(SYSDIAGNOSE);
    let files: [(&str, &str); 5] = [
        (
            "ps.txt",
            "USER UID PID PPID STAT STARTED TIME COMMAND\n\
             root 0 1 0 Ss 7:22PM 0:01.00 /sbin/launchd\n\
             root 0 2 0 Ss 7:22PM 0:01.00 kernel_task\n",
        ),
        (
            "taskinfo.txt",
            "num tasks: 1\nprocess: \"bh\" [2]\n\trun time: 5 s\n",
        ),
        (
            "system_logs.logarchive/Extra/shutdown.log",
            "After 1.0s, these clients are still here:\n\
             \tremaining client pid: 7 (/private/var/tmp/x)\nSIGTERM: [1684900000]\n",
        ),
        (
            "crashes_and_spins/a.ips",
            "{\"app_name\":\"a\",\"bundleID\":\"com.a\",\"bug_type\":\"309\"}\n\
             {\"procName\":\"a\",\"procPath\":\"/private/var/tmp/a\",\"parentProc\":\"launchd\",\
             \"coalitionName\":\"com.c\",\"usedImages\":[{\"path\":\"/usr/lib/x\"}],\
             \"processes\":[{\"name\":\"p\"}]}",
        ),
        (
            "logs/MobileInstallation/mobile_installation.log.0",
            "Mon Dec  3 09:00:00 2018 [47] <notice> (0x1) -[C m]: Install of \"/tmp/A.app\" \
             type Developer (LSInstallType = 1) requested by x (pid 3)\n\
             Mon Dec  3 09:00:01 2018 [47] <notice> (0x1) -[C m]: Installing \
             <MIInstallableBundle ID=com.evil.agent; Version=1, ShortVersion=1>\n\
             Mon Dec  3 09:00:01 2018 [47] <notice> (0x1) -[C m]: Made container live for \
             com.evil.agent at /private/var/containers/Bundle/Application/X\n",
        ),
    ];
    for (rel, text) in files {
        let p = base.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// A small filesystem dump: a shutdown log, network usage, a Cache.db, WebKit local storage.
fn dump(root: &Path) {
    let write = |rel: &str, data: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    };
    let sqlite = |rel: &str, sql: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        rusqlite::Connection::open(&p)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
    };
    write(
        "private/var/db/diagnostics/shutdown.log",
        b"After 1.0s, these clients are still here:\n\tremaining client pid: 7 \
          (/private/var/db/x/rolexd)\nSIGTERM: [1623837600]\n",
    );
    sqlite(
        "private/var/networkd/db/netusage.sqlite",
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
           ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
         CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
           ZKIND INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);
         INSERT INTO ZPROCESS VALUES (1, 9, 1, 600000000.0, 600000010.0, 'com.apple.news',
           'A1B2/com.apple.news');
         INSERT INTO ZPROCESS VALUES (2, 9, 1, 600000100.0, 600000200.0, NULL, 'bh');
         INSERT INTO ZLIVEUSAGE VALUES (1, 8, 1, 0, 2, 600000150.0, 1024.0, 12);",
    );
    sqlite(
        "private/var/mobile/Containers/Data/Application/A/Library/Caches/x/Cache.db",
        "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE,
           version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE,
           time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);
         INSERT INTO cfurl_cache_response VALUES
           (1, 0, 123, 0, 'https://evil.example.net/a', '2021-06-15 10:00:00', NULL);",
    );
    write(
        "private/var/mobile/Containers/Data/Application/A/Library/WebKit/WebsiteData/\
         LocalStorage/https_evil.example.net_0.localstorage",
        b"x",
    );
    let site = |host: &str| webkit_origins::SiteOrigin {
        protocol: "https".into(),
        host: host.into(),
        port: None,
    };
    write(
        "private/var/mobile/Containers/Data/Application/A/Library/WebKit/WebsiteData/Default/\
         H1/H2/origin",
        &webkit_origins::encode_origin_file(&webkit_origins::ClientOrigin {
            top: site("news.example.org"),
            frame: site("evil.example.net"),
        }),
    );
}

#[test]
fn field_rules_give_every_observable_the_modules_give() {
    let mut seen = BTreeMap::new();
    let mut missing = Vec::new();
    let ios: Vec<&tracehound_ios::IosModule> = tracehound_ios::MODULES.to_vec();
    let mut backups = vec![
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup"),
        shared().join("fixtures/mvt/ios_backup"),
    ];
    if let Ok(extra) = std::env::var("TRACEHOUND_COVERAGE_BACKUP") {
        backups.push(extra.into());
    }
    for b in backups {
        let backup = IosBackup::open(&b).unwrap();
        run_all::<dyn IosSource>(&ios, &backup, &mut seen, &mut missing);
    }
    let tmp = tempfile::tempdir().unwrap();
    dump(&tmp.path().join("dump"));
    let fs = IosFsDump::open(&tmp.path().join("dump")).unwrap();
    run_all::<dyn IosSource>(&ios, &fs, &mut seen, &mut missing);
    sysdiagnose(tmp.path());
    let sd = IosSysdiagnose::open(&tmp.path().join(SYSDIAGNOSE)).unwrap();
    let sd_modules: Vec<&tracehound_ios::IosModule> = tracehound_ios::sysdiagnose::MODULES.to_vec();
    run_all::<dyn IosSource>(&sd_modules, &sd, &mut seen, &mut missing);

    let android: Vec<&tracehound_android::AndroidModule> = tracehound_android::ANDROIDQF_MODULES
        .iter()
        .chain(tracehound_android::BUGREPORT_MODULES)
        .chain(tracehound_android::BACKUP_MODULES)
        .copied()
        .collect();
    let fx = shared().join("fixtures/mvt");
    let acquisitions: Vec<AndroidAcquisition> = vec![
        AndroidAcquisition::open_androidqf(&fx.join("androidqf"), Limits::default()).unwrap(),
        open_bugreport(&fx.join("android_data/bugreport"), Limits::default()).unwrap(),
        open_backup(
            &fx.join("android_backup/backup.ab"),
            &AbDecoder::default(),
            Limits::default(),
        )
        .unwrap(),
    ];
    for a in &acquisitions {
        run_all::<dyn AndroidSource>(&android, a, &mut seen, &mut missing);
    }
    eprintln!("observables checked per module: {seen:?}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The fixtures exercise the rules of these modules at least.
    for slug in [
        "sms",
        "tcc",
        "whatsapp",
        "datausage",
        "manifest",
        "filesystem",
        "netusage",
        "cache_files",
        "shutdown_log",
        "webkit_local_storage",
        "webkit_origins",
        "sysdiagnose_ps",
        "sysdiagnose_crash_reports",
        "sysdiagnose_installed_apps",
        "aqf_packages",
        "aqf_files",
        "dumpsys_appops",
    ] {
        assert!(seen.get(slug).copied().unwrap_or(0) > 0, "{slug}: {seen:?}");
    }
}

#[test]
fn every_module_has_field_rules() {
    let slugs = tracehound_ios::MODULES
        .iter()
        .chain(tracehound_ios::sysdiagnose::MODULES)
        .map(|m| m.meta().slug)
        .chain(
            tracehound_android::ANDROIDQF_MODULES
                .iter()
                .chain(tracehound_android::BUGREPORT_MODULES)
                .chain(tracehound_android::BACKUP_MODULES)
                .chain(tracehound_android::INTRUSION_LOGS_MODULES)
                .map(|m| m.meta().slug),
        );
    let missing: Vec<&str> = slugs.filter(|s| fields::module(s).is_none()).collect();
    assert!(
        missing.is_empty(),
        "modules without field rules: {missing:?}"
    );
}
