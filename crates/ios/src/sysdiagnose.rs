//! Modules over sysdiagnose archives (`tracehound ios check-sysdiagnose`), one file each under
//! `sysdiagnose/`, and what they share: the archive's clock and the places legitimate
//! processes run from.
//!
//! A sysdiagnose (`sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_iPhone-OS_<model>_<build>`) is
//! read through [`tracehound_evidence::IosSysdiagnose`], an [`IosSource`] whose paths are
//! relative to the sysdiagnose's root folder; these modules find their files with the `fs`
//! patterns of their artefacts and declare [`AcquisitionKind::IosSysdiagnose`]
//! (`tracehound_core::AcquisitionKind`). They are listed in [`MODULES`], apart from the
//! backup and filesystem modules, so a backup check never reports them as not run.
//!
//! Several logs of a sysdiagnose (`mobile_installation.log`, `ps.txt`) write local times
//! without a zone; the zone, and the creation time the process lists are a snapshot of, come
//! from the sysdiagnose's name (its folder, or the name `sysdiagnose.log` records).

pub mod apps;
pub mod crash_reports;
pub mod ps;
pub mod shutdown;
pub mod taskinfo;

use crate::IosModule;
use tracehound_core::Timestamp;
use tracehound_evidence::{Artifact, IosSource};

/// Every sysdiagnose module, in the order results list them.
pub static MODULES: &[&IosModule] = &[
    &ps::Ps,
    &taskinfo::Taskinfo,
    &shutdown::SysdiagnoseShutdownLog,
    &crash_reports::CrashReports,
    &apps::InstalledApps,
];

/// When the sysdiagnose was taken, and the device's offset from UTC then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// Creation time (UTC).
    pub created: Option<Timestamp>,
    /// The device's offset from UTC, in seconds (east positive).
    pub offset: Option<i64>,
}

impl Clock {
    /// A local wall-clock time as UTC, with the device's offset (UTC when unknown).
    pub fn local(&self, civil: Civil) -> Option<Timestamp> {
        let secs = civil.unix_secs()?.checked_sub(self.offset.unwrap_or(0))?;
        Timestamp::from_unix_secs(secs)
    }
}

/// Where the sysdiagnose's name is recorded, besides its folder.
const SYSDIAGNOSE_LOG: Artifact = Artifact {
    backup: &[],
    fs: &["sysdiagnose.log"],
};

