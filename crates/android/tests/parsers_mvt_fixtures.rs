//! The dumpsys, tombstone and adb parsers on MVT's single-file test artefacts
//! (`../shared/fixtures/mvt/android_data/`) and on the sections of androidqf's `dumpsys.txt`:
//! counts and values as MVT's own parsers give them on the same files, and no line left not
//! understood. (Set `TRACEHOUND_DUMP_DIR` to write each result as JSON for a side-by-side
//! comparison with MVT.)

use serde::Serialize;
use std::path::PathBuf;
use tracehound_android::parsers::dumpstate::{extract_section, Heading};
use tracehound_android::parsers::*;

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/mvt")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn text(name: &str) -> String {
    String::from_utf8_lossy(&data(name)).into_owned()
}

fn qf_section(service: &str) -> String {
    let bytes = data("androidqf/dumpsys.txt");
    let h = format!("DUMP OF SERVICE {service}:");
    let s = extract_section(&mut bytes.as_slice(), Heading::Service(&h)).unwrap();
    assert!(s.found, "{service}");
    s.text().into_owned()
}

fn dump<T: Serialize>(name: &str, records: &[T]) {
    if let Some(dir) = std::env::var_os("TRACEHOUND_DUMP_DIR") {
        let path = PathBuf::from(dir).join(format!("{name}.json"));
        std::fs::write(path, serde_json::to_vec_pretty(records).unwrap()).unwrap();
    }
}

#[test]
fn accessibility() {
    let p = accessibility::parse_accessibility(&text("android_data/dumpsys_accessibility.txt"));
    dump("accessibility", &p.records);
    assert_eq!((p.records.len(), p.failed), (4, 0));
    assert!(p
        .records
        .iter()
        .all(|r| r.installed == Some(true) && r.enabled == Some(false)));
    assert_eq!(
        p.records[1].component.as_deref(),
        Some("com.samsung.accessibility/.universalswitch.UniversalSwitchService")
    );

    let p = accessibility::parse_accessibility(&text(
        "android_data/dumpsys_accessibility_v14_or_later.txt",
    ));
    dump("accessibility14", &p.records);
    assert_eq!(p.records.len(), 2);
    let s = &p.records[0];
    assert_eq!(s.package_name.as_deref(), Some("com.malware.accessibility"));
    assert_eq!(
        (s.installed, s.enabled, s.crashed),
        (None, Some(true), Some(false))
    );
    assert_eq!(p.records[1].unnamed_service_count, Some(1));
    let levels: Vec<_> = accessibility::check_accessibility(&p.records)
        .iter()
        .map(|a| a.level)
        .collect();
    assert_eq!(
        levels,
        [tracehound_core::Level::Medium, tracehound_core::Level::Low]
    );

    let p = accessibility::parse_accessibility(&qf_section("accessibility"));
    dump("qf_accessibility", &p.records);
    assert_eq!((p.records.len(), p.failed), (4, 0));
}

#[test]
fn appops() {
    let p = appops::parse_appops(&text("android_data/dumpsys_appops.txt"));
    dump("appops", &p.records);
    assert_eq!((p.records.len(), p.failed), (13, 0));
    let fb = &p.records[7];
    assert_eq!(fb.package_name, "com.facebook.katana");
    assert_eq!(fb.permissions.len(), 8);
    assert_eq!(
        fb.permissions
            .iter()
            .map(|x| x.entries.len())
            .sum::<usize>(),
        13
    );
    let alerts = appops::check_appops(&p.records);
    assert!(alerts.iter().any(|a| a
        .message
        .contains("'org.mozilla.firefox' had risky permission")));
    let p = appops::parse_appops(&qf_section("appops"));
    dump("qf_appops", &p.records);
    assert_eq!((p.records.len(), p.failed), (12, 0));
}

#[test]
fn battery() {
    let t = text("android_data/dumpsys_battery.txt");
    let (p, alerts) = battery_daily::parse_battery_daily(&t);
    dump("battery_daily", &p.records);
    assert_eq!((p.records.len(), p.failed, alerts.len()), (3, 0, 0));
    assert_eq!(p.records[0].occurrences, 6);
    assert_eq!(p.records[2].version_code, 385230279);
    let h = battery_history::parse_battery_history(&t);
    dump("battery_history", &h.records);
    assert_eq!((h.records.len(), h.failed), (5, 0));
    assert_eq!(h.records[4].time_elapsed, "+2d23h22m24s588ms");
    assert_eq!(
        h.records[4].timestamp.unwrap().to_mvt_string(),
        "2022-01-07 16:52:25.588000"
    );
    let qf = qf_section("batterystats");
    let (p, _) = battery_daily::parse_battery_daily(&qf);
    dump("qf_battery_daily", &p.records);
    assert_eq!(p.records.len(), 3);
    let h = battery_history::parse_battery_history(&qf);
    dump("qf_battery_history", &h.records);
    assert_eq!(h.records.len(), 16);
}

