//! Local photos in batches: "one run per image in this folder" (the folder chosen in the
//! system dialog, opened here), and where a table's relative paths are looked up.
//!
//! The window never gets a path it could use: a table chosen as a file, or a folder, is
//! registered here under an opaque `source` token, and `preview_batch` / `start_batch` take the
//! token back to find the folder. The window sees only the file names it shows in the table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use lamina_core::batch::UploaderSource;
use lamina_core::storage::batch_files::{SkippedFile, folder_table};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::storage::Uploads;
use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

/// The folders tables came from, by token (for this run of the app only).
#[derive(Default)]
pub struct BatchSources {
    folders: Mutex<HashMap<String, PathBuf>>,
    issued: AtomicU64,
}

impl BatchSources {
    /// Remembers `folder` and returns the token the window passes back.
    pub fn register(&self, folder: &Path) -> String {
        let token = format!("table-{}", self.issued.fetch_add(1, Ordering::Relaxed) + 1);
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(token.clone(), folder.to_path_buf());
        }
        token
    }

    /// The folder of a token (`None`: unknown, e.g. from before a restart).
    pub fn folder(&self, token: Option<&str>) -> Option<PathBuf> {
        let token = token?;
        self.folders.lock().ok()?.get(token).cloned()
    }
}

/// A folder's pictures as a one-column table, ready for the batch screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchFolder {
    /// The folder's name (no path), e.g. to name the batch.
    pub name: String,
    /// CSV: the field's name, then one picture's file name per row (sorted by name).
    pub text: String,
    /// Pass back to `preview_batch` / `start_batch`: where the file names are.
    pub source: String,
    pub photos: u32,
    /// Files that get no row, and why.
    pub skipped: Vec<SkippedFile>,
}

/// Opens the system dialog for a folder and lists its pictures as rows feeding `parameter`
/// (`None`: cancelled).
#[tauri::command]
#[specta::specta]
pub async fn pick_batch_folder(
    app: AppHandle,
    sources: State<'_, BatchSources>,
    parameter: String,
) -> Result<Option<BatchFolder>, AppError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a folder of photos")
        .pick_folder(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    let Some(folder) = receiver.await.ok().flatten() else {
        return Ok(None);
    };
    let listed = {
        let folder = folder.clone();
        tokio::task::spawn_blocking(move || folder_table(&folder, &parameter))
            .await
            .map_err(|e| AppError::internal(format!("folder task failed: {e}")))?
            .map_err(|e| {
                AppError::new(
                    AppErrorKind::InvalidInput,
                    "That folder can't be read. Choose another one.",
                    e.to_string(),
                )
            })?
    };
    Ok(Some(BatchFolder {
        name: folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        text: listed.csv_text(),
        source: sources.register(&folder),
        photos: listed.table.rows.len() as u32,
        skipped: listed.skipped,
    }))
}

/// The app's current uploader, for batches (asked when a row with a photo starts).
pub fn batch_uploaders(app: AppHandle) -> UploaderSource {
    std::sync::Arc::new(move || {
        let app = app.clone();
        Box::pin(async move {
            let session = app.try_state::<Session>()?;
            let uploads = app.try_state::<Uploads>()?;
            match uploads.uploader(&session).await {
                Ok((_, uploader)) => Some(uploader),
                Err(error) => {
                    tracing::warn!(%error, "no uploader for a batch's photos");
                    None
                }
            }
        })
    })
}
