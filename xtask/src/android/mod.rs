//! `gen-androidqf`: a deterministic synthetic androidqf acquisition (the files androidqf writes
//! at the top of its folder), as a folder or a zip, with vendor variations on request (CRLF line
//! ends, extra blank lines, unknown keys and columns, noise lines, one cut-off item per JSON
//! file, JSON Lines `files.json`), and `OUT.expected.json` beside it: the records and
//! not-understood lines or entries each tracehound module must report.

mod content;

use anyhow::{ensure, Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder or `.zip` to create.
    pub out: PathBuf,
    /// Write a zip (its files inside one top folder, as acquisitions are often zipped).
    pub zip: bool,
    /// Installed packages.
    pub packages: usize,
    /// Running processes.
    pub processes: usize,
    /// Entries of files.json.
    pub files: usize,
    /// Settings per namespace (global, secure, system).
    pub settings: usize,
    /// Vendor variations.
    pub variations: bool,
    /// Seed.
    pub seed: u64,
}

/// What a module must report on the acquisition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Records.
    pub records: usize,
    /// Lines or entries not understood.
    pub not_understood: u64,
}

/// The expectations written beside the acquisition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// Per module slug.
    pub modules: BTreeMap<&'static str, Counts>,
}

/// A small deterministic generator (SplitMix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(crate) fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(len);
        s
    }
}

/// Writes the acquisition and its expectations; returns the expectations.
pub fn generate(o: &Options) -> Result<Expected> {
    let (files, expected) = content::build(o);
    if o.zip {
        ensure!(!o.out.exists(), "{} exists", o.out.display());
        write_zip(&o.out, "androidqf/", &files)?;
    } else {
        ensure!(
            !o.out.exists() || std::fs::read_dir(&o.out)?.next().is_none(),
            "{} exists and is not empty",
            o.out.display()
        );
        for (name, data) in &files {
            let p = o.out.join(name);
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&p, data).with_context(|| p.display().to_string())?;
        }
    }
    let mut exp_path = o.out.clone().into_os_string();
    exp_path.push(".expected.json");
    std::fs::write(&exp_path, serde_json::to_vec_pretty(&expected)?)?;
    Ok(expected)
}

fn write_zip(path: &Path, prefix: &str, files: &[(String, Vec<u8>)]) -> Result<()> {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path)?);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(format!("{prefix}{name}"), opts)?;
        w.write_all(data)?;
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracehound_android::{AndroidAcquisition, ANDROIDQF_MODULES};
    use tracehound_core::module::ModuleContext;
    use tracehound_evidence::archive::Limits;

    fn check(o: &Options) {
        let expected = generate(o).unwrap();
        let acq = AndroidAcquisition::open_androidqf(&o.out, Limits::default()).unwrap();
        for m in ANDROIDQF_MODULES {
            let slug = m.meta().slug;
            let want = expected
                .modules
                .get(slug)
                .unwrap_or_else(|| panic!("{slug}"));
            let out = m.run(&acq, &ModuleContext::empty()).unwrap();
            let got = Counts {
                records: out.records.len(),
                not_understood: out.stats.failed,
            };
            assert_eq!(&got, want, "{slug}: {:?}", out.warnings);
        }
    }

    #[test]
    fn generated_counts_are_what_the_modules_report() {
        let tmp = tempfile::tempdir().unwrap();
        for (i, (zip, variations)) in [(false, false), (false, true), (true, true)]
            .into_iter()
            .enumerate()
        {
            let out = tmp.path().join(if zip {
                format!("a{i}.zip")
            } else {
                format!("a{i}")
            });
            check(&Options {
                out,
                zip,
                packages: 40,
                processes: 60,
                files: 30,
                settings: 20,
                variations,
                seed: 7,
            });
        }
    }
}
