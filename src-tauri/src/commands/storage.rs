//! Storage and uploads (issue 17): Settings → Storage, "Test storage", photos dropped, pasted or
//! chosen, outputs reused as inputs.
//!
//! For the UI (how an image field works):
//! 1. A dropped or pasted `File`: read it with `FileReader.readAsDataURL` and call
//!    `uploadFileBytes(file.name, dataUrl)` (a base64 string crosses IPC as one JSON string, far
//!    cheaper than `Vec<u8>`, which tauri-specta sends as a JSON array of numbers; a raw IPC body
//!    would be cheaper still but can't be typed by tauri-specta). Show your own `blob:` preview.
//!    "Choose…" calls `chooseUploadFile()`, which opens the native dialog from Rust and returns
//!    a ticket with a small `data:` preview; the web view never gets a path.
//! 2. Put `ticket.inputValue` (`lamina-upload:<id>`) in the field. Progress arrives as the
//!    `uploadProgressed` event (`{ id, stage, sent, total, message }`); `uploadStatus(id)`
//!    answers at any time (after a reload, too). `ticket.metadataRemoved` says whether location
//!    and camera details were removed.
//! 3. `startRun` resolves every `lamina-upload:<id>` to its link before anything is sent: it
//!    waits for an upload in flight (so Generate may be pressed while it sends), and refuses the
//!    run with an `invalidInput` error naming the field when the upload failed. A rerun with an
//!    old presigned link is re-signed there too. `runInputFiles(localId)` gives History the local
//!    file names beside the links.
//! 4. Outputs as inputs: `inputFromOutput(localId, outputIndex)` gives the value to put in the
//!    field (a permanent copy on Lamina's CDN where offered, the hosted link while valid, or an
//!    upload of the archived copy to follow as in 2).
//! 5. Settings → Storage: `storageSettings()` (never the secret, `hasSecret` only),
//!    `saveStorageSettings(input)` (secret absent = keep), `forgetStorage()`, `testStorage()`.
//!    The demo workspace always uses the built-in storage (`active: "builtIn"`).

use std::sync::Arc;

