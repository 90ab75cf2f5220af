//! Batches: many runs of one app from a table (CSV or pasted), each row one run.
//!
//! The pieces, in the order a batch goes through them:
//! - [`table`]: reading the CSV or the pasted table;
//! - [`mapping`]: which column feeds which parameter (auto-mapped by header, overridable),
//!   constants for the rest;
//! - [`plan`]: every row validated against the app's parameters before anything is sent, with
//!   messages naming the row and the column;
//! - [`store`]: batches and their rows in SQLite, linked to the runs they started;
//! - [`scheduler`]: starts released at the rate the request budget allows, status checks that
//!   cover many runs per request, pause/resume/cancel/retry, and resuming after a crash without
//!   ever sending a row twice;
//! - [`export`]: the outputs into a folder or a ZIP under names made from a pattern, with a CSV
//!   manifest.

pub mod export;
pub mod mapping;
pub mod naming;
pub mod plan;
pub mod scheduler;
pub mod store;
pub mod table;

use serde::{Deserialize, Serialize};

pub use export::{ExportOptions, ExportReport, export_batch};
pub use mapping::{ColumnMapping, ColumnTarget, Mapping};
pub use naming::NamePattern;
pub use plan::{PlannedRow, plan_rows};
pub use scheduler::{BatchRunner, SchedulerConfig, UPLOAD_FAILED, UploaderSource, fixed_uploader};
pub use store::{BatchProgress, BatchRow, BatchRowState, BatchState, BatchSummary};
pub use table::Table;

/// One problem with the input table, naming the row (as a spreadsheet numbers it: the header is
/// row 1) and the column where it applies.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
}

impl RowProblem {
    pub fn new(row: Option<u32>, column: Option<String>, message: String) -> Self {
        Self {
            row,
            column,
            message,
        }
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column \"{c}\": {}", self.message),
            (Some(r), None) => write!(f, "row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "column \"{c}\": {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// The table cannot be run as it is; nothing was sent. Lists every problem found.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct BatchInputError {
    pub problems: Vec<RowProblem>,
}

impl BatchInputError {
    pub fn single(row: Option<u32>, column: Option<String>, message: String) -> Self {
        Self {
            problems: vec![RowProblem::new(row, column, message)],
        }
    }
}

impl std::fmt::Display for BatchInputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 20;
        let n = self.problems.len();
        write!(
            f,
            "{n} problem{} in the table; nothing was sent:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems.iter().take(SHOWN) {
            write!(f, "\n  {p}")?;
        }
        if n > SHOWN {
            write!(f, "\n  … and {} more", n - SHOWN)?;
        }
        Ok(())
    }
}

/// Header and parameter names compare without case, spaces, `_` or `-`: "aspect_ratio",
/// "Aspect Ratio" and "aspectratio" are the same column.
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
