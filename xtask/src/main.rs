//! Developer tasks for tracehound (`cargo xtask <task>`).
//!
//! `gen-ios-backup` writes a schema-faithful synthetic iTunes/Finder backup of an iPhone, with
//! indicators planted in known records, and an expected-detections file beside it; see
//! `cargo xtask gen-ios-backup --help`. `gen-ios-backup-sample` regenerates the small sample
//! committed at `fixtures/sample-backup/` and its encrypted twin at
//! `fixtures/sample-backup-encrypted/`. `encrypt-ios-backup` writes the encrypted twin of any
//! plain backup, in the format iPhones write. `gen-androidqf` writes a synthetic androidqf
//! acquisition with vendor variations and the counts each module must report.

mod android;
mod artefacts;
mod backup;
mod device;
mod encrypt;
mod fsdump;
mod gen;
mod hostile;
mod manifest;
mod manifest_noise;
mod noise;
mod plant;
mod rng;
mod sqlite;
mod sysdiagnose;
mod wal;

#[cfg(test)]
mod consistency;
#[cfg(test)]
mod test_support;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

const SPLIT: &str = "\
Records per module for --scale N (min in brackets; planted records come on top):
  sms                              N messages; N/20 handles and chats [3];
                                   sms_attachments: N/50 attachments
  safari_history                   N/3 visits [3] (about half to new URLs; 1 in 200 an
                                   http->https same-site redirect, counted as 2 visits)
  whatsapp                         N/10 messages [3] in N/200 chat sessions [2] (MVT counts
                                   messages + sessions); whatsapp_contacts: one ContactsV2
                                   contact per one-to-one chat
  calls                            N/10 call records [3]
  interaction_c                    N/10 interactions [3] with N/50 contacts [3]
  datausage                        N/30 processes [3], one ZLIVEUSAGE row each
  id_status_cache                  N/30 lookups [5]
  webkit_resource_load_statistics  N/30 observed domains [5] over 3 apps' observations.db
  tcc                              N/100 access rows [5]
  os_analytics_ad_daily            N/100 processes [5]
  locationd_clients                N/300 clients [5]
  configuration_profiles           1 profile
  chrome_history                   N/20 visits [3] (1 in 10 a server redirect: 2 visits);
                                   chrome_favicon: N/50 page->icon mappings [2]
  firefox_history                  N/20 visits [3]; firefox_favicon: one icon link per
                                   distinct visited page
  profile_events                   N/300 installs [2], a third of them later removed (MVT
                                   raises LOW for every event, planted or not)
  webkit_session_resource_log      N/30 entries [3] in Safari's log (MVT counts log files)
  global_preferences               11 preferences (+ LDMGlobalEnabled with a heuristic plant)
  calendar                         N/50 events [3], a third of them invitations
  safari_browser_state             N/30 tabs [2] with 1-3 pages of session history each
  contacts                         N/30 people [3]: a phone number each, half an e-mail too
                                   (one record per value)
  shortcuts                        N/100 shortcuts [2]
  applications                     the noise third-party apps in Info.plist Applications
  manifest                         N Manifest.db rows in all (the files above, their parent
                                   directories, then background files/dirs/symlinks)
With --wal, N/100 more SMS [1] (and the sms plants marked wal_only) are left only in
Library/SMS/sms.db-wal, stored as its own backup file.

