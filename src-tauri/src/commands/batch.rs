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
use crate::commands::batch_folder::BatchSources;
use crate::commands::storage::Uploads;
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
    /// Pass back to `preview_batch` / `start_batch`: paths in the table are relative to the
    /// file's folder (never shown to the window).
    pub source: String,
}

/// Opens the system dialog for a CSV/TSV file and returns its text (`None`: cancelled).
#[tauri::command]
#[specta::specta]
pub async fn pick_batch_file(
    app: AppHandle,
    sources: State<'_, BatchSources>,
) -> Result<Option<BatchFile>, AppError> {
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
    let folder = path.parent().map(PathBuf::from).unwrap_or_default();
    let (name, text) = tokio::task::spawn_blocking(move || read_table(&path))
        .await
        .map_err(|e| AppError::internal(format!("read task failed: {e}")))??;
    Ok(Some(BatchFile {
        name,
        text,
        source: sources.register(&folder),
    }))
}

fn read_table(path: &std::path::Path) -> Result<(String, String), AppError> {
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
    Ok((name, text))
}

async fn app_for(session: &Session, app_id: &str) -> Result<lamina_api::App, AppError> {
    let workspace = session.workspace().await?;
    Ok(match cached_app(&workspace, app_id) {
        Some(app) => app,
        None => workspace.client().get_app(app_id).await?,
    })
}

/// The table's columns mapped to the app's parameters and every row checked, with the local
/// photos it names; nothing is sent. `mapping`: the person's choices so far (`None` maps by
/// header names only). `source`: the token of the file or folder the table came from.
#[tauri::command]
#[specta::specta]
pub async fn preview_batch(
    session: State<'_, Session>,
    sources: State<'_, BatchSources>,
    app_id: String,
    text: String,
    mapping: Option<Mapping>,
    source: Option<String>,
) -> Result<batches::BatchPreview, AppError> {
    let app = app_for(&session, &app_id).await?;
    let base = sources.folder(source.as_deref());
    tokio::task::spawn_blocking(move || {
        batches::preview(&app, &text, mapping.as_ref(), base.as_deref())
    })
    .await
    .map_err(|e| AppError::internal(format!("preview task failed: {e}")))
}

/// Checks the table again, commits the batch and starts it in the background: its local
/// photos are uploaded first (a few at a time), then the rows start.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)] // each is one IPC argument or one piece of app state
pub async fn start_batch(
    app: AppHandle,
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    sources: State<'_, BatchSources>,
    app_id: String,
    name: String,
    text: String,
    mapping: Mapping,
    source: Option<String>,
) -> Result<BatchSummary, AppError> {
    let lamina_app = app_for(&session, &app_id).await?;
    let (_, runner) = session.batches().await?;
    let base = sources.folder(source.as_deref());
    let uploader = uploads.uploader(&session).await.ok().map(|(_, u)| u);
    let created = {
        let (runner, uploader) = (runner.clone(), uploader.clone());
        tokio::task::spawn_blocking(move || {
            batches::create(
                &runner,
                &lamina_app,
                &name,
                &text,
                &mapping,
                base.as_deref(),
                uploader.as_ref(),
            )
        })
        .await
        .map_err(|e| AppError::internal(format!("batch task failed: {e}")))??
    };
    let batches::CreatedBatch {
        summary,
        uploads: photos,
    } = created;
    let batch_id = summary.batch_id.clone();
    match uploader.filter(|_| !photos.is_empty()) {
        None => session.drive_batch(&batch_id).await?,
        Some(uploader) => {
            tauri::async_runtime::spawn(async move {
                batches::upload_photos(&runner, &uploader, &batch_id, &photos).await;
                if let Err(error) = app.state::<Session>().drive_batch(&batch_id).await {
                    tracing::warn!(%error, batch = %batch_id, "could not start a batch");
                }
            });
        }
    }
    Ok(summary)
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
    let (workspace, runner) = session.batches().await?;
    batches::requeue_failed_photos(&runner, workspace.store(), &batch_id)?;
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
