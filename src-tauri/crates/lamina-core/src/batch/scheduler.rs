//! The batch scheduler: spends the request budget (100 requests a minute) where it buys the
//! most.
//!
//! # What a batch costs and how it is ordered
//!
//! Every row costs one POST (start) and one GET (its outputs: the run list carries statuses but
//! not outputs); one list request reports on up to 100 runs at once. The scheduler:
//! - starts rows one at a time, each start waiting its turn in the shared [`RequestBudget`]
//!   (so no start ever meets a 429). Sequential starts cost nothing in practice (the budget,
//!   not the round trip, is the bottleneck: 100 starts need a minute whatever happens), and
//!   they keep at most one start unconfirmed at any time, which makes reconciling after a
//!   crash unambiguous;
//! - checks in-flight runs with the list endpoint (one request per 100 runs), then GETs only
//!   the runs the list shows finished, and downloads their outputs (files are not budgeted);
//!   a service without the list (it is optional) is asked once per detection, and then each
//!   run in flight is read on its own, no more often than `check_every` per run (after a
//!   `Retry-After`, not before it ends), within the same budget;
//! - gives starts priority: a check is made only when it cannot delay the remaining starts,
//!   i.e. while more budget is free in the current window than rows are waiting. Starts sent
//!   early let the runs work while the budget refills; checks then fill the slots starts leave.
//!
//! # Never sending a row twice
//!
//! A row is tied to its run's local id before the run's intent is committed, and the intent
//! before the POST (see [`crate::store::Store::insert_intent`]). After a crash a row is either
//! unclaimed/claimed-without-intent (never sent: queued again), or has a run: followed if the
//! service accepted it, or, when its POST went unanswered, reconciled against the service's run
//! list like `Tracker::unknown_candidates` does: one unclaimed run of the app at that time is
//! that row's run; none means the service never got it (the row is queued again, the first POST
//! the service sees for it); several leave the row `unknown` for a person to decide, and so does
//! a service without the run list (the start may have been charged: never sent again, never
//! counted as completed).
//!
//! # One owner per run
//!
//! The runs of an unfinished batch are followed by its driver only: `Tracker::resume` leaves
//! them out, so a batch resumed at start-up is not followed twice.
//!
//! [`RequestBudget`]: lamina_api::RequestBudget

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use lamina_api::{ApiError, ApiErrorKind, App, OptionalEndpoint, RunFilter};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::plan::PlannedRow;
use super::store::{BatchProgress, BatchRow, BatchRowState, BatchState, BatchSummary, RowLite};
use crate::record::{RunError, RunState};
use crate::storage::uploads::{InputFile, UPLOAD_REF_PREFIX, record_input_files};
use crate::storage::{UploadError, Uploader};
use crate::store::NewRun;

/// The uploader a row's photos (`lamina-upload:<id>` inputs) are turned into links with, just
/// before the row starts: asked for each such row, so it follows the storage settings of the
/// moment (the desktop app rebuilds its uploader when they change). `None`: no storage.
pub type UploaderSource =
    Arc<dyn Fn() -> futures_util::future::BoxFuture<'static, Option<Uploader>> + Send + Sync>;

/// The error kind of a row that was not started because its photo could not be uploaded.
pub const UPLOAD_FAILED: &str = "uploadFailed";

/// An [`UploaderSource`] that always answers `uploader` (the CLI, tests).
pub fn fixed_uploader(uploader: Uploader) -> UploaderSource {
    Arc::new(move || {
        let uploader = uploader.clone();
        Box::pin(async move { Some(uploader) })
    })
}
use crate::tracker::{CoreError, Tracker};

#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// How often in-flight runs are checked, at most (when the budget allows).
    pub check_every: Duration,
    /// Downloads of finished runs' outputs at the same time.
    pub parallel_downloads: usize,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            check_every: Duration::from_secs(3),
            parallel_downloads: 4,
        }
    }
}

/// Starts, follows and steers batches. Cheap to clone; one per workspace.
#[derive(Clone)]
pub struct BatchRunner {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for BatchRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchRunner")
    }
}

