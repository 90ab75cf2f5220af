//! Credits from `/v1/account/usage`, for the header and before a batch. The endpoint is optional:
//! a service without it shows no credits, never an error.

use lamina_api::{ApiErrorKind, Usage};
use tauri::State;

use crate::error::AppError;
use crate::session::Session;

/// The account's credits, or `None` when the service does not report them (the header then
/// shows nothing).
#[tauri::command]
#[specta::specta]
pub async fn account_usage(session: State<'_, Session>) -> Result<Option<Usage>, AppError> {
    let workspace = session.workspace().await?;
    match workspace.client().usage().await {
        Ok(usage) if usage.credits.is_some() => Ok(Some(usage)),
        Ok(_) => Ok(None),
        Err(error)
            if matches!(
                error.kind,
                ApiErrorKind::Unsupported { .. }
                    | ApiErrorKind::NotFound
                    | ApiErrorKind::Decode
                    | ApiErrorKind::Forbidden
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}
