//! The batch screen's logic between the commands and `lamina-core`'s batch engine: previews of a
//! pasted or loaded table (auto-mapping and every row's problems, nothing sent), starting a
//! batch from the same table re-checked in Rust, the batch views, and exports. No Tauri here:
//! the commands in `commands/batch.rs` unpack IPC and call these; tests call them directly.

use std::path::{Path, PathBuf};

use lamina_api::App;
use lamina_core::Store;
use lamina_core::batch::export::{ExportOptions, export_batch};
use lamina_core::batch::naming::{NameContext, NamePattern};
use lamina_core::batch::table::TableRow;
use lamina_core::batch::{
    BatchInputError, BatchProgress, BatchRow, BatchRowState, BatchRunner, BatchSummary,
    ColumnTarget, Mapping, PlannedRow, RowProblem, Table, UPLOAD_FAILED, plan_rows,
};
use lamina_core::outputs::{ExportFormat, OutputLimits};
use lamina_core::storage::batch_files::{
    LocalFile, UploadTally, requeue_failed_uploads, submit_local_files, take_local_files,
    tally_uploads, upload_ids, upload_submitted,
};
use lamina_core::storage::{UploadError, Uploader};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppErrorKind};

/// How many rows of the table the preview carries (the count covers all of them).
pub const PREVIEW_ROWS: usize = 50;

/// A batch changed: totals, state and ETA (committed to SQLite before it is sent).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct BatchUpdated(pub BatchProgress);

/// What the table would do, before anything is sent.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchPreview {
    pub headers: Vec<String>,
    /// The first rows, for the preview table.
    pub rows: Vec<TableRow>,
    pub row_count: u32,
    /// Column → parameter (auto-mapped by header, then the person's choices) and constants.
    pub mapping: Mapping,
    /// Every problem, naming the row and the column; empty when the batch can run.
    pub problems: Vec<RowProblem>,
    /// Columns that feed no parameter and were not marked: not sent, kept for file names and
    /// the manifest (a notice, not a problem).
    pub kept_columns: Vec<String>,
    /// Runs the batch will start (0 while there are problems).
    pub runs: u32,
    /// Photos on this computer the batch will upload first (each file once).
    pub local_files: u32,
}

/// A batch with its totals, for the list.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchListItem {
    pub batch: BatchSummary,
    pub progress: BatchProgress,
}

/// A batch with every row, its run and outputs.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchDetail {
    pub batch: BatchSummary,
    pub progress: BatchProgress,
    pub rows: Vec<BatchRow>,
    /// The batch's own photos being uploaded (none for a batch of links).
    pub uploads: Option<UploadTally>,
}

/// How to export: where is chosen by the command (default folder or a folder dialog).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchExportRequest {
    pub zip: bool,
    /// e.g. `{sku}_{label}_{n}.{ext}`.
    pub pattern: String,
    pub format: ExportFormat,
    /// Scale down so the longest side is at most this (never up).
    pub longest_side: Option<u32>,
    /// Ask for a folder with the system dialog instead of the default one.
    pub choose_folder: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchExportResult {
    /// The person closed the folder dialog: nothing was written.
    pub cancelled: bool,
    /// The folder or the ZIP written.
    pub location: Option<String>,
    /// Every file written (with `manifest.csv`), or the ZIP.
    pub paths: Vec<String>,
    /// Images written.
    pub files: u32,
    /// Rows with nothing to export (failed, cancelled, not finished).
    pub skipped: u32,
}

