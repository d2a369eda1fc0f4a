//! `gen-ios-fs`: a synthetic full-filesystem dump of an iPhone, laid out as the device's `/`.
//!
//! The app and system data a backup holds comes from the backup generator: a backup is
//! generated (at a tenth of the scale) and each of its files moved to its device path (see
//! [`convert`]). The artefacts only dumps have are written next (see [`artefacts`], [`logs`]), then
//! system files (daemons, frameworks, app bundles, app data, photos) until the dump holds
//! `--scale` files ([`system`]). Indicators are planted in known records, and
//! `<DIR>.expected.json` lists each module's record count and each detection the plants should
//! cause (those of the backup translated to the dump: the Manifest's LocalStorage and file-name
//! plants become WebkitLocalStorage and Filesystem detections). With `--tar`, the tree is also
//! packed as `<DIR>.tar.gz`.

mod artefacts;
mod convert;
mod logs;
mod system;
#[cfg(test)]
mod tests;
mod writer;

use crate::plant::{Detection, Expected, FileRef, Indicator, Plant};
use crate::rng::{Rng, NOW_UNIX, SPAN_SECS};
use crate::{gen, plant};
use anyhow::{Context, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use writer::Dump;

/// Where daemon binaries live in generated dumps.
pub const LIBEXEC: &str = "usr/libexec";

/// Options of one run.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub scale: u64,
    pub seed: u64,
    pub tar: bool,
}

/// Indicators planted in the dump-only artefacts: `(module, type, value, bundle)`.
const FS_PLANTS: &[(&str, &str, &str, &str)] = &[
    ("netusage", "process:name", "Launch", "test.stix2"),
    ("netusage", "process:name", "bh", "pegasus.stix2"),
    ("analytics", "process:name", "roleaccountd", "pegasus.stix2"),
    ("analytics", "domain-name", "example.org", "test.stix2"),
    ("cache_files", "domain-name", "example.org", "test.stix2"),
    (
        "cache_files",
        "domain-name",
        "tookcheckout.com",
        "pegasus.stix2",
    ),
    (
        "safari_favicon",
        "domain-name",
        "weather4free.com",
        "pegasus.stix2",
    ),
    ("shutdown_log", "process:name", "rolexd", "pegasus.stix2"),
    (
        "webkit_indexeddb",
        "domain-name",
        "pincattape.com",
        "pegasus.stix2",
    ),
    (
        "webkit_safari_view_service",
        "domain-name",
        "newenvelope.net",
        "pegasus.stix2",
    ),
    (
        "webkit_origins",
        "domain-name",
        "mainredirecter.com",
        "pegasus.stix2",
    ),
    (
        "filesystem",
        "file:path",
        "/private/var/tmp/takePhoto",
        "cytrox.stix2",
    ),
];

/// The level MVT raises for an indicator of `kind` in `module`, when it checks it (its
/// Filesystem module compares indicator paths with paths lacking the leading `/`).
fn mvt_level(module: &str, kind: &str) -> Option<&'static str> {
    match (module, kind) {
        ("filesystem", "file:path") => None,
        // MVT does not read the hashed WebKit layout.
        ("webkit_origins", _) => None,
        ("filesystem", _) => Some("HIGH"),
        _ => Some("CRITICAL"),
    }
}

/// Modules that never run on dumps, or whose backup artefact is not in a dump (Applications
/// reads Info.plist in backups, app bundles' iTunesMetadata.plist in dumps).
const NOT_CARRIED: &[&str] = &[
    "manifest",
    "backup_info",
    "configuration_profiles",
    "applications",
];

/// State shared by the dump-only artefact writers.
pub struct Fs {
    pub dump: Dump,
    seed: u64,
    scale: u64,
    plants: Vec<Plant>,
    records: BTreeMap<String, u64>,
    detections: Vec<Detection>,
}

impl Fs {
    /// The random stream of one artefact.
    pub fn rng(&self, stream: &str) -> Rng {
        Rng::derive(self.seed, &format!("fs {stream}"))
    }

    /// `max(scale / divisor, min)`.
    pub fn part(&self, divisor: u64, min: u64) -> u64 {
        (self.scale / divisor).max(min)
    }

    /// The plants for `module`.
    pub fn plants(&self, module: &str) -> Vec<Plant> {
        self.plants
            .iter()
            .filter(|p| p.module == module)
            .cloned()
            .collect()
    }

    /// Sets the record count of `module`.
    pub fn records(&mut self, module: &str, n: u64) {
        self.records.insert(module.to_string(), n);
    }

    /// Adds to the record count of `module`.
    pub fn add_records(&mut self, module: &str, n: u64) {
        *self.records.entry(module.to_string()).or_insert(0) += n;
    }

    /// Records the detection `plant` causes in its module, in the file at device `path`.
    pub fn detect(
        &mut self,
        plant: &Plant,
        level: &'static str,
        path: &str,
        record: serde_json::Value,
    ) {
        let module = plant.module.clone();
        self.detect_as(&module, plant, level, path, record);
    }

