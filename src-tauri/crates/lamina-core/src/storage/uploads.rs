//! The upload journal and the uploader. Every upload is a row of the `uploads` table, written
//! before anything is sent and after every stage, so a kill leaves a row the next start finishes
//! (its source is staged under `<data dir>/uploads/`), and a run whose upload failed is never
//! started: [`Uploader::resolve_inputs`] only hands back links of uploads that are `done`.
//!
//! An input value may name an upload in three ways, resolved to a link before the run starts:
//! - `lamina-upload:<id>`: an upload started by the app (drop, paste, dialog, output reuse);
//! - `@<path>` (CLI and batches only): a local file, uploaded now;
//! - a link this computer made earlier (a rerun): re-signed when it has expired or is about to.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lamina_api::Inputs;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::backend::{Backend, BackendError, Link};
use super::prepare::{PrepareError, PrepareOptions, PreparedImage, prepare_bytes};
use crate::store::{Store, StoreError, from_millis, millis};

/// Input values that name an upload started by the app.
pub const UPLOAD_REF_PREFIX: &str = "lamina-upload:";
/// A link closer than this to its expiry is re-signed before a run uses it (the service may
/// fetch it a while after the run starts).
const RESIGN_MARGIN: Duration = Duration::from_secs(60 * 60);

/// A dropped file's bytes are staged on disk when its upload takes longer than this.
const STAGE_AFTER: Duration = Duration::from_millis(250);

/// A journal write that must survive a kill but not a power cut, so it skips the fsync the
/// store makes for runs (`synchronous=FULL`): in WAL mode a committed write is in the OS's cache
/// and survives the process. A power cut could lose it, but it would lose the staged copy
/// (never synced) too, so the fsync bought nothing; the `done` write keeps it.
fn write_unsynced(
    store: &Store,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<(), rusqlite::Error> {
    let conn = store.lock();
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let written = conn.execute(sql, params);
    conn.pragma_update(None, "synchronous", "FULL")?;
    written.map(|_| ())
}

/// Whether an upload is neither done nor failed (an unknown one counts as going).
fn still_going(store: &Store, id: &str) -> bool {
    store
        .lock()
        .query_row("SELECT state FROM uploads WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .map(|state| !matches!(state.as_str(), "done" | "failed"))
        .unwrap_or(true)
}

/// Appended to `store::MIGRATIONS`.
pub(crate) const MIGRATION: &str = "CREATE TABLE uploads (
    id               TEXT PRIMARY KEY,
    file_name        TEXT NOT NULL,
    staged_path      TEXT,
    state            TEXT NOT NULL,
    storage          TEXT,
    object_key       TEXT,
    sha256           TEXT,
    content_type     TEXT,
    size             INTEGER,
    sent             INTEGER NOT NULL DEFAULT 0,
    metadata_removed INTEGER NOT NULL DEFAULT 0,
    link             TEXT,
    link_expires_at  INTEGER,
    error            TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX uploads_link ON uploads(link);
CREATE INDEX uploads_state ON uploads(state);";

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UploadState {
    /// Journaled; its source is staged; nothing sent yet.
    Queued,
    /// Turning it upright, removing metadata, scaling, hashing.
    Preparing,
    /// Checking whether storage has it already, then sending.
    Uploading,
    /// The link is ready.
    Done,
    /// Stopped for good; `error` says why.
    Failed,
}

impl UploadState {
    fn parse(text: &str) -> Self {
        match text {
            "preparing" => Self::Preparing,
            "uploading" => Self::Uploading,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }
}

/// Where an upload is, for the progress bar.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UploadStage {
    Preparing,
    /// Asking storage whether it has this photo already.
    Checking,
    Sending,
    Done,
    Failed,
}

/// One progress report (the desktop app emits it as the `UploadProgress` event).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgress {
    pub id: String,
    pub stage: UploadStage,
    /// Bytes sent so far (0 when storage already had the photo).
    pub sent: u64,
    /// Bytes to send once prepared (0 before).
    pub total: u64,
    /// Why it failed, in plain words (stage `failed` only).
    pub message: Option<String>,
}

/// An upload as the UI sees it. Never a local path.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadTicket {
    pub id: String,
    /// The local file's name (no folder), as History shows it.
    pub file_name: String,
    pub state: UploadState,
    /// What to put in the form field: `lamina-upload:<id>` (resolved to the link at start).
    pub input_value: String,
    /// A small `data:` URL preview (dialog uploads; dropped files have their own preview).
    pub preview: Option<String>,
    /// Location and camera details were found and removed.
    pub metadata_removed: bool,
    pub link: Option<Link>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
}

