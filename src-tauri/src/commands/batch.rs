//! Batches: a table (a CSV file picked with the system dialog, or text pasted or dropped in the
//! window) previewed and checked before anything is sent, started, steered (pause, resume,
//! cancel the rest, retry failed) and exported. Progress reaches the window through the
//! `BatchUpdated` event. The logic is in `crate::batches` and `lamina-core`'s batch engine.

use std::path::PathBuf;

use lamina_core::batch::{BatchProgress, BatchSummary, Mapping};
use lamina_core::outputs::ExportFormat;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::batches::{self, BatchDetail, BatchExportRequest, BatchExportResult, BatchListItem};
use crate::commands::apps::cached_app;
use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

/// The largest table file read (a 10,000-row CSV is far below this).
const MAX_TABLE_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchFile {
    /// The file's name (no folder), e.g. to name the batch.
    pub name: String,
    pub text: String,
}

/// Opens the system dialog for a CSV/TSV file and returns its text (`None`: cancelled).
#[tauri::command]
#[specta::specta]
pub async fn pick_batch_file(app: AppHandle) -> Result<Option<BatchFile>, AppError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a table of inputs")
        .add_filter("Tables", &["csv", "tsv", "txt"])
        .pick_file(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    let Some(path) = receiver.await.ok().flatten() else {
        return Ok(None);
    };
    let read = tokio::task::spawn_blocking(move || read_table(&path))
        .await
        .map_err(|e| AppError::internal(format!("read task failed: {e}")))??;
    Ok(Some(read))
}

fn read_table(path: &std::path::Path) -> Result<BatchFile, AppError> {
    let unreadable = |detail: String| {
        AppError::new(
            AppErrorKind::InvalidInput,
            "That file can't be read as a table. Save it as CSV (UTF-8) and try again.",
            detail,
        )
    };
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_TABLE_BYTES {
        return Err(unreadable(format!(
            "{size} bytes is over the {MAX_TABLE_BYTES}-byte limit"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(e.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(BatchFile { name, text })
}

async fn app_for(session: &Session, app_id: &str) -> Result<lamina_api::App, AppError> {
    let workspace = session.workspace().await?;
    Ok(match cached_app(&workspace, app_id) {
        Some(app) => app,
        None => workspace.client().get_app(app_id).await?,
    })
}

/// The table's columns mapped to the app's parameters and every row checked; nothing is sent.
/// `mapping`: the person's choices so far (`None` maps by header names only).
#[tauri::command]
#[specta::specta]
pub async fn preview_batch(
    session: State<'_, Session>,
    app_id: String,
    text: String,
    mapping: Option<Mapping>,
) -> Result<batches::BatchPreview, AppError> {
    let app = app_for(&session, &app_id).await?;
    Ok(batches::preview(&app, &text, mapping.as_ref()))
}

/// Checks the table again, commits the batch and starts it in the background.
#[tauri::command]
#[specta::specta]
pub async fn start_batch(
    session: State<'_, Session>,
    app_id: String,
    name: String,
    text: String,
    mapping: Mapping,
) -> Result<BatchSummary, AppError> {
    let app = app_for(&session, &app_id).await?;
    let (_, runner) = session.batches().await?;
    let batch = batches::create(&runner, &app, &name, &text, &mapping)?;
    session.drive_batch(&batch.batch_id).await?;
    Ok(batch)
}

#[tauri::command]
#[specta::specta]
pub async fn list_batches(session: State<'_, Session>) -> Result<Vec<BatchListItem>, AppError> {
    let (workspace, runner) = session.batches().await?;
    batches::list(&runner, workspace.store())
}

#[tauri::command]
#[specta::specta]
pub async fn get_batch(
    session: State<'_, Session>,
    batch_id: String,
) -> Result<BatchDetail, AppError> {
    let (workspace, runner) = session.batches().await?;
    batches::detail(&runner, workspace.store(), &batch_id)
}

/// No new rows start; runs already started go on.
#[tauri::command]
#[specta::specta]
pub async fn pause_batch(
    session: State<'_, Session>,
    batch_id: String,
) -> Result<BatchProgress, AppError> {
    let (_, runner) = session.batches().await?;
    Ok(runner.pause(&batch_id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn resume_batch(
    session: State<'_, Session>,
    batch_id: String,
) -> Result<BatchProgress, AppError> {
    let (_, runner) = session.batches().await?;
    let progress = runner.resume(&batch_id)?;
    session.drive_batch(&batch_id).await?;
    Ok(progress)
}

/// Cancels the rows not sent yet; runs already started are followed to the end.
#[tauri::command]
#[specta::specta]
pub async fn cancel_batch_rest(
    session: State<'_, Session>,
    batch_id: String,
) -> Result<BatchProgress, AppError> {
    let (_, runner) = session.batches().await?;
    Ok(runner.cancel_rest(&batch_id)?)
}

/// Queues again the rows whose run failed, and drives the batch.
#[tauri::command]
#[specta::specta]
pub async fn retry_batch_failed(
    session: State<'_, Session>,
    batch_id: String,
) -> Result<BatchProgress, AppError> {
    let (_, runner) = session.batches().await?;
    if runner.retry_failed(&batch_id)? > 0 {
        session.drive_batch(&batch_id).await?;
    }
    Ok(runner.progress(&batch_id)?)
}

/// The first file's name under `pattern`, for the live example beside the field.
#[tauri::command]
#[specta::specta]
pub async fn batch_export_name(
    session: State<'_, Session>,
    batch_id: String,
    pattern: String,
    format: ExportFormat,
) -> Result<String, AppError> {
    let workspace = session.workspace().await?;
    batches::example_name(workspace.store(), &batch_id, &pattern, format)
}

/// Exports the batch's outputs with `manifest.csv` into `~/Pictures/Lamina/<batch name>` (or
/// `$LAMINA_EXPORT_DIR/<batch name>`), or into a folder the person picks; returns the paths.
#[tauri::command]
#[specta::specta]
pub async fn export_batch(
    app: AppHandle,
    session: State<'_, Session>,
    batch_id: String,
    request: BatchExportRequest,
) -> Result<BatchExportResult, AppError> {
    let workspace = session.workspace().await?;
    let (root, exact) = if request.choose_folder {
        let Some(folder) = ask_folder(&app).await else {
            return Ok(BatchExportResult {
                cancelled: true,
                location: None,
                paths: Vec::new(),
                files: 0,
                skipped: 0,
            });
        };
        (folder, true)
    } else {
        let root =
            batches::default_export_root(app.path().picture_dir().ok()).ok_or_else(|| {
                AppError::new(
                    AppErrorKind::Storage,
                    "There's no Pictures folder on this computer; choose a folder instead.",
                    "no picture dir",
                )
            })?;
        (root, false)
    };
    tokio::task::spawn_blocking(move || {
        batches::export(workspace.store(), &batch_id, &request, &root, exact)
    })
    .await
    .map_err(|e| AppError::internal(format!("export task failed: {e}")))?
}

async fn ask_folder(app: &AppHandle) -> Option<PathBuf> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a folder for the batch's images")
        .pick_folder(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    receiver.await.ok().flatten()
}
