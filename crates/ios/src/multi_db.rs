//! Reading one SQLite artefact from every copy an acquisition holds (several browser profiles,
//! app variants or containers), so that one damaged copy never hides the others.

use crate::common::query_error;
use tracehound_core::{ModuleError, ModuleOutput, ParseStats, Record};
use tracehound_evidence::{Db, FoundFile, IosSource};

/// What was read from all copies.
pub struct Collected<T> {
    /// Records of every readable copy, in file order.
    pub records: Vec<T>,
    /// Copies skipped (missing tables) or unreadable, one line each.
    pub warnings: Vec<String>,
    /// Copies that could not be read.
    pub failed: u64,
}

/// Opens each of `files`, checks it has `tables`, and runs `read` on it. A copy without the
/// tables is a warning; an unreadable copy is a warning too unless every copy is unreadable,
/// when the first error is returned (a lone corrupt database is `Corrupted`, naming it).
pub fn read_each<T>(
    ev: &dyn IosSource,
    files: &[FoundFile],
    tables: &[&str],
    mut read: impl FnMut(&Db, &FoundFile) -> rusqlite::Result<Vec<T>>,
) -> Result<Collected<T>, ModuleError> {
    let mut out = Collected {
        records: Vec::new(),
        warnings: Vec::new(),
        failed: 0,
    };
    let mut first_error = None;
    for file in files {
        let result = ev
            .open_sqlite(file)
            .map_err(ModuleError::from)
            .and_then(|db| match tables.iter().find(|t| !db.has_table(t)) {
                Some(missing) => Ok(Err(*missing)),
                None => read(&db, file).map(Ok).map_err(|e| query_error(file, e)),
            });
        match result {
            Ok(Ok(rows)) => out.records.extend(rows),
            Ok(Err(missing)) => out.warnings.push(format!(
                "{} ({}): no {missing} table",
                file.path,
                file.artifact()
            )),
            Err(e) => {
                out.failed += 1;
                out.warnings.push(format!("{}: {e}", file.artifact()));
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if out.failed as usize == files.len() => Err(e),
        _ => Ok(out),
    }
}

impl<T: Record> Collected<T> {
    /// The module output, naming `files` as inputs.
    pub fn into_output(self, files: &[FoundFile]) -> ModuleOutput {
        let ok = self.records.len() as u64;
        let mut out =
            ModuleOutput::new(self.records).with_inputs(files.iter().map(|f| f.input()).collect());
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
