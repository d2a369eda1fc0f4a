//! Every filesystem-capable module on one synthetic dump, read as a folder and as a `.tar.gz`
//! of the same tree (read in place): the same records, alerts and timelines either way, and
//! the counts each module gives on this tree.

#[path = "support/dump.rs"]
mod dump;

use dump::{alerts, everything, records_json, run, timeline, SyntheticDump};
use tracehound_core::AcquisitionKind;
use tracehound_ios::MODULES;

/// `(slug, records, alerts)` on the tree `everything` builds.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("netusage", 7, 3),
    ("analytics", 4, 0),
    ("analytics_ios_versions", 2, 0),
    ("cache_files", 3, 0),
    ("safari_favicon", 4, 0),
    ("shutdown_log", 4, 3),
    ("ios_version_history", 2, 0),
    ("webkit_indexeddb", 1, 0),
    ("webkit_local_storage", 2, 0),
    ("webkit_safari_view_service", 1, 0),
];

#[test]
fn folder_and_tar_gz_give_the_same_results() {
    let mut d = SyntheticDump::new("everything");
    everything(&mut d);
    let folder = d.open();
    let archive = d.open_tar_gz_with_folders();
    let mut ran = Vec::new();
    for m in MODULES {
        let meta = m.meta();
        if !meta.kinds.contains(&AcquisitionKind::IosFilesystem) {
            continue;
        }
        let (a, b) = (run(meta.slug, &folder), run(meta.slug, &archive));
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "{}", meta.slug);
                continue;
            }
            (a, b) => panic!(
                "{}: folder {:?}, archive {:?}",
                meta.slug,
                a.map(|o| o.records.len()),
                b.map(|o| o.records.len())
            ),
        };
        assert_eq!(records_json(&a), records_json(&b), "{}", meta.slug);
        assert_eq!(alerts(&a), alerts(&b), "{}", meta.slug);
        assert_eq!(timeline(&a), timeline(&b), "{}", meta.slug);
        ran.push((meta.slug, a.records.len(), a.alerts.len()));
    }
    for (slug, records, alerts) in EXPECTED {
        assert!(
            ran.contains(&(slug, *records, *alerts)),
            "{slug}: expected {records} records and {alerts} alerts; ran: {ran:?}"
        );
    }
    let fs = ran.iter().find(|r| r.0 == "filesystem").unwrap();
    assert!(fs.1 > 60, "{fs:?}");
}
