//! One indicator file as loaded: a [`Source`] built from a bundle's bytes.
//!
//! Each indicator's pattern is parsed and every comparison classified; indicators are kept once
//! per (collection, kind, value) through a hash set, so loading is linear in the bundle's size.
//! A pattern that does not parse, a missing pattern or an empty value skips that indicator with
//! a warning; unsupported object paths and pattern types are counted.

use crate::bundle::{read_bundle, ReadError};
use crate::error::IocError;
use crate::load::{too_large, DEFAULT_COLLECTION, MAX_FILE_SIZE};
use crate::pattern::{classify, parse_pattern, Classified};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use tracehound_core::matcher::{IndicatorRef, IocKind};

/// Warnings kept per source; more are counted, not stored.
const MAX_WARNINGS: usize = 1000;

/// One loaded indicator file.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// The path as given or found while walking a folder (for embedded bundles, their name).
    pub path: String,
    /// The file's name, as indicators report it in `stix2_file_name`.
    pub file_name: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Number of distinct indicators loaded, per kind (kinds with none are absent).
    pub counts: BTreeMap<IocKind, usize>,
    /// Comparisons on object paths this crate does not support, per normalised path.
    pub unknown_types: BTreeMap<String, usize>,
    /// Indicators skipped because their `pattern_type` is not `stix`, per pattern type.
    pub other_pattern_types: BTreeMap<String, usize>,
    /// Names of the bundle's `malware` and `report` objects in file order, then
    /// [`DEFAULT_COLLECTION`] if some indicator belongs to none.
    pub malware_names: Vec<String>,
    /// Indicators skipped, with why (a pattern that does not parse names the indicator id and
    /// the byte offset in the pattern).
    pub warnings: Vec<String>,
    /// The indicators, in file order; one per distinct (collection, kind, value).
    pub indicators: Vec<Arc<IndicatorRef>>,
}

impl Source {
    /// Number of indicators loaded from this file.
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// True when the file yielded no indicator.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }
}

/// Parses one bundle into a [`Source`].
pub(crate) fn parse_source(path: &str, bytes: &[u8]) -> Result<Source, IocError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_FILE_SIZE {
        return Err(too_large(path, size));
    }
    let file_name = path
        .rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(path)
        .to_string();
    let bundle = read_bundle(bytes).map_err(|e| match e {
        ReadError::Json(e) => IocError::json(path, &e),
        ReadError::NotABundle(reason) => IocError::NotABundle {
            file: path.to_string(),
            reason,
        },
    })?;
    let mut src = Source {
        path: path.to_string(),
        file_name,
        sha256: hex::encode(Sha256::digest(bytes)),
        ..Source::default()
    };
    let mut names = bundle.collections;
    let default = names.len();
    names.push(DEFAULT_COLLECTION.to_string());
    // Collections are told apart by name, as indicators are: two malware objects of one name
    // are one collection.
    let mut first_of_name: HashMap<&str, usize> = HashMap::new();
    let canonical: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| *first_of_name.entry(n.as_str()).or_insert(i))
        .collect();
    let mut used_default = false;
    let mut warnings = Warnings::default();
    let mut counts = [0usize; IocKind::ALL.len()];
    let mut seen: HashSet<(usize, IocKind, String)> = HashSet::new();
    for ind in bundle.indicators {
        let id = ind.id.as_deref().unwrap_or("(no id)");
        match ind.pattern_type.as_deref() {
            None => {}
            Some(t) if t.eq_ignore_ascii_case("stix") => {}
            Some(other) => {
                *src.other_pattern_types
                    .entry(other.to_string())
                    .or_insert(0) += 1;
                continue;
            }
        }
        let Some(pattern) = ind.pattern.as_deref() else {
            warnings.push(|| format!("indicator {id} has no pattern; skipped"));
            continue;
        };
        let comparisons = match parse_pattern(pattern) {
            Ok(c) => c,
            Err(e) => {
                warnings.push(|| {
                    format!(
                        "indicator {id}: invalid pattern {:?} {e}; skipped",
                        clip(pattern)
                    )
                });
                continue;
            }
        };
        let collection = ind.collection.unwrap_or(default);
        let collection = canonical.get(collection).copied().unwrap_or(default);
        for c in comparisons {
            let (kind, value) = match classify(&c) {
                Classified::Indicator(kind, value) => (kind, value),
                Classified::Unknown(path) => {
                    *src.unknown_types.entry(path).or_insert(0) += 1;
                    continue;
                }
            };
            if value.is_empty() {
                warnings.push(|| format!("indicator {id}: empty {} value; skipped", c.path));
                continue;
            }
            if !seen.insert((collection, kind, value.clone())) {
                continue;
            }
            used_default |= collection == default;
            if let Some(i) = IocKind::ALL.iter().position(|k| *k == kind) {
                counts[i] += 1;
            }
            src.indicators.push(Arc::new(IndicatorRef {
                value,
                kind,
                name: names.get(collection).cloned().unwrap_or_default(),
                stix2_file_name: src.file_name.clone(),
            }));
        }
    }
    src.counts = IocKind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (*k, n))
        .collect();
    names.truncate(default);
    let mut unique = HashSet::new();
    names.retain(|n| unique.insert(n.clone()));
    if used_default {
        names.push(DEFAULT_COLLECTION.to_string());
    }
    src.malware_names = names;
    src.warnings = warnings.finish();
    Ok(src)
}

/// The first 200 characters of a pattern, for messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_string(),
    }
}

/// Warnings, stored up to [`MAX_WARNINGS`] and counted beyond.
#[derive(Default)]
struct Warnings {
    list: Vec<String>,
    omitted: usize,
}

impl Warnings {
    fn push(&mut self, message: impl FnOnce() -> String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(message());
        } else {
            self.omitted += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.omitted > 0 {
            self.list
                .push(format!("{} more warnings not shown", self.omitted));
        }
        self.list
    }
}