/// An uploaded input of a run, for History (the local file's name beside the link).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputFile {
    pub field: String,
    pub file_name: String,
    pub upload_id: String,
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Prepare(#[from] PrepareError),
    #[error("Storage is not set up. Set up a bucket in Settings → Storage to use your own photos.")]
    NoStorage,
    #[error("{message}")]
    Storage { message: String, detail: String },
    #[error("That file can't be read: {detail}")]
    Unreadable { detail: String },
    #[error("The photo for {field} could not be uploaded: {reason}")]
    InputFailed { field: String, reason: String },
    #[error("No upload {0}.")]
    UnknownUpload(String),
    #[error("Your uploads could not be saved on this computer.")]
    Journal(String),
}

impl UploadError {
    /// Raw detail for "Details": never a secret or a signed link.
    pub fn detail(&self) -> String {
        match self {
            Self::Prepare(e) => e.detail(),
            Self::Storage { detail, .. } => detail.clone(),
            Self::Journal(detail) | Self::Unreadable { detail } => detail.clone(),
            other => other.to_string(),
        }
    }

    /// The field it concerns, when resolving a run's inputs.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InputFailed { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<StoreError> for UploadError {
    fn from(error: StoreError) -> Self {
        Self::Journal(error.to_string())
    }
}

impl From<rusqlite::Error> for UploadError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Journal(error.to_string())
    }
}

/// Plain words for a storage failure during an upload.
pub fn storage_words(error: &BackendError) -> UploadError {
    let message = match error {
        BackendError::Unreachable { .. } => {
            "Your storage could not be reached. Check the connection and the endpoint in Settings → Storage."
        }
        BackendError::Misconfigured { .. } => {
            "The storage settings are not usable. Check them in Settings → Storage."
        }
        BackendError::Refused { code, status, .. } => match code.as_deref() {
            Some("SignatureDoesNotMatch" | "InvalidAccessKeyId" | "AccessDenied") => {
                "Storage refused the access key or secret. Check them in Settings → Storage."
            }
            Some("NoSuchBucket") => {
                "That bucket does not exist. Check its name in Settings → Storage."
            }
            Some("RequestTimeTooSkewed") => {
                "This computer's clock is wrong, so storage refused the request. Set the clock automatically and try again."
            }
            _ if *status == 403 => {
                "Storage refused the access key or secret. Check them in Settings → Storage."
            }
            _ => {
                "Storage refused the upload. Try again; if it keeps failing, run Test storage in Settings → Storage."
            }
        },
    };
    UploadError::Storage {
        message: message.into(),
        detail: error.to_string(),
    }
}

/// Receives progress reports (the app forwards them to the window; the CLI draws nothing).
pub type ProgressSink = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// Counts what uploads really sent, for tests and the benchmark.
#[derive(Debug, Default)]
pub struct UploadCounters {
    pub puts: std::sync::atomic::AtomicU64,
    pub bytes_sent: std::sync::atomic::AtomicU64,
    /// Where the last finished upload's time went, in microseconds (the benchmark prints it).
    pub last_prepare_us: std::sync::atomic::AtomicU64,
    pub last_head_us: std::sync::atomic::AtomicU64,
    pub last_put_us: std::sync::atomic::AtomicU64,
    /// The journal's synchronous writes on the way (the first one, at submit, excluded).
    pub last_journal_us: std::sync::atomic::AtomicU64,
}

fn store_micros(counter: &std::sync::atomic::AtomicU64, since: std::time::Instant) {
    let micros = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
    counter.store(micros, std::sync::atomic::Ordering::Relaxed);
}

