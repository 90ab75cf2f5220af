//! The run tracker: start, follow, download, resume. Every change is committed to SQLite before
//! it is broadcast, so whatever a person has seen survives a crash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use lamina_api::{
    ApiError, ApiErrorKind, App, EndpointStatus, Inputs, LaminaClient, OptionalEndpoint,
    OutputKind, Run, RunFilter, RunStatus, StreamEvent, validate_inputs,
};
use tokio::sync::{Notify, broadcast, watch};
use tokio::time::Instant;

use crate::delivery::{Capabilities, DeliveryMode, PollCadence, WorkKind};
use crate::outputs::{OutputCache, OutputError};
use crate::record::{RunRecord, RunState};
use crate::store::{NewRun, Store, StoreError};

mod reconcile;
pub use reconcile::RunCandidate;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Boxed: the error is large and this travels through every `?`.
    #[error(transparent)]
    Api(Box<ApiError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("No run with id {0} is in your history.")]
    UnknownRun(String),
    /// The request makes no sense for the run as it is now (message in plain words).
    #[error("{0}")]
    Conflict(String),
}

#[derive(Debug, Clone)]
pub struct TrackerConfig {
    pub delivery: DeliveryMode,
    pub cadence: PollCadence,
    /// Seconds per `/wait` call (the service allows 1–120).
    pub wait_timeout_s: u32,
    /// Stop following after the service has been unreachable this long (the run stays in history
    /// and `resume` picks it up). `None`: keep trying for as long as the process lives.
    pub give_up_after: Option<Duration>,
    pub download_outputs: bool,
    /// While webhooks are on: how often a run is still checked, so a lost delivery never loses
    /// a run (see [`crate::webhook`]).
    pub webhook_fallback: Duration,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            delivery: DeliveryMode::Auto,
            cadence: PollCadence::default(),
            wait_timeout_s: 60,
            give_up_after: None,
            download_outputs: true,
            webhook_fallback: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
pub struct Tracker {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Tracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tracker")
    }
}

struct Inner {
    client: LaminaClient,
    store: Store,
    outputs: OutputCache,
    config: TrackerConfig,
    events: broadcast::Sender<RunRecord>,
    /// Runs being polled, for checking many with one list request.
    polled: Mutex<HashMap<String, PolledRun>>,
    list: tokio::sync::Mutex<ListSnapshot>,
    /// Whether the service answered the last time anyone asked (false: "offline").
    online: watch::Sender<bool>,
    /// Wakes every follower waiting out a backoff, when the connection comes back.
    reconnected: Notify,
    /// The public URL of a running webhook receiver: added to run starts, and followers wait for
    /// deliveries (polling only at `webhook_fallback`).
    webhook_url: Mutex<Option<String>>,
}

struct PolledRun {
    created: DateTime<Utc>,
    /// Checks answered by the list alone since the last full read.
    list_only_checks: u32,
}

/// The `/wait` timeout (seconds) while the endpoint is being detected.
const WAIT_PROBE_S: u32 = 1;

/// A running multi-step run gets a full read every this many list checks, so outputs that
/// complete one by one still show up before the end.
const FULL_READ_EVERY: u32 = 3;

#[derive(Default)]
struct ListSnapshot {
    taken_at: Option<Instant>,
    statuses: HashMap<String, RunStatus>,
}

/// Why one step of following a run stopped.
enum StepError {
    /// The service lacks this endpoint (now remembered by the client): choose again.
    Unsupported(OptionalEndpoint),
    Api(ApiError),
    Store(StoreError),
}

impl From<ApiError> for CoreError {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl From<ApiError> for StepError {
    fn from(error: ApiError) -> Self {
        match error.unsupported_endpoint() {
            Some(endpoint) => Self::Unsupported(endpoint),
            None => Self::Api(error),
        }
    }
}

impl From<StoreError> for StepError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<CoreError> for StepError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Api(e) => Self::Api(*e),
            CoreError::Store(e) => Self::Store(e),
            CoreError::UnknownRun(id) => Self::Store(StoreError::missing(&id)),
            CoreError::Conflict(message) => Self::Store(StoreError::other(message)),
        }
    }
}

