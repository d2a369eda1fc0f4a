//! Tiny synthetic sysdiagnoses for module tests: a `sysdiagnose_…` folder in a scratch
//! directory with known artefacts, opened as a folder or packed as the `.tar.gz` iOS writes.
//! Include with `#[path = "support/sysdiagnose.rs"] mod sysdiagnose;`.
#![allow(dead_code)] // each test binary uses part of it

// Some tests include two of the support files; each brings its own copy.
#[allow(clippy::duplicate_mod)]
#[path = "outputs.rs"]
mod outputs;
#[allow(unused_imports)] // each test binary uses part of it
pub use outputs::{alerts, observables, records_json, timeline};

use flate2::write::GzEncoder;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tracehound_core::{ModuleError, ModuleOutput};
use tracehound_evidence::{IosSource, IosSysdiagnose};
use tracehound_ios::sysdiagnose::MODULES;

/// The folder name iOS gives a sysdiagnose taken 2023-05-24 13:29:15 at UTC−7.
pub const NAME: &str = "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_20F66";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn scratch(name: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tracehound-sd-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sysdiagnose being built, removed when dropped.
pub struct SyntheticSysdiagnose {
    dir: PathBuf,
    /// Path of the files inside `dir` (`NAME/` or `""`).
    prefix: String,
}

impl SyntheticSysdiagnose {
    /// An empty sysdiagnose in a `NAME` folder.
    pub fn new(name: &str) -> Self {
        Self::with_prefix(name, &format!("{NAME}/"))
    }

    /// An empty sysdiagnose whose files sit under `prefix` (`""` for the top).
    pub fn with_prefix(name: &str, prefix: &str) -> Self {
        SyntheticSysdiagnose {
            dir: scratch(name),
            prefix: prefix.to_string(),
        }
    }

    /// The folder to open (holding `NAME/`, or the files themselves).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `path` (relative to the sysdiagnose root).
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> &mut Self {
        let p = self.dir.join(format!("{}{path}", self.prefix));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        self
    }

    /// Opens the folder.
    pub fn open(&self) -> IosSysdiagnose {
        IosSysdiagnose::open(&self.dir).unwrap()
    }

    /// Packs the folder as `NAME.tar.gz` in `dir/../` (entries as `tar czf` writes them,
    /// folders included) and returns its path.
    pub fn pack(&self) -> PathBuf {
        let out = self.dir.with_extension("archive");
        std::fs::create_dir_all(&out).unwrap();
        let path = out.join(format!("{NAME}.tar.gz"));
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        b.append_dir_all(".", &self.dir).unwrap();
        let bytes = b.into_inner().unwrap().finish().unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Packs and opens the `.tar.gz`.
    pub fn open_tar_gz(&self) -> IosSysdiagnose {
        IosSysdiagnose::open(&self.pack()).unwrap()
    }
}

impl Drop for SyntheticSysdiagnose {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_dir_all(self.dir.with_extension("archive"));
    }
}

/// Runs the module `slug` on `ev`.
pub fn run(slug: &str, ev: &(dyn IosSource + 'static)) -> Result<ModuleOutput, ModuleError> {
    outputs::run_in(MODULES, slug, ev)
}

// ---- Artefacts with known contents. ----

/// `ps.txt`: launchd; an app whose name holds a space; kernel_task (no path); a staging-folder
/// daemon, a root process in an app bundle, a `/private/var/tmp` process (the three HIGH); a
/// cryptex daemon (not flagged); one line that is not a process.
pub const PS: &str = "\
USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS WCHAN    TT  STAT STARTED      TIME COMMAND
root                 0     -     1     0     4004   0.0  0.1  37  0 40930896  10944 -        ??  Ss   Sat09AM   0:50.56 /sbin/launchd
mobile             501     -   120     1     4004   0.0  0.2  31  0 40930896  10944 -        ??  Ss   7:22PM    0:01.00 /private/var/containers/Bundle/Application/U1/My App.app/My App -launch
root                 0     -     0     0        0   0.0  0.0   0  0        0      0 -        ??  ?s    7:22PM   0:00.00 kernel_task
root                 0     -   733     1     4004   0.0  0.1  31  0 40930896  10944 -        ??  Ss   Sat09AM   0:00.10 /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd
root                 0     -   801     1     4004   0.0  0.1  31  0 40930896  10944 -        ??  Ss   Sat09AM   0:00.10 /private/var/containers/Bundle/Application/U2/Evil.app/Evil
mobile             501     -   802     1     4004   0.0  0.1  31  0 40930896  10944 -        ??  Ss   Sat09AM   0:00.10 /private/var/tmp/bh --daemon
root                 0     -   803     1     4004   0.0  0.1  31  0 40930896  10944 -        ??  Ss   Sat09AM   0:00.10 /private/var/run/com.apple.security.cryptexd/mnt/com.apple.x/usr/libexec/y
this line is not a process
";

/// `taskinfo.txt`: three tasks declared, three listed (one without a run time), a stray line.
pub const TASKINFO: &str = "\
num tasks: 3

process: \"kernel_task\" [0]
\tarchitecture: arm64e
\trun time: 86400 s
\tthreads:
\t\tthread ID: 0x65 / 101
\t\tthread ID: 0x66 / 102


process: \"bh\" [802]
\trun time: 60 s
\tthreads:
\t\tthread ID: 0x70 / 112


process: \"launchd\" [1]
\tarchitecture: arm64e
stray line
";

/// The sysdiagnose's copy of shutdown.log: one reboot held up by a staging-folder process.
pub const SHUTDOWN: &str = "\
After 1.18s, these clients are still here:
\tremaining client pid: 212 (/usr/libexec/lockdownd)
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 2.20s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 3.21s, these clients are still here:
\tremaining client pid: 733 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1684900000] Got SIGTERM
";

/// A crash of a daemon running from `/private/var/db` (HIGH), iOS 15+ JSON.
pub const IPS_EVIL: &str = concat!(
    "{\"app_name\":\"evild\",\"timestamp\":\"2023-05-24 13:05:58.00 -0700\",\"bug_type\":\"309\",",
    "\"os_version\":\"iPhone OS 16.5 (20F66)\",\"incident_id\":\"I-1\"}\n",
    "{\"procName\":\"evild\",\"procPath\":\"/private/var/db/evil/evild\",\"parentProc\":\"launchd\",",
    "\"userID\":0,\"coalitionName\":\"com.evil.coalition\",",
    "\"usedImages\":[{\"path\":\"/private/var/db/evil/evild\"},{\"path\":\"/usr/lib/dyld\"},{\"source\":\"S\"}]}\n"
);

/// A jetsam report listing processes (one of them `bh`).
pub const IPS_JETSAM: &str = concat!(
    "{\"bug_type\":\"298\",\"timestamp\":\"2023-05-20 10:10:10.00 +0200\",\"os_version\":\"iPhone OS 16.5 (20F66)\"}\n",
    "{\"processes\":[{\"name\":\"SpringBoard\",\"pid\":35},{\"name\":\"bh\",\"pid\":802},{\"name\":\"bh\"}]}"
);

/// An app crash in the pre-iOS 15 text format, with its bundle id.
pub const IPS_TEXT: &str = "{\"app_name\":\"News\",\"timestamp\":\"2019-01-02 03:04:05.00 +0000\",\"bug_type\":\"109\",\"bundleID\":\"com.apple.news\"}\n\
Incident Identifier: X\nProcess:             News [1234]\n\
Path:                /private/var/containers/Bundle/Application/U3/News.app/News\n\
Identifier:          com.apple.news\nParent Process:      launchd [1]\n";

/// installd's log: a line before any entry (not understood), an App Store install with its
/// bundle folder, a developer install (MEDIUM), a removal, a continuation line.
pub const INSTALL_LOG: &str = "\
garbage before any entry
Sun Dec  2 11:05:18 2018 [47] <notice> (0x16bad3000) -[MIClientConnection _doInstallationForURL:withOptions:completion:]: Install of \"/private/var/containers/Shared/SystemGroup/x/PromiseStaging/88A3/News.app\" type Customer (LSInstallType = 1) requested by lsd (pid 87)
Sun Dec  2 11:05:19 2018 [47] <notice> (0x16bad3000) -[MIInstaller performInstallationWithError:]: Installing <MIInstallableBundle ID=com.example.news; Version=122.2.2, ShortVersion=122.2>
Sun Dec  2 11:05:19 2018 [47] <notice> (0x16bad3000) -[MIContainer makeContainerLiveReplacingContainer:reason:withError:]: Made container live for com.example.news at /private/var/mobile/Containers/Data/Application/07EC
Sun Dec  2 11:05:19 2018 [47] <notice> (0x16bad3000) -[MIContainer makeContainerLiveReplacingContainer:reason:withError:]: Made container live for com.example.news at /private/var/containers/Bundle/Application/43F1
Sun Dec  2 11:04:17 2018 [47] <notice> (0x16bad3000) -[MIClientConnection uninstallIdentifiers:withOptions:completion:]: Uninstall requested by lsd (pid 87) for identifier com.old.app with options: (null)
Sun Dec  2 11:04:22 2018 [47] <notice> (0x16bad3000) -[MIUninstaller _uninstallBundleWithIdentifier:error:]: Uninstalling identifier com.old.app
Sun Dec  2 11:04:22 2018 [47] <notice> (0x16bad3000) -[MIKeychainAccessGroupTracker _removeGroupsWithError:error:]: Removing keychain access groups: (
    \"group.com.old.app\"
)
Mon Dec  3 09:00:00 2018 [47] <notice> (0x16bad3000) -[MIClientConnection _doInstallationForURL:withOptions:completion:]: Install of \"/private/var/mobile/Media/PublicStaging/Agent.app\" type Developer (LSInstallType = (null)) requested by streaming_zip_conduit (pid 300)
Mon Dec  3 09:00:01 2018 [47] <notice> (0x16bad3000) -[MIInstaller performInstallationWithError:]: Installing <MIInstallableBundle ID=com.evil.agent; Version=(null), ShortVersion=(null)>
";

/// Every artefact above, at its place, and `sysdiagnose.log`.
pub fn full(s: &mut SyntheticSysdiagnose) {
    s.add("ps.txt", PS.as_bytes())
        .add("taskinfo.txt", TASKINFO.as_bytes())
        .add(
            "sysdiagnose.log",
            format!("Output path: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/{NAME}.tar.gz\n").as_bytes(),
        )
        .add("system_logs.logarchive/Extra/shutdown.log", SHUTDOWN.as_bytes())
        .add("system_logs.logarchive/Persist/0000000000000001.tracev3", b"\x00\x10")
        .add("crashes_and_spins/ExcUserFault_evild-2023-05-24-130558.ips", IPS_EVIL.as_bytes())
        .add("crashes_and_spins/JetsamEvent-2023-05-20-101010.ips", IPS_JETSAM.as_bytes())
        .add("crashes_and_spins/Retired/News-2019-01-02-030405.ips", IPS_TEXT.as_bytes())
        .add("crashes_and_spins/broken.ips", b"\x00\x01 not json\n{}")
        .add(
            "logs/MobileInstallation/mobile_installation.log.0",
            INSTALL_LOG.as_bytes(),
        );
}
