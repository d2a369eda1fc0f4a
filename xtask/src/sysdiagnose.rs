//! `gen-ios-sysdiagnose`: a synthetic iOS sysdiagnose, the folder iOS packs as
//! `sysdiagnose_<local time><zone>_iPhone-OS_iPhone_<build>.tar.gz`, with the files the
//! sysdiagnose modules read: `ps.txt`, `taskinfo.txt`, the log archive's `Extra/shutdown.log`,
//! `crashes_and_spins/*.ips` (one not understood), installd's `mobile_installation.log.0` and
//! `sysdiagnose.log`. `--scale` is the number of ordinary processes; reboots, crash reports and
//! app installs follow from it. Indicators from the bundled and MVT test bundles are planted in
//! known records; `<DIR>.expected.json` gives each module's record count, heuristic alerts per
//! level and the indicator detections. With `--tar`, the folder is also packed as
//! `<DIR>.tar.gz`.

use crate::rng::{iso8601, Rng, NOW_UNIX, SPAN_SECS};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Options of one run.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub scale: u64,
    pub seed: u64,
    pub tar: bool,
}

/// The device's offset from UTC (Pacific standard time), in seconds.
const OFFSET: i64 = -8 * 3600;
const BUILD: &str = "20D47";

const DAEMONS: &[&str] = &[
    "/usr/libexec/locationd",
    "/usr/libexec/lockdownd",
    "/usr/libexec/mobileassetd",
    "/usr/libexec/securityd",
    "/usr/libexec/keybagd",
    "/usr/libexec/amfid",
    "/usr/libexec/configd",
    "/usr/libexec/powerd",
    "/usr/libexec/mediaserverd",
    "/usr/sbin/mDNSResponder",
    "/usr/sbin/wifid",
    "/usr/sbin/bluetoothd",
    "/System/Library/PrivateFrameworks/TCC.framework/Support/tccd",
    "/System/Library/PrivateFrameworks/ApplePushService.framework/apsd",
    "/System/Library/CoreServices/SpringBoard.app/SpringBoard",
];
const APPS: &[&str] = &[
    "News", "Maps", "Signal", "Telegram", "Weather", "Notes", "Slack",
];

fn local_parts(unix: i64) -> (String, String, i64) {
    let iso = iso8601((unix + OFFSET) as f64);
    let date = iso.get(..10).unwrap_or_default().to_string();
    let time = iso.get(11..19).unwrap_or_default().to_string();
    (date, time, (unix + OFFSET).div_euclid(86_400))
}

/// `Mon Dec  3 09:00:00 2018` in the device's local time.
fn ctime(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (date, time, days) = local_parts(unix);
    let mut d = date.split('-');
    let (y, m, day) = (d.next(), d.next(), d.next());
    let month: usize = m.and_then(|m| m.parse().ok()).unwrap_or(1);
    let day: u32 = day.and_then(|x| x.parse().ok()).unwrap_or(1);
    format!(
        "{} {} {day:>2} {time} {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[month - 1],
        y.unwrap_or_default()
    )
}

/// `2023-02-20 10:10:10.00 -0800`, as crash report headers write times.
fn zoned(unix: i64) -> String {
    let (date, time, _) = local_parts(unix);
    format!("{date} {time}.00 -0800")
}

/// The sysdiagnose folder's name.
pub fn name() -> String {
    let (date, time, _) = local_parts(NOW_UNIX);
    format!(
        "sysdiagnose_{}_{}-0800_iPhone-OS_iPhone_{BUILD}",
        date.replace('-', "."),
        time.replace(':', "-")
    )
}

/// What the generator wrote.
#[derive(Default)]
struct Tally {
    records: BTreeMap<&'static str, u64>,
    heuristics: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
    detections: Vec<Value>,
}

