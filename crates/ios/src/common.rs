//! Helpers shared by the iOS modules.

use tracehound_core::ModuleError;
use tracehound_evidence::{Artifact, FoundFile, IosSource};

/// The files of `artifact` in this acquisition; `NotFound` if there are none.
pub fn find(ev: &dyn IosSource, artifact: &Artifact) -> Result<Vec<FoundFile>, ModuleError> {
    let found = ev.find(artifact)?;
    if found.is_empty() {
        // Name the places this kind of acquisition could have held it.
        let (backup, fs) = match ev.kind() {
            tracehound_core::AcquisitionKind::IosBackup if !artifact.backup.is_empty() => {
                (artifact.backup, &[][..])
            }
            tracehound_core::AcquisitionKind::IosFilesystem if !artifact.fs.is_empty() => {
                (&[][..], artifact.fs)
            }
            _ => (artifact.backup, artifact.fs),
        };
        let wanted: Vec<String> = backup
            .iter()
            .map(|(d, p)| format!("{d}:{p}"))
            .chain(fs.iter().map(|p| p.to_string()))
            .collect();
        return Err(ModuleError::NotFound(wanted.join(" or ")));
    }
    Ok(found)
}

/// Wraps a SQLite error from a query on `file`, classified by result code.
pub fn query_error(file: &FoundFile, e: rusqlite::Error) -> ModuleError {
    tracehound_evidence::EvidenceError::from(tracehound_evidence::SqliteError::from_rusqlite(
        &file.path, e,
    ))
    .into()
}