#[test]
fn dbinfo() {
    let p = dbinfo::parse_dbinfo(&text("android_data/dumpsys_dbinfo.txt"));
    dump("dbinfo", &p.records);
    assert_eq!((p.records.len(), p.failed), (5, 0));
    assert_eq!(p.records[3].pid, Some(8817));
    let p = dbinfo::parse_dbinfo(&qf_section("dbinfo"));
    dump("qf_dbinfo", &p.records);
    assert_eq!((p.records.len(), p.failed), (6, 0));
}

#[test]
fn packages_and_resolvers() {
    let t = text("android_data/dumpsys_packages.txt");
    let p = dumpsys_package::parse_dumpsys_packages(&t);
    dump("packages", &p.records);
    assert_eq!((p.records.len(), p.failed), (2, 0));
    let d = &p.records[1];
    assert_eq!(d.package_name, "com.sec.android.app.DataCreate");
    assert_eq!(
        (d.permissions.len(), d.requested_permissions.len()),
        (21, 11)
    );
    let a = resolvers::parse_resolver_table(&t, "Activity");
    dump("activities", &a.records);
    assert_eq!((a.records.len(), a.failed), (10, 0));
    assert_eq!(a.records[0].key, "text/comma-separated-values");
    let r = resolvers::parse_resolver_table(&t, "Receiver");
    dump("receivers", &r.records);
    assert_eq!((r.records.len(), r.failed), (9, 0));
    let qf = qf_section("package");
    let p = dumpsys_package::parse_dumpsys_packages(&qf);
    dump("qf_packages", &p.records);
    assert_eq!(p.records.len(), 2);
    assert_eq!(
        resolvers::parse_resolver_table(&qf, "Activity")
            .records
            .len(),
        0
    );
    let r = resolvers::parse_resolver_table(&qf, "Receiver");
    dump("qf_receivers", &r.records);
    assert_eq!(r.records.len(), 8);
}

#[test]
fn platform_compat() {
    let p =
        platform_compat::parse_platform_compat(&text("android_data/dumpsys_platform_compat.txt"));
    dump("platform_compat", &p.records);
    assert_eq!((p.records.len(), p.failed), (2, 0));
    assert_eq!(p.records[0].package_name, "org.torproject.torbrowser");
    let p = platform_compat::parse_platform_compat(&qf_section("platform_compat"));
    assert_eq!(p.records.len(), 2);
}

#[test]
fn getprop() {
    let p = getprop::parse_getprop(&text("android_data/getprop.txt"));
    assert_eq!((p.records.len(), p.failed), (13, 0));
    assert_eq!(p.records[0].name, "af.fast_track_multiplier");
}

#[test]
fn adb() {
    for (file, user, store) in [
        ("dumpsys_adb.txt", "user@linux", 1),
        ("dumpsys_adb_wifi.txt", "user@linux", 1),
        ("dumpsys_adb_xml.txt", "user@laptop", 1),
    ] {
        let bytes = data(&format!("android_data/{file}"));
        let s = extract_section(
            &mut bytes.as_slice(),
            Heading::Service("DUMP OF SERVICE adb:"),
        )
        .unwrap();
        let mut lost = 0;
        let st = adb::parse_adb(&s.bytes, &mut lost).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        dump(file.trim_end_matches(".txt"), &[&st]);
        assert_eq!(st["connected_to_adb"], true, "{file}");
        assert_eq!(st["user_keys"][0]["user"], user, "{file}");
        assert_eq!(
            st["keystore"].as_array().map(Vec::len),
            Some(store),
            "{file}"
        );
        assert_eq!(adb::trusted_keys(&st).len(), 1, "{file}");
        assert_eq!(lost, 0, "{file}");
    }
    let qf = data("androidqf/dumpsys.txt");
    let s = extract_section(&mut qf.as_slice(), Heading::Service("DUMP OF SERVICE adb:")).unwrap();
    let st = adb::parse_adb(&s.bytes, &mut 0).unwrap();
    assert_eq!(
        st["user_keys"][0]["fingerprint"],
        "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6"
    );
}

#[test]
fn tombstones() {
    let t = tombstone::parse_tombstone_text(
        "tombstone_process.txt",
        "2024-01-01 00:00:00.000000",
        &data("android_data/tombstone_process.txt"),
    )
    .unwrap();
    let pb = tombstone_pb::parse_tombstone_pb(
        "tombstone_process.pb",
        "2024-01-01 00:00:00.000000",
        &data("android_data/tombstone_process.pb"),
    )
    .unwrap();
    dump("tombstones", &[&t, &pb]);
    for c in [&t, &pb] {
        assert_eq!(c.timestamp, "2023-04-12 10:32:40.518290");
        assert_eq!((c.pid, c.tid, c.uid), (25541, 21307, 1046));
        assert_eq!(c.process_name.as_deref(), Some("mtk.ape.decoder"));
        assert_eq!(c.signal_info.code_name, "SEGV_MAPERR");
    }
    assert_eq!(t.cause.as_deref(), Some("null pointer dereference"));
    assert_eq!(pb.arch.as_deref(), Some("ARM32"));
    assert_eq!(pb.selinux_label.as_deref(), Some("u:r:mtk_hal_c2:s0"));
    assert_eq!(
        pb.causes.as_ref().unwrap()[0]["human_readable"],
        "null pointer dereference"
    );
}
