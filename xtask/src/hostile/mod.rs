//! The hostile corpus: acquisitions built to hurt a forensic tool, each with the outcome
//! tracehound must give (`cargo xtask gen-hostile DIR`, and `crates/cli/tests/hostile.rs`,
//! which includes this module and checks every case).
//!
//! Files written by attackers' code on the phone are what we parse, so each case is a way that
//! code could try to crash the analyst's tool, exhaust its memory, or make it read or write
//! outside the acquisition. Every case names the command to run, the exit status and a phrase
//! the output must hold; the test adds what holds for all of them: no panic, memory within
//! [`MEMORY_LIMIT`] (enforced as an address-space limit), and nothing outside the acquisition
//! read (a sentinel file beside it never shows up in the output).
//!
//! Only `std`, `rusqlite`, `plist` and `zip` are used, so the CLI tests can include it.

mod archives;
mod backup;
mod plists;
mod sqlite;
pub mod stix;

use std::fs;
use std::io;
use std::path::Path;

/// Address space each hostile run may use (the binary itself and its threads take ~100 MiB).
pub const MEMORY_LIMIT: u64 = 1 << 30;

/// Text of the sentinel file written beside every case, which no output may contain.
pub const SENTINEL: &str = "TRACEHOUND-OUTSIDE-THE-ACQUISITION";

/// One hostile acquisition and what tracehound must do with it.
pub struct Case {
    /// Folder (or file) name under the corpus directory.
    pub name: &'static str,
    /// What it is and what it tries.
    pub what: &'static str,
    /// Arguments before the acquisition's path (e.g. `["ios", "check-backup"]`).
    pub args: &'static [&'static str],
    /// Exit status expected.
    pub exit: i32,
    /// Phrases the combined stdout and stderr must contain.
    pub says: &'static [&'static str],
    /// Writes the acquisition at the given path (`outside` is the sentinel file's folder).
    pub build: fn(&Path, &Path) -> io::Result<()>,
}

const BACKUP: &[&str] = &["ios", "check-backup"];
const ANDROIDQF: &[&str] = &["android", "check-androidqf"];

/// Every case, in corpus order.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(sqlite::cases());
    v.extend(plists::cases());
    v.extend(backup::cases());
    v.extend(archives::cases());
    v
}

/// Writes the sentinel folder and every case under `dir`, with `dir/EXPECTED.txt` listing
/// what each must give. Returns the cases.
pub fn generate(dir: &Path) -> io::Result<Vec<Case>> {
    fs::create_dir_all(dir)?;
    let outside = write_sentinel(dir)?;
    let cases = cases();
    let mut expected = format!(
        "Hostile corpus (cargo xtask gen-hostile). For each case: the command, the exit status \
         and what the output must say. For all: no panic, at most {} MiB of address space, \
         nothing outside the case read (outside/ holds a sentinel).\n\n",
        MEMORY_LIMIT >> 20
    );
    for c in &cases {
        (c.build)(&dir.join(c.name), &outside)?;
        expected.push_str(&format!(
            "{}\n  {}\n  tracehound {} {}\n  exit {}; says {:?}\n\n",
            c.name,
            c.what,
            c.args.join(" "),
            c.name,
            c.exit,
            c.says
        ));
    }
    stix::million_indicators(&dir.join("stix-million.stix2"))?;
    expected.push_str(&format!(
        "stix-million.stix2\n  an indicator bundle of {} domain indicators, a report listing \
         two thirds of them\n  tracehound ios check-backup --iocs stix-million.stix2 \
         fixtures/sample-backup\n  loads: every indicator counted, within the same memory \
         limit\n\n",
        stix::MILLION
    ));
    fs::write(dir.join("EXPECTED.txt"), expected)?;
    Ok(cases)
}

/// Writes `dir/outside/secret.txt` holding [`SENTINEL`]; returns the folder.
pub fn write_sentinel(dir: &Path) -> io::Result<std::path::PathBuf> {
    let outside = dir.join("outside");
    fs::create_dir_all(&outside)?;
    fs::write(outside.join("secret.txt"), format!("{SENTINEL}\n"))?;
    Ok(outside)
}

/// Writes a file of `len` bytes without a newline, as a sparse file (no disk blocks, nothing
/// held in memory): the "2 GiB line".
pub fn sparse_line(path: &Path, len: u64) -> io::Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    let f = fs::File::create(path)?;
    f.set_len(len)?;
    Ok(())
}