/// Parses the table, maps its columns (auto-mapping, then `choices` for columns it has) and
/// checks every row, and every local photo a `url` column names (relative paths from
/// `base_dir`, the folder of the table's file or of the chosen folder). Never fails: problems
/// are part of the answer.
pub fn preview(
    app: &App,
    text: &str,
    choices: Option<&Mapping>,
    base_dir: Option<&Path>,
) -> BatchPreview {
    let table = match Table::parse(text) {
        Ok(table) => table,
        Err(error) => {
            return BatchPreview {
                headers: Vec::new(),
                rows: Vec::new(),
                row_count: 0,
                mapping: Mapping::default(),
                problems: error.problems,
                kept_columns: Vec::new(),
                runs: 0,
                local_files: 0,
            };
        }
    };
    let mapping = merged_mapping(app, &table, choices);
    let shown: Vec<TableRow> = table.rows.iter().take(PREVIEW_ROWS).cloned().collect();
    let (problems, runs, local_files) = match plan(app, table.clone(), &mapping, base_dir) {
        Ok(planned) => (Vec::new(), planned.rows.len() as u32, planned.files.len()),
        Err(error) => (error.problems, 0, 0),
    };
    let kept_columns = mapping
        .notices(app)
        .into_iter()
        .filter_map(|notice| notice.column)
        .collect();
    BatchPreview {
        headers: table.headers.clone(),
        rows: shown,
        row_count: table.rows.len() as u32,
        mapping,
        problems,
        kept_columns,
        runs,
        local_files: local_files as u32,
    }
}

/// A table ready to commit: its rows (local photos as placeholders) and the files they name.
struct Planned {
    headers: Vec<String>,
    rows: Vec<PlannedRow>,
    files: Vec<LocalFile>,
}

/// Every row and every local photo checked in one pass (all problems together, by row).
fn plan(
    app: &App,
    mut table: Table,
    mapping: &Mapping,
    base_dir: Option<&Path>,
) -> Result<Planned, BatchInputError> {
    let (files, mut problems) = take_local_files(app, &mut table, mapping, base_dir);
    match plan_rows(app, &table, mapping) {
        Ok(rows) if problems.is_empty() => {
            return Ok(Planned {
                headers: table.headers,
                rows,
                files,
            });
        }
        Ok(_) => {}
        Err(error) => problems.extend(error.problems),
    }
    problems.sort_by_key(|p| p.row);
    Err(BatchInputError { problems })
}

/// A committed batch and the uploads of its local photos (journaled, not sent yet).
#[derive(Debug)]
pub struct CreatedBatch {
    pub summary: BatchSummary,
    pub uploads: Vec<String>,
}

/// Commits a batch from the table, checked again here (the window's preview is not trusted),
/// and returns it; nothing is sent until it is driven ([`BatchRunner::run`]). Local photos are
/// journaled as uploads and the rows hold their references: [`upload_photos`] sends them, and
/// each row gets its link just before it starts.
pub fn create(
    runner: &BatchRunner,
    app: &App,
    name: &str,
    text: &str,
    choices: &Mapping,
    base_dir: Option<&Path>,
    uploader: Option<&Uploader>,
) -> Result<CreatedBatch, AppError> {
    let table = Table::parse(text).map_err(input_error)?;
    let mapping = merged_mapping(app, &table, Some(choices));
    let Planned {
        headers,
        mut rows,
        files,
    } = plan(app, table, &mapping, base_dir).map_err(input_error)?;
    let uploads = if files.is_empty() {
        Vec::new()
    } else {
        let uploader = uploader
            .filter(|u| u.backend().is_some())
            .ok_or(UploadError::NoStorage)?;
        submit_local_files(uploader, &files, &mut rows)
            .map_err(|problems| input_error(BatchInputError { problems }))?
    };
    let name = match name.trim() {
        "" => format!("{} batch", app.name),
        name => name.chars().take(120).collect(),
    };
    let summary = runner.create(app, &name, &headers, &rows)?;
    Ok(CreatedBatch { summary, uploads })
}

/// Sends a batch's photos, a few at a time; the batch screen hears of each one finished (the
/// `BatchUpdated` event; its detail counts them). Failures are journaled: their rows say why
/// and are not started.
pub async fn upload_photos(
    runner: &BatchRunner,
    uploader: &Uploader,
    batch_id: &str,
    uploads: &[String],
) {
    upload_submitted(uploader, uploads, || {
        let _ = runner.notify(batch_id);
    })
    .await;
}

