//! Reading one SQLite artefact from every copy an acquisition holds (several browser profiles,
//! app variants or containers), so that one damaged copy never hides the others.

use crate::common::query_error;
use tracehound_core::{Alert, ModuleError, ModuleOutput, ParseStats, Record};
use tracehound_evidence::{Db, FoundFile, IosSource};

/// What was read from all copies.
pub struct Collected<T> {
    /// Records of every readable copy, in file order.
    pub records: Vec<T>,
    /// Alerts on those records (indexes into `records`).
    pub alerts: Vec<Alert>,
    /// Copies skipped (missing tables) or unreadable, one line each.
    pub warnings: Vec<String>,
    /// Copies that could not be read.
    pub failed: u64,
    first_error: Option<ModuleError>,
}

impl<T> Collected<T> {
    /// Nothing read yet.
    pub fn new() -> Self {
        Collected {
            records: Vec::new(),
            alerts: Vec::new(),
            warnings: Vec::new(),
            failed: 0,
            first_error: None,
        }
    }

    /// Folds in one copy: its records, `Ok(None)` when it lacks `what` (a warning naming
    /// it), or its error (a warning and a failure).
    pub fn add(
        &mut self,
        file: &FoundFile,
        what: &str,
        result: Result<Option<Vec<T>>, ModuleError>,
    ) {
        match result {
            Ok(Some(rows)) => self.records.extend(rows),
            Ok(None) => {
                self.warnings
                    .push(format!("{} ({}): no {what}", file.path, file.artifact()))
            }
            Err(e) => {
                self.failed += 1;
                self.warnings.push(format!("{}: {e}", file.artifact()));
                self.first_error.get_or_insert(e);
            }
        }
    }

    /// The whole, or the first error when every one of the `copies` failed (a lone corrupt
    /// database is `Corrupted`, naming it).
    pub fn finish(mut self, copies: usize) -> Result<Self, ModuleError> {
        match self.first_error.take() {
            Some(e) if self.failed as usize == copies => Err(e),
            _ => Ok(self),
        }
    }
}

impl<T> Default for Collected<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Opens each of `files`, checks it has `tables`, and runs `read` on it. A copy without the
/// tables is a warning; an unreadable copy is a warning too unless every copy is unreadable,
/// when the first error is returned.
pub fn read_each<T>(
    ev: &dyn IosSource,
    files: &[FoundFile],
    tables: &[&str],
    mut read: impl FnMut(&Db, &FoundFile) -> rusqlite::Result<Vec<T>>,
) -> Result<Collected<T>, ModuleError> {
    let mut out = Collected::new();
    for file in files {
        let mut missing = "";
        let result = ev
            .open_sqlite(file)
            .map_err(ModuleError::from)
            .and_then(|db| match tables.iter().find(|t| !db.has_table(t)) {
                Some(t) => {
                    missing = t;
                    Ok(None)
                }
                None => read(&db, file).map(Some).map_err(|e| query_error(file, e)),
            });
        out.add(file, &format!("{missing} table"), result);
    }
    out.finish(files.len())
}

impl<T: Record> Collected<T> {
    /// The module output, naming `files` as inputs.
    pub fn into_output(self, files: &[FoundFile]) -> ModuleOutput {
        let ok = self.records.len() as u64;
        let mut out =
            ModuleOutput::new(self.records).with_inputs(files.iter().map(|f| f.input()).collect());
        out.alerts = self.alerts;
        out.warnings = self.warnings;
        out.stats = ParseStats {
            ok,
            failed: self.failed,
        };
        out
    }
}

/// The first `n` columns of a row as raw values.
pub fn raw_values(
    row: &rusqlite::Row<'_>,
    n: usize,
) -> rusqlite::Result<Vec<tracehound_evidence::rawrow::RawValue>> {
    (0..n)
        .map(|i| {
            row.get_ref(i)
                .map(tracehound_evidence::rawrow::RawValue::from_ref)
        })
        .collect()
}