use lamina_api::FieldError;
use lamina_api::Inputs;
use lamina_core::Workspace;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::settings::{
    STORAGE_SECRET_ACCOUNT, SettingsProblem, load_settings, save_settings,
};
use lamina_core::storage::uploads::{ProgressSink, input_files, record_input_files};
use lamina_core::storage::{
    InputFile, PrepareOptions, StorageKind, StorageSettingsInput, StorageSettingsView,
    StorageTestReport, UploadError, UploadProgress, UploadTicket, Uploader,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::Event;

use crate::error::{AppError, AppErrorKind};
use crate::session::{Mode, Session, blocking};

pub use lamina_core::storage::InputFromOutput;

/// An upload moved on (committed to the journal first).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct UploadProgressed(pub UploadProgress);

impl From<UploadError> for AppError {
    fn from(error: UploadError) -> Self {
        let detail = error.detail();
        let message = error.to_string();
        let kind = match &error {
            UploadError::Prepare(_) | UploadError::Unreadable { .. } => AppErrorKind::InvalidInput,
            UploadError::InputFailed { .. } => AppErrorKind::InvalidInput,
            UploadError::NoStorage => AppErrorKind::Conflict,
            UploadError::Storage { .. } => AppErrorKind::Server,
            UploadError::UnknownUpload(_) => AppErrorKind::NotFound,
            UploadError::Journal(_) => AppErrorKind::Storage,
        };
        let mut app_error = AppError::new(kind, message, detail);
        if let Some(field) = error.field() {
            app_error.fields = vec![FieldError {
                field: Some(field.to_string()),
                reason: app_error.message.clone(),
            }];
        }
        app_error
    }
}

impl From<SettingsProblem> for AppError {
    fn from(problem: SettingsProblem) -> Self {
        let mut error = AppError::new(
            AppErrorKind::InvalidInput,
            problem.message.clone(),
            format!("{}: {}", problem.field, problem.message),
        );
        error.fields = vec![FieldError {
            field: Some(problem.field.to_string()),
            reason: problem.message,
        }];
        error
    }
}

fn store_error(error: lamina_core::StoreError) -> AppError {
    AppError::new(
        AppErrorKind::Storage,
        "Your storage settings could not be saved or read on this computer.",
        error.to_string(),
    )
}

/// The uploader of the workspace the window is on, rebuilt when the workspace or the storage
/// settings change; progress goes to the window.
pub struct Uploads {
    progress: ProgressSink,
    current: tokio::sync::Mutex<Option<(String, Uploader)>>,
}

impl Uploads {
    pub fn new(app: AppHandle) -> Self {
        Self::with_progress(Arc::new(move |report| {
            if let Err(error) = UploadProgressed(report).emit(&app) {
                tracing::warn!(%error, "could not notify the window");
            }
        }))
    }

    /// Progress goes to `progress` (tests, or no window).
    pub fn with_progress(progress: ProgressSink) -> Self {
        Self {
            progress,
            current: tokio::sync::Mutex::new(None),
        }
    }

    /// Forgets the cached uploader (settings changed).
    async fn reset(&self) {
        *self.current.lock().await = None;
    }

    pub async fn uploader(&self, session: &Session) -> Result<(Workspace, Uploader), AppError> {
        let workspace = session.workspace().await?;
        let mode = session.status().await.mode;
        let settings = load_settings(workspace.store()).map_err(store_error)?;
        let secret = if mode == Mode::Demo || settings.s3.is_none() {
            None
        } else {
            load_secret(session).await?
        };
        let identity = format!(
            "{}|{}|{}|{}",
            workspace.data_dir().display(),
            workspace.client().base_url(),
            serde_json::to_string(&settings).unwrap_or_default(),
            secret.is_some()
        );
        let mut current = self.current.lock().await;
        if let Some((id, uploader)) = current.as_ref()
            && *id == identity
        {
            return Ok((workspace, uploader.clone()));
        }
        let backend = backend_for(&workspace, mode, &settings.s3, secret.as_deref())?;
        let uploader = Uploader::new(
            workspace.store().clone(),
            backend,
            Uploader::staging_dir_of(workspace.data_dir()),
            PrepareOptions {
                max_long_edge: settings.max_long_edge,
            },
        )
        .with_progress(self.progress.clone());
        // Uploads a kill interrupted finish now.
        let resuming = uploader.clone();
        tauri::async_runtime::spawn(async move {
            resuming.resume_unfinished().await;
        });
        *current = Some((identity, uploader.clone()));
        Ok((workspace, uploader))
    }
}

fn backend_for(
    workspace: &Workspace,
    mode: Mode,
    s3: &Option<lamina_core::storage::S3Settings>,
    secret: Option<&str>,
) -> Result<Option<Backend>, AppError> {
    let http = workspace.client().http().clone();
    if mode == Mode::Demo {
        return Ok(Some(Backend::built_in(workspace.client().base_url(), http)));
    }
    match (s3, secret) {
        (Some(settings), Some(secret)) => Backend::s3(settings.clone(), secret, http)
            .map(Some)
            .map_err(|e| {
                AppError::new(
                    AppErrorKind::InvalidInput,
                    "The storage settings are not usable. Check them in Settings → Storage.",
                    e.to_string(),
                )
            }),
        _ => Ok(None),
    }
}

async fn load_secret(session: &Session) -> Result<Option<String>, AppError> {
    let keychain = session.keychain().sibling(STORAGE_SECRET_ACCOUNT);
    blocking(move || keychain.load_secret()).await
}

/// Settings → Storage as saved (never the secret).
pub async fn view(session: &Session) -> Result<StorageSettingsView, AppError> {
    let workspace = session.workspace().await?;
    let mode = session.status().await.mode;
    let settings = load_settings(workspace.store()).map_err(store_error)?;
    let has_secret = match settings.s3 {
        Some(_) => load_secret(session).await?.is_some(),
        None => false,
    };
    let active = match (mode, &settings.s3, has_secret) {
        (Mode::Demo, _, _) => StorageKind::BuiltIn,
        (_, Some(_), true) => StorageKind::S3,
        _ => StorageKind::None,
    };
    Ok(StorageSettingsView {
        active,
        s3: settings.s3,
        has_secret,
        max_long_edge: settings.max_long_edge,
    })
}

/// Settings → Storage as saved (never the secret).
#[tauri::command]
#[specta::specta]
pub async fn storage_settings(
    session: State<'_, Session>,
) -> Result<StorageSettingsView, AppError> {
    view(&session).await
}

/// Saves the bucket; the secret goes to the keychain (absent = keep the saved one).
#[tauri::command]
#[specta::specta]
pub async fn save_storage_settings(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    input: StorageSettingsInput,
) -> Result<StorageSettingsView, AppError> {
    save(&session, &uploads, input).await
}

/// Saves the bucket; the secret goes to the keychain (absent = keep the saved one).
pub async fn save(
    session: &Session,
    uploads: &Uploads,
    input: StorageSettingsInput,
) -> Result<StorageSettingsView, AppError> {
    let workspace = session.workspace().await?;
    let s3 = input.s3.normalized()?;
    if let Some(secret) = input.secret_access_key.filter(|s| !s.trim().is_empty()) {
        let keychain = session.keychain().sibling(STORAGE_SECRET_ACCOUNT);
        blocking(move || keychain.save_secret(secret.trim())).await?;
    }
    let mut settings = load_settings(workspace.store()).map_err(store_error)?;
    settings.s3 = Some(s3);
    if let Some(edge) = input.max_long_edge {
        settings.max_long_edge = edge.clamp(256, 16_384);
    }
    save_settings(workspace.store(), &settings).map_err(store_error)?;
    uploads.reset().await;
    view(session).await
}

/// Removes the bucket's settings and its secret.
#[tauri::command]
#[specta::specta]
pub async fn forget_storage(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
) -> Result<StorageSettingsView, AppError> {
    forget(&session, &uploads).await
}

/// Removes the bucket's settings and its secret.
pub async fn forget(session: &Session, uploads: &Uploads) -> Result<StorageSettingsView, AppError> {
    let workspace = session.workspace().await?;
    let keychain = session.keychain().sibling(STORAGE_SECRET_ACCOUNT);
    blocking(move || keychain.forget()).await?;
    let mut settings = load_settings(workspace.store()).map_err(store_error)?;
    settings.s3 = None;
    save_settings(workspace.store(), &settings).map_err(store_error)?;
    uploads.reset().await;
    view(session).await
}

/// Puts a small picture, fetches it through the link Lamina would get, deletes it.
#[tauri::command]
#[specta::specta]
pub async fn test_storage(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
) -> Result<StorageTestReport, AppError> {
    let (workspace, uploader) = uploads.uploader(&session).await?;
    match uploader.backend() {
        Some(backend) => {
            Ok(lamina_core::storage::test_storage(backend, workspace.client().http()).await)
        }
        None => Ok(StorageTestReport::not_configured()),
    }
}

/// A dropped or pasted file: `data` is base64 or a `data:` URL. Returns at once; the upload
/// goes on in the background (follow `uploadProgressed` or `uploadStatus`).
#[tauri::command]
#[specta::specta]
pub async fn upload_file_bytes(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    name: String,
    data: String,
) -> Result<UploadTicket, AppError> {
    upload_bytes(&session, &uploads, name, data).await
}

/// A dropped or pasted file's upload, started in the background.
pub async fn upload_bytes(
    session: &Session,
    uploads: &Uploads,
    name: String,
    data: String,
) -> Result<UploadTicket, AppError> {
    let (_, uploader) = uploads.uploader(session).await?;
    let ticket = {
        let uploader = uploader.clone();
        tokio::task::spawn_blocking(move || uploader.submit_base64(&name, &data))
            .await
            .map_err(|e| AppError::internal(format!("upload task failed: {e}")))??
    };
    spawn_upload(uploader, ticket.id.clone());
    Ok(ticket)
}

fn spawn_upload(uploader: Uploader, id: String) {
    tauri::async_runtime::spawn(async move {
        // Failures are journaled and reported as progress; nothing else to do here.
        let _ = uploader.run(&id).await;
    });
}

/// Opens the native file dialog from Rust; the web view gets the name and a small preview,
/// never the path. `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_upload_file(
    app: AppHandle,
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
) -> Result<Option<UploadTicket>, AppError> {
    let (_, uploader) = uploads.uploader(&session).await?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a photo")
        .add_filter(
            "Pictures",
            &[
                "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp", "heic",
            ],
        )
        .pick_file(move |path| {
            let _ = sender.send(path.and_then(|p| p.into_path().ok()));
        });
    let Some(path) = receiver.await.ok().flatten() else {
        return Ok(None);
    };
    let submitting = uploader.clone();
    let (mut ticket, preview) = tokio::task::spawn_blocking(move || {
        let ticket = submitting.submit_path(&path)?;
        let preview = std::fs::read(&path)
            .ok()
            .and_then(|bytes| lamina_core::storage::prepare::preview_of(&bytes));
        Ok::<_, UploadError>((ticket, preview))
    })
    .await
    .map_err(|e| AppError::internal(format!("upload task failed: {e}")))??;
    ticket.preview = preview;
    spawn_upload(uploader, ticket.id.clone());
    Ok(Some(ticket))
}

