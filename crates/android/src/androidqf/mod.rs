//! Modules over an androidqf acquisition: the outputs androidqf collects over adb, as files at
//! the root of a folder or zip (`packages.json`, `ps.txt`, `getprop.txt`, `settings_*.txt`,
//! `files.json`, `root_binaries.json`, `mounts.json`, `logs/`, `dumpsys.txt`, and the nested
//! `bugreport.zip` and `backup.ab`).

use crate::AndroidModule;

/// The androidqf modules, in MVT's order.
pub static MODULES: &[&AndroidModule] = &[];
