//! The generated sysdiagnose, read by the sysdiagnose modules as a folder and as its .tar.gz:
//! record counts, heuristic alerts and not-understood counts as the expected file says, and
//! every planted value among the observables.

use super::*;
use tracehound_core::module::ModuleContext;
use tracehound_evidence::IosSysdiagnose;

#[test]
fn generated_counts_match_the_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sd");
    let o = Options {
        out: out.clone(),
        scale: 120,
        seed: 7,
        tar: true,
    };
    let expected = run(&o).unwrap();
    assert!(name().starts_with("sysdiagnose_2023.02.28_16-00-00-0800"));
    for source in [out.clone(), out.with_extension("tar.gz")] {
        let ev = IosSysdiagnose::open(&source).unwrap();
        for m in tracehound_ios::sysdiagnose::MODULES {
            let slug = m.meta().slug;
            let r = m.run(&ev, &ModuleContext::empty()).unwrap();
            assert_eq!(r.records.len() as u64, expected["records"][slug], "{slug}");
            let mut levels: BTreeMap<String, u64> = BTreeMap::new();
            for a in &r.alerts {
                *levels.entry(a.level.as_str().into()).or_default() += 1;
            }
            let want: BTreeMap<String, u64> =
                serde_json::from_value(expected["heuristics"][slug].clone()).unwrap_or_default();
            assert_eq!(levels, want, "{slug}");
            let bad = expected["not_understood"][slug].as_u64().unwrap_or(0);
            assert_eq!(r.stats.failed, bad, "{slug}");
            // Every planted value is among the module's observables.
            let mut values = Vec::new();
            for i in 0..r.records.len() {
                let mut obs = Vec::new();
                r.records.observables(i, &mut obs);
                values.extend(obs.iter().map(|o| o.value().to_string()));
            }
            for d in expected["detections"].as_array().unwrap() {
                if d["module"] == slug {
                    let v = d["indicator"]["value"].as_str().unwrap();
                    assert!(
                        values
                            .iter()
                            .any(|o| o == v || o.ends_with(&format!("/{v}")) || o.starts_with(v)),
                        "{slug}: {v}"
                    );
                }
            }
        }
    }
}
