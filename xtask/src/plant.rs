//! Indicators to plant, and the expected-detections file describing where they went.
//!
//! A plant file is a JSON array of `{"module", "type", "value", "bundle"?, "wal_only"?}`;
//! `plants/default.json` is the built-in set. Supported `type`s per module are in
//! [`SUPPORTED`]. Each plant becomes exactly one record, and one entry of the expected file.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The built-in plant set (`--plant` omitted).
pub const DEFAULT_PLANTS: &str = include_str!("../plants/default.json");

/// One indicator to plant.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plant {
    /// MVT module slug whose artefact receives the record.
    pub module: String,
    /// STIX2 object type of the indicator (`domain-name`, `url`, `process:name`,
    /// `email-addr`, `file:name`, `configuration-profile:id`, `app:id`), or `heuristic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Indicator value (or heuristic name).
    pub value: String,
    /// Which indicator bundle holds it (informational: `test.stix2`, `pegasus.stix2`, `any`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// With `--wal`, write this record only to the database's `-wal` file (sms only).
    #[serde(default)]
    pub wal_only: bool,
}

/// `(module, type, level MVT raises or None if MVT has no such check)`.
pub const SUPPORTED: &[(&str, &str, Option<&str>)] = &[
    ("sms", "domain-name", Some("CRITICAL")),
    ("sms", "url", Some("CRITICAL")),
    ("safari_history", "domain-name", Some("CRITICAL")),
    ("safari_history", "url", Some("CRITICAL")),
    ("safari_history", "heuristic", Some("MEDIUM")),
    ("whatsapp", "domain-name", Some("CRITICAL")),
    ("whatsapp", "url", Some("CRITICAL")),
    ("datausage", "process:name", Some("CRITICAL")),
    ("tcc", "process:name", Some("CRITICAL")),
    ("os_analytics_ad_daily", "process:name", Some("CRITICAL")),
    ("locationd_clients", "process:name", Some("HIGH")),
    ("id_status_cache", "email-addr", Some("CRITICAL")),
    (
        "webkit_resource_load_statistics",
        "domain-name",
        Some("CRITICAL"),
    ),
    ("manifest", "domain-name", Some("HIGH")),
    ("manifest", "file:name", Some("HIGH")),
    ("configuration_profiles", "heuristic", Some("MEDIUM")),
    (
        "configuration_profiles",
        "configuration-profile:id",
        Some("CRITICAL"),
    ),
    ("calls", "email-addr", None),
    ("interaction_c", "domain-name", None),
    ("interaction_c", "url", None),
    ("backup_info", "app:id", None),
    ("chrome_history", "domain-name", Some("CRITICAL")),
    ("chrome_history", "url", Some("CRITICAL")),
    ("chrome_favicon", "domain-name", Some("CRITICAL")),
    ("chrome_favicon", "url", Some("CRITICAL")),
    ("firefox_history", "domain-name", Some("CRITICAL")),
    ("firefox_history", "url", Some("CRITICAL")),
    ("firefox_favicon", "domain-name", Some("CRITICAL")),
    ("firefox_favicon", "url", Some("CRITICAL")),
    ("profile_events", "process:name", Some("CRITICAL")),
    (
        "profile_events",
        "configuration-profile:id",
        Some("CRITICAL"),
    ),
    ("sms_attachments", "file:name", Some("HIGH")),
    ("sms_attachments", "file:path", Some("HIGH")),
    ("sms_attachments", "heuristic", Some("MEDIUM")),
    (
        "webkit_session_resource_log",
        "domain-name",
        Some("CRITICAL"),
    ),
    ("global_preferences", "heuristic", Some("INFORMATIONAL")),
    ("calendar", "email-addr", Some("CRITICAL")),
    ("calendar", "heuristic", Some("HIGH")),
    ("safari_browser_state", "domain-name", Some("CRITICAL")),
    ("safari_browser_state", "url", Some("CRITICAL")),
    ("contacts", "email-addr", None),
    ("shortcuts", "domain-name", Some("CRITICAL")),
    ("shortcuts", "url", Some("CRITICAL")),
    ("applications", "app:id", Some("CRITICAL")),
    ("applications", "process:name", Some("CRITICAL")),
    ("applications", "heuristic", Some("MEDIUM")),
];

