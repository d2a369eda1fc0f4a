//! `root_binaries.json` (androidqf 2025+, any Android version): a JSON array of the paths of
//! known root binaries (`su`, `busybox`, `magisk`…) androidqf found on the phone. Each is HIGH:
//! stock phones have none.

use super::Parsed;
use serde::Serialize;
use serde_json::Value;
use tracehound_core::{Alert, Level, Observable, Record, TimelineEvent};

/// A root binary androidqf found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootBinary {
    /// Its path on the phone.
    pub path: String,
    /// Its file name, lower-cased.
    pub binary_name: String,
    /// What it is.
    pub description: String,
}

impl Record for RootBinary {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::FilePath(&self.path));
    }
    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            None,
            "root_binary_found",
            format!(
                "Root binary found: {} (binary: {})",
                self.path, self.binary_name
            ),
        ));
    }
}

/// Known root binaries, by lower-cased file name.
const ROOT_BINARIES: &[(&str, &str)] = &[
    ("su", "SuperUser binary"),
    ("busybox", "BusyBox utilities"),
    ("supersu", "SuperSU root management"),
    ("superuser.apk", "Superuser app"),
    ("kingouser.apk", "KingRoot app"),
    ("supersu.apk", "SuperSU app"),
    ("magisk", "Magisk root framework"),
    ("magiskhide", "Magisk hide utility"),
    ("magiskinit", "Magisk init binary"),
    ("magiskpolicy", "Magisk policy binary"),
];

/// Keeps the items that are non-empty strings; counts the others.
pub fn parse_root_binaries(items: &[Value]) -> Parsed<RootBinary> {
    let mut out = Parsed::default();
    for (i, item) in items.iter().enumerate() {
        let Some(path) = item.as_str().map(str::trim).filter(|p| !p.is_empty()) else {
            out.fail(|| format!("item {i}: not a path"));
            continue;
        };
        let binary_name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
        let description = ROOT_BINARIES
            .iter()
            .find(|(n, _)| *n == binary_name)
            .map_or("Unknown root binary", |(_, d)| d);
        out.records.push(RootBinary {
            path: path.to_string(),
            description: description.to_string(),
            binary_name,
        });
    }
    out
}

/// HIGH for every root binary.
pub fn check_root_binaries(bins: &[RootBinary]) -> Vec<Alert> {
    bins.iter()
        .enumerate()
        .map(|(i, b)| {
            Alert::heuristic(
                Level::High,
                i,
                format!("Root binary \"{}\" found at \"{}\"", b.binary_name, b.path),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn root_binaries() {
        let p = parse_root_binaries(&[
            json!("/system/bin/su"),
            json!(""),
            json!(3),
            json!("/x/Magisk "),
        ]);
        assert_eq!((p.records.len(), p.failed), (2, 2));
        assert_eq!(p.records[1].binary_name, "magisk");
        assert_eq!(p.records[1].path, "/x/Magisk");
    }
}