#[derive(Clone)]
pub struct Uploader {
    store: Store,
    backend: Option<Backend>,
    options: PrepareOptions,
    staging_dir: PathBuf,
    progress: ProgressSink,
    counters: Arc<UploadCounters>,
    in_flight: Arc<Mutex<HashSet<String>>>,
    /// Preparations of uploads submitted by this process, started at submit (so `run` needn't
    /// read the staged copy back, and preparing overlaps the journal's first write).
    pending: Arc<Mutex<std::collections::HashMap<String, Preparing>>>,
}

type Preparing = tokio::sync::oneshot::Receiver<Result<PreparedImage, PrepareError>>;

/// Marks an upload as being worked on for as long as it lives.
struct InFlight {
    set: Arc<Mutex<HashSet<String>>>,
    id: String,
}

impl InFlight {
    fn enter(set: &Arc<Mutex<HashSet<String>>>, id: &str) -> Self {
        if let Ok(mut s) = set.lock() {
            s.insert(id.to_string());
        }
        Self {
            set: set.clone(),
            id: id.to_string(),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut s) = self.set.lock() {
            s.remove(&self.id);
        }
    }
}

impl std::fmt::Debug for Uploader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploader")
            .field("backend", &self.backend)
            .finish()
    }
}

/// One row of the journal.
#[derive(Debug, Clone)]
struct UploadRow {
    id: String,
    file_name: String,
    staged_path: Option<String>,
    state: UploadState,
    storage: Option<String>,
    object_key: Option<String>,
    metadata_removed: bool,
    link: Option<String>,
    link_expires_at: Option<DateTime<Utc>>,
    error: Option<String>,
}

impl UploadRow {
    fn ticket(&self) -> UploadTicket {
        UploadTicket {
            id: self.id.clone(),
            file_name: self.file_name.clone(),
            state: self.state,
            input_value: format!("{UPLOAD_REF_PREFIX}{}", self.id),
            preview: None,
            metadata_removed: self.metadata_removed,
            link: self.link.clone().map(|url| Link {
                url,
                expires_at: self.link_expires_at,
            }),
            error: self.error.clone(),
        }
    }
}

impl Uploader {
    /// `backend: None` = no storage set up (every upload fails with [`UploadError::NoStorage`]).
    pub fn new(
        store: Store,
        backend: Option<Backend>,
        staging_dir: PathBuf,
        options: PrepareOptions,
    ) -> Self {
        Self {
            store,
            backend,
            options,
            staging_dir,
            progress: Arc::new(|_| {}),
            counters: Arc::default(),
            in_flight: Arc::default(),
            pending: Arc::default(),
        }
    }

    pub fn with_progress(mut self, progress: ProgressSink) -> Self {
        self.progress = progress;
        self
    }

    pub fn backend(&self) -> Option<&Backend> {
        self.backend.as_ref()
    }

    pub fn counters(&self) -> &UploadCounters {
        &self.counters
    }

    /// The staging folder of a data folder.
    pub fn staging_dir_of(data_dir: &Path) -> PathBuf {
        data_dir.join("uploads")
    }

    /// Journals a dropped or pasted file and stages its bytes (so a kill can't lose it);
    /// [`Uploader::run`] then does the work.
    pub fn submit_bytes(&self, file_name: &str, bytes: &[u8]) -> Result<UploadTicket, UploadError> {
        self.submit_owned(file_name, bytes::Bytes::copy_from_slice(bytes))
    }

