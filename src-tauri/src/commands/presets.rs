//! Presets: an app's form saved under a name. Thin translations of `lamina_core::presets`;
//! applying checks the preset against the app as the service describes it now.

use std::time::SystemTime;

use lamina_api::{App, FieldError, Inputs};
use lamina_core::{AppliedPreset, Preset, PresetError, Workspace};
use tauri::State;

use crate::commands::apps::cached_app;
use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

impl From<PresetError> for AppError {
    fn from(error: PresetError) -> Self {
        let message = error.to_string();
        match error {
            PresetError::EmptyName | PresetError::NameTooLong => {
                let mut e = AppError::new(AppErrorKind::InvalidInput, message.clone(), message);
                e.fields = vec![FieldError {
                    field: Some("name".into()),
                    reason: e.message.clone(),
                }];
                e
            }
            PresetError::DuplicateName(name) => AppError::new(
                AppErrorKind::Conflict,
                message,
                format!("preset name taken: {name}"),
            ),
            PresetError::NotFound(id) => {
                AppError::new(AppErrorKind::NotFound, message, format!("no preset {id}"))
            }
            PresetError::Store(error) => AppError::new(
                AppErrorKind::Storage,
                "Your presets could not be saved or read on this computer.",
                error.to_string(),
            ),
        }
    }
}

/// The app as the service describes it now; the last copy seen when it can't be reached.
async fn current_app(workspace: &Workspace, app_id: &str) -> Result<App, AppError> {
    match workspace.client().get_app(app_id).await {
        Ok(app) => Ok(app),
        Err(error) if error.is_transient() => {
            cached_app(workspace, app_id).ok_or_else(|| error.into())
        }
        Err(error) => Err(error.into()),
    }
}

/// An app's presets, by name.
#[tauri::command]
#[specta::specta]
pub async fn list_presets(
    session: State<'_, Session>,
    app_id: String,
) -> Result<Vec<Preset>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.store().presets(&app_id)?)
}

/// Saves the form's values as a new preset of the app.
#[tauri::command]
#[specta::specta]
pub async fn save_preset(
    session: State<'_, Session>,
    app_id: String,
    name: String,
    inputs: Inputs,
) -> Result<Preset, AppError> {
    let workspace = session.workspace().await?;
    let app = match cached_app(&workspace, &app_id) {
        Some(app) => app,
        None => current_app(&workspace, &app_id).await?,
    };
    Ok(workspace
        .store()
        .save_preset(&app, &name, &inputs, SystemTime::now().into())?)
}

/// Replaces a preset's values with the form's.
#[tauri::command]
#[specta::specta]
pub async fn update_preset(
    session: State<'_, Session>,
    preset_id: String,
    inputs: Inputs,
) -> Result<Preset, AppError> {
    let workspace = session.workspace().await?;
    let preset = workspace.store().preset(&preset_id)?;
    let app = current_app(&workspace, &preset.app_id).await?;
    Ok(workspace.store().update_preset_inputs(
        &preset_id,
        &app,
        &inputs,
        SystemTime::now().into(),
    )?)
}

/// The preset's values that fit the app now, and what no longer does.
#[tauri::command]
#[specta::specta]
pub async fn apply_preset(
    session: State<'_, Session>,
    preset_id: String,
) -> Result<AppliedPreset, AppError> {
    let workspace = session.workspace().await?;
    let preset = workspace.store().preset(&preset_id)?;
    let app = current_app(&workspace, &preset.app_id).await?;
    Ok(workspace.store().apply_preset(&preset_id, &app)?)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_preset(
    session: State<'_, Session>,
    preset_id: String,
    name: String,
) -> Result<Preset, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace
        .store()
        .rename_preset(&preset_id, &name, SystemTime::now().into())?)
}

/// Deletes a preset; returns what it was.
#[tauri::command]
#[specta::specta]
pub async fn delete_preset(
    session: State<'_, Session>,
    preset_id: String,
) -> Result<Preset, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.store().delete_preset(&preset_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_errors_cross_ipc_with_a_kind_and_words() {
        let taken: AppError = PresetError::DuplicateName("Summer".into()).into();
        assert_eq!(taken.kind, AppErrorKind::Conflict);
        assert_eq!(
            taken.message,
            "There is already a preset called \u{201c}Summer\u{201d} for this app. Pick another name."
        );

        let empty: AppError = PresetError::EmptyName.into();
        assert_eq!(empty.kind, AppErrorKind::InvalidInput);
        assert_eq!(empty.fields.len(), 1);
        assert_eq!(empty.fields[0].field.as_deref(), Some("name"));

        let gone: AppError = PresetError::NotFound("p1".into()).into();
        assert_eq!(gone.kind, AppErrorKind::NotFound);
        assert!(gone.detail.contains("p1"));

        let storage: AppError =
            PresetError::Store(lamina_core::StoreError::other("disk full")).into();
        assert_eq!(storage.kind, AppErrorKind::Storage);
        assert!(storage.detail.contains("disk full"));
        assert!(!storage.message.contains("disk full"));
    }
}
