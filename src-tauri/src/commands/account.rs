//! Account and key: the key goes from the paste field to the keychain and never comes back.

use lamina_api::ApiKey;
use tauri::State;

use crate::error::AppError;
use crate::session::{AccountStatus, Session};

#[tauri::command]
#[specta::specta]
pub async fn account_status(session: State<'_, Session>) -> Result<AccountStatus, AppError> {
    Ok(session.status().await)
}

#[tauri::command]
#[specta::specta]
pub async fn connect_account(
    session: State<'_, Session>,
    api_key: String,
) -> Result<AccountStatus, AppError> {
    session.connect(ApiKey::new(api_key)).await
}

#[tauri::command]
#[specta::specta]
pub async fn use_demo(session: State<'_, Session>) -> Result<AccountStatus, AppError> {
    session.start_demo().await
}

#[tauri::command]
#[specta::specta]
pub async fn forget_key(session: State<'_, Session>) -> Result<AccountStatus, AppError> {
    session.forget_key().await
}

/// Whether the service answered the last request (false: the UI shows the offline banner).
#[tauri::command]
#[specta::specta]
pub async fn connection_status(session: State<'_, Session>) -> Result<bool, AppError> {
    Ok(match session.workspace().await {
        Ok(workspace) => workspace.tracker.is_online(),
        Err(_) => true,
    })
}

/// "Try again now" on the offline banner: one probe; followers wake at once if it answers.
#[tauri::command]
#[specta::specta]
pub async fn reconnect(session: State<'_, Session>) -> Result<bool, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.tracker.probe().await)
}
