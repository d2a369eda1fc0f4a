//! Ctrl-C (SIGINT): remove what the run has half-written, then exit with status 130.
//!
//! A run writes its results into a staging folder that is renamed into place only when
//! complete, and `ios decrypt-backup` writes decrypted files into a fresh folder. Both can hold
//! message contents and decrypted evidence, so an interrupted run must not leave them behind:
//! the folders are registered here while they are being written, and the handler (on its own
//! thread, from the `ctrlc` crate) removes them before exiting. No unsafe code of ours.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Exit status after an interruption (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The folders to remove if the run is interrupted.
#[derive(Clone, Default)]
pub struct Interrupt {
    paths: Arc<Mutex<Vec<PathBuf>>>,
    interrupted: Arc<AtomicBool>,
}

impl Interrupt {
    /// Installs the Ctrl-C handler. A second installation (or a platform without signals)
    /// leaves the default behaviour, which is still to stop the run.
    pub fn install(&self) {
        let paths = self.paths.clone();
        let interrupted = self.interrupted.clone();
        let _ = ctrlc::set_handler(move || {
            interrupted.store(true, Ordering::SeqCst);
            let removed = match paths.lock() {
                Ok(p) => p.iter().filter(|p| remove(p)).count(),
                Err(_) => 0,
            };
            if removed > 0 {
                eprintln!("\ninterrupted: partial output removed");
            } else {
                eprintln!("\ninterrupted");
            }
            std::process::exit(EXIT_INTERRUPTED);
        });
    }

    /// Whether Ctrl-C was pressed (the handler is then removing folders and exiting).
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// Removes `path` (a folder) if the run is interrupted from now on.
    pub fn remove_on_interrupt(&self, path: &Path) {
        if let Ok(mut p) = self.paths.lock() {
            p.push(path.to_path_buf());
        }
    }

    /// Runs `f` with the handler held off: an interruption meanwhile waits for `f` to finish
    /// (for steps that must not be cut in two, like moving results into place).
    pub fn hold<T>(&self, f: impl FnOnce() -> T) -> T {
        let _guard = self.paths.lock();
        f()
    }

    /// Keeps `path` after all (it is complete, or no longer ours).
    pub fn keep(&self, path: &Path) {
        if let Ok(mut p) = self.paths.lock() {
            p.retain(|x| x != path);
        }
    }
}

/// Removes a folder; retried, as the main thread may be creating a file in it meanwhile.
fn remove(path: &Path) -> bool {
    for _ in 0..5 {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    false
}