    /// [`Uploader::submit_bytes`] for bytes this process already owns (decoded from the web
    /// view): nothing is copied; preparation and the staged copy share them.
    pub fn submit_owned(
        &self,
        file_name: &str,
        bytes: bytes::Bytes,
    ) -> Result<UploadTicket, UploadError> {
        let id = uuid::Uuid::new_v4().to_string();
        std::fs::create_dir_all(&self.staging_dir)
            .map_err(|e| UploadError::Journal(e.to_string()))?;
        let staged = self.staging_dir.join(format!("{id}.source"));
        // Preparing starts now, beside the journal's write. The staged copy (what a kill
        // resumes from) is written only when the upload is still going after `STAGE_AFTER`:
        // a 12 MP photo's write costs as much as its PUT on loopback, and on two cores it slows
        // the upload down. A kill before then loses only this upload, which then says "add the
        // photo again". Nothing is staged when the journal write failed (the receiver is gone).
        let (prepared, preparing) = tokio::sync::oneshot::channel();
        let options = self.options;
        {
            let (staged, store, id) = (staged.clone(), self.store.clone(), id.clone());
            std::thread::spawn(move || {
                if prepared
                    .send(prepare_bytes(bytes.clone(), options))
                    .is_err()
                {
                    return;
                }
                std::thread::sleep(STAGE_AFTER);
                // Written aside, then renamed: a kill mid-write leaves no cut source to resume.
                let partial = staged.with_extension("partial");
                if still_going(&store, &id)
                    && let Err(error) = std::fs::write(&partial, &bytes)
                        .and_then(|()| std::fs::rename(&partial, &staged))
                {
                    tracing::warn!(%error, "could not stage an upload");
                }
            });
        }
        self.journal_new(&id, &base_name(file_name), &staged)?;
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(id.clone(), preparing);
        }
        Ok(self.row(&id)?.ticket())
    }

    fn journal_new(&self, id: &str, file_name: &str, source: &Path) -> Result<(), UploadError> {
        let now = millis(Utc::now());
        write_unsynced(
            &self.store,
            "INSERT INTO uploads (id, file_name, staged_path, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?4)",
            params![id, file_name, source.to_string_lossy(), now],
        )?;
        Ok(())
    }

    /// Journals a local file (CLI, batches, the dialog): the file itself is the source to
    /// resume from (no copy).
    pub fn submit_path(&self, path: &Path) -> Result<UploadTicket, UploadError> {
        std::fs::File::open(path).map_err(|e| UploadError::Unreadable {
            detail: format!("{}: {e}", path.display()),
        })?;
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "photo".into());
        let id = uuid::Uuid::new_v4().to_string();
        self.journal_new(&id, &base_name(&name), &path)?;
        Ok(self.row(&id)?.ticket())
    }

    /// [`Uploader::submit_bytes`] for bytes sent from the web view as base64 (or a `data:` URL,
    /// what `FileReader.readAsDataURL` gives): a string crosses IPC as one JSON string, far
    /// cheaper than a JSON array of numbers.
    pub fn submit_base64(&self, file_name: &str, data: &str) -> Result<UploadTicket, UploadError> {
        use base64::Engine as _;
        let encoded = match data.split_once(";base64,") {
            Some((head, rest)) if head.starts_with("data:") => rest,
            _ => data,
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| UploadError::Unreadable {
                detail: format!("not base64: {e}"),
            })?;
        self.submit_owned(file_name, bytes.into())
    }

    pub fn status(&self, id: &str) -> Result<UploadTicket, UploadError> {
        Ok(self.row(id)?.ticket())
    }

    /// Prepares and sends a journaled upload; idempotent (a `done` upload returns at once, a
    /// half-done one starts over from its staged source: the HEAD makes that cheap).
    pub async fn run(&self, id: &str) -> Result<UploadTicket, UploadError> {
        let row = self.row(id)?;
        if row.state == UploadState::Done {
            return Ok(row.ticket());
        }
        let _flight = InFlight::enter(&self.in_flight, id);
        match self.run_inner(&row).await {
            Ok(ticket) => Ok(ticket),
            Err(error) => {
                let message = error.to_string();
                let _ = self.store.lock().execute(
                    "UPDATE uploads SET state = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, message, millis(Utc::now())],
                );
                tracing::warn!(upload = %id, detail = %error.detail(), "upload failed");
                (self.progress)(UploadProgress {
                    id: id.into(),
                    stage: UploadStage::Failed,
                    sent: 0,
                    total: 0,
                    message: Some(message),
                });
                Err(error)
            }
        }
    }

    async fn run_inner(&self, row: &UploadRow) -> Result<UploadTicket, UploadError> {
        let backend = self.backend.clone().ok_or(UploadError::NoStorage)?;
        let id = row.id.clone();
        self.report(&id, UploadStage::Preparing, 0, 0);
        let started = std::time::Instant::now();
        let in_memory = self.pending.lock().ok().and_then(|mut p| p.remove(&id));
        let prepared: PreparedImage = match in_memory {
            // Started at submit, beside the journal's first write.
            Some(preparing) => preparing
                .await
                .map_err(|_| UploadError::Journal("the preparation stopped".into()))??,
            None => {
                let staged = row.staged_path.clone();
                let options = self.options;
                tokio::task::spawn_blocking(move || {
                    let staged = staged.ok_or_else(|| UploadError::Journal("no source".into()))?;
                    let bytes = std::fs::read(&staged).map_err(|_| UploadError::Unreadable {
                        detail: "the photo is no longer there; add it again".into(),
                    })?;
                    Ok::<_, UploadError>(prepare_bytes(bytes.into(), options)?)
                })
                .await
                .map_err(|e| UploadError::Journal(format!("prepare task: {e}")))??
            }
        };
        store_micros(&self.counters.last_prepare_us, started);
        let key = backend.object_key(&prepared.file_name());
        let total = prepared.len() as u64;
        let started = std::time::Instant::now();
        write_unsynced(
            &self.store,
            "UPDATE uploads SET state = 'uploading', storage = ?2, object_key = ?3, sha256 = ?4,
                 content_type = ?5, size = ?6, metadata_removed = ?7, updated_at = ?8 WHERE id = ?1",
            params![
                id,
                backend.identity(),
                key,
                prepared.sha256,
                prepared.content_type,
                total as i64,
                prepared.metadata_removed,
                millis(Utc::now())
            ],
        )?;
        let mut journal = started.elapsed();
        let sent = self.send(&backend, &id, &key, prepared).await?;
        let link = backend.link(&key);
        let started = std::time::Instant::now();
        self.store.lock().execute(
            "UPDATE uploads SET state = 'done', sent = ?2, link = ?3, link_expires_at = ?4,
                 error = NULL, staged_path = NULL, updated_at = ?5 WHERE id = ?1",
            params![
                id,
                sent as i64,
                link.url,
                link.expires_at.map(millis),
                millis(Utc::now())
            ],
        )?;
        journal += started.elapsed();
        self.counters.last_journal_us.store(
            u64::try_from(journal.as_micros()).unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::Relaxed,
        );
        self.remove_staged(row.staged_path.as_deref());
        self.report(&id, UploadStage::Done, sent, total);
        Ok(self.row(&id)?.ticket())
    }

    /// HEAD (dedup), then PUT when storage doesn't have it. Returns the bytes sent.
    async fn send(
        &self,
        backend: &Backend,
        id: &str,
        key: &str,
        prepared: PreparedImage,
    ) -> Result<u64, UploadError> {
        let total = prepared.len() as u64;
        self.report(id, UploadStage::Checking, 0, total);
        let started = std::time::Instant::now();
        let present = backend.exists(key).await.map_err(|e| storage_words(&e))?;
        store_micros(&self.counters.last_head_us, started);
        let started = std::time::Instant::now();
        if present {
            self.counters
                .last_put_us
                .store(0, std::sync::atomic::Ordering::Relaxed);
            return Ok(0);
        }
        let sink = self.progress.clone();
        let progress_id = id.to_string();
        backend
            .put_pieces(
                key,
                prepared.pieces,
                prepared.content_type,
                move |sent, total| {
                    sink(UploadProgress {
                        id: progress_id.clone(),
                        stage: UploadStage::Sending,
                        sent,
                        total,
                        message: None,
                    });
                },
            )
            .await
            .map_err(|e| storage_words(&e))?;
        store_micros(&self.counters.last_put_us, started);
        self.counters
            .puts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.counters
            .bytes_sent
            .fetch_add(total, std::sync::atomic::Ordering::Relaxed);
        Ok(total)
    }

    /// Finishes every upload a kill interrupted (queued, preparing or uploading). Returns how
    /// many were picked up.
    pub async fn resume_unfinished(&self) -> usize {
        let ids: Vec<String> = {
            let conn = self.store.lock();
            let Ok(mut statement) = conn.prepare(
                "SELECT id FROM uploads WHERE state IN ('queued', 'preparing', 'uploading')",
            ) else {
                return 0;
            };
            statement
                .query_map([], |r| r.get(0))
                .map(|rows| rows.filter_map(Result::ok).collect())
                .unwrap_or_default()
        };
        for id in &ids {
            let _ = self.run(id).await;
        }
        self.sweep_staging();
        ids.len()
    }

    /// Waits for an upload in flight (a drop still sending when Generate is pressed); runs it
    /// here when nothing is working on it (queued, or left half-done by a kill). A failed upload
    /// stays failed: its run must not start.
    pub async fn wait_or_run(&self, id: &str) -> Result<UploadTicket, UploadError> {
        loop {
            let row = self.row(id)?;
            match row.state {
                UploadState::Done | UploadState::Failed => return Ok(row.ticket()),
                _ if !self.is_in_flight(id) => {
                    return match self.run(id).await {
                        Ok(ticket) => Ok(ticket),
                        Err(_) => Ok(self.row(id)?.ticket()),
                    };
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn is_in_flight(&self, id: &str) -> bool {
        self.in_flight.lock().is_ok_and(|set| set.contains(id))
    }

    /// Turns a run's inputs into what the service gets: every upload reference becomes its link
    /// (waiting for uploads in flight), `@path` values are uploaded when `allow_paths`, and links
    /// made here earlier are re-signed when expired. An upload that failed stops the run here,
    /// naming the field.
    pub async fn resolve_inputs(
        &self,
        inputs: &Inputs,
        allow_paths: Option<&Path>,
    ) -> Result<(Inputs, Vec<InputFile>), UploadError> {
        let mut resolved = inputs.clone();
        let mut files = Vec::new();
        for (field, value) in inputs {
            let failed = |error: UploadError| UploadError::InputFailed {
                field: field.clone(),
                reason: error.to_string(),
            };
            let id = if let Some(id) = value.strip_prefix(UPLOAD_REF_PREFIX) {
                Some(id.to_string())
            } else if let (Some(base), Some(path)) = (allow_paths, value.strip_prefix('@')) {
                let path = base.join(path);
                let ticket = self.submit_path(&path).map_err(failed)?;
                self.run(&ticket.id).await.map_err(failed)?;
                Some(ticket.id)
            } else if let Some(row) = self.row_by_link(value)? {
                Some(row.id)
            } else {
                None
            };
            let Some(id) = id else { continue };
            let ticket = self.wait_or_run(&id).await.map_err(failed)?;
            if ticket.state != UploadState::Done {
                return Err(failed(UploadError::Storage {
                    message: ticket
                        .error
                        .unwrap_or_else(|| "the upload has not finished".into()),
                    detail: format!("upload {id} is {:?}", ticket.state),
                }));
            }
            let link = self.fresh_link(&id).await.map_err(failed)?;
            resolved.insert(field.clone(), link.url.clone());
            files.push(InputFile {
                field: field.clone(),
                file_name: ticket.file_name,
                upload_id: id,
                link: link.url,
            });
        }
        Ok((resolved, files))
    }

    /// The upload's link, re-signed (object key kept) when it has expired or is about to.
    pub async fn fresh_link(&self, id: &str) -> Result<Link, UploadError> {
        let row = self.row(id)?;
        let (Some(url), Some(key)) = (row.link.clone(), row.object_key.clone()) else {
            return Err(UploadError::InputFailed {
                field: row.file_name,
                reason: row
                    .error
                    .unwrap_or_else(|| "the upload has not finished".into()),
            });
        };
        let soon = Utc::now() + chrono::Duration::from_std(RESIGN_MARGIN).unwrap_or_default();
        match row.link_expires_at {
            Some(expiry) if expiry <= soon => {
                let backend = self.backend.as_ref().ok_or(UploadError::NoStorage)?;
                if row.storage.as_deref() != Some(backend.identity().as_str()) {
                    return Err(UploadError::Storage {
                        message: "This photo's link has expired and it was uploaded to other storage. Add the photo again.".into(),
                        detail: format!("upload {id} is in {:?}", row.storage),
                    });
                }
                let link = backend.link(&key);
                self.store.lock().execute(
                    "UPDATE uploads SET link = ?2, link_expires_at = ?3, updated_at = ?4 WHERE id = ?1",
                    params![id, link.url, link.expires_at.map(millis), millis(Utc::now())],
                )?;
                Ok(link)
            }
            _ => Ok(Link {
                url,
                expires_at: row.link_expires_at,
            }),
        }
    }

    /// Test hook: pretends an upload's link expired at `at`.
    pub fn set_link_expiry(&self, id: &str, at: DateTime<Utc>) -> Result<(), UploadError> {
        self.store.lock().execute(
            "UPDATE uploads SET link_expires_at = ?2 WHERE id = ?1",
            params![id, millis(at)],
        )?;
        Ok(())
    }

    /// Removes a staged copy (never a user's own file, which lives outside the staging folder).
    fn remove_staged(&self, staged: Option<&str>) {
        if let Some(staged) = staged.map(Path::new)
            && staged.starts_with(&self.staging_dir)
        {
            let _ = std::fs::remove_file(staged);
        }
    }

    /// Staged copies of finished uploads (a copy may land after its upload finished), and any a
    /// kill cut short.
    fn sweep_staging(&self) {
        let Ok(entries) = std::fs::read_dir(&self.staging_dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `.partial`: a staged copy a kill cut short (never resumed from).
            let Some(id) = name
                .strip_suffix(".source")
                .or_else(|| name.strip_suffix(".partial"))
            else {
                continue;
            };
            if self
                .row(id)
                .is_ok_and(|r| matches!(r.state, UploadState::Done | UploadState::Failed))
                && !self.is_in_flight(id)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn report(&self, id: &str, stage: UploadStage, sent: u64, total: u64) {
        (self.progress)(UploadProgress {
            id: id.into(),
            stage,
            sent,
            total,
            message: None,
        });
    }

    fn row(&self, id: &str) -> Result<UploadRow, UploadError> {
        self.query_row("id = ?1", id)?
            .ok_or_else(|| UploadError::UnknownUpload(id.into()))
    }

    fn row_by_link(&self, link: &str) -> Result<Option<UploadRow>, UploadError> {
        if !link.starts_with("http") {
            return Ok(None);
        }
        self.query_row("link = ?1 AND state = 'done'", link)
    }

    fn query_row(&self, condition: &str, value: &str) -> Result<Option<UploadRow>, UploadError> {
        let sql = format!(
            "SELECT id, file_name, staged_path, state, storage, object_key, metadata_removed,
                    link, link_expires_at, error
             FROM uploads WHERE {condition} ORDER BY updated_at DESC LIMIT 1"
        );
        Ok(self
            .store
            .lock()
            .query_row(&sql, [value], |r| {
                Ok(UploadRow {
                    id: r.get(0)?,
                    file_name: r.get(1)?,
                    staged_path: r.get(2)?,
                    state: UploadState::parse(&r.get::<_, String>(3)?),
                    storage: r.get(4)?,
                    object_key: r.get(5)?,
                    metadata_removed: r.get(6)?,
                    link: r.get(7)?,
                    link_expires_at: r.get::<_, Option<i64>>(8)?.map(from_millis),
                    error: r.get(9)?,
                })
            })
            .optional()?)
    }
}

/// The name without any folder (a browser may hand a path-like name).
fn base_name(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    if name.is_empty() {
        "photo".into()
    } else {
        name.chars().take(200).collect()
    }
}

/// Remembers which inputs of a run were uploaded files (History shows the names).
pub fn record_input_files(
    store: &Store,
    local_id: &str,
    files: &[InputFile],
) -> Result<(), StoreError> {
    if files.is_empty() {
        return Ok(());
    }
    store.kv_set(
        &format!("run-input-files:{local_id}"),
        &serde_json::to_string(files)?,
    )
}

pub fn input_files(store: &Store, local_id: &str) -> Result<Vec<InputFile>, StoreError> {
    Ok(store
        .kv_get(&format!("run-input-files:{local_id}"))?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}
