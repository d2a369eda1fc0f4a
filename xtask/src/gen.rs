//! `gen-ios-backup`: orchestrates the artefact writers and writes the expected file.

use crate::backup::Backup;
use crate::device::{self, Device};
use crate::plant::{Detection, Expected, FileRef, Plant};
use crate::rng::Rng;
use crate::{artefacts, manifest_noise};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Options of one generation run.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub scale: u64,
    pub seed: u64,
    pub wal: bool,
    pub plants: Vec<Plant>,
}

/// State shared by the artefact writers.
pub struct Ctx {
    pub backup: Backup,
    pub seed: u64,
    pub scale: u64,
    pub wal: bool,
    plants: Vec<Plant>,
    pub expected: Expected,
    clock: Rng,
}

impl Ctx {
    /// The random stream of one module.
    pub fn rng(&self, stream: &str) -> Rng {
        Rng::derive(self.seed, stream)
    }

    /// The plants for `module`.
    pub fn plants(&self, module: &str) -> Vec<Plant> {
        self.plants
            .iter()
            .filter(|p| p.module == module)
            .cloned()
            .collect()
    }

    /// `max(scale / divisor, min)`: how many records a module gets.
    pub fn part(&self, divisor: u64, min: u64) -> u64 {
        (self.scale / divisor).max(min)
    }

    /// A file modification time for the manifest.
    pub fn mtime(&mut self) -> i64 {
        self.clock.unix_time()
    }

    /// Records a planted record and the detection it should cause.
    pub fn planted(&mut self, plant: &Plant, file: FileRef, record: serde_json::Value) {
        let wal_only = plant.wal_only && self.wal;
        self.expected
            .detections
            .push(Detection::new(plant, file, record, wal_only));
    }

    /// Sets the number of records MVT extracts for `module`.
    pub fn records(&mut self, module: &str, n: u64) {
        self.expected.records.insert(module.to_string(), n);
    }

    /// Sets the number of `module` records that are only in a `-wal` file.
    pub fn wal_records(&mut self, module: &str, n: u64) {
        if n > 0 {
            self.expected.wal_only_records.insert(module.to_string(), n);
        }
    }
}

/// Where the expected file of backup `out` goes: `<out>.expected.json`, beside the folder.
pub fn expected_path(out: &Path) -> PathBuf {
    let mut s = out.components().as_path().as_os_str().to_owned();
    s.push(".expected.json");
    PathBuf::from(s)
}

/// Generates the backup and its expected file.
pub fn run(opts: &Options) -> Result<Expected> {
    let backup = Backup::create(&opts.out, opts.seed)?;
    let mut ctx = Ctx {
        backup,
        seed: opts.seed,
        scale: opts.scale,
        wal: opts.wal,
        plants: opts.plants.clone(),
        expected: Expected {
            generator: "cargo xtask gen-ios-backup",
            seed: opts.seed,
            scale: opts.scale,
            wal: opts.wal,
            records: BTreeMap::new(),
            wal_only_records: BTreeMap::new(),
            detections: Vec::new(),
        },
        clock: Rng::derive(opts.seed, "clock"),
    };

    artefacts::sms::generate(&mut ctx)?;
    artefacts::safari_history::generate(&mut ctx)?;
    artefacts::whatsapp::generate(&mut ctx)?;
    artefacts::datausage::generate(&mut ctx)?;
    artefacts::tcc::generate(&mut ctx)?;
    artefacts::calls::generate(&mut ctx)?;
    artefacts::interaction_c::generate(&mut ctx)?;
    artefacts::webkit::generate(&mut ctx)?;
    artefacts::plists::generate(&mut ctx)?;
    artefacts::profiles::generate(&mut ctx)?;
    artefacts::chrome::generate(&mut ctx)?;
    artefacts::firefox::generate(&mut ctx)?;
    artefacts::profile_events::generate(&mut ctx)?;
    artefacts::session_log::generate(&mut ctx)?;
    artefacts::global_preferences::generate(&mut ctx)?;
    artefacts::calendar::generate(&mut ctx)?;
    artefacts::safari_browser_state::generate(&mut ctx)?;
    artefacts::address_book::generate(&mut ctx)?;
    artefacts::shortcuts::generate(&mut ctx)?;
    let applications = artefacts::applications::generate(&mut ctx)?;

    let extra_apps: Vec<String> = ctx
        .plants("backup_info")
        .into_iter()
        .map(|p| {
            let file = FileRef::new("", "Info.plist");
            let rec = serde_json::json!({"field": "Installed Applications", "value": p.value});
            ctx.planted(&p, file, rec);
            p.value
        })
        .collect();
    let device = Device::generate(&mut ctx.rng("device"), &extra_apps);

    manifest_noise::generate(&mut ctx)?;
    let Ctx {
        backup,
        mut expected,
        ..
    } = ctx;
    let rows = backup.finish()?;
    expected.records.insert("manifest".into(), rows as u64);
    expected.records.insert("backup_info".into(), 1);
    device::write_plists(&opts.out, &device)?;
    artefacts::applications::write(&opts.out, applications)?;

    let path = expected_path(&opts.out);
    let json = serde_json::to_string_pretty(&expected)? + "\n";
    std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::file_id;

    #[test]
    fn paths_match_mvt_backup_ids() {
        // (domain, relativePath, ID from MVT's *_BACKUP_IDS)
        let known = [
            (
                "HomeDomain",
                artefacts::tcc::PATH,
                "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347",
            ),
            (
                "HomeDomain",
                artefacts::calls::PATH,
                "5a4935c78a5255723f707230a451d79c540d2741",
            ),
            (
                "HomeDomain",
                artefacts::interaction_c::PATH,
                "1f5a521220a3ad80ebfdc196978df8e7a2e49dee",
            ),
            (
                artefacts::whatsapp::DOMAIN,
                artefacts::whatsapp::PATH,
                "7c7fba66680ef796b916b067077cc246adacf01d",
            ),
            (
                "HomeDomain",
                artefacts::plists::IDSTATUSCACHE,
                "6b97989189901ceaa4e5be9b7f05fb584120e27b",
            ),
            (
                "HomeDomain",
                artefacts::plists::ADDAILY,
                "f65b5fafc69bbd3c60be019c6e938e146825fa83",
            ),
            (
                "HomeDomain",
                artefacts::global_preferences::PATH,
                "0dc926a1810f7aee4e8f38793ed788701f93bf9d",
            ),
            (
                "HomeDomain",
                artefacts::calendar::PATH,
                "2041457d5fe04d39d0ab481178355df6781e6858",
            ),
            (
                "HomeDomain",
                artefacts::safari_browser_state::PATH,
                "3a47b0981ed7c10f3e2800aa66bac96a3b5db28e",
            ),
            (
                "HomeDomain",
                artefacts::address_book::PATH,
                "31bb7ba8914766d4ba40d6dfb6113c8b614be442",
            ),
            (
                "HomeDomain",
                artefacts::shortcuts::PATH,
                "5b4d0b44b5990f62b9f4d34ad8dc382bf0b01094",
            ),
        ];
        for (domain, path, id) in known {
            assert_eq!(file_id(domain, path), id, "{domain}/{path}");
        }
    }

    #[test]
    fn expected_file_sits_beside_the_folder() {
        assert_eq!(
            expected_path(Path::new("out/backup/")),
            PathBuf::from("out/backup.expected.json")
        );
    }
}
