//! What the generators' unit tests share: one small generated backup, made on first use, only
//! read, and removed when the last test holding it is done; and where a backup stores a file.

use crate::plant::Expected;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A generated backup's folder and the expectations written with it.
type Backup = Arc<(PathBuf, Expected)>;

/// The shared backup and how many tests hold it.
static SHARED: Mutex<(usize, Option<Backup>)> = Mutex::new((0, None));

/// A held copy of the shared backup: its folder and the expectations written with it.
pub struct Generated(Backup);

impl std::ops::Deref for Generated {
    type Target = (PathBuf, Expected);
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Generated {
    fn drop(&mut self) {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        shared.0 -= 1;
        if shared.0 == 0 {
            shared.1 = None;
            std::fs::remove_dir_all(&self.0 .0).ok();
            std::fs::remove_file(crate::gen::expected_path(&self.0 .0)).ok();
        }
    }
}

/// A scale-300 backup with the default plants (seed 3), generated when no test holds one.
pub fn generated() -> Generated {
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    let backup = shared
        .1
        .get_or_insert_with(|| {
            let out = std::env::temp_dir().join(format!("xtask-{}-artefacts", std::process::id()));
            std::fs::remove_dir_all(&out).ok();
            std::fs::remove_file(crate::gen::expected_path(&out)).ok();
            let opts = crate::gen::Options {
                out: out.clone(),
                scale: 300,
                seed: 3,
                wal: false,
                plants: crate::plant::load(None).expect("plants"),
            };
            let expected = crate::gen::run(&opts).expect("generate");
            Arc::new((out, expected))
        })
        .clone();
    shared.0 += 1;
    Generated(backup)
}

/// Where a backup rooted at `root` stores `domain`'s file `path` (`xx/<fileID>`).
pub fn stored(root: &Path, domain: &str, path: &str) -> PathBuf {
    let id = crate::backup::file_id(domain, path);
    root.join(&id[..2]).join(id)
}
