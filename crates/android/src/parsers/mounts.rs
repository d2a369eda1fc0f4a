//! Mount tables. androidqf (2024+) saves the lines of `mount` as a JSON array of strings in
//! `mounts.json` (`/dev/block/dm-12 on / type ext4 (ro,seclabel)`); `/proc/mounts` lines
//! (`/dev/block/dm-12 / ext4 ro,seclabel 0 0`) are read too.
//!
//! Heuristics: a system partition (`/system`, `/vendor`, `/product`, `/system_ext` and what
//! starts with them) mounted read-write is HIGH — a sign of rooting; `remount`, `noatime` or
//! `nodiratime` on one (outside the partitions that ship with `noatime`) is MEDIUM.

use super::Parsed;
use serde::Serialize;
use tracehound_core::{Alert, Level, Observable, Record};

/// One mounted filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// Device or source.
    pub device: String,
    /// Where it is mounted.
    pub mount_point: String,
    /// Filesystem type.
    pub filesystem_type: String,
    /// Options, as printed.
    pub mount_options: String,
    /// Options, split.
    pub options_list: Vec<String>,
    /// Whether it is a system partition.
    pub is_system_partition: bool,
    /// Whether it is mounted read-write.
    pub is_read_write: bool,
}

impl Record for Mount {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::FilePath(&self.mount_point));
        out.push(Observable::FilePath(&self.device));
    }
}

const SYSTEM_PARTITIONS: &[&str] = &["/system", "/vendor", "/product", "/system_ext"];
const SUSPICIOUS_OPTIONS: &[&str] = &["rw", "remount", "noatime", "nodiratime"];
/// Partitions that are mounted `noatime` on stock devices.
const NOATIME_STOCK: &[&str] = &[
    "/system_dlkm",
    "/system_ext",
    "/product",
    "/vendor",
    "/vendor_dlkm",
];

/// Parses one mount line, in `mount` or `/proc/mounts` form.
pub fn parse_mount_line(line: &str) -> Option<Mount> {
    let line = line.trim();
    let (device, mount_point, fs, options) = match line.split_once(" on ") {
        Some((device, rest)) => {
            let (mp, fs_part) = rest.split_once(" type ")?;
            let fs_part = fs_part.trim();
            match fs_part.split_once('(') {
                Some((fs, opts)) if fs_part.ends_with(')') => {
                    (device, mp, fs, opts.strip_suffix(')').unwrap_or(opts))
                }
                _ => (device, mp, fs_part, ""),
            }
        }
        None => {
            let mut f = line.split_whitespace();
            let (d, mp, fs, opts) = (f.next()?, f.next()?, f.next()?, f.next()?);
            (d, mp, fs, opts)
        }
    };
    let (device, mount_point, fs) = (device.trim(), mount_point.trim(), fs.trim());
    if device.is_empty() || mount_point.is_empty() || fs.is_empty() {
        return None;
    }
    let options = options.trim();
    let options_list: Vec<String> = options
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect();
    Some(Mount {
        device: device.to_string(),
        mount_point: mount_point.to_string(),
        filesystem_type: fs.to_string(),
        is_system_partition: SYSTEM_PARTITIONS.iter().any(|p| mount_point.starts_with(p)),
        is_read_write: options_list.iter().any(|o| o == "rw"),
        mount_options: options.to_string(),
        options_list,
    })
}

/// Parses the items of `mounts.json` (strings; anything else is counted as not understood).
pub fn parse_mounts(items: &[serde_json::Value]) -> Parsed<Mount> {
    let mut out = Parsed::default();
    for (i, item) in items.iter().enumerate() {
        let Some(line) = item.as_str() else {
            out.fail(|| format!("item {i}: not a string"));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_mount_line(line) {
            Some(m) => out.records.push(m),
            None => out.fail(|| format!("item {i}: not a mount line: {line:?}")),
        }
    }
    out
}

/// HIGH for system partitions mounted read-write; MEDIUM for suspicious options on them.
pub fn check_mounts(mounts: &[Mount]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, m) in mounts.iter().enumerate() {
        if !m.is_system_partition {
            continue;
        }
        if m.is_read_write {
            let msg = if m.mount_point == "/system" {
                "The /system partition is mounted read-write: a sign of rooting".to_string()
            } else {
                format!(
                    "System partition {} is mounted read-write: the system may have been modified",
                    m.mount_point
                )
            };
            alerts.push(Alert::heuristic(Level::High, i, msg));
        }
        let odd: Vec<&str> = m
            .options_list
            .iter()
            .map(String::as_str)
            .filter(|o| SUSPICIOUS_OPTIONS.contains(o))
            .collect();
        if odd.is_empty()
            || (m.mount_options.contains("noatime")
                && NOATIME_STOCK.contains(&m.mount_point.as_str()))
        {
            continue;
        }
        alerts.push(Alert::heuristic(
            Level::Medium,
            i,
            format!(
                "Unusual mount options on {}: {}",
                m.mount_point,
                odd.join(", ")
            ),
        ));
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_forms() {
        let items = [
            json!("/dev/block/dm-12 on / type ext4 (ro,seclabel,noatime)"),
            json!("/dev/block/sda1 /system ext4 rw,seclabel 0 0"),
            json!("tmpfs on /dev type tmpfs"),
            json!(42),
            json!("nonsense"),
            json!(""),
        ];
        let p = parse_mounts(&items);
        assert_eq!((p.records.len(), p.failed), (3, 2));
        assert!(p.records[1].is_system_partition && p.records[1].is_read_write);
        let a = check_mounts(&p.records);
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].level, a[1].level), (Level::High, Level::Medium));
    }
}