/// Where what is known of a service's optional endpoints is kept (`endpoints:<base url>`).
pub const ENDPOINTS_KEY: &str = "endpoints:";

impl Tracker {
    /// Restores what is known of the service's optional endpoints into the client's memory and
    /// saves it whenever it changes, so each is detected once per service, not once per process.
    pub fn new(
        client: LaminaClient,
        store: Store,
        outputs: OutputCache,
        config: TrackerConfig,
    ) -> Self {
        remember_endpoints(&client, &store);
        let (events, _) = broadcast::channel(1024);
        Self {
            inner: Arc::new(Inner {
                client,
                store,
                outputs,
                config,
                events,
                polled: Mutex::new(HashMap::new()),
                list: tokio::sync::Mutex::new(ListSnapshot::default()),
                online: watch::Sender::new(true),
                reconnected: Notify::new(),
                webhook_url: Mutex::new(None),
            }),
        }
    }

    pub fn client(&self) -> &LaminaClient {
        &self.inner.client
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Every committed change of every run, in order per run.
    pub fn subscribe(&self) -> broadcast::Receiver<RunRecord> {
        self.inner.events.subscribe()
    }

    /// Tells subscribers about a change committed outside the tracker (e.g. a star).
    pub fn announce(&self, record: &RunRecord) {
        self.emit(record);
    }

    pub(crate) fn emit(&self, record: &RunRecord) {
        // No subscribers is fine: the store is the truth, events are a projection.
        let _ = self.inner.events.send(record.clone());
    }

    /// Steps 1–3 of the lifecycle: validate (nothing is sent or stored on bad input), commit the
    /// intent, POST once, record the answer. Tracking is a separate step ([`Tracker::follow`]).
    pub async fn start(
        &self,
        app: &App,
        inputs: &Inputs,
        webhook: Option<&str>,
    ) -> Result<RunRecord, CoreError> {
        let to_send = validate_inputs(app, inputs)?;
        let default_webhook = self.webhook_url();
        let webhook = webhook.or(default_webhook.as_deref());
        let local_id = uuid::Uuid::new_v4().to_string();
        let intent = self.inner.store.insert_intent(&NewRun {
            local_id: local_id.clone(),
            app,
            inputs: &to_send,
            base_url: self.inner.client.base_url(),
            webhook_url: webhook,
            created_at: Utc::now(),
        })?;
        self.emit(&intent);
        match self
            .inner
            .client
            .start_run(&app.app_id, &to_send, webhook)
            .await
        {
            Ok(run) => {
                let record = self.inner.store.record_started(&local_id, &run)?;
                self.emit(&record);
                Ok(record)
            }
            Err(error) => {
                let record = self.inner.store.record_start_error(&local_id, &error)?;
                self.emit(&record);
                Err(error.into())
            }
        }
    }

    /// Follows a run until it is terminal and its outputs are downloaded.
    pub async fn follow(&self, local_id: &str) -> Result<RunRecord, CoreError> {
        let record = self
            .inner
            .store
            .get(local_id)?
            .ok_or_else(|| CoreError::UnknownRun(local_id.to_owned()))?;
        let Some(run_id) = record.run_id.clone() else {
            return Ok(record);
        };
        let result = self.follow_until_terminal(&run_id, record).await;
        self.forget_polled(&run_id);
        let mut record = result?;
        if record.state == RunState::Completed {
            self.learn_duration(&record);
        }
        self.download_outputs(&mut record).await?;
        Ok(record)
    }

    async fn follow_until_terminal(
        &self,
        run_id: &str,
        mut record: RunRecord,
    ) -> Result<RunRecord, CoreError> {
        let mut failing_since: Option<Instant> = None;
        let mut attempt = 0u32;
        while !record.state.is_terminal() {
            let mode =
                Capabilities::of(self.inner.client.endpoints()).choose(self.inner.config.delivery);
            let by_webhook = record.webhook_url.is_some() && self.webhook_url().is_some();
            let step = match mode {
                _ if by_webhook => self.follow_webhook(run_id, &mut record).await,
                DeliveryMode::Stream => self.follow_stream(run_id, &mut record).await,
                DeliveryMode::Wait => self.follow_wait(run_id, &mut record).await,
                _ => self.poll_once(run_id, &mut record).await,
            };
            match step {
                Ok(()) => {
                    failing_since = None;
                    attempt = 0;
                    self.set_online(true);
                }
                Err(StepError::Unsupported(endpoint)) => {
                    tracing::info!(run = %run_id, endpoint = endpoint.as_str(),
                        "the service lacks this endpoint; following the run another way");
                }
                Err(StepError::Store(error)) => return Err(error.into()),
                // An unreadable status answer (cut short on its way, say) is asked again like
                // an unavailable service: giving up would leave the run unfollowed until restart.
                Err(StepError::Api(error))
                    if error.is_transient() || error.kind == ApiErrorKind::Decode =>
                {
                    let since = *failing_since.get_or_insert_with(Instant::now);
                    if self
                        .inner
                        .config
                        .give_up_after
                        .is_some_and(|limit| since.elapsed() >= limit)
                    {
                        return Err(error.into());
                    }
                    attempt += 1;
                    if error.is_unreachable() {
                        self.set_online(false);
                    }
                    tracing::info!(run = %run_id, kind = ?error.kind, "service unavailable, will retry");
                    // Reconnecting cuts the backoff short: runs update as soon as the network is back.
                    tokio::select! {
                        () = tokio::time::sleep(retry_delay(&error, attempt)) => {}
                        () = self.inner.reconnected.notified() => {}
                    }
                }
                Err(StepError::Api(error)) => return Err(error.into()),
            }
        }
        Ok(record)
    }

    /// Starts and follows in one call.
    pub async fn run(
        &self,
        app: &App,
        inputs: &Inputs,
        webhook: Option<&str>,
    ) -> Result<RunRecord, CoreError> {
        let record = self.start(app, inputs, webhook).await?;
        self.follow(&record.local_id).await
    }

    /// Step 6: after a restart, every run the service accepted is followed to the end, and every
    /// intent whose POST never got an answer is marked unknown (never re-sent).
    pub async fn resume(&self) -> Result<Vec<Result<RunRecord, CoreError>>, CoreError> {
        let unknown = self.inner.store.mark_unanswered_starts_unknown()?;
        if unknown > 0 {
            tracing::warn!(
                unknown,
                "runs whose start was never confirmed are marked unknown"
            );
        }
        let mut pending = self.inner.store.unfinished()?;
        pending.extend(self.inner.store.terminal_with_missing_files()?);
        let follows = pending.iter().map(|record| self.follow(&record.local_id));
        Ok(futures_util::future::join_all(follows).await)
    }

    /// Asks the service for a run's current state and records it.
    pub async fn refresh(&self, id: &str) -> Result<RunRecord, CoreError> {
        let record = self.inner.store.find(id)?;
        let run_id = record
            .as_ref()
            .and_then(|r| r.run_id.clone())
            .unwrap_or_else(|| id.to_owned());
        let run = self.inner.client.get_run(&run_id).await?;
        match record {
            Some(record) => {
                let updated = self.apply(&record.local_id, &run)?;
                Ok(updated.unwrap_or(record))
            }
            None => Err(CoreError::UnknownRun(id.to_owned())),
        }
    }

    fn apply(&self, local_id: &str, run: &Run) -> Result<Option<RunRecord>, CoreError> {
        let updated = self.inner.store.apply_run(local_id, run)?;
        if let Some(record) = &updated {
            self.emit(record);
        }
        Ok(updated)
    }

    /// Applies a service update and fetches any output that just completed, so results appear
    /// while a multi-step run is still going.
    async fn absorb(&self, record: &mut RunRecord, run: &Run) -> Result<(), StepError> {
        if let Some(updated) = self.apply(&record.local_id, run)? {
            *record = updated;
            self.download_outputs(record).await?;
        }
        Ok(())
    }

    async fn follow_stream(&self, run_id: &str, record: &mut RunRecord) -> Result<(), StepError> {
        let mut events = match self.inner.client.stream_run(run_id).await {
            Ok(events) => events,
            Err(error) => {
                return self
                    .unsupported_or(OptionalEndpoint::Stream, run_id, record, error)
                    .await;
            }
        };
        let mut received = 0usize;
        while let Some(event) = events.next().await {
            received += 1;
            match event? {
                StreamEvent::Progress(run)
                | StreamEvent::Complete(run)
                | StreamEvent::Failed(run) => {
                    self.absorb(record, &run).await?;
                    if record.state.is_terminal() {
                        return Ok(());
                    }
                }
                StreamEvent::Timeout(_) => return Ok(()),
                StreamEvent::Ping => {}
            }
        }
        if received == 0 {
            // A stream that closes at once must not turn into a reconnect storm.
            tokio::time::sleep(self.inner.config.cadence.floor).await;
        }
        Ok(())
    }

    async fn follow_wait(&self, run_id: &str, record: &mut RunRecord) -> Result<(), StepError> {
        let client = &self.inner.client;
        // While nobody knows whether the service offers `/wait`, one follower's call is the
        // probe the others wait on (single flight): keep it to a second, so a working long poll
        // settles the question at once instead of after the whole timeout.
        let timeout_s = match client.endpoints().status(OptionalEndpoint::Wait) {
            EndpointStatus::Unknown => WAIT_PROBE_S,
            _ => self.inner.config.wait_timeout_s,
        };
        match client.wait_run(run_id, timeout_s).await {
            Ok(outcome) => self.absorb(record, &outcome.run).await,
            Err(error) => {
                self.unsupported_or(OptionalEndpoint::Wait, run_id, record, error)
                    .await
            }
        }
    }

    /// The client tells a missing endpoint from its "no such route" page at once (no read
    /// needed: the next read comes at the polling cadence). A JSON `NOT_FOUND` from `/wait` or
    /// `/stream` means either "no such run" or "no such endpoint": one plain GET tells which.
    async fn unsupported_or(
        &self,
        endpoint: OptionalEndpoint,
        run_id: &str,
        record: &mut RunRecord,
        error: ApiError,
    ) -> Result<(), StepError> {
        if !matches!(error.kind, ApiErrorKind::NotFound) {
            return Err(error.into());
        }
        let run = self.inner.client.get_run(run_id).await?;
        self.inner.client.endpoints().mark_missing(endpoint);
        self.absorb(record, &run).await?;
        Err(StepError::Unsupported(endpoint))
    }

    async fn poll_once(&self, run_id: &str, record: &mut RunRecord) -> Result<(), StepError> {
        let created = record.created_at;
        let polled_count = {
            let mut polled = lock(&self.inner.polled);
            polled.entry(run_id.to_owned()).or_insert(PolledRun {
                created,
                list_only_checks: 0,
            });
            polled.len()
        };
        let kind = work_kind(record);
        let elapsed = (Utc::now() - created).to_std().unwrap_or_default();
        let expected = self.expected_duration(&record.app_id);
        tokio::time::sleep(
            self.inner
                .config
                .cadence
                .next_delay(kind, elapsed, expected),
        )
        .await;
        if polled_count > 1 {
            let current = RunStatus::parse(record.state.as_str());
            // Without a run list (a service need not offer one) every run is read on its own,
            // at its own cadence, within the shared budget.
            let listed = match self.listed_status(run_id).await {
                Err(error) if error.unsupported_endpoint().is_some() => None,
                other => other?,
            };
            let mut polled = lock(&self.inner.polled);
            if let Some(entry) = polled.get_mut(run_id) {
                let unchanged = listed == Some(current);
                let partial_outputs_due =
                    kind == WorkKind::MultiStep && entry.list_only_checks + 1 >= FULL_READ_EVERY;
                if unchanged && !partial_outputs_due {
                    entry.list_only_checks += 1;
                    return Ok(());
                }
                entry.list_only_checks = 0;
            }
        }
        let run = self.inner.client.get_run(run_id).await?;
        self.absorb(record, &run).await
    }

    /// The status of a run from one shared list request, refreshed at most once per floor
    /// interval however many runs ask. Running runs still get a GET, to pick up outputs that
    /// complete one by one.
    async fn listed_status(&self, run_id: &str) -> Result<Option<RunStatus>, ApiError> {
        let mut snapshot = self.inner.list.lock().await;
        let fresh = snapshot
            .taken_at
            .is_some_and(|t| t.elapsed() < self.inner.config.cadence.floor);
        if !fresh {
            let (wanted, oldest) = {
                let polled = lock(&self.inner.polled);
                (polled.len(), polled.values().map(|p| p.created).min())
            };
            let mut statuses = HashMap::new();
            let mut offset = 0u32;
            loop {
                let page = self
                    .inner
                    .client
                    .list_runs(&RunFilter {
                        since: oldest.map(|t| t - chrono::Duration::seconds(5)),
                        limit: Some(100),
                        offset: Some(offset),
                        ..RunFilter::default()
                    })
                    .await?;
                let count = page.items.len() as u32;
                statuses.extend(page.items.into_iter().map(|run| (run.run_id, run.status)));
                offset += count;
                let total = page.pagination.and_then(|p| p.total).unwrap_or(0);
                if count == 0 || u64::from(offset) >= total || statuses.len() >= wanted.max(100) * 4
                {
                    break;
                }
            }
            *snapshot = ListSnapshot {
                taken_at: Some(Instant::now()),
                statuses,
            };
        }
        Ok(snapshot.statuses.get(run_id).copied())
    }

    async fn download_outputs(&self, record: &mut RunRecord) -> Result<(), StoreError> {
        if !self.inner.config.download_outputs {
            return Ok(());
        }
        let wanted: Vec<(usize, String)> = record
            .outputs
            .iter()
            .filter(|o| o.needs_download())
            .filter_map(|o| o.value.clone().map(|url| (o.index, url)))
            .collect();
        for (index, url) in wanted {
            let mut outcome = self
                .inner
                .outputs
                .fetch(&record.local_id, index, &url)
                .await;
            for attempt in 1..3u32 {
                match &outcome {
                    Err(OutputError::Download(_)) => {
                        tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
                        outcome = self
                            .inner
                            .outputs
                            .fetch(&record.local_id, index, &url)
                            .await;
                    }
                    _ => break,
                }
            }
            let reason = outcome.as_ref().err().map(ToString::to_string);
            let updated = self.inner.store.record_output_file(
                &record.local_id,
                index,
                outcome
                    .as_ref()
                    .map_err(|_| reason.as_deref().unwrap_or_default()),
            )?;
            *record = updated;
            self.emit(record);
        }
        Ok(())
    }

    fn forget_polled(&self, run_id: &str) {
        lock(&self.inner.polled).remove(run_id);
    }

    fn expected_duration(&self, app_id: &str) -> Option<Duration> {
        let text = self
            .inner
            .store
            .kv_get(&format!("duration:{app_id}"))
            .ok()
            .flatten()?;
        text.parse::<u64>().ok().map(Duration::from_millis)
    }

    /// Keeps a moving average of how long each app takes, for adaptive polling.
    fn learn_duration(&self, record: &RunRecord) {
        let Some(done) = record.completed_at else {
            return;
        };
        let Ok(took) = (done - record.created_at).to_std() else {
            return;
        };
        let took = took.as_millis() as u64;
        let average = match self.expected_duration(&record.app_id) {
            Some(previous) => (previous.as_millis() as u64 * 3 + took) / 4,
            None => took,
        };
        let _ = self
            .inner
            .store
            .kv_set(&format!("duration:{}", record.app_id), &average.to_string());
    }
}

// ---- Webhook delivery (issue 7): the receiver in `crate::webhook` calls `apply_delivery`. ----
impl Tracker {
    /// Turns webhook delivery on (`Some(public URL)`) or off for runs started from now on.
    pub fn set_webhook_url(&self, url: Option<String>) {
        *lock(&self.inner.webhook_url) = url;
    }