/// Before "Retry failed": the photos of rows whose upload failed get another try (the file
/// may have been fixed since). Returns how many.
pub fn requeue_failed_photos(
    runner: &BatchRunner,
    store: &Store,
    batch_id: &str,
) -> Result<usize, AppError> {
    let rows = runner.rows(batch_id)?;
    let ids = upload_ids(
        rows.iter()
            .filter(|r| r.state == BatchRowState::Failed)
            .filter(|r| r.error().is_some_and(|e| e.kind == UPLOAD_FAILED))
            .flat_map(|r| r.inputs.values()),
    );
    Ok(requeue_failed_uploads(store, &ids))
}

pub fn list(runner: &BatchRunner, store: &Store) -> Result<Vec<BatchListItem>, AppError> {
    store
        .batches(200)
        .map_err(lamina_core::CoreError::from)?
        .into_iter()
        .map(|batch| {
            let progress = runner.progress(&batch.batch_id)?;
            Ok(BatchListItem { batch, progress })
        })
        .collect()
}

pub fn detail(
    runner: &BatchRunner,
    store: &Store,
    batch_id: &str,
) -> Result<BatchDetail, AppError> {
    let batch = store
        .batch(batch_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| not_found(batch_id))?;
    let rows = runner.rows(batch_id)?;
    let ids = upload_ids(rows.iter().flat_map(|r| r.inputs.values()));
    let uploads = (!ids.is_empty()).then(|| tally_uploads(store, &ids));
    Ok(BatchDetail {
        progress: runner.progress(batch_id)?,
        rows,
        batch,
        uploads,
    })
}

/// The name the first exported file would get, to show beside the pattern as it is typed.
pub fn example_name(
    store: &Store,
    batch_id: &str,
    pattern: &str,
    format: ExportFormat,
) -> Result<String, AppError> {
    let batch = store
        .batch(batch_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| not_found(batch_id))?;
    let pattern = NamePattern::parse(pattern, &batch.columns).map_err(input_error)?;
    let rows = store
        .batch_rows(batch_id)
        .map_err(lamina_core::CoreError::from)?;
    let first_kept = rows.iter().find_map(|row| {
        let run = row.run.as_ref()?;
        let output = run.outputs.iter().find(|o| o.file.is_some())?;
        Some((row, run, output))
    });
    let ext_of = |path: Option<&Path>| {
        format
            .kind()
            .map(|k| k.extension().to_owned())
            .unwrap_or_else(|| {
                path.and_then(|p| p.extension())
                    .map_or_else(|| "png".to_owned(), |e| e.to_string_lossy().into_owned())
            })
    };
    let name = match first_kept {
        Some((row, run, output)) => {
            let ext = ext_of(output.file.as_ref().map(|f| f.path.as_path()));
            pattern.render(&NameContext {
                cells: Some(&row.cells),
                app: &run.app_name,
                label: output.label.as_deref().unwrap_or("output 1"),
                n: 1,
                row: Some(row.line),
                date: run.created_at.format("%Y-%m-%d").to_string(),
                run: run.run_id.as_deref().unwrap_or(&run.local_id),
                ext: &ext,
            })
        }
        None => {
            let ext = ext_of(None);
            let first = rows.first();
            pattern.render(&NameContext {
                cells: first.map(|r| &r.cells),
                app: &batch.app_name,
                label: &batch.app_name,
                n: 1,
                row: first.map(|r| r.line),
                date: batch.created_at.format("%Y-%m-%d").to_string(),
                run: "",
                ext: &ext,
            })
        }
    };
    Ok(name)
}

/// Where exports go unless the person picks a folder: `$LAMINA_EXPORT_DIR` (tests) or
/// `<Pictures>/Lamina`, then a folder (or a ZIP) named after the batch.
pub fn default_export_root(pictures: Option<PathBuf>) -> Option<PathBuf> {
    match std::env::var_os("LAMINA_EXPORT_DIR") {
        Some(dir) if !dir.is_empty() => Some(dir.into()),
        _ => pictures.map(|p| p.join("Lamina")),
    }
}

