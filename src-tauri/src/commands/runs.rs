//! Starting and reading runs. Tracking happens in the core; the window learns of changes
//! through the `RunUpdated` event.

use lamina_api::Inputs;
use lamina_core::RunRecord;
use tauri::State;

use crate::commands::apps::cached_app;
use crate::commands::storage::{Uploads, remember_input_files, resolve_run_inputs};
use crate::error::AppError;
use crate::session::Session;

/// Validates, records the intent, starts the run, and returns once the service has accepted (or
/// refused) it; following it to the end goes on in the background.
#[tauri::command]
#[specta::specta]
pub async fn start_run(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    app_id: String,
    inputs: Inputs,
) -> Result<RunRecord, AppError> {
    start(&session, &uploads, &app_id, inputs).await
}

/// What `start_run` does: uploads resolved to links first (a failed upload refuses the run
/// before anything is sent), then the run started and followed in the background.
pub async fn start(
    session: &Session,
    uploads: &Uploads,
    app_id: &str,
    inputs: Inputs,
) -> Result<RunRecord, AppError> {
    let workspace = session.workspace().await?;
    let app = match cached_app(&workspace, app_id) {
        Some(app) => app,
        None => workspace.client().get_app(app_id).await?,
    };
    if let Ok(json) = serde_json::to_string(&inputs) {
        let _ = workspace
            .store()
            .kv_set(&format!("last-inputs:{app_id}"), &json);
    }
    // Uploaded photos become links first; a failed upload refuses the run here.
    let (sent_inputs, files) = resolve_run_inputs(session, uploads, &inputs).await?;
    let record = workspace.tracker.start(&app, &sent_inputs, None).await?;
    remember_input_files(&workspace, &record.local_id, &files);
    let tracker = workspace.tracker.clone();
    let local_id = record.local_id.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = tracker.follow(&local_id).await {
            tracing::warn!(%error, run = %local_id, "stopped following a run; it resumes on restart");
        }
    });
    Ok(record)
}

#[tauri::command]
#[specta::specta]
pub async fn list_runs(
    session: State<'_, Session>,
    limit: u32,
    offset: u32,
) -> Result<Vec<RunRecord>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace
        .store()
        .list(limit.min(500) as usize, offset as usize)
        .map_err(lamina_core::CoreError::from)?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_run(session: State<'_, Session>, local_id: String) -> Result<RunRecord, AppError> {
    let workspace = session.workspace().await?;
    workspace
        .store()
        .get(&local_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| lamina_core::CoreError::UnknownRun(local_id).into())
}

/// The inputs last sent for an app, to prefill its form.
#[tauri::command]
#[specta::specta]
pub async fn last_inputs(
    session: State<'_, Session>,
    app_id: String,
) -> Result<Option<Inputs>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace
        .store()
        .kv_get(&format!("last-inputs:{app_id}"))
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok()))
}