/// The sysdiagnose's clock: from the folder name in any file's path, else from
/// `sysdiagnose.log` (which names the archive it wrote); unknown when neither has it.
pub fn clock(ev: &dyn IosSource) -> Clock {
    let Ok(found) = ev.find(&SYSDIAGNOSE_LOG) else {
        return Clock::default();
    };
    let from_path = found
        .iter()
        .find_map(|f| f.path.split('/').find_map(parse_name));
    if let Some(c) = from_path {
        return c;
    }
    for f in &found {
        if let Ok(bytes) = ev.read(f) {
            let text = String::from_utf8_lossy(&bytes);
            let mut rest = text.as_ref();
            while let Some(i) = rest.find("sysdiagnose_") {
                let tail = rest.get(i..).unwrap_or_default();
                if let Some(c) = parse_name(tail) {
                    return c;
                }
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    Clock::default()
}

/// A calendar date and time without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–60.
    pub second: u32,
}

impl Civil {
    /// Seconds since the Unix epoch of this time read as UTC; `None` when a field is out of
    /// range.
    pub fn unix_secs(&self) -> Option<i64> {
        let ok = (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
            && (1..=9999).contains(&self.year);
        if !ok {
            return None;
        }
        // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(
            days * 86_400
                + i64::from(self.hour) * 3600
                + i64::from(self.minute) * 60
                + i64::from(self.second),
        )
    }
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A `±HHMM` offset in seconds.
pub fn parse_offset(s: &str) -> Option<i64> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    if digits.len() != 4 {
        return None;
    }
    let h: i64 = num(digits.get(..2)?)?;
    let m: i64 = num(digits.get(2..)?)?;
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// The clock in a name starting `sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ`.
pub fn parse_name(name: &str) -> Option<Clock> {
    let rest = name.strip_prefix("sysdiagnose_")?;
    let date = rest.get(..10)?;
    let time = rest.get(11..19)?;
    let zone = rest.get(19..24)?;
    let mut d = date.split('.');
    let mut t = time.split('-');
    let civil = Civil {
        year: num(d.next()?)?,
        month: num(d.next()?)?,
        day: num(d.next()?)?,
        hour: num(t.next()?)?,
        minute: num(t.next()?)?,
        second: num(t.next()?)?,
    };
    let offset = parse_offset(zone)?;
    let secs = civil.unix_secs()?.checked_sub(offset)?;
    Some(Clock {
        created: Some(Timestamp::from_unix_secs(secs)?),
        offset: Some(offset),
    })
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Thu Nov 22 21:07:35 2018` (the form of `ctime`, the day padded with a space).
pub fn parse_ctime(s: &str) -> Option<Civil> {
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)?;
    let day = num(parts.next()?)?;
    let mut hms = parts.next()?.split(':');
    let (hour, minute, second) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
    Some(Civil {
        year: num(parts.next()?)?,
        month: u32::try_from(month).ok()? + 1,
        day,
        hour,
        minute,
        second,
    })
}

/// `2023-05-24 13:05:58.00 -0700` (crash report headers) as UTC; fractions are dropped.
pub fn parse_zoned(s: &str) -> Option<Timestamp> {
    let mut parts = s.split_whitespace();
    let mut d = parts.next()?.split('-');
    let time = parts.next()?;
    let offset = parse_offset(parts.next()?)?;
    let (hms, _fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.split(':');
    let civil = Civil {
        year: num(d.next()?)?,
        month: num(d.next()?)?,
        day: num(d.next()?)?,
        hour: num(t.next()?)?,
        minute: num(t.next()?)?,
        second: num(t.next()?)?,
    };
    Timestamp::from_unix_secs(civil.unix_secs()?.checked_sub(offset)?)
}

/// Why a process path is not where a legitimate process of this kind runs from, if it is
/// not: the places of [`crate::shutdownlog::unusual_location`] (database and temporary
/// folders first), less the cryptex mounts newer iOS runs system code from; and a process of
/// `root` running from an app's bundle or a user's container (apps run as `mobile`).
pub fn odd_location(path: &str, user: Option<&str>) -> Option<&'static str> {
    const CRYPTEX_MOUNTS: &[&str] = &[
        "/private/var/run/com.apple.security.cryptexd/",
        "/var/run/com.apple.security.cryptexd/",
    ];
    if CRYPTEX_MOUNTS.iter().any(|p| path.starts_with(p)) {
        return None;
    }
    if let Some(why) = crate::shutdownlog::unusual_location(path) {
        return Some(why);
    }
    const APP_PLACES: &[&str] = &[
        "/private/var/containers/Bundle/",
        "/var/containers/Bundle/",
        "/private/var/mobile/Containers/",
        "/var/mobile/Containers/",
    ];
    let root = matches!(user, Some("root" | "0"));
    (root && APP_PLACES.iter().any(|p| path.starts_with(p)))
        .then_some("an app bundle or user container while running as root (apps run as mobile)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_times() {
        let c = parse_name("sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_19H349").unwrap();
        assert_eq!(c.offset, Some(-7 * 3600));
        assert_eq!(
            c.created.unwrap().to_mvt_string(),
            "2023-05-24 20:29:15.000000"
        );
        assert!(parse_name("sysdiagnose_2023.13.24_13-29-15-0700").is_none());
        assert!(parse_name("sysdiagnose_x").is_none());
        let t = parse_ctime("Sat Dec  1 08:20:27 2018").unwrap();
        assert_eq!(
            c.local(t).unwrap().to_mvt_string(),
            "2018-12-01 15:20:27.000000"
        );
        assert_eq!(
            parse_zoned("2023-05-24 13:05:58.00 -0700")
                .unwrap()
                .to_mvt_string(),
            "2023-05-24 20:05:58.000000"
        );
        assert!(parse_zoned("2023-05-24 13:05:58.00").is_none());
        let epoch = Civil {
            year: 1970,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        };
        assert_eq!(epoch.unix_secs(), Some(0));
        let leap = Civil {
            year: 2000,
            month: 3,
            day: 1,
            ..epoch
        };
        assert_eq!(leap.unix_secs(), Some(951_868_800));
    }

    #[test]
    fn locations() {
        assert!(odd_location("/private/var/tmp/x", Some("mobile")).is_some());
        assert!(odd_location("/usr/libexec/x", Some("root")).is_none());
        assert!(
            odd_location("/private/var/containers/Bundle/Application/U/A.app/A", None).is_none()
        );
        assert!(odd_location(
            "/private/var/containers/Bundle/Application/U/A.app/A",
            Some("root")
        )
        .is_some());
        assert!(odd_location(
            "/private/var/run/com.apple.security.cryptexd/mnt/x/usr/libexec/y",
            Some("root")
        )
        .is_none());
        assert!(odd_location("kernel_task", Some("root")).is_none());
    }
}