    /// Records the detection `plant` causes in `module`.
    pub fn detect_as(
        &mut self,
        module: &str,
        plant: &Plant,
        level: &'static str,
        path: &str,
        record: serde_json::Value,
    ) {
        let mvt = mvt_level(module, &plant.kind);
        self.detections.push(Detection {
            module: module.to_string(),
            indicator: Indicator {
                kind: plant.kind.clone(),
                value: plant.value.clone(),
            },
            bundle: plant.bundle.clone(),
            mvt_level: mvt,
            mvt_detects: mvt.is_some(),
            wal_only: false,
            file: device_file(path),
            record: json!({"level": level, "record": record}),
        });
    }

    /// Records a heuristic alert of `module` at `level` about `value`.
    pub fn heuristic(
        &mut self,
        module: &str,
        level: &'static str,
        name: &str,
        value: &str,
        path: &str,
        record: serde_json::Value,
    ) {
        self.detections.push(Detection {
            module: module.to_string(),
            indicator: Indicator {
                kind: "heuristic".into(),
                value: format!("{name}: {value}"),
            },
            bundle: Some("any".into()),
            mvt_level: None,
            mvt_detects: false,
            wal_only: false,
            file: device_file(path),
            record: json!({"level": level, "record": record}),
        });
    }
}

fn device_file(path: &str) -> FileRef {
    FileRef {
        domain: String::new(),
        relative_path: path.trim_start_matches('/').to_string(),
        file_id: String::new(),
    }
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let mut s = out.components().as_path().as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Generates the dump, its expected file and, with `tar`, its archive.
pub fn run(o: &Options) -> Result<Expected> {
    let staging = sibling(&o.out, ".backup-staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let plants = plant::load(None)?;
    let backup = gen::run(&gen::Options {
        out: staging.clone(),
        scale: (o.scale / 10).max(100),
        seed: o.seed,
        wal: false,
        plants,
    })
    .context("generating the backup the dump's app data comes from")?;
    let mut dump = Dump::create(&o.out)?;
    let mut homes = convert::Homes::new(o.seed);
    let moved = convert::backup_to_dump(&staging, &mut dump, &mut homes, NOW_UNIX)?;
    homes.write_metadata(&mut dump, NOW_UNIX - SPAN_SECS as i64)?;
    std::fs::remove_dir_all(&staging).ok();
    std::fs::remove_file(gen::expected_path(&staging)).ok();

    let mut fs = Fs {
        dump,
        seed: o.seed,
        scale: o.scale,
        plants: FS_PLANTS
            .iter()
            .map(|(module, kind, value, bundle)| Plant {
                module: module.to_string(),
                kind: kind.to_string(),
                value: value.to_string(),
                bundle: Some(bundle.to_string()),
                wal_only: false,
            })
            .collect(),
        records: BTreeMap::new(),
        detections: Vec::new(),
    };
    translate(&mut fs, backup, &moved);
    artefacts::netusage(&mut fs)?;
    artefacts::analytics(&mut fs)?;
    artefacts::cache_files(&mut fs)?;
    artefacts::safari_favicon(&mut fs)?;
    logs::shutdown_log(&mut fs)?;
    logs::journals(&mut fs)?;
    logs::webkit(&mut fs)?;
    for p in fs.plants("filesystem") {
        let path = p.value.trim_start_matches('/').to_string();
        fs.dump
            .file(&path, b"\xcf\xfa\xed\xfe", NOW_UNIX - 86_400)?;
        fs.detect(&p, "CRITICAL", &path, json!({"path": p.value}));
    }
    system::fill(&mut fs, o.scale)?;
    let Fs {
        dump,
        mut records,
        detections,
        ..
    } = fs;
    let root = dump.root().to_path_buf();
    dump.finish(NOW_UNIX - SPAN_SECS as i64)?;
    records.insert("filesystem".into(), writer::count_entries(&root)?);
    let expected = Expected {
        generator: "cargo xtask gen-ios-fs",
        seed: o.seed,
        scale: o.scale,
        wal: false,
        records,
        wal_only_records: BTreeMap::new(),
        detections,
    };
    let path = gen::expected_path(&o.out);
    let text = serde_json::to_string_pretty(&expected)? + "\n";
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    if o.tar {
        writer::pack_tar_gz(&o.out, &sibling(&o.out, ".tar.gz"))?;
    }
    Ok(expected)
}

/// Carries the backup's record counts and detections over to the dump.
fn translate(
    fs: &mut Fs,
    backup: Expected,
    moved: &std::collections::HashMap<(String, String), String>,
) {
    for (module, n) in backup.records {
        if !NOT_CARRIED.contains(&module.as_str()) {
            fs.records.insert(module, n);
        }
    }
    for mut d in backup.detections {
        let module = match (d.module.as_str(), d.indicator.kind.as_str()) {
            ("manifest", "domain-name") => "webkit_local_storage",
            ("manifest", "file:name") => "filesystem",
            (m, _) if NOT_CARRIED.contains(&m) => continue,
            (m, _) => m,
        }
        .to_string();
        let key = (d.file.domain.clone(), d.file.relative_path.clone());
        let Some(path) = moved.get(&key) else {
            continue;
        };
        if module == "webkit_local_storage" {
            fs.add_records(&module, 1);
        }
        if module == "datausage" && d.indicator.kind == "process:name" {
            // Planted processes have no bundle id and no binary in the dump.
            let value = d.indicator.value.clone();
            let rec = d.record.clone();
            fs.heuristic("datausage", "MEDIUM", "binary-missing", &value, path, rec);
        }
        d.module = module;
        d.file = device_file(path);
        fs.detections.push(d);
    }
}
