//! Turning a generated backup into the same files on a device's filesystem: each backup
//! domain has a home on the device (`HomeDomain` is `/private/var/mobile`, `AppDomain-<id>` an
//! app's data container `/private/var/mobile/Containers/Data/Application/<UUID>`…), so every
//! artefact the backup generator writes lands where a full-filesystem dump has it. Symbolic
//! links are left out.

use super::writer::Dump;
use crate::rng::Rng;
use anyhow::{Context, Result};
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Container folders on the device, per backup domain prefix.
const CONTAINERS: &[(&str, &str)] = &[
    (
        "AppDomain-",
        "private/var/mobile/Containers/Data/Application",
    ),
    (
        "AppDomainGroup-",
        "private/var/mobile/Containers/Shared/AppGroup",
    ),
    (
        "AppDomainPlugin-",
        "private/var/mobile/Containers/Data/PluginKitPlugin",
    ),
    ("SysContainerDomain-", "private/var/containers/Data/System"),
    (
        "SysSharedContainerDomain-",
        "private/var/containers/Shared/SystemGroup",
    ),
];

/// Homes of the fixed domains.
const HOMES: &[(&str, &str)] = &[
    ("HomeDomain", "private/var/mobile"),
    ("MediaDomain", "private/var/mobile"),
    ("CameraRollDomain", "private/var/mobile"),
    ("TonesDomain", "private/var/mobile"),
    ("HealthDomain", "private/var/mobile/Library"),
    ("RootDomain", "private/var/root"),
    ("WirelessDomain", "private/var/wireless"),
    ("SystemPreferencesDomain", "private/var/preferences"),
    ("KeychainDomain", "private/var/Keychains"),
    (
        "ManagedPreferencesDomain",
        "private/var/Managed Preferences",
    ),
    ("DatabaseDomain", "private/var/db"),
    ("InstallDomain", "private/var/installd"),
];

/// Where backup domains live on the device; container UUIDs are drawn once per container.
pub struct Homes {
    seed: u64,
    containers: BTreeMap<String, String>,
}

impl Homes {
    pub fn new(seed: u64) -> Self {
        Homes {
            seed,
            containers: BTreeMap::new(),
        }
    }

    /// The device folder of `domain` (relative to `/`).
    pub fn home(&mut self, domain: &str) -> String {
        if let Some((_, home)) = HOMES.iter().find(|(d, _)| *d == domain) {
            return home.to_string();
        }
        for (prefix, base) in CONTAINERS {
            if let Some(id) = domain.strip_prefix(prefix) {
                let uuid = Rng::derive(self.seed, &format!("container {domain}")).uuid();
                let path = format!("{base}/{uuid}");
                self.containers.insert(path.clone(), id.to_string());
                return path;
            }
        }
        "private/var/mobile".to_string()
    }

    /// Writes each container's metadata plist (`MCMMetadataIdentifier` names its owner, as
    /// iOS writes it).
    pub fn write_metadata(&self, dump: &mut Dump, unix: i64) -> Result<()> {
        for (path, id) in &self.containers {
            let mut d = plist::Dictionary::new();
            d.insert("MCMMetadataIdentifier".into(), id.clone().into());
            let mut bytes = Vec::new();
            plist::Value::Dictionary(d).to_writer_binary(&mut bytes)?;
            dump.file(
                &format!("{path}/.com.apple.mobile_container_manager.metadata.plist"),
                &bytes,
                unix,
            )?;
        }
        Ok(())
    }
}

/// The `LastModified` time of an `MBFile` blob.
fn last_modified(blob: &[u8]) -> Option<i64> {
    let v = plist::Value::from_reader(std::io::Cursor::new(blob)).ok()?;
    let objects = v.as_dictionary()?.get("$objects")?.as_array()?;
    let file = objects.get(1)?.as_dictionary()?;
    file.get("LastModified")?.as_signed_integer()
}

/// Moves every file of the backup at `backup` into `dump` at its device path and creates its
/// folders. Returns `(domain, relative path) → device path` for the files.
pub fn backup_to_dump(
    backup: &Path,
    dump: &mut Dump,
    homes: &mut Homes,
    default_time: i64,
) -> Result<HashMap<(String, String), String>> {
    let conn = Connection::open(backup.join("Manifest.db")).context("opening Manifest.db")?;
    let mut stmt =
        conn.prepare("SELECT fileID, domain, relativePath, flags, file FROM Files ORDER BY rowid")?;
    let mut rows = stmt.query([])?;
    let mut map = HashMap::new();
    while let Some(r) = rows.next()? {
        let (id, domain, rel, flags): (String, String, String, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let blob: Option<Vec<u8>> = r.get(4)?;
        let home = homes.home(&domain);
        let device = if rel.is_empty() {
            home
        } else {
            format!("{home}/{rel}")
        };
        match flags {
            1 => {
                let src = backup.join(&id[..2]).join(&id);
                let t = blob
                    .as_deref()
                    .and_then(last_modified)
                    .unwrap_or(default_time);
                dump.file_from(&device, &src, t)?;
                map.insert((domain, rel), device);
            }
            2 => dump.dir(&device)?,
            _ => {}
        }
    }
    Ok(map)
}
