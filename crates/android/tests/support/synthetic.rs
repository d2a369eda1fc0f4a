//! A small writer of synthetic androidqf acquisitions with vendor variations (CRLF, extra blank
//! lines, unknown keys and columns, Android 7 `ps`, truncated files), as a folder or a zip, with
//! the exact counts each module must report.

use std::io::Write;
use std::path::Path;

/// One file of the acquisition.
pub struct File {
    pub name: &'static str,
    pub text: String,
}

/// `(module, (records, not understood))` for each module.
pub type Counts = Vec<(&'static str, (usize, u64))>;

/// The acquisition's files, each with a vendor variation, and the `(records, not understood)`
/// each module must report for it.
pub fn vendor_variations() -> (Vec<File>, Counts) {
    let getprop = "[ro.build.version.sdk]: [33]\r\n\r\n\r\n\
                   [persist.sys.boot.reason.history]: [reboot,userrequested,1700000000\r\n\
                   reboot,shell,1690000000]\r\n\
                   \x20 [ro.product.model]: [Pixel 7]  \r\n\
                   init: starting service 'x'\r\n\
                   [sys.foobar]: [1]\r\n\
                   [ro.build.version.security_patch]: [2023-0"
        .to_string();
    let ps = "LABEL                          USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME\n\
              u:r:init:s0                    root             1     0   57912   2084 0                   0 S init\n\
              \n\
              u:r:kernel:s0                  root             2     0       0      0 0                   0 S [kthreadd]\n\
              u:r:untrusted_app:s0:c1        u0_a99         NaN     1       0      0 0                   0 S com.example.app\n\
              u:r:untrusted_app:s0:c2        u0_a98         4242    1       0      0 0                   0 S Launch\n\
              u:r:untrusted_app:s0:c3        u0_a97\n"
        .to_string();
    let settings_global = "package_verifier_enable=0\r\nadb_enabled=1\r\n\r\nwifi_networks_available_notification_on=1\r\nthis line has no separator\r\nsome_json={\"a\":\"b=c\"}\r\n".to_string();
    let settings_secure = "\n\naccessibility_enabled=1\nandroid_id=abcdef\n".to_string();
    let packages = r#"[
 {"name":"com.example.app","installer":"","system":false,"disabled":false,"vendor_field":{"x":1},
  "files":[{"path":"/data/app/base.apk","sha256":"570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6",
  "certificate":{"Md5":"","Sha1":"","Sha256":""}}]},
 {"installer":"com.android.vending"},
 {"name":"com.topjohnwu.magisk","installer":"null","system":false},
 {"name":"com.wssyncmldm","installer":"null","system":true,"disabled":true,"files":[]},
 {"name":"cut.short","installer":"com.android.ven"#
        .to_string();
    let files = "{\"path\":\"/data/local/tmp/payload\",\"mode\":\"-rwxr-xr-x\",\"modified_time\":1700000000,\"access_time\":1700000000,\"changed_time\":1700000001,\"context\":\"\",\"sha1\":\"da0611a300a9ce9aa7a09d1212f203fca5856794\"}\r\n\r\n\
                 {\"path\":\"/sdcard/DCIM/a.jpg\",\"mode\":\"-rw-rw----\",\"modified_time\":\"yesterday\"}\r\n\
                 not json at all\r\n\
                 {\"no_path\":true}\r\n"
        .to_string();
    let root_binaries =
        "[\"/system/xbin/su\", \"\", 7, \"/data/adb/magisk/magiskinit\"]".to_string();
    let mounts = r#"["/dev/block/dm-0 on / type ext4 (ro,seclabel,relatime)",
 "/dev/block/dm-1 /system_ext ext4 rw,seclabel 0 0",
 "garbage", null,
 "tmpfs on /dev type tmpfs (rw,seclabel,nosuid)"]"#
        .to_string();
    let files_list = vec![
        File {
            name: "getprop.txt",
            text: getprop,
        },
        File {
            name: "ps.txt",
            text: ps,
        },
        File {
            name: "settings_global.txt",
            text: settings_global,
        },
        File {
            name: "settings_secure.txt",
            text: settings_secure,
        },
        File {
            name: "packages.json",
            text: packages,
        },
        File {
            name: "files.json",
            text: files,
        },
        File {
            name: "root_binaries.json",
            text: root_binaries,
        },
        File {
            name: "mounts.json",
            text: mounts,
        },
        File {
            name: "logs/dropbox/system_server_crash@1.txt",
            text: "x".into(),
        },
        File {
            name: "logs/anr/anr_1",
            text: "y".into(),
        },
        File {
            name: "acquisition.json",
            text: r#"{"started":"2024-03-01T10:00:00Z"}"#.into(),
        },
        File {
            name: "unknown_vendor_file.bin",
            text: "?".into(),
        },
    ];
    let counts = vec![
        // 4 properties; the init log line and the cut-off last property are not understood.
        ("aqf_get_prop", (4, 2)),
        // init, kthreadd, com.example.app (pid not a number: kept, counted), Launch; the cut
        // line is counted and dropped.
        ("aqf_processes", (4, 2)),
        ("aqf_settings", (6, 1)),
        // 3 packages; the one without a name and the cut-off array are counted.
        ("aqf_packages", (3, 2)),
        // 2 files (one with a bad time, counted); the non-JSON line and the object without a
        // path are counted.
        ("aqf_files", (2, 3)),
        ("aqf_log_timestamps", (2, 0)),
        ("root_binaries", (2, 2)),
        ("mounts", (3, 2)),
    ];
    (files_list, counts)
}

/// Writes the files as a folder at `dir`.
pub fn write_folder(dir: &Path, files: &[File]) {
    for f in files {
        let p = dir.join(f.name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.text).unwrap();
    }
}

/// Writes the files as a zip at `path`, under `prefix` (`""` or `dir/`).
pub fn write_zip(path: &Path, prefix: &str, files: &[File]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        w.start_file(format!("{prefix}{}", f.name), opts).unwrap();
        w.write_all(f.text.as_bytes()).unwrap();
    }
    w.finish().unwrap();
}
