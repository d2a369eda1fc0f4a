//! Tiny synthetic full-filesystem dumps for module tests: a folder in the system temp directory
//! laid out as the device's `/`, optionally packed as a `.tar.gz` (no folder entries, as many
//! archives are), and the artefacts the filesystem-only modules read, with known contents.
//! Include with `#[path = "support/dump.rs"] mod dump;`.
#![allow(dead_code)] // each test binary uses part of it

// Some tests include two of the support files; each brings its own copy.
#[allow(clippy::duplicate_mod)]
#[path = "outputs.rs"]
mod outputs;
#[allow(unused_imports)] // each test binary uses part of it
pub use outputs::{alerts, observables, records_json, timeline};

use flate2::write::GzEncoder;
use plist::{Dictionary, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};
use tracehound_core::{ModuleError, ModuleOutput};
use tracehound_evidence::{IosFsDump, IosSource};
use tracehound_ios::MODULES;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn scratch(name: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("tracehound-dump-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A dump folder being built; removed (with its archive) when dropped.
pub struct SyntheticDump {
    dir: PathBuf,
    archive_dir: Option<PathBuf>,
}

/// Modification time given to files and folders unless set otherwise (2021-06-15 10:00 UTC).
pub const MTIME: u64 = 1_623_751_200;

fn set_mtime(p: &Path, unix: u64) {
    let f = std::fs::File::open(p).unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_secs(unix))
        .unwrap();
}

impl SyntheticDump {
    /// An empty dump whose folder name contains `name`.
    pub fn new(name: &str) -> Self {
        SyntheticDump {
            dir: scratch(name),
            archive_dir: None,
        }
    }

    /// The dump folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at the device path `path` (relative to `/`).
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> &mut Self {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        set_mtime(&p, MTIME);
        self
    }

    /// Creates the folder `path`.
    pub fn mkdir(&mut self, path: &str) -> &mut Self {
        std::fs::create_dir_all(self.dir.join(path)).unwrap();
        self
    }

    /// Sets the modification time of `path` (a file or folder).
    pub fn touch(&mut self, path: &str, unix: u64) -> &mut Self {
        set_mtime(&self.dir.join(path), unix);
        self
    }

    /// Writes a SQLite database created by running `sql` at `path`.
    pub fn add_sqlite(&mut self, path: &str, sql: &str) -> &mut Self {
        let bytes = sqlite_bytes(sql);
        self.add(path, &bytes)
    }

    /// Gives every folder the time [`MTIME`] (folders get the time of their last change).
    pub fn settle(&mut self) {
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                }
            }
            if d != self.dir {
                set_mtime(&d, MTIME);
            }
        }
    }

    /// Opens the folder as a dump.
    pub fn open(&mut self) -> IosFsDump {
        self.settle();
        IosFsDump::open(&self.dir).unwrap()
    }

    /// Packs the folder as `dump.tar.gz` (files only, times kept: many archives have no
    /// folder entries) and opens that.
    pub fn open_tar_gz(&mut self) -> IosFsDump {
        self.pack(false)
    }

    /// Packs the folder as `dump.tar.gz` with folder entries, as `tar czf` writes it, and
    /// opens that.
    pub fn open_tar_gz_with_folders(&mut self) -> IosFsDump {
        self.pack(true)
    }

    fn pack(&mut self, folders: bool) -> IosFsDump {
        self.settle();
        let out = scratch("archive");
        let path = out.join("dump.tar.gz");
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for f in entries(&self.dir) {
            let meta = std::fs::metadata(&f).unwrap();
            if meta.is_dir() && !folders {
                continue;
            }
            let rel = f
                .strip_prefix(&self.dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let data = if meta.is_dir() {
                Vec::new()
            } else {
                std::fs::read(&f).unwrap()
            };
            let mtime = meta
                .modified()
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mtime(mtime);
            if meta.is_dir() {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
            } else {
                h.set_mode(0o644);
            }
            b.append_data(&mut h, rel, &data[..]).unwrap();
        }
        let bytes = b.into_inner().unwrap().finish().unwrap();
        std::fs::write(&path, bytes).unwrap();
        self.archive_dir = Some(out);
        IosFsDump::open(&path).unwrap()
    }
}

