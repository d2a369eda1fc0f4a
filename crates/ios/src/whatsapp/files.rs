//! Locating WhatsApp's databases, including files a backup folder holds under their well-known
//! IDs although `Manifest.db` does not list them (MVT looks such files up by ID too).

use tracehound_core::ModuleError;
use tracehound_evidence::{Artifact, FoundFile, IosSource};

/// A backup file known by its ID: SHA-1 of `domain-path`.
pub(crate) struct KnownFile {
    /// The file ID.
    pub id: &'static str,
    /// Its backup domain.
    pub domain: &'static str,
    /// Its path in the domain.
    pub path: &'static str,
}

/// The files of `artifact`, plus those of `known` present in a backup folder without a
/// `Manifest.db` entry; sorted by path.
pub(crate) fn locate(
    ev: &dyn IosSource,
    artifact: &Artifact,
    known: &[KnownFile],
) -> Result<Vec<FoundFile>, ModuleError> {
    let mut found = ev.find(artifact)?;
    if let Some(backup) = ev.backup() {
        for k in known {
            let Some(prefix) = k.id.get(..2) else {
                continue;
            };
            let path = format!("{prefix}/{}", k.id);
            if !found.iter().any(|f| f.path == path) && backup.has_file(k.id) {
                found.push(FoundFile {
                    path,
                    domain: Some(k.domain.to_string()),
                    relative_path: k.path.to_string(),
                });
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Files that belong to the same app container: the same backup domain, or the same folder
/// of a filesystem dump.
pub(crate) fn same_container(a: &FoundFile, b: &FoundFile) -> bool {
    fn parent(p: &str) -> &str {
        p.rsplit_once('/').map_or("", |(d, _)| d)
    }
    a.domain == b.domain && parent(&a.relative_path) == parent(&b.relative_path)
}
