//! What a person does with a kept output: save it where they want (native dialog, chosen
//! format), copy it, show it in the file manager. Paths never travel to the web view: the
//! dialogs open from Rust and the UI names outputs by run id and index only.

use std::path::{Path, PathBuf};

use lamina_core::outputs::{ExportFormat, OutputLimits, export_image};
use lamina_core::{RunRecord, StoredFile, Workspace};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SaveOutcome {
    /// How many files were written (0 when the person cancelled the dialog).
    pub saved: u32,
    pub cancelled: bool,
    /// Where they went, for "Saved to …" (a folder or a file name, shown to the person).
    pub location: Option<String>,
}

/// Saves outputs of a run: one through a "Save as" dialog, several into a chosen folder.
#[tauri::command]
#[specta::specta]
pub async fn save_outputs(
    app: AppHandle,
    session: State<'_, Session>,
    local_id: String,
    indexes: Vec<u32>,
    format: ExportFormat,
) -> Result<SaveOutcome, AppError> {
    let workspace = session.workspace().await?;
    let record = run(&workspace, &local_id)?;
    let files: Vec<(u32, StoredFile)> = indexes
        .iter()
        .map(|&index| kept_file(&record, index).map(|file| (index, file)))
        .collect::<Result<_, _>>()?;
    let Some(((first_index, first), rest)) = files.split_first().map(|(f, r)| (f.clone(), r))
    else {
        return Err(not_kept());
    };
    let cancelled = SaveOutcome {
        saved: 0,
        cancelled: true,
        location: None,
    };
    let targets: Vec<(StoredFile, PathBuf)> = if rest.is_empty() {
        let name = file_name(&record, first_index, &first, &format);
        let Some(path) = ask_save_path(&app, &name).await else {
            return Ok(cancelled);
        };
        vec![(first, path)]
    } else {
        let Some(folder) = ask_folder(&app).await else {
            return Ok(cancelled);
        };
        files
            .iter()
            .map(|(index, file)| {
                let name = file_name(&record, *index, file, &format);
                (file.clone(), folder.join(name))
            })
            .collect()
    };
    let location = match targets.as_slice() {
        [(_, path)] => path.display().to_string(),
        _ => targets
            .first()
            .and_then(|(_, p)| p.parent())
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    };
    let saved = targets.len() as u32;
    tokio::task::spawn_blocking(move || {
        let limits = OutputLimits::default();
        for (file, dest) in targets {
            export_image(&file.path, &dest, format, None, &limits).map_err(|error| {
                AppError::new(
                    AppErrorKind::Storage,
                    format!("Couldn't save {}: {error}", display_name(&dest)),
                    error.to_string(),
                )
            })?;
        }
        Ok::<_, AppError>(())
    })
    .await
    .map_err(|e| AppError::internal(format!("save task failed: {e}")))??;
    Ok(SaveOutcome {
        saved,
        cancelled: false,
        location: Some(location),
    })
}

/// Puts a kept image on the clipboard as an image (pastes into chat, mail, design tools).
#[tauri::command]
#[specta::specta]
pub async fn copy_image(
    app: AppHandle,
    session: State<'_, Session>,
    local_id: String,
    index: u32,
) -> Result<(), AppError> {
    let workspace = session.workspace().await?;
    let file = kept_file(&run(&workspace, &local_id)?, index)?;
    let (width, height, rgba) = tokio::task::spawn_blocking(move || {
        lamina_core::outputs::decode_rgba(&file.path, &OutputLimits::default())
    })
    .await
    .map_err(|e| AppError::internal(format!("copy task failed: {e}")))?
    .map_err(|error| {
        AppError::new(
            AppErrorKind::Decode,
            "This picture can't be copied.",
            error.to_string(),
        )
    })?;
    let image = tauri::image::Image::new_owned(rgba, width, height);
    app.clipboard()
        .write_image(&image)
        .map_err(|error| clipboard_error(&error.to_string()))
}

/// Copies text (a run id, a run's JSON for support) to the clipboard.
#[tauri::command]
#[specta::specta]
pub async fn copy_text(app: AppHandle, text: String) -> Result<(), AppError> {
    app.clipboard()
        .write_text(text)
        .map_err(|error| clipboard_error(&error.to_string()))
}

/// Opens the file manager with the kept file selected.
#[tauri::command]
#[specta::specta]
pub async fn reveal_output(
    app: AppHandle,
    session: State<'_, Session>,
    local_id: String,
    index: u32,
) -> Result<(), AppError> {
    let workspace = session.workspace().await?;
    let file = kept_file(&run(&workspace, &local_id)?, index)?;
    app.opener()
        .reveal_item_in_dir(&file.path)
        .map_err(|error| {
            AppError::new(
                AppErrorKind::Internal,
                "The file manager could not be opened.",
                error.to_string(),
            )
        })
}

fn run(workspace: &Workspace, local_id: &str) -> Result<RunRecord, AppError> {
    workspace
        .store()
        .get(local_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| lamina_core::CoreError::UnknownRun(local_id.to_owned()).into())
}

fn kept_file(record: &RunRecord, index: u32) -> Result<StoredFile, AppError> {
    record
        .outputs
        .get(index as usize)
        .and_then(|o| o.file.clone())
        .ok_or_else(not_kept)
}

fn not_kept() -> AppError {
    AppError::new(
        AppErrorKind::NotFound,
        "This result isn't on this computer yet.",
        "output has no kept file",
    )
}

fn clipboard_error(detail: &str) -> AppError {
    AppError::new(
        AppErrorKind::Internal,
        "Couldn't copy to the clipboard.",
        detail.to_owned(),
    )
}

/// `hero-image-2026-11-26-1.png`: app, day, position; the extension follows the chosen format.
fn file_name(record: &RunRecord, index: u32, file: &StoredFile, format: &ExportFormat) -> String {
    let app: String = record
        .app_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let app = app
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let extension = match format.kind() {
        Some(kind) => kind.extension(),
        None => file
            .path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("png"),
    };
    format!(
        "{}-{}-{}.{extension}",
        if app.is_empty() { "lamina" } else { &app },
        record.created_at.format("%Y-%m-%d"),
        index + 1
    )
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

async fn ask_save_path(app: &AppHandle, suggested: &str) -> Option<PathBuf> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save image")
        .set_file_name(suggested)
        .save_file(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    receiver.await.ok().flatten()
}

async fn ask_folder(app: &AppHandle) -> Option<PathBuf> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a folder for the images")
        .pick_folder(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    receiver.await.ok().flatten()
}
