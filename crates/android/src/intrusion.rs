//! Modules over Android 16 intrusion logs (see [`crate::parsers::intrusion`]): a folder or zip
//! of `.txt` NDJSON files, possibly inside zips inside it (read in memory, a few levels deep,
//! within the archive limits). Events repeated across overlapping files are taken once.

use crate::parsers::intrusion::{check_security, parse_intrusion_log, IntrusionEvent};
use crate::{AndroidAcquisition, AndroidModule, AndroidSource};
use std::collections::HashSet;
use std::path::Path;
use tracehound_core::module::ModuleContext;
use tracehound_core::{
    AcquisitionKind, InputFile, Module, ModuleError, ModuleMeta, ModuleOutput, Platform,
};
use tracehound_evidence::archive::{Limits, Tree};
use tracehound_evidence::EvidenceError;

/// The intrusion-log modules, in MVT's order.
pub static MODULES: &[&AndroidModule] = &[&DnsEvent, &ConnectEvent, &SecurityEvent];

/// How deep zips inside zips are opened.
const MAX_NESTING: usize = 3;

/// Opens intrusion logs: a folder or a zip.
pub fn open_intrusion_logs(
    path: &Path,
    limits: Limits,
) -> Result<AndroidAcquisition, EvidenceError> {
    let tree = Tree::open(path, limits)?;
    Ok(AndroidAcquisition::from_tree(
        AcquisitionKind::AndroidIntrusionLogs,
        tree,
        "",
    ))
}

fn lower_ends(name: &str, ext: &str) -> bool {
    name.to_ascii_lowercase().ends_with(ext)
}

struct Loaded {
    events: Vec<IntrusionEvent>,
    failed: u64,
    warnings: Vec<String>,
    inputs: Vec<InputFile>,
    files: usize,
}

fn walk_zip(
    tree: &Tree,
    label: &str,
    kind: &'static str,
    depth: usize,
    l: &mut Loaded,
    seen: &mut HashSet<String>,
) {
    for e in tree.find("**") {
        let name = format!("{label}::{}", e.path);
        let data = match tree.read(&e.path) {
            Ok(d) => d,
            Err(err) => {
                l.failed += 1;
                l.warnings.push(format!("{name}: {err}"));
                continue;
            }
        };
        take(&name, data, kind, depth, tree.limits(), l, seen);
    }
}

fn take(
    name: &str,
    data: Vec<u8>,
    kind: &'static str,
    depth: usize,
    limits: &Limits,
    l: &mut Loaded,
    seen: &mut HashSet<String>,
) {
    if lower_ends(name, ".txt") {
        let p = parse_intrusion_log(&data, kind, seen);
        l.files += 1;
        l.failed += p.failed;
        l.warnings
            .extend(p.warnings.into_iter().map(|w| format!("{name}: {w}")));
        l.events.extend(p.records);
    } else if lower_ends(name, ".zip") {
        if depth >= MAX_NESTING {
            l.warnings
                .push(format!("{name}: zip nested too deep; not read"));
            return;
        }
        match Tree::from_bytes(name, data, *limits) {
            Ok(t) => walk_zip(&t, name, kind, depth + 1, l, seen),
            Err(e) => {
                l.failed += 1;
                l.warnings.push(format!("{name}: {e}"));
            }
        }
    }
}

fn load(ev: &dyn AndroidSource, kind: &'static str) -> Result<Loaded, ModuleError> {
    let mut l = Loaded {
        events: Vec::new(),
        failed: 0,
        warnings: Vec::new(),
        inputs: Vec::new(),
        files: 0,
    };
    let mut seen = HashSet::new();
    let limits = Limits::default();
    for e in ev.find("**") {
        if !(lower_ends(&e.path, ".txt") || lower_ends(&e.path, ".zip")) {
            continue;
        }
        let data = ev.read(&e)?;
        l.inputs.push(InputFile {
            path: e.path.clone(),
            artifact: Some("intrusion log".into()),
        });
        take(&e.path, data, kind, 0, &limits, &mut l, &mut seen);
    }
    if l.files == 0 {
        return Err(ModuleError::NotFound("intrusion log files (*.txt)".into()));
    }
    Ok(l)
}

macro_rules! intrusion_module {
    ($ty:ident, $slug:literal, $name:literal, $desc:literal, $check:expr) => {
        /// An intrusion-log module (see the module documentation).
        pub struct $ty;

        impl Module<dyn AndroidSource> for $ty {
            fn meta(&self) -> &'static ModuleMeta {
                static META: ModuleMeta = ModuleMeta {
                    slug: $slug,
                    name: $name,
                    description: $desc,
                    platform: Platform::Android,
                    kinds: &[AcquisitionKind::AndroidIntrusionLogs],
                    artifacts: &["intrusion logs: **/*.txt, **/*.zip"],
                    dependencies: &[],
                };
                &META
            }

            fn run(
                &self,
                ev: &dyn AndroidSource,
                _: &ModuleContext<'_>,
            ) -> Result<ModuleOutput, ModuleError> {
                let l = load(ev, $slug)?;
                let check: fn(&[IntrusionEvent]) -> Vec<tracehound_core::Alert> = $check;
                let alerts = check(&l.events);
                let mut out = ModuleOutput::new(l.events).with_inputs(l.inputs);
                out.alerts = alerts;
                out.warnings = l.warnings;
                out.stats.failed = l.failed;
                Ok(out)
            }
        }
    };
}

intrusion_module!(
    DnsEvent,
    "dns_event",
    "DnsEvent",
    "DNS lookups by app, with the addresses returned (intrusion logs)",
    |_| Vec::new()
);
intrusion_module!(
    ConnectEvent,
    "connect_event",
    "ConnectEvent",
    "Network connections by app (intrusion logs)",
    |_| Vec::new()
);
intrusion_module!(
    SecurityEvent,
    "security_event",
    "SecurityEvent",
    "Security log events: ADB use, app starts, certificates, keys, packages (intrusion logs)",
    check_security
);