/// Every file and folder under `root`, sorted.
fn entries(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

impl Drop for SyntheticDump {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(d) = &self.archive_dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// The bytes of a SQLite database created by running `sql`.
pub fn sqlite_bytes(sql: &str) -> Vec<u8> {
    let dir = scratch("db");
    let path = dir.join("x.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

/// A binary property list.
pub fn bplist(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.to_writer_binary(&mut out).unwrap();
    out
}

/// Runs the module `slug` on `ev`.
pub fn run(slug: &str, ev: &(dyn IosSource + 'static)) -> Result<ModuleOutput, ModuleError> {
    outputs::run_in(MODULES, slug, ev)
}

// ---- Artefacts with known contents, shared by the module tests and the archive test. ----

/// netusage.sqlite (iOS 14+ location): an app; `bh` (no bundle id, no binary in the dump);
/// `locationd` (no bundle id, binary present); `com.apple.Mobil` (15 characters, so maybe
/// truncated, with `com.apple.MobileSMS` present); process 5 deleted (a hole), and a usage
/// row of the deleted process 9.
pub const NETUSAGE: &str = "private/var/networkd/db/netusage.sqlite";
pub const NETUSAGE_SQL: &str = "
CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZKIND INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);
INSERT INTO ZPROCESS VALUES (1, 9, 1, 600000000.0, 600000010.0, 'com.apple.news',
  'A1B2/com.apple.news');
INSERT INTO ZPROCESS VALUES (2, 9, 1, 600000100.0, 600000200.0, NULL, 'bh');
INSERT INTO ZPROCESS VALUES (3, 9, 1, 600000300.0, 600000400.0, NULL, 'locationd');
INSERT INTO ZPROCESS VALUES (4, 9, 1, 600000500.0, 600000600.0, '', 'com.apple.Mobil');
INSERT INTO ZPROCESS VALUES (6, 9, 1, 600000700.0, 600000800.0, NULL, 'x/locationd');
INSERT INTO ZLIVEUSAGE VALUES (1, 8, 1, 0, 2, 600000150.0, 1024.0, 12);
INSERT INTO ZLIVEUSAGE VALUES (2, 8, 1, 0, 9, 600000250.0, 99.0, 1.0);
INSERT INTO ZLIVEUSAGE VALUES (3, 8, 1, 0, 2, 600000160.0, 1.0, 2.0);
";

pub fn netusage(d: &mut SyntheticDump) {
    d.add_sqlite(NETUSAGE, NETUSAGE_SQL)
        .add("usr/libexec/locationd", b"\xcf\xfa\xed\xfe")
        .add(
            "private/var/containers/Bundle/Application/U1/MobileSMS.app/com.apple.MobileSMS",
            b"\xcf\xfa\xed\xfe",
        );
}

/// shutdown.log (one clean reboot, one reboot held up by a staging-folder process) and a
/// rotated shutdown.1.log (an App Store app, then a block cut before its SIGTERM line).
pub const SHUTDOWN_LOG: &str = "\
SIGTERM: [1623751200] Got SIGTERM
After 1.18s, these clients are still here:
\tremaining client pid: 212 (/usr/libexec/lockdownd)
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 2.20s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 3.21s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1623837600] Got SIGTERM
";
pub const SHUTDOWN_1_LOG: &str = "\
After 0.50s, these clients are still here:
\tremaining client pid: 99 (/private/var/containers/Bundle/Application/U1/App.app/App)
SIGTERM: [1623600000] Got SIGTERM
this line is not understood
After 1.00s, these clients are still here:
\tremaining client pid: 7 (/private/var/mobile/Library/evil)
";

pub fn shutdown(d: &mut SyntheticDump) {
    d.add(
        "private/var/db/diagnostics/shutdown.log",
        SHUTDOWN_LOG.as_bytes(),
    )
    .add(
        "private/var/db/diagnostics/shutdown.1.log",
        SHUTDOWN_1_LOG.as_bytes(),
    );
}

/// Two analytics journals (iOS 14.6 then 14.7) and a file the pattern does not match.
pub fn journals(d: &mut SyntheticDump) {
    d.add(
        "private/var/db/analyticsd/Analytics-Journal-1623751200.ips",
        b"{\"timestamp\":\"2021-06-15 12:00:00.00 +0200\",\"os_version\":\"iPhone OS 14.6 (18F72)\"}\n{\"x\":1}\n",
    )
    .add(
        "private/var/db/analyticsd/Analytics-Journal-1627000000.ips",
        b"{\"os_version\":\"iPhone OS 14.7 (18G69)\",\"timestamp\":\"2021-07-23 00:26:40.50 -0700\"}",
    )
    .add("private/var/db/analyticsd/Analytics-Daily-1.ips", b"{}");
}

/// WebKit website data of two apps, and SafariViewService data of one.
pub fn webkit(d: &mut SyntheticDump) {
    let app = "private/var/mobile/Containers/Data/Application";
    d.add(
        &format!("{app}/AAAA/Library/WebKit/WebsiteData/IndexedDB/https_www.example.com_0/db.sqlite3"),
        b"x",
    )
    .add(
        &format!("{app}/AAAA/Library/WebKit/WebsiteData/IndexedDB/v1/x"),
        b"x",
    )
    .add(
        &format!("{app}/AAAA/Library/WebKit/WebsiteData/LocalStorage/https_evil.example.net_0.localstorage"),
        b"x",
    )
    .add(
        &format!("{app}/BBBB/Library/WebKit/WebsiteData/LocalStorage/http_news.example.org_0.localstorage"),
        b"x",
    )
    .add(
        &format!("{app}/BBBB/Library/WebKit/WebsiteData/LocalStorage/StorageTracker.db"),
        b"x",
    )
    .add(
        &format!("{app}/CCCC/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/https_t.example.com_0/x"),
        b"x",
    );
}

pub fn analytics_event(pairs: &[(&str, &str)]) -> String {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert((*k).into(), Value::String((*v).into()));
    }
    let hex: String = bplist(&Value::Dictionary(d))
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("X'{hex}'")
}

pub const ANALYTICS_DIR: &str = "private/var/Keychains/Analytics";

/// Three analytics databases: `ckks_analytics.db` (all three tables, a duplicate row, a
/// time-less event, a damaged event), `sos_analytics.db`, and `x.db` without the tables.
pub fn analytics(d: &mut SyntheticDump) {
    let hard = analytics_event(&[("build", "18F72"), ("process", "bh"), ("attribute", "x")]);
    let soft = analytics_event(&[("build", "18E199"), ("url", "https://evil.example.net/x")]);
    let zero = analytics_event(&[("kind", "zero")]);
    let table =
        |t: &str| format!("CREATE TABLE {t} (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB);");
    d.add_sqlite(
        &format!("{ANALYTICS_DIR}/ckks_analytics.db"),
        &format!(
            "{}{}{}
             INSERT INTO hard_failures VALUES (1, 1623751200.5, {hard});
             INSERT INTO soft_failures VALUES (1, 1623751100, {soft});
             INSERT INTO all_events VALUES (1, 1623751200.5, {hard});
             INSERT INTO all_events VALUES (2, 0, {zero});
             INSERT INTO all_events VALUES (3, NULL, NULL);
             INSERT INTO all_events VALUES (4, 1623751300, X'00');",
            table("hard_failures"),
            table("soft_failures"),
            table("all_events")
        ),
    );
    d.add_sqlite(
        &format!("{ANALYTICS_DIR}/sos_analytics.db"),
        &format!(
            "{} INSERT INTO hard_failures VALUES (1, 1600000000, {});",
            table("hard_failures"),
            analytics_event(&[("build", "18F72")])
        ),
    );
    d.add_sqlite(&format!("{ANALYTICS_DIR}/x.db"), "CREATE TABLE other (a);");
}

pub const CACHE_A: &str =
    "private/var/mobile/Containers/Data/Application/AAAA/Library/Caches/com.example.app/Cache.db";
pub const CACHE_B: &str =
    "private/var/mobile/Containers/Data/Application/BBBB/Library/Caches/b/Cache.db";
pub const CACHE_SCHEMA: &str = "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY \
    AUTOINCREMENT UNIQUE, version INTEGER, hash_value INTEGER, storage_policy INTEGER, \
    request_key TEXT UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);";

/// Two apps' Cache.db, one without the table, and a file not named Cache.db.
pub fn caches(d: &mut SyntheticDump) {
    d.add_sqlite(
        CACHE_A,
        &format!(
            "{CACHE_SCHEMA} INSERT INTO cfurl_cache_response VALUES
             (1, 0, 123, 0, 'https://evil.example.net/a', '2021-06-15 10:00:00', NULL),
             (2, 0, -5, 1, 'https://apple.com/', '2021-06-15 11:00:00', NULL);"
        ),
    )
    .add_sqlite(
        CACHE_B,
        &format!(
            "{CACHE_SCHEMA} INSERT INTO cfurl_cache_response VALUES
             (7, 0, 1, 0, 'http://news.example.org/', 'garbage time', NULL);"
        ),
    )
    .add_sqlite(
        "private/var/containers/Data/System/S/Library/Caches/Cache.db",
        "CREATE TABLE other (a);",
    )
    .add("private/var/mobile/Library/Caches/NotCache.db", b"x");
}

pub const FAVICONS_MAIN: &str = "private/var/mobile/Library/Image Cache/Favicons/Favicons.db";
pub const FAVICONS_APP: &str = "private/var/mobile/Containers/Data/Application/SAFARI/Library/\
Image Cache/Favicons/Favicons.db";

/// Favicons.db in both places: valid and rejected icons.
pub fn favicons(d: &mut SyntheticDump) {
    d.add_sqlite(
        FAVICONS_MAIN,
        "CREATE TABLE page_url (uuid TEXT, url TEXT);
         CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL, width INTEGER);
         CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, timestamp REAL);
         INSERT INTO page_url VALUES ('u1', 'https://news.example.org/');
         INSERT INTO page_url VALUES ('u2', 'https://evil.example.net/landing');
         INSERT INTO icon_info VALUES ('u1', 'https://news.example.org/favicon.ico', 645000000.0, 16);
         INSERT INTO icon_info VALUES ('u2', 'https://cdn.example.com/i.png', 640000000.25, 32);
         INSERT INTO rejected_resources VALUES ('https://a.example.com/', 'https://a.example.com/x.ico', 0);",
    )
    .add_sqlite(
        FAVICONS_APP,
        "CREATE TABLE page_url (uuid TEXT, url TEXT);
         CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL);
         INSERT INTO page_url VALUES ('z', 'https://b.example.com/');
         INSERT INTO icon_info VALUES ('z', NULL, 600000000);",
    );
}

/// Every artefact above, for tests that run all filesystem-only modules on one dump.
pub fn everything(d: &mut SyntheticDump) {
    netusage(d);
    shutdown(d);
    journals(d);
    webkit(d);
    analytics(d);
    caches(d);
    favicons(d);
}