/// Reads `--plant`: `None` = built-in set, `"none"` = nothing, else a JSON file.
pub fn load(arg: Option<&str>) -> Result<Vec<Plant>> {
    let text = match arg {
        None => DEFAULT_PLANTS.to_string(),
        Some("none") => return Ok(Vec::new()),
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
    };
    let plants: Vec<Plant> = serde_json::from_str(&text).context("parsing plant file")?;
    for p in &plants {
        if !SUPPORTED.iter().any(|s| s.0 == p.module && s.1 == p.kind) {
            bail!(
                "cannot plant {} `{}` in module {}",
                p.kind,
                p.value,
                p.module
            );
        }
        if p.wal_only && p.module != "sms" {
            bail!("wal_only is only supported for sms (got {})", p.module);
        }
    }
    Ok(plants)
}

/// The alert level MVT raises for this plant, if it checks it at all.
pub fn level(p: &Plant) -> Option<&'static str> {
    SUPPORTED
        .iter()
        .find(|s| s.0 == p.module && s.1 == p.kind)
        .and_then(|s| s.2)
}

/// Where a record lives in the backup.
#[derive(Clone, Debug, Serialize)]
pub struct FileRef {
    pub domain: String,
    pub relative_path: String,
    pub file_id: String,
}

impl FileRef {
    /// The reference for `domain` + `relative_path`.
    pub fn new(domain: &str, relative_path: &str) -> Self {
        FileRef {
            domain: domain.into(),
            relative_path: relative_path.into(),
            file_id: crate::backup::file_id(domain, relative_path),
        }
    }
}

/// One planted record and the detection it should cause.
#[derive(Clone, Debug, Serialize)]
pub struct Detection {
    pub module: String,
    pub indicator: Indicator,
    /// Bundle holding the indicator, as given in the plant file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// Level of the alert MVT raises for it (`null`: MVT has no check for this).
    pub mvt_level: Option<&'static str>,
    /// Whether MVT reports it: false when MVT has no check or the row is only in a `-wal`
    /// (MVT only reads `<fileID>-wal` next to the database, which backups never contain).
    pub mvt_detects: bool,
    /// The record is only in the `-wal` file of its database.
    pub wal_only: bool,
    pub file: FileRef,
    /// Identifying fields of the record (table, primary key, the field holding the value…).
    pub record: serde_json::Value,
}

/// An indicator as `{type, value}`.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// The expected-detections file, written to `<DIR>.expected.json`.
#[derive(Debug, Serialize)]
pub struct Expected {
    pub generator: &'static str,
    pub seed: u64,
    pub scale: u64,
    pub wal: bool,
    /// Records per module as MVT counts them (see `--help` for the split).
    pub records: BTreeMap<String, u64>,
    /// Records per module that are only in `-wal` files (not in `records`' MVT count).
    pub wal_only_records: BTreeMap<String, u64>,
    pub detections: Vec<Detection>,
}

impl Detection {
    /// A detection for `plant`, found in `file` as `record`.
    pub fn new(plant: &Plant, file: FileRef, record: serde_json::Value, wal_only: bool) -> Self {
        let mvt_level = level(plant);
        Detection {
            module: plant.module.clone(),
            indicator: Indicator {
                kind: plant.kind.clone(),
                value: plant.value.clone(),
            },
            bundle: plant.bundle.clone(),
            mvt_level,
            mvt_detects: mvt_level.is_some() && !wal_only,
            wal_only,
            file,
            record,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_set_is_valid_and_covers_both_bundles() {
        let plants = load(None).expect("default plants");
        assert!(plants
            .iter()
            .any(|p| p.bundle.as_deref() == Some("test.stix2")));
        assert!(plants
            .iter()
            .any(|p| p.bundle.as_deref() == Some("pegasus.stix2")));
        assert!(load(Some("none")).expect("none").is_empty());
    }
}
