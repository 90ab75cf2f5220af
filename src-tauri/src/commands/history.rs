//! History, gallery, favourites, and checking runs whose start was never confirmed. Thin
//! translations of `lamina-core`.

use lamina_core::{
    CoreError, GalleryPage, HistoryApp, HistoryPage, HistoryQuery, RunCandidate, RunRecord,
};
use tauri::State;

use crate::error::AppError;
use crate::session::Session;

#[tauri::command]
#[specta::specta]
pub async fn search_runs(
    session: State<'_, Session>,
    query: HistoryQuery,
) -> Result<HistoryPage, AppError> {
    let workspace = session.workspace().await?;
    let store = workspace.store().clone();
    blocking(move || store.search(&query).map_err(CoreError::from)).await
}

#[tauri::command]
#[specta::specta]
pub async fn gallery(
    session: State<'_, Session>,
    query: HistoryQuery,
) -> Result<GalleryPage, AppError> {
    let workspace = session.workspace().await?;
    let store = workspace.store().clone();
    blocking(move || store.gallery(&query).map_err(CoreError::from)).await
}

#[tauri::command]
#[specta::specta]
pub async fn history_apps(session: State<'_, Session>) -> Result<Vec<HistoryApp>, AppError> {
    let workspace = session.workspace().await?;
    let store = workspace.store().clone();
    blocking(move || store.history_apps().map_err(CoreError::from)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_starred(
    session: State<'_, Session>,
    local_id: String,
    index: u32,
    starred: bool,
) -> Result<RunRecord, AppError> {
    let workspace = session.workspace().await?;
    let record = workspace
        .store()
        .set_starred(&local_id, index as usize, starred)
        .map_err(CoreError::from)?;
    workspace.tracker.announce(&record);
    Ok(record)
}

/// Runs in the service's list that could be this unconfirmed one.
#[tauri::command]
#[specta::specta]
pub async fn find_unknown_run(
    session: State<'_, Session>,
    local_id: String,
) -> Result<Vec<RunCandidate>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.tracker.unknown_candidates(&local_id).await?)
}

/// The person picked the service's run that is this one: link it and follow it to the end.
#[tauri::command]
#[specta::specta]
pub async fn link_unknown_run(
    session: State<'_, Session>,
    local_id: String,
    run_id: String,
) -> Result<RunRecord, AppError> {
    let workspace = session.workspace().await?;
    let record = workspace.tracker.link_unknown(&local_id, &run_id).await?;
    let tracker = workspace.tracker.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = tracker.follow(&local_id).await {
            tracing::warn!(%error, run = %local_id, "stopped following a linked run");
        }
    });
    Ok(record)
}

/// The person checked: the service has no such run, so it never started.
#[tauri::command]
#[specta::specta]
pub async fn mark_run_not_started(
    session: State<'_, Session>,
    local_id: String,
) -> Result<RunRecord, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.tracker.mark_not_started(&local_id)?)
}

/// SQLite calls off the async workers (a search over a large history takes a few ms).
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result.map_err(Into::into),
        Err(error) => Err(AppError::internal(format!("history task failed: {error}"))),
    }
}