impl Tally {
    fn add(&mut self, module: &'static str, n: u64) {
        *self.records.entry(module).or_default() += n;
    }
    fn heuristic(&mut self, module: &'static str, level: &'static str) {
        *self
            .heuristics
            .entry(module)
            .or_default()
            .entry(level)
            .or_default() += 1;
    }
    fn plant(
        &mut self,
        module: &str,
        kind: &str,
        value: &str,
        bundle: &str,
        file: &str,
        rec: Value,
    ) {
        self.detections.push(json!({
            "module": module, "indicator": {"type": kind, "value": value}, "bundle": bundle,
            "level": "CRITICAL", "file": file, "record": rec,
        }));
    }
}

fn processes(rng: &mut Rng, n: u64, t: &mut Tally) -> (String, String) {
    let mut ps = String::from(
        "USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI      VSZ    RSS \
         WCHAN    TT  STAT STARTED      TIME COMMAND\n",
    );
    let mut tasks = String::new();
    let line = |ps: &mut String, tasks: &mut String, user: &str, pid: u64, cmd: &str, run: u64| {
        let uid = if user == "root" { 0 } else { 501 };
        let _ = writeln!(
            ps,
            "{user:<18} {uid:>3}     - {pid:>5}     1     4004   0.0  0.1  31  0 40930896  10944 \
             -        ??  Ss    7:22PM   0:00.10 {cmd}"
        );
        let name = cmd
            .split(' ')
            .next()
            .unwrap_or(cmd)
            .rsplit('/')
            .next()
            .unwrap_or(cmd);
        let _ = write!(tasks, "process: \"{name}\" [{pid}]\n\tarchitecture: arm64e\n\trun time: {run} s\n\tthreads:\n\t\tthread ID: 0x{pid:x} / {pid}\n\n\n");
    };
    line(&mut ps, &mut tasks, "root", 1, "/sbin/launchd", SPAN_SECS);
    for i in 0..n {
        let pid = 100 + i;
        let run = rng.below(SPAN_SECS);
        if rng.chance(0.7) {
            let daemon = *rng.pick(DAEMONS);
            line(&mut ps, &mut tasks, "root", pid, daemon, run);
        } else {
            let app = rng.pick(APPS);
            let cmd = format!(
                "/private/var/containers/Bundle/Application/{}/{app}.app/{app}",
                rng.uuid()
            );
            line(&mut ps, &mut tasks, "mobile", pid, &cmd, run);
        }
    }
    line(
        &mut ps,
        &mut tasks,
        "mobile",
        66_001,
        "/private/var/tmp/bh --daemon",
        600,
    );
    let launch = format!(
        "/private/var/containers/Bundle/Application/{}/Launch.app/Launch",
        rng.uuid()
    );
    line(&mut ps, &mut tasks, "mobile", 66_002, &launch, 900);
    t.add("sysdiagnose_ps", n + 3);
    t.heuristic("sysdiagnose_ps", "HIGH");
    t.plant(
        "sysdiagnose_ps",
        "process:name",
        "bh",
        "pegasus.stix2",
        "ps.txt",
        json!({"pid": "66001"}),
    );
    t.plant(
        "sysdiagnose_ps",
        "process:name",
        "Launch",
        "test.stix2",
        "ps.txt",
        json!({"pid": "66002"}),
    );
    // A task ps.txt does not show.
    let _ = write!(
        tasks,
        "process: \"roleaccountd\" [66003]\n\trun time: 3600 s\n"
    );
    t.add("sysdiagnose_taskinfo", n + 4);
    t.plant(
        "sysdiagnose_taskinfo",
        "process:name",
        "bh",
        "pegasus.stix2",
        "taskinfo.txt",
        json!({"pid": "66001"}),
    );
    t.plant(
        "sysdiagnose_taskinfo",
        "process:name",
        "Launch",
        "test.stix2",
        "taskinfo.txt",
        json!({"pid": "66002"}),
    );
    t.plant(
        "sysdiagnose_taskinfo",
        "process:name",
        "roleaccountd",
        "pegasus.stix2",
        "taskinfo.txt",
        json!({"pid": "66003"}),
    );
    (ps, format!("num tasks: {}\n\n{tasks}", n + 4))
}