    pub fn webhook_url(&self) -> Option<String> {
        lock(&self.inner.webhook_url).clone()
    }

    /// A verified webhook delivery, applied through the same path as a polled result (persist,
    /// then emit). A run that is already settled, or a delivery that changes nothing (a retry
    /// after a lost 2xx), is a duplicate and changes nothing.
    pub fn apply_delivery(&self, run: &Run) -> Result<DeliveryEffect, CoreError> {
        let Some(record) = self.inner.store.find(&run.run_id)? else {
            return Ok(DeliveryEffect::UnknownRun);
        };
        if record.state.is_terminal() {
            return Ok(DeliveryEffect::Duplicate(record));
        }
        Ok(match self.apply(&record.local_id, run)? {
            Some(updated) => DeliveryEffect::Applied(updated),
            None => DeliveryEffect::Duplicate(record),
        })
    }

    /// Waits for a delivery to settle the run (the receiver's `apply_delivery` emits it), and
    /// reads the run once per `webhook_fallback` in case the delivery never comes.
    async fn follow_webhook(&self, run_id: &str, record: &mut RunRecord) -> Result<(), StepError> {
        let mut events = self.subscribe();
        // A delivery may have landed before the subscription.
        if let Some(current) = self.inner.store.get(&record.local_id)? {
            *record = current;
        }
        let fallback = tokio::time::sleep(self.inner.config.webhook_fallback);
        tokio::pin!(fallback);
        while !record.state.is_terminal() {
            tokio::select! {
                () = &mut fallback => {
                    let run = self.inner.client.get_run(run_id).await?;
                    return self.absorb(record, &run).await;
                }
                event = events.recv() => match event {
                    Ok(update) if update.local_id == record.local_id => *record = update,
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if let Some(current) = self.inner.store.get(&record.local_id)? {
                            *record = current;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
            }
        }
        Ok(())
    }
}

/// Loads the service's remembered endpoints into the client's memory and saves every change.
fn remember_endpoints(client: &LaminaClient, store: &Store) {
    let key = format!("{ENDPOINTS_KEY}{}", client.base_url());
    let memory = client.endpoints();
    match store.kv_get(&key) {
        Ok(Some(saved)) => {
            if let Err(error) = memory.restore(&saved) {
                tracing::warn!(%error, "forgetting an unreadable record of the service's endpoints");
            }
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the service's endpoints"),
    }
    let store = store.clone();
    memory.on_change(move |snapshot| {
        if let Err(error) = store.kv_set(&key, snapshot) {
            tracing::warn!(%error, "could not remember the service's endpoints");
        }
    });
}

/// What a verified delivery did.
#[derive(Debug, Clone)]
pub enum DeliveryEffect {
    /// The run changed; the new record was committed and emitted.
    Applied(RunRecord),
    /// Nothing new (a retry, or a run already settled): acknowledged and ignored.
    Duplicate(RunRecord),
    /// No run with that id in this history.
    UnknownRun,
}

fn work_kind(record: &RunRecord) -> WorkKind {
    if record.outputs.iter().any(|o| o.kind == OutputKind::Video) {
        WorkKind::Video
    } else if record.outputs.len() > 1 {
        WorkKind::MultiStep
    } else {
        WorkKind::Image
    }
}

/// Backoff while the service is unavailable: honour the service's own hint, else grow to 30 s.
fn retry_delay(error: &ApiError, attempt: u32) -> Duration {
    if let Some(after) = error.retry_after() {
        return after;
    }
    let base = Duration::from_millis(500) * 2u32.saturating_pow(attempt.min(6));
    let jitter = rand::random_range(0.75..1.25);
    base.min(Duration::from_secs(30)).mul_f64(jitter)
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