/// Where an upload is now.
#[tauri::command]
#[specta::specta]
pub async fn upload_status(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    id: String,
) -> Result<UploadTicket, AppError> {
    status(&session, &uploads, &id).await
}

/// Where an upload is now.
pub async fn status(
    session: &Session,
    uploads: &Uploads,
    id: &str,
) -> Result<UploadTicket, AppError> {
    let (_, uploader) = uploads.uploader(session).await?;
    Ok(uploader.status(id)?)
}

/// The value for a `url` field from an output of an earlier run: its permanent copy on
/// Lamina's CDN where the service offers one, else its hosted link, else its archived copy
/// uploaded (see `lamina_core::storage::reuse`).
#[tauri::command]
#[specta::specta]
pub async fn input_from_output(
    session: State<'_, Session>,
    uploads: State<'_, Uploads>,
    local_id: String,
    output_index: u32,
) -> Result<InputFromOutput, AppError> {
    output_as_input(&session, &uploads, &local_id, output_index as usize).await
}

/// The value for a `url` field from an output of an earlier run.
pub async fn output_as_input(
    session: &Session,
    uploads: &Uploads,
    local_id: &str,
    output_index: usize,
) -> Result<InputFromOutput, AppError> {
    let (workspace, uploader) = uploads.uploader(session).await?;
    Ok(lamina_core::storage::input_from_output(
        workspace.store(),
        &uploader,
        workspace.client(),
        local_id,
        output_index,
    )
    .await?)
}