fn shutdown_log(rng: &mut Rng, n: u64, t: &mut Tally) -> String {
    let mut log = String::new();
    let reboots = (n / 50).max(1);
    let mut times: Vec<i64> = (0..reboots).map(|_| rng.unix_time()).collect();
    times.sort_unstable();
    for (i, when) in times.iter().enumerate() {
        let clients = 1 + rng.below(3);
        let _ = writeln!(
            log,
            "After 0.{}s, these clients are still here:",
            10 + i % 80
        );
        for c in 0..clients {
            let _ = writeln!(
                log,
                "\tremaining client pid: {} ({})",
                200 + c,
                DAEMONS[c as usize]
            );
        }
        t.add("sysdiagnose_shutdown_log", clients);
        let _ = writeln!(log, "SIGTERM: [{when}] Got SIGTERM");
    }
    let rolexd = "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd";
    for wait in ["1.18", "2.20", "3.21"] {
        let _ = writeln!(
            log,
            "After {wait}s, these clients are still here:\n\tremaining client pid: 733 ({rolexd})"
        );
    }
    let _ = writeln!(log, "SIGTERM: [{}] Got SIGTERM", NOW_UNIX - 7200);
    t.add("sysdiagnose_shutdown_log", 1);
    t.heuristic("sysdiagnose_shutdown_log", "HIGH");
    t.heuristic("sysdiagnose_shutdown_log", "MEDIUM");
    t.plant(
        "sysdiagnose_shutdown_log",
        "process:name",
        "rolexd",
        "pegasus.stix2",
        "system_logs.logarchive/Extra/shutdown.log",
        json!({"client": rolexd}),
    );
    log
}

fn write(root: &Path, rel: &str, data: &str) -> Result<()> {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&p, data).with_context(|| format!("writing {}", p.display()))
}

/// Writes the sysdiagnose and its expected file; returns the expected file's content.
pub fn run(o: &Options) -> Result<Value> {
    if o.out.exists() && std::fs::read_dir(&o.out)?.next().is_some() {
        bail!("{} exists and is not empty", o.out.display());
    }
    let root = o.out.join(name());
    let mut t = Tally::default();
    let mut rng = Rng::derive(o.seed, "sysdiagnose");
    let (ps, tasks) = processes(&mut rng, o.scale, &mut t);
    write(&root, "ps.txt", &ps)?;
    write(&root, "taskinfo.txt", &tasks)?;
    write(
        &root,
        "system_logs.logarchive/Extra/shutdown.log",
        &shutdown_log(&mut rng, o.scale, &mut t),
    )?;
    write(
        &root,
        "system_logs.logarchive/Persist/0000000000000001.tracev3",
        "\u{0}",
    )?;
    for (file, text) in reports::crash_reports(&mut rng, o.scale, &mut t) {
        write(&root, &format!("crashes_and_spins/{file}"), &text)?;
    }
    write(
        &root,
        "logs/MobileInstallation/mobile_installation.log.0",
        &reports::install_log(&mut rng, o.scale, &mut t),
    )?;
    write(&root, "sysdiagnose.log", &format!("Output path: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/{}.tar.gz\n", name()))?;
    let expected = json!({
        "generator": "cargo xtask gen-ios-sysdiagnose", "seed": o.seed, "scale": o.scale,
        "name": name(), "records": t.records, "heuristics": t.heuristics,
        "not_understood": {"sysdiagnose_crash_reports": 1, "sysdiagnose_installed_apps": 1},
        "detections": t.detections,
    });
    let exp_path = o.out.with_extension("expected.json");
    std::fs::write(&exp_path, serde_json::to_vec_pretty(&expected)?)?;
    if o.tar {
        let tar_path = o.out.with_extension("tar.gz");
        let file = std::fs::File::create(&tar_path)?;
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        b.append_dir_all(name(), &root)?;
        b.into_inner()?.finish()?;
    }
    Ok(expected)
}

mod reports;
#[cfg(test)]
mod tests;