Plant file: a JSON array of {\"module\": SLUG, \"type\": T, \"value\": V, \"bundle\": B?,
\"wal_only\": bool?}, T one of domain-name, url, process:name, email-addr, file:name,
file:path, configuration-profile:id, app:id or heuristic, as each module supports
(xtask/src/plant.rs).

Output: DIR (the backup) and DIR.expected.json beside it: per-module record counts as MVT
counts them, and one entry per planted indicator (module, indicator type and value, the
file and record holding it, the alert level MVT raises, whether MVT can see it).";

#[derive(Parser)]
#[command(name = "xtask", about = "tracehound developer tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Write the hostile corpus (acquisitions built to hurt a forensic tool) into DIR, with
    /// DIR/EXPECTED.txt giving each case's command and outcome (xtask/src/hostile/).
    GenHostile {
        /// Folder to write into.
        dir: PathBuf,
    },
    /// Write a synthetic iOS backup with planted indicators.
    #[command(after_long_help = SPLIT)]
    GenIosBackup {
        /// Backup folder to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// Approximate number of records, spread over the modules (see below).
        #[arg(long, default_value_t = 1000)]
        scale: u64,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// JSON plant file; `none` plants nothing; default: the built-in set
        /// (xtask/plants/default.json: test.stix2 and pegasus.stix2 indicators).
        #[arg(long)]
        plant: Option<String>,
        /// Leave the newest SMS only in sms.db-wal (a separate backup file).
        #[arg(long)]
        wal: bool,
    },
    /// Write a synthetic iOS full-filesystem dump (the device's `/` as a folder) with planted
    /// indicators, and OUT.expected.json beside it; with --tar, OUT.tar.gz too.
    GenIosFs {
        /// Folder to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// Number of files in the dump (app data from a backup generated at scale/10, the
        /// dump-only artefacts, then system and app files).
        #[arg(long, default_value_t = 10_000)]
        scale: u64,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also pack the tree as OUT.tar.gz (sorted entries, folders included).
        #[arg(long)]
        tar: bool,
    },
    /// Write a synthetic iOS sysdiagnose (a folder holding the sysdiagnose_… folder) with
    /// planted indicators, and OUT.expected.json beside it; with --tar, OUT.tar.gz too.
    GenIosSysdiagnose {
        /// Folder to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// Number of ordinary processes (reboots, crash reports and installs follow from it).
        #[arg(long, default_value_t = 400)]
        scale: u64,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also pack the sysdiagnose as OUT.tar.gz, as iOS writes it.
        #[arg(long)]
        tar: bool,
    },
    /// Write a synthetic androidqf acquisition (folder or zip) and OUT.expected.json beside it.
    GenAndroidqf {
        /// Folder (or, with --zip, .zip file) to create.
        #[arg(long)]
        out: PathBuf,
        /// Write a zip, its files in one top folder.
        #[arg(long)]
        zip: bool,
        /// Installed packages.
        #[arg(long, default_value_t = 200)]
        packages: usize,
        /// Running processes.
        #[arg(long, default_value_t = 300)]
        processes: usize,
        /// Entries of files.json.
        #[arg(long, default_value_t = 1000)]
        files: usize,
        /// Settings per namespace.
        #[arg(long, default_value_t = 100)]
        settings: usize,
        /// Vendor variations: CRLF, blank lines, unknown keys/columns, noise, cut-off items.
        #[arg(long)]
        variations: bool,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Regenerate fixtures/sample-backup (scale 50, default plants, WAL on, seed 1) and its
    /// encrypted twin fixtures/sample-backup-encrypted (password `tracehound-sample`).
    GenIosBackupSample {
        /// Where to write it [default: <workspace>/fixtures/sample-backup]; the twin goes beside
        /// it with `-encrypted` appended.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the encrypted twin of a plain backup, as an iPhone with "Encrypt local backup"
    /// writes it (keys from the seeded generator: test data only).
    EncryptIosBackup {
        /// The plain backup folder.
        #[arg(long)]
        from: PathBuf,
        /// Encrypted backup folder to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        /// The backup password.
        #[arg(long)]
        password: String,
        /// PBKDF2-HMAC-SHA256 rounds (DPIC); iOS writes 10,000,000. Tests use a few hundred.
        #[arg(long, default_value_t = 10_000_000)]
        iterations: u32,
        /// PBKDF2-HMAC-SHA1 rounds (ITER); iOS writes 10,000.
        #[arg(long, default_value_t = 10_000)]
        sha1_iterations: u32,
        /// Write the keybag of iOS before 10.2 (no DPSL/DPIC: the SHA-1 stage alone).
        #[arg(long)]
        legacy: bool,
        /// Seed of the (deterministic) key generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Password of `fixtures/sample-backup-encrypted`.
const SAMPLE_PASSWORD: &str = "tracehound-sample";

fn encrypt(o: &encrypt::EncryptOptions) -> Result<()> {
    let start = Instant::now();
    let n = encrypt::run(o)?;
    eprintln!(
        "wrote {} ({n} files encrypted) in {:.2}s",
        o.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut twin = None;
    let opts = match cli.task {
        Task::GenIosFs {
            out,
            scale,
            seed,
            tar,
        } => {
            let start = Instant::now();
            let o = fsdump::Options {
                out,
                scale,
                seed,
                tar,
            };
            let expected = fsdump::run(&o)?;
            eprintln!(
                "wrote {} ({} files and folders, {} planted) in {:.2}s",
                o.out.display(),
                expected.records.get("filesystem").copied().unwrap_or(0),
                expected.detections.len(),
                start.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        Task::GenIosSysdiagnose {
            out,
            scale,
            seed,
            tar,
        } => {
            let start = Instant::now();
            let o = sysdiagnose::Options {
                out,
                scale,
                seed,
                tar,
            };
            let expected = sysdiagnose::run(&o)?;
            eprintln!(
                "wrote {} ({} planted) in {:.2}s",
                o.out.display(),
                expected["detections"].as_array().map_or(0, Vec::len),
                start.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        Task::GenHostile { dir } => {
            let cases = hostile::generate(&dir)?;
            eprintln!("wrote {} hostile cases into {}", cases.len(), dir.display());
            return Ok(());
        }
        Task::GenAndroidqf {
            out,
            zip,
            packages,
            processes,
            files,
            settings,
            variations,
            seed,
        } => {
            let o = android::Options {
                out,
                zip,
                packages,
                processes,
                files,
                settings,
                variations,
                seed,
            };
            let expected = android::generate(&o)?;
            eprintln!(
                "wrote {} ({} modules expected)",
                o.out.display(),
                expected.modules.len()
            );
            return Ok(());
        }
        Task::EncryptIosBackup {
            from,
            out,
            password,
            iterations,
            sha1_iterations,
            legacy,
            seed,
        } => {
            return encrypt(&encrypt::EncryptOptions {
                from,
                out,
                password,
                iterations,
                sha1_iterations,
                legacy,
                seed,
            })
        }
        Task::GenIosBackup {
            out,
            scale,
            seed,
            plant,
            wal,
        } => gen::Options {
            out,
            scale,
            seed,
            wal,
            plants: plant::load(plant.as_deref())?,
        },
        Task::GenIosBackupSample { out } => {
            let out = out.unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample-backup")
            });
            // Replace a previous sample; refuse anything that does not look like one.
            if out.exists() {
                anyhow::ensure!(
                    out.join("Manifest.db").exists(),
                    "{} exists and is not a backup",
                    out.display()
                );
                std::fs::remove_dir_all(&out)?;
            }
            let mut enc = out.clone().into_os_string();
            enc.push("-encrypted");
            let enc = PathBuf::from(enc);
            if enc.exists() {
                anyhow::ensure!(
                    enc.join("Manifest.plist").exists(),
                    "{} exists and is not a backup",
                    enc.display()
                );
                std::fs::remove_dir_all(&enc)?;
            }
            twin = Some(encrypt::EncryptOptions {
                from: out.clone(),
                out: enc,
                password: SAMPLE_PASSWORD.into(),
                iterations: 1000,
                sha1_iterations: 10,
                legacy: false,
                seed: 1,
            });
            gen::Options {
                out,
                scale: 50,
                seed: 1,
                wal: true,
                plants: plant::load(None)?,
            }
        }
    };
    let start = Instant::now();
    let expected = gen::run(&opts)?;
    let total: u64 = expected.records.values().sum();
    eprintln!(
        "wrote {} ({} records, {} planted) and {} in {:.2}s",
        opts.out.display(),
        total,
        expected.detections.len(),
        gen::expected_path(&opts.out).display(),
        start.elapsed().as_secs_f64()
    );
    if let Some(t) = twin {
        encrypt(&t)?;
    }
    Ok(())
}
