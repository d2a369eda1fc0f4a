//! The files of a synthetic androidqf acquisition, and what each module must make of them.

use super::{Counts, Expected, Options, Rng};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Joins lines with `\n`, or with variations `\r\n` and a blank line after every seventh.
fn text(lines: &[String], variations: bool) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push_str(if variations { "\r\n" } else { "\n" });
        if variations && i % 7 == 6 {
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

fn counts(records: usize, not_understood: u64) -> Counts {
    Counts {
        records,
        not_understood,
    }
}

/// Builds the files (name, bytes) and the expectations.
pub fn build(o: &Options) -> (Vec<(String, Vec<u8>)>, Expected) {
    let mut rng = Rng(o.seed);
    let v = o.variations;
    let mut files = Vec::new();
    let mut modules = BTreeMap::new();

    // getprop.txt
    let mut props: Vec<String> = [
        ("ro.build.version.sdk", "34"),
        ("ro.build.version.release", "14"),
        ("ro.build.version.security_patch", "2025-01-05"),
        ("ro.product.model", "Generic Phone"),
        ("ro.product.manufacturer", "Generic"),
        ("persist.sys.timezone", "Europe/Berlin"),
        ("gsm.sim.operator.iso-country", "de"),
        ("ro.boot.verifiedbootstate", "green"),
    ]
    .iter()
    .map(|(k, val)| format!("[{k}]: [{val}]"))
    .collect();
    for i in 0..20 {
        props.push(format!("[vendor.gen.prop{i}]: [{}]", rng.below(1000)));
    }
    let mut n_props = props.len();
    let mut bad = 0;
    if v {
        props.push("[persist.sys.boot.reason.history]: [reboot,userrequested,1740000000".into());
        props.push("reboot,shell,1730000000]".into());
        n_props += 1;
        props.insert(3, "init: Command 'getprop' took 12ms".into());
        props.push("  [ro.vendor.padded]: [x]   ".into());
        n_props += 1;
        bad += 1;
    }
    files.push(("getprop.txt".to_string(), text(&props, v)));
    modules.insert("aqf_get_prop", counts(n_props, bad));

    // ps.txt
    let label = if v { "LABEL " } else { "" };
    let mut ps = vec![format!("{label}USER PID PPID VSZ RSS WCHAN ADDR S NAME")];
    let daemons = [
        "init",
        "[kthreadd]",
        "[kworker/0:1H]",
        "ueventd",
        "zygote64",
        "system_server",
    ];
    for i in 0..o.processes {
        let name = match daemons.get(i) {
            Some(d) => d.to_string(),
            None => format!("com.gen.app{}", i % o.packages.max(1)),
        };
        let lab = if v { "u:r:untrusted_app:s0 " } else { "" };
        ps.push(format!(
            "{lab}u0_a{} {} 1 {} {} 0 0 S {name}",
            i,
            100 + i,
            rng.below(9_000_000),
            rng.below(300_000)
        ));
    }
    let mut bad = 0;
    if v {
        ps.push("u0_a999 9999".into());
        bad += 1;
    }
    files.push(("ps.txt".to_string(), text(&ps, v)));
    modules.insert("aqf_processes", counts(o.processes, bad));

    // settings_*.txt
    let mut n_settings = 0;
    let mut bad = 0;
    for ns in ["global", "secure", "system"] {
        let mut lines = vec![
            format!("package_verifier_enable=1"),
            format!("{ns}_json={{\"a\":\"b=c\"}}"),
        ];
        for i in 0..o.settings.saturating_sub(2) {
            lines.push(format!("gen_{ns}_{i}={}", rng.below(2)));
        }
        n_settings += lines.len();
        if v {
            lines.insert(1, format!("vendor {ns} dump continues"));
            bad += 1;
        }
        files.push((format!("settings_{ns}.txt"), text(&lines, v)));
    }
    modules.insert("aqf_settings", counts(n_settings, bad));

    // packages.json
    let mut pkgs: Vec<String> = Vec::new();
    for i in 0..o.packages {
        let mut p = json!({
            "name": format!("com.gen.app{i}"),
            "files": [{
                "path": format!("/data/app/~~{}/com.gen.app{i}-1/base.apk", rng.hex(8)),
                "local_name": "",
                "md5": rng.hex(32), "sha1": rng.hex(40), "sha256": rng.hex(64), "sha512": rng.hex(128),
                "error": "",
                "verified_certificate": true,
                "certificate": {"Md5": rng.hex(32), "Sha1": rng.hex(40), "Sha256": rng.hex(64),
                    "SerialNumber": 1_000_000 + i},
                "certificate_error": "",
                "trusted_certificate": true
            }],
            "installer": if i % 5 == 0 { "null" } else { "com.android.vending" },
            "uid": 10_000 + i,
            "disabled": false,
            "system": i % 5 == 0,
            "third_party": i % 5 != 0
        });
        if v {
            p["vendor_extra"] = json!({"oem": "gen"});
        }
        pkgs.push(p.to_string());
    }
    let mut bad = 0;
    if v {
        pkgs.push(json!({"installer": "com.android.vending"}).to_string());
        pkgs.push("{\"name\": \"cut.sho".into());
        bad += 2;
    }
    let body = if v {
        pkgs.join(",\r\n")
    } else {
        pkgs.join(",\n")
    };
    let tail = if v { "" } else { "\n]" };
    files.push((
        "packages.json".into(),
        format!("[\n{body}{tail}").into_bytes(),
    ));
    modules.insert("aqf_packages", counts(o.packages, bad));

    // files.json
    let entries: Vec<Value> = (0..o.files)
        .map(|i| {
            let t = 1_700_000_000 + rng.below(30_000_000) as i64;
            json!({"path": format!("/sdcard/Download/file{i}.bin"), "size": rng.below(1 << 20),
                "mode": "-rw-rw----", "user_id": 0, "user_name": "", "group_id": 1015,
                "group_name": "", "changed_time": t, "modified_time": t, "access_time": t + 5,
                "error": "", "context": "u:object_r:media_rw_data_file:s0",
                "sha1": "", "sha256": "", "sha512": "", "md5": ""})
        })
        .collect();
    let (data, bad) = if v {
        let mut lines: Vec<String> = entries.iter().map(Value::to_string).collect();
        lines.push("find: '/data/system': Permission denied".into());
        (text(&lines, true), 1)
    } else {
        (serde_json::to_vec(&entries).unwrap_or_default(), 0)
    };
    files.push(("files.json".into(), data));
    modules.insert("aqf_files", counts(o.files, bad));

    // root_binaries.json, mounts.json
    let (rb, rb_counts) = if v {
        ("[\"/system/xbin/su\", 5]", counts(1, 1))
    } else {
        ("[]", counts(0, 0))
    };
    files.push(("root_binaries.json".into(), rb.as_bytes().to_vec()));
    modules.insert("root_binaries", rb_counts);
    let mut mounts = vec![
        json!("/dev/block/dm-0 on / type ext4 (ro,seclabel,relatime)"),
        json!("/dev/block/dm-1 on /vendor type ext4 (ro,seclabel,relatime)"),
        json!("tmpfs on /dev type tmpfs (rw,seclabel,nosuid,relatime,mode=755)"),
        json!("/dev/block/by-name/userdata on /data type f2fs (rw,lazytime,seclabel,nosuid,nodev)"),
    ];
    let mut bad = 0;
    if v {
        mounts.push(json!("/dev/block/dm-2 /product ext4 ro,seclabel 0 0"));
        mounts.push(Value::Null);
        bad += 1;
    }
    let n_mounts = mounts.len() - bad as usize;
    files.push((
        "mounts.json".into(),
        serde_json::to_vec(&mounts).unwrap_or_default(),
    ));
    modules.insert("mounts", counts(n_mounts, bad));

    // logs/ and acquisition.json
    files.push((
        "logs/dropbox/system_server_crash@1740000000000.txt".into(),
        b"crash".to_vec(),
    ));
    files.push((
        "logs/anr/anr_2025-02-01-10-00-00-000".into(),
        b"anr".to_vec(),
    ));
    modules.insert("aqf_log_timestamps", counts(2, 0));
    let acq =
        json!({"uuid": rng.hex(32), "androidqf_version": "gen", "started": "2025-03-01T10:00:00Z"});
    files.push(("acquisition.json".into(), acq.to_string().into_bytes()));

    (files, Expected { modules })
}