/// The uploaded inputs of a run: the local file names beside the links (History).
#[tauri::command]
#[specta::specta]
pub async fn run_input_files(
    session: State<'_, Session>,
    local_id: String,
) -> Result<Vec<InputFile>, AppError> {
    run_input_files_of(&session, &local_id).await
}

/// The uploaded inputs of a run: the local file names beside the links (History).
pub async fn run_input_files_of(
    session: &Session,
    local_id: &str,
) -> Result<Vec<InputFile>, AppError> {
    let workspace = session.workspace().await?;
    input_files(workspace.store(), local_id).map_err(store_error)
}

/// For `start_run`: upload references and expired links resolved to links (waiting for uploads
/// in flight; a failed upload refuses the run naming the field).
pub async fn resolve_run_inputs(
    session: &Session,
    uploads: &Uploads,
    inputs: &Inputs,
) -> Result<(Inputs, Vec<InputFile>), AppError> {
    let mentions_upload = inputs.values().any(|v| {
        v.starts_with(lamina_core::storage::uploads::UPLOAD_REF_PREFIX) || v.starts_with("http")
    });
    if !mentions_upload {
        return Ok((inputs.clone(), Vec::new()));
    }
    let (_, uploader) = uploads.uploader(session).await?;
    Ok(uploader.resolve_inputs(inputs, None).await?)
}

/// After the run is recorded: History keeps the file names.
pub fn remember_input_files(workspace: &Workspace, local_id: &str, files: &[InputFile]) {
    if let Err(error) = record_input_files(workspace.store(), local_id, files) {
        tracing::warn!(%error, "could not remember a run's uploaded files");
    }
}