struct Inner {
    tracker: Tracker,
    config: SchedulerConfig,
    events: broadcast::Sender<BatchProgress>,
    /// Pause, resume, cancel and retry wake the drivers.
    wake: Notify,
    /// Starts and reconciliation never overlap (a run being started must not be mistaken for
    /// an unconfirmed one's).
    start_lock: tokio::sync::Mutex<()>,
    /// When our own requests were made, for "is a check free now?".
    log: Mutex<VecDeque<Instant>>,
    /// Batches with a live driver.
    driving: Mutex<HashSet<String>>,
    /// The service answered that it has no run list: runs are read one by one.
    list_missing: AtomicBool,
    /// Per-run reads (without the list): when each run may be read again.
    next_read: Mutex<HashMap<String, Instant>>,
    /// Turns uploaded photos into links before a row starts (see [`UploaderSource`]).
    uploaders: Mutex<Option<UploaderSource>>,
}

impl BatchRunner {
    pub fn new(tracker: Tracker, config: SchedulerConfig) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                tracker,
                config,
                events,
                wake: Notify::new(),
                start_lock: tokio::sync::Mutex::new(()),
                log: Mutex::new(VecDeque::new()),
                driving: Mutex::new(HashSet::new()),
                list_missing: AtomicBool::new(false),
                next_read: Mutex::new(HashMap::new()),
                uploaders: Mutex::new(None),
            }),
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.inner.tracker
    }

    /// Progress of every batch after each change (runs' own changes go through the tracker's
    /// events).
    pub fn subscribe(&self) -> broadcast::Receiver<BatchProgress> {
        self.inner.events.subscribe()
    }

    /// Where rows with uploaded photos get their links (without it such a row fails, unsent,
    /// saying storage is not set up).
    pub fn set_uploaders(&self, source: UploaderSource) {
        *crate::tracker::lock(&self.inner.uploaders) = Some(source);
    }

    /// Tells subscribers the batch changed (e.g. one of its photos finished uploading).
    pub fn notify(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        self.changed(batch_id)
    }

    /// Commits a validated batch (nothing is sent yet; [`BatchRunner::run`] sends).
    pub fn create(
        &self,
        app: &App,
        name: &str,
        columns: &[String],
        rows: &[PlannedRow],
    ) -> Result<BatchSummary, CoreError> {
        let batch_id = uuid::Uuid::new_v4().to_string();
        Ok(self
            .inner
            .tracker
            .store()
            .insert_batch(&batch_id, app, name, columns, rows)?)
    }

    pub fn rows(&self, batch_id: &str) -> Result<Vec<BatchRow>, CoreError> {
        Ok(self.inner.tracker.store().batch_rows(batch_id)?)
    }

    pub fn progress(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        let store = self.inner.tracker.store();
        let batch = store
            .batch(batch_id)?
            .ok_or_else(|| CoreError::UnknownRun(batch_id.to_owned()))?;
        let rows = store.batch_row_states(batch_id)?;
        Ok(self.tally(&batch, &rows))
    }

    /// No new rows start until [`BatchRunner::resume`]; started runs are still followed.
    pub fn pause(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        self.set_state(batch_id, BatchState::Paused, None)
    }

    pub fn resume(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        self.set_state(batch_id, BatchState::Active, None)
    }

    /// Cancels every row not yet sent; started runs are followed to the end.
    pub fn cancel_rest(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        let store = self.inner.tracker.store();
        store.set_batch_state(batch_id, BatchState::Cancelled, None)?;
        store.cancel_waiting_rows(batch_id)?;
        self.changed(batch_id)
    }

    /// Queues again the rows whose run failed or never started (not those whose start is
    /// unconfirmed: they may have been charged). Returns how many. The batch becomes active; a
    /// driver must be running ([`BatchRunner::run`]) for them to start.
    pub fn retry_failed(&self, batch_id: &str) -> Result<usize, CoreError> {
        let store = self.inner.tracker.store();
        let failed: Vec<u32> = store
            .batch_rows(batch_id)?
            .iter()
            .filter(|r| r.state == BatchRowState::Failed || is_cancelled_by_service(r))
            .map(|r| r.index)
            .collect();
        if !failed.is_empty() {
            store.requeue_rows(batch_id, &failed)?;
            store.set_batch_state(batch_id, BatchState::Active, None)?;
            self.changed(batch_id)?;
        }
        Ok(failed.len())
    }

    fn set_state(
        &self,
        batch_id: &str,
        state: BatchState,
        reason: Option<&str>,
    ) -> Result<BatchProgress, CoreError> {
        let store = self.inner.tracker.store();
        let current = store
            .batch(batch_id)?
            .ok_or_else(|| CoreError::UnknownRun(batch_id.to_owned()))?;
        if matches!(current.state, BatchState::Cancelled | BatchState::Finished)
            && state != current.state
        {
            return Err(CoreError::Conflict(
                "This batch is already cancelled or finished; retry its failed rows instead."
                    .into(),
            ));
        }
        store.set_batch_state(batch_id, state, reason)?;
        self.changed(batch_id)
    }

    fn changed(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        self.inner.wake.notify_waiters();
        let progress = self.progress(batch_id)?;
        let _ = self.inner.events.send(progress.clone());
        Ok(progress)
    }

    /// After a restart: every batch with work left is reconciled and driven to its end.
    pub async fn resume_unfinished(
        &self,
    ) -> Result<Vec<Result<BatchProgress, CoreError>>, CoreError> {
        let ids = self.inner.tracker.store().unfinished_batches()?;
        let drives = ids.iter().map(|id| self.run(id));
        Ok(futures_util::future::join_all(drives).await)
    }

    /// Drives a batch until every row is settled: started, followed, outputs downloaded (or
    /// cancelled). While paused with rows waiting it waits for [`BatchRunner::resume`] or
    /// [`BatchRunner::cancel_rest`]. One driver per batch.
    pub async fn run(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        if !crate::tracker::lock(&self.inner.driving).insert(batch_id.to_owned()) {
            return Err(CoreError::Conflict("This batch is already running.".into()));
        }
        let result = self.drive(batch_id).await;
        crate::tracker::lock(&self.inner.driving).remove(batch_id);
        result
    }

    async fn drive(&self, batch_id: &str) -> Result<BatchProgress, CoreError> {
        let store = self.inner.tracker.store().clone();
        let app = store.batch_app(batch_id)?;
        // Any start of this batch left unanswered was sent by a driver that died.
        for row in store.batch_row_states(batch_id)? {
            if let (BatchRowState::Starting, Some(local_id)) = (row.state, &row.local_id) {
                store.mark_start_unanswered(local_id)?;
            }
        }
        let mut downloads: JoinSet<String> = JoinSet::new();
        // Runs whose download ended but left files pending (a storage error): not retried now.
        let mut gave_up: HashSet<String> = HashSet::new();
        let mut downloading: HashSet<String> = HashSet::new();
        let mut reconciled: HashSet<String> = HashSet::new();
        let mut last_check: Option<Instant> = None;
        let mut backoff = Duration::ZERO;
        loop {
            while let Some(done) = downloads.try_join_next() {
                match done {
                    Ok(local_id) => {
                        downloading.remove(&local_id);
                        gave_up.insert(local_id);
                    }
                    Err(error) => tracing::warn!(%error, "a download task failed"),
                }
            }
            let batch = store
                .batch(batch_id)?
                .ok_or_else(|| CoreError::UnknownRun(batch_id.to_owned()))?;
            let rows = store.batch_row_states(batch_id)?;
            // Only runs still pending after their download count as given up.
            gave_up.retain(|id| {
                rows.iter()
                    .any(|r| r.local_id.as_ref() == Some(id) && r.pending_files)
            });
            let progress = self.tally(&batch, &rows);
            let _ = self.inner.events.send(progress);

            // Finished runs whose outputs are not all kept yet: download (no budget needed).
            for row in &rows {
                let Some(local_id) = &row.local_id else {
                    continue;
                };
                if row.terminal
                    && row.pending_files
                    && row.run_id.is_some()
                    && !gave_up.contains(local_id)
                    && downloading.len() < self.inner.config.parallel_downloads.max(1)
                    && downloading.insert(local_id.clone())
                {
                    let tracker = self.inner.tracker.clone();
                    let local_id = local_id.clone();
                    downloads.spawn(async move {
                        if let Err(error) = tracker.follow(&local_id).await {
                            tracing::warn!(%error, run = %local_id, "could not keep a run's outputs");
                        }
                        local_id
                    });
                }
            }

            // Unconfirmed starts: reconciled once per driver (a tie waits for a person).
            if let Some(row) = rows.iter().find(|r| {
                r.state == BatchRowState::Unknown
                    && r.run_id.is_none()
                    && r.local_id
                        .as_ref()
                        .is_some_and(|id| !reconciled.contains(id))
            }) && let Some(local_id) = &row.local_id
            {
                reconciled.insert(local_id.clone());
                self.reconcile(batch_id, row.index, local_id).await?;
                continue;
            }

            let waiting = rows
                .iter()
                .filter(|r| r.state == BatchRowState::Waiting)
                .count();
            let in_flight: Vec<&RowLite> = rows
                .iter()
                .filter(|r| {
                    matches!(r.state, BatchRowState::Queued | BatchRowState::Running)
                        && r.run_id.is_some()
                })
                .collect();
            let starting = batch.state == BatchState::Active && waiting > 0;

            if waiting == 0 && in_flight.is_empty() && downloading.is_empty() {
                let downloads_left = rows.iter().any(|r| {
                    r.terminal
                        && r.pending_files
                        && r.run_id.is_some()
                        && r.local_id.as_ref().is_some_and(|id| !gave_up.contains(id))
                });
                if downloads_left {
                    continue;
                }
                if batch.state != BatchState::Finished {
                    store.set_batch_state(
                        batch_id,
                        BatchState::Finished,
                        batch.reason.as_deref(),
                    )?;
                }
                let progress = self.progress(batch_id)?;
                let _ = self.inner.events.send(progress.clone());
                return Ok(progress);
            }

            let queued_starts = if starting { waiting } else { 0 };
            let check_due = !in_flight.is_empty()
                && last_check.is_none_or(|t| t.elapsed() >= self.inner.config.check_every)
                && self.check_is_free(queued_starts);
            if check_due {
                last_check = Some(Instant::now());
                match self.check(&in_flight, queued_starts).await {
                    Ok(()) => backoff = Duration::ZERO,
                    Err(error) => backoff = self.on_transient(error, backoff).await?,
                }
                continue;
            }
            if starting && let Some(row) = rows.iter().find(|r| r.state == BatchRowState::Waiting) {
                match self.start_row(batch_id, &app, row.index).await {
                    Ok(()) => backoff = Duration::ZERO,
                    Err(error) => backoff = self.on_transient(error, backoff).await?,
                }
                continue;
            }

            // Nothing to do now: wait for the next check, a command, or a download.
            let next_check = last_check.map_or(Duration::ZERO, |t| {
                self.inner.config.check_every.saturating_sub(t.elapsed())
            });
            let nap = if in_flight.is_empty() {
                Duration::from_secs(3600)
            } else {
                next_check.max(Duration::from_millis(50))
            };
            let notified = self.inner.wake.notified();
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                () = notified => {}
                Some(done) = downloads.join_next(), if !downloads.is_empty() => {
                    if let Ok(local_id) = done {
                        downloading.remove(&local_id);
                        gave_up.insert(local_id);
                    }
                }
            }
        }
    }

    /// Transient trouble (network, 5xx, a 429 from someone sharing the limit): wait and go on;
    /// anything else ends the drive.
    async fn on_transient(
        &self,
        error: CoreError,
        backoff: Duration,
    ) -> Result<Duration, CoreError> {
        match &error {
            CoreError::Api(api) if api.is_transient() => {
                let wait = api.retry_after().unwrap_or_else(|| {
                    (backoff * 2).clamp(Duration::from_millis(500), Duration::from_secs(30))
                });
                tracing::info!(error = %api, wait_ms = wait.as_millis() as u64, "batch waits for the service");
                tokio::time::sleep(wait).await;
                Ok(wait)
            }
            _ => Err(error),
        }
    }

    /// One row: claim it, commit the intent, POST once (the budget decides when), record.
    async fn start_row(&self, batch_id: &str, app: &App, index: u32) -> Result<(), CoreError> {
        let _exclusive = self.inner.start_lock.lock().await;
        let tracker = &self.inner.tracker;
        let store = tracker.store();
        let stored = store.batch_row_inputs(batch_id, index)?;
        // Uploaded photos become links first; a row whose upload failed is never sent.
        let (inputs, files, refused) = match self.resolve_uploads(&stored).await {
            Ok((inputs, files)) => (inputs, files, None),
            Err(error) => (stored, Vec::new(), Some(error)),
        };
        let local_id = uuid::Uuid::new_v4().to_string();
        store.claim_batch_row(batch_id, index, &local_id)?;
        let intent = store.insert_intent(&NewRun {
            local_id: local_id.clone(),
            app,
            inputs: &inputs,
            base_url: tracker.client().base_url(),
            webhook_url: None,
            created_at: Utc::now(),
        })?;
        if let Err(error) = record_input_files(store, &local_id, &files) {
            tracing::warn!(%error, "could not remember a batch run's uploaded files");
        }
        if let Some(error) = refused {
            let record = store.close_with_error(
                &local_id,
                RunState::Failed,
                &RunError {
                    kind: UPLOAD_FAILED.into(),
                    message: format!("{error} This row was not started."),
                    detail: error.detail(),
                    fields: Vec::new(),
                },
            )?;
            tracker.announce(&record);
            return Ok(());
        }
        tracker.announce(&intent);
        let answer = tracker.client().start_run(&app.app_id, &inputs, None).await;
        self.log_request();
        match answer {
            Ok(run) => {
                let record = store.record_started(&local_id, &run)?;
                tracker.announce(&record);
                Ok(())
            }
            Err(error) => {
                let record = store.record_start_error(&local_id, &error)?;
                tracker.announce(&record);
                if !error.outcome_unknown && (error.is_transient() || is_rate_limited(&error)) {
                    // Refused before it started anything: the row simply goes again later.
                    store.release_batch_row(batch_id, index)?;
                    return Err(error.into());
                }
                if let Some(reason) = stops_the_batch(&error) {
                    store.set_batch_state(batch_id, BatchState::Paused, Some(&reason))?;
                }
                Ok(())
            }
        }
    }

    /// A row's inputs as the service gets them: upload references become links (waiting for an
    /// upload still sending, running one a kill interrupted). Rows without uploads pass as they are.
    async fn resolve_uploads(
        &self,
        inputs: &lamina_api::Inputs,
    ) -> Result<(lamina_api::Inputs, Vec<InputFile>), UploadError> {
        if !inputs.values().any(|v| v.starts_with(UPLOAD_REF_PREFIX)) {
            return Ok((inputs.clone(), Vec::new()));
        }
        let source = crate::tracker::lock(&self.inner.uploaders).clone();
        let uploader = match source {
            Some(source) => source().await,
            None => None,
        };
        match uploader {
            Some(uploader) => uploader.resolve_inputs(inputs, None).await,
            None => Err(UploadError::NoStorage),
        }
    }

    /// Ties an unconfirmed start to the service's run, or queues the row again if the service
    /// never got it.
    async fn reconcile(&self, batch_id: &str, index: u32, local_id: &str) -> Result<(), CoreError> {
        let _exclusive = self.inner.start_lock.lock().await;
        let tracker = &self.inner.tracker;
        if self.inner.list_missing.load(Ordering::Relaxed) {
            tracing::warn!(
                row = index,
                "unconfirmed start and no run list to match it: left for a person to check"
            );
            return Ok(());
        }
        let candidates = match tracker.unknown_candidates(local_id).await {
            Ok(candidates) => candidates,
            Err(CoreError::Api(error)) if run_list_missing(&error) => {
                self.log_request();
                self.inner.list_missing.store(true, Ordering::Relaxed);
                tracing::warn!(
                    row = index,
                    "unconfirmed start and no run list to match it: left for a person to check"
                );
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        self.log_request();
        match candidates.as_slice() {
            [only] => {
                tracker.link_unknown(local_id, &only.run_id).await?;
                self.log_request();
                tracing::info!(run = %only.run_id, row = index, "unconfirmed start matched the service's run");
            }
            [] => {
                tracker.mark_not_started(local_id)?;
                tracker.store().release_batch_row(batch_id, index)?;
                tracing::info!(
                    row = index,
                    "unconfirmed start never reached the service; queued again"
                );
            }
            _ => {
                tracing::warn!(
                    row = index,
                    candidates = candidates.len(),
                    "unconfirmed start matches several runs; left for a person to check"
                );
            }
        }
        Ok(())
    }

    /// One look at the in-flight runs: the list (one request per 100 runs), then a GET for each
    /// run the list shows finished, while checks stay free of cost to the waiting starts.
    /// Without the list, each run is read on its own ([`BatchRunner::read_each`]).
    async fn check(&self, in_flight: &[&RowLite], queued_starts: usize) -> Result<(), CoreError> {
        let runs: Vec<(&str, &str)> = in_flight
            .iter()
            .filter_map(|r| r.run_id.as_deref().zip(r.local_id.as_deref()))
            .collect();
        if self.inner.list_missing.load(Ordering::Relaxed) {
            return self.read_each(&runs, queued_starts).await;
        }
        let oldest = in_flight.iter().filter_map(|r| r.created_at).min();
        let listed = match self.list(&runs, oldest, queued_starts).await {
            Ok(listed) => listed,
            Err(CoreError::Api(error)) if run_list_missing(&error) => {
                self.inner.list_missing.store(true, Ordering::Relaxed);
                tracing::info!("the service has no run list; runs are read one by one");
                return self.read_each(&runs, queued_starts).await;
            }
            Err(error) => return Err(error),
        };
        let tracker = &self.inner.tracker;
        let store = tracker.store();
        for (run_id, local_id) in runs {
            match listed.get(run_id) {
                Some(run) if !run.status.is_terminal() => {
                    let state = RunState::from_status(run.status);
                    if let Some(record) =
                        store.record_listed_state(local_id, state, run.started_at)?
                    {
                        tracker.announce(&record);
                    }
                }
                // Finished (or missing from the list): its outputs need a GET.
                _ => {
                    if !self.check_is_free(queued_starts) {
                        break;
                    }
                    let result = tracker.refresh(local_id).await;
                    self.log_request();
                    match result {
                        Ok(_) => {}
                        Err(CoreError::Api(e)) if matches!(e.kind, ApiErrorKind::NotFound) => {
                            tracing::warn!(run = %run_id, "the service no longer knows this run");
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    }

    /// The service's runs since `oldest`, page by page until every one of `runs` is found.
    async fn list(
        &self,
        runs: &[(&str, &str)],
        oldest: Option<chrono::DateTime<Utc>>,
        queued_starts: usize,
    ) -> Result<HashMap<String, lamina_api::Run>, CoreError> {
        let mut listed: HashMap<String, lamina_api::Run> = HashMap::new();
        let mut offset = 0u32;
        loop {
            let page = self
                .inner
                .tracker
                .client()
                .list_runs(&RunFilter {
                    since: oldest.map(|t| t - chrono::Duration::seconds(30)),
                    limit: Some(100),
                    offset: Some(offset),
                    ..RunFilter::default()
                })
                .await;
            self.log_request();
            let page = page?;
            let count = page.items.len() as u32;
            offset += count;
            listed.extend(page.items.into_iter().map(|run| (run.run_id.clone(), run)));
            let total = page.pagination.and_then(|p| p.total).unwrap_or(0);
            let all_found = runs.iter().all(|(id, _)| listed.contains_key(*id));
            if all_found
                || count == 0
                || u64::from(offset) >= total
                || !self.check_is_free(queued_starts)
            {
                return Ok(listed);
            }
        }
    }

    /// Without the run list: reads the runs whose turn has come (each at most once per
    /// `check_every`), at the same time, as many as the window has room for beyond the waiting
    /// starts. A rate-limited read is retried by the client after its `Retry-After`; the run's
    /// next turn counts from the answer.
    async fn read_each(
        &self,
        runs: &[(&str, &str)],
        queued_starts: usize,
    ) -> Result<(), CoreError> {
        let limit = self.inner.tracker.client().budget().config().limit as usize;
        let room = limit
            .saturating_sub(self.used_in_window())
            .saturating_sub(queued_starts)
            .max(usize::from(queued_starts == 0));
        let now = Instant::now();
        let due: Vec<(&str, &str)> = {
            let mut next = crate::tracker::lock(&self.inner.next_read);
            next.retain(|id, _| runs.iter().any(|(_, local)| local == id));
            runs.iter()
                .filter(|(_, local)| next.get(*local).is_none_or(|at| *at <= now))
                .take(room)
                .copied()
                .collect()
        };
        let reads = due.iter().map(|(run_id, local_id)| async move {
            let result = self.inner.tracker.refresh(local_id).await;
            self.log_request();
            let again = Instant::now() + self.inner.config.check_every;
            crate::tracker::lock(&self.inner.next_read).insert((*local_id).to_owned(), again);
            match result {
                Err(CoreError::Api(e)) if matches!(e.kind, ApiErrorKind::NotFound) => {
                    tracing::warn!(run = %run_id, "the service no longer knows this run");
                    Ok(())
                }
                other => other.map(|_| ()),
            }
        });
        futures_util::future::join_all(reads)
            .await
            .into_iter()
            .collect()
    }

    fn log_request(&self) {
        let mut log = crate::tracker::lock(&self.inner.log);
        log.push_back(Instant::now());
        if log.len() > 10_000 {
            log.pop_front();
        }
    }

    /// Our requests inside the budget's current window.
    fn used_in_window(&self) -> usize {
        let window = self.inner.tracker.client().budget().config().window;
        let now = Instant::now();
        let mut log = crate::tracker::lock(&self.inner.log);
        while log.front().is_some_and(|t| *t + window <= now) {
            log.pop_front();
        }
        log.len()
    }

    /// A check is free when the window has more room than the waiting starts need.
    fn check_is_free(&self, queued_starts: usize) -> bool {
        if queued_starts == 0 {
            return true;
        }
        let limit = self.inner.tracker.client().budget().config().limit as usize;
        limit.saturating_sub(self.used_in_window()) > queued_starts
    }

    fn tally(&self, batch: &BatchSummary, rows: &[RowLite]) -> BatchProgress {
        let mut p = BatchProgress {
            batch_id: batch.batch_id.clone(),
            state: Some(batch.state),
            reason: batch.reason.clone(),
            total: rows.len() as u32,
            ..BatchProgress::default()
        };
        for row in rows {
            match row.state {
                BatchRowState::Waiting => p.waiting += 1,
                BatchRowState::Starting | BatchRowState::Queued | BatchRowState::Running => {
                    p.in_flight += 1;
                }
                BatchRowState::Completed => p.completed += 1,
                BatchRowState::Failed => p.failed += 1,
                BatchRowState::Cancelled => p.cancelled += 1,
                BatchRowState::Unknown => p.unknown += 1,
            }
        }
        if p.waiting + p.in_flight > 0 {
            // Requests left: a start and a read per waiting row, a read per run in flight, one
            // list per 100; at `limit` per `window`, after what the window already holds.
            let config = self.inner.tracker.client().budget().config();
            let left = 2 * p.waiting + p.in_flight + (p.waiting + p.in_flight).div_ceil(100);
            let windows =
                (self.used_in_window() as u32 + left).saturating_sub(1) / config.limit.max(1);
            let secs = config.window.as_secs_f64() * f64::from(windows)
                + self.inner.config.check_every.as_secs_f64();
            p.eta_s = Some(secs.ceil() as u32);
        }
        p
    }
}

/// The service has no run list (an optional endpoint: the client detects it once and remembers
/// it per service, answering `Unsupported` without asking again).
fn run_list_missing(error: &ApiError) -> bool {
    error.unsupported_endpoint() == Some(OptionalEndpoint::RunList)
}

fn is_rate_limited(error: &ApiError) -> bool {
    matches!(error.kind, ApiErrorKind::RateLimited { .. })
}

fn is_cancelled_by_service(row: &BatchRow) -> bool {
    row.state == BatchRowState::Cancelled && row.run.is_some()
}

/// Refusals that would fail every remaining row alike pause the batch instead.
fn stops_the_batch(error: &ApiError) -> Option<String> {
    if error.message == lamina_api::OUT_OF_CREDITS {
        return Some(error.message.clone());
    }
    match error.kind {
        ApiErrorKind::Unauthorized | ApiErrorKind::Forbidden => Some(error.message.clone()),
        _ => None,
    }
}
