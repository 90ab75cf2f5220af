//! Settings → Connection → "Check connection": the connection check of `lamina_core::doctor`
//! against the workspace in use, through its own client and request budget.

use lamina_core::CoreError;
use lamina_core::doctor::{self, DoctorInput, DoctorReport, KeyOrigin};
use tauri::State;

use crate::error::AppError;
use crate::session::{Mode, Session};

/// One line per check; whatever goes wrong with the service is a line, not an error (errors are
/// only "no workspace yet" and the local store failing).
#[tauri::command]
#[specta::specta]
pub async fn check_connection(session: State<'_, Session>) -> Result<DoctorReport, AppError> {
    let (mode, workspace, delivery) = session.delivery().await?;
    let key_origin = match mode {
        Mode::Demo => KeyOrigin::Demo,
        Mode::Account | Mode::None => KeyOrigin::Keychain(session.keychain().clone()),
    };
    let mut input = DoctorInput::new(workspace.client().clone(), key_origin);
    input.webhook = delivery.reach_target().await.map_err(CoreError::from)?;
    Ok(doctor::check_connection(&input).await)
}