/// Writes the batch's outputs into `root/<batch name>` (or `root/<batch name>.zip`); with
/// `exact` the folder is `root` itself (a folder the person picked).
pub fn export(
    store: &Store,
    batch_id: &str,
    request: &BatchExportRequest,
    root: &Path,
    exact: bool,
) -> Result<BatchExportResult, AppError> {
    let batch = store
        .batch(batch_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| not_found(batch_id))?;
    let stem = safe_file_name(&batch.name);
    let dest = match (request.zip, exact) {
        (true, _) => root.join(format!("{stem}.zip")),
        (false, true) => root.to_owned(),
        (false, false) => root.join(&stem),
    };
    let format = match request.format {
        ExportFormat::Jpeg { quality } => ExportFormat::Jpeg {
            quality: quality.clamp(1, 100),
        },
        ExportFormat::Webp { quality } => ExportFormat::Webp {
            quality: quality.min(100),
        },
        other => other,
    };
    let options = ExportOptions {
        dest: dest.clone(),
        zip: request.zip,
        pattern: request.pattern.clone(),
        format,
        longest_side: request.longest_side.filter(|s| *s > 0),
    };
    let report =
        export_batch(store, batch_id, &options, &OutputLimits::default()).map_err(|error| {
            let kind = match error {
                lamina_core::batch::export::ExportError::Pattern(_) => AppErrorKind::InvalidInput,
                _ => AppErrorKind::Storage,
            };
            let message = match kind {
                AppErrorKind::InvalidInput => error.to_string(),
                _ => "The images couldn't be exported to that folder.".to_owned(),
            };
            AppError::new(kind, message, error.to_string())
        })?;
    let paths = if request.zip {
        vec![dest.display().to_string()]
    } else {
        std::iter::once(lamina_core::batch::export::MANIFEST_NAME.to_owned())
            .chain(report.files.iter().map(|f| f.name.clone()))
            .map(|name| dest.join(name).display().to_string())
            .collect()
    };
    Ok(BatchExportResult {
        cancelled: false,
        location: Some(dest.display().to_string()),
        paths,
        files: report.files.len() as u32,
        skipped: report.skipped.len() as u32,
    })
}

/// The auto-mapping of `table`'s headers, with the person's choices for the columns they made
/// one for, and their constants (blank ones dropped: the parameter's default applies).
fn merged_mapping(app: &App, table: &Table, choices: Option<&Mapping>) -> Mapping {
    let mut mapping = Mapping::auto(app, &table.headers, &[], &[]).unwrap_or_else(|_| Mapping {
        columns: Vec::new(),
        constants: Default::default(),
    });
    let Some(choices) = choices else {
        return mapping;
    };
    for column in &mut mapping.columns {
        if let Some(chosen) = choices.columns.iter().find(|c| c.column == column.column) {
            column.target = chosen.target.clone();
        }
    }
    let fed: Vec<&str> = mapping
        .columns
        .iter()
        .filter_map(|c| match &c.target {
            Some(ColumnTarget::Parameter { name }) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    mapping.constants = choices
        .constants
        .iter()
        .filter(|(name, value)| !value.trim().is_empty() && !fed.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    mapping
}

fn input_error(error: BatchInputError) -> AppError {
    let n = error.problems.len();
    AppError::new(
        AppErrorKind::InvalidInput,
        format!(
            "The table has {n} problem{} to fix first; nothing was sent.",
            if n == 1 { "" } else { "s" }
        ),
        error.to_string(),
    )
}

fn not_found(batch_id: &str) -> AppError {
    AppError::new(
        AppErrorKind::NotFound,
        "That batch is not on this computer.",
        format!("no batch {batch_id}"),
    )
}

/// A batch name as a file name: no separators or characters Windows refuses.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "batch".to_owned()
    } else {
        cleaned.chars().take(100).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_names_become_safe_folder_names() {
        assert_eq!(safe_file_name("Spring/Summer: tops"), "Spring_Summer_ tops");
        assert_eq!(safe_file_name(" .. "), "batch");
    }
}
