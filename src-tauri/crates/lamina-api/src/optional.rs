//! Optional endpoints: only four endpoints are required of a Lamina service (list apps, get an
//! app, start a run, get a run). Every other one is detected on first use, remembered per service
//! (the core persists [`EndpointMemory::snapshot`]), looked at again after a day, and asked at
//! most once per detection: while an endpoint's status is unknown, one caller probes and the
//! others wait for its outcome.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The endpoints a service may or may not offer.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OptionalEndpoint {
    /// `GET /v1/runs` (`/api/executions`).
    RunList,
    /// `GET /v1/runs/{id}/wait`.
    Wait,
    /// `GET /v1/runs/{id}/stream`.
    Stream,
    /// `GET /v1/account/usage`.
    Usage,
    /// `GET /v1/webhooks/signing-key`.
    SigningKey,
    /// Workflow endpoints (later issues).
    Workflow,
    /// `POST /v1/content/create`.
    Content,
    /// `POST /v1/content/batch`.
    ContentBatch,
    /// `POST /v1/content/score`.
    Score,
    /// `GET /v1/assets`.
    Assets,
    /// `GET /v1/templates` and `GET /v1/templates/{id}`.
    Templates,
    /// `GET /v1/intelligence/brand-context`.
    BrandContext,
    /// `GET /v1/publishing/channels`.
    PublishingChannels,
    /// `POST /v1/publishing/publish`.
    Publish,
    /// `GET /v1/publishing/history`.
    PublishingHistory,
    /// `POST /v1/publishing/transfer-asset`.
    TransferAsset,
}

impl OptionalEndpoint {
    pub const ALL: [Self; 16] = [
        Self::RunList,
        Self::Wait,
        Self::Stream,
        Self::Usage,
        Self::SigningKey,
        Self::Workflow,
        Self::Content,
        Self::ContentBatch,
        Self::Score,
        Self::Assets,
        Self::Templates,
        Self::BrandContext,
        Self::PublishingChannels,
        Self::Publish,
        Self::PublishingHistory,
        Self::TransferAsset,
    ];

    /// Whether a plain GET can ask for this endpoint without changing anything (the connection
    /// check probes only these; the POST endpoints are learned on first use).
    pub fn is_read(self) -> bool {
        !matches!(
            self,
            Self::Content | Self::ContentBatch | Self::Score | Self::Publish | Self::TransferAsset
        )
    }

    /// Whether a JSON `NOT_FOUND` answer means the endpoint itself is missing. Not for
    /// endpoints naming a run, template, app or channel: there it means "no such thing".
    pub fn not_found_means_missing(self) -> bool {
        matches!(
            self,
            Self::RunList
                | Self::Usage
                | Self::SigningKey
                | Self::Workflow
                | Self::Assets
                | Self::BrandContext
                | Self::PublishingChannels
                | Self::PublishingHistory
        )
    }

    /// The serialised name (`runList`, `wait`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RunList => "runList",
            Self::Wait => "wait",
            Self::Stream => "stream",
            Self::Usage => "usage",
            Self::SigningKey => "signingKey",
            Self::Workflow => "workflow",
            Self::Content => "content",
            Self::ContentBatch => "contentBatch",
            Self::Score => "score",
            Self::Assets => "assets",
            Self::Templates => "templates",
            Self::BrandContext => "brandContext",
            Self::PublishingChannels => "publishingChannels",
            Self::Publish => "publish",
            Self::PublishingHistory => "publishingHistory",
            Self::TransferAsset => "transferAsset",
        }
    }

    /// What the endpoint gives, in a shop owner's words ("doesn't offer <this>").
    pub fn describe(self) -> &'static str {
        match self {
            Self::RunList => "a list of your runs",
            Self::Wait => "waiting for a run to finish",
            Self::Stream => "live progress of a run",
            Self::Usage => "your credit balance",
            Self::SigningKey => "the keys that prove webhook deliveries are genuine",
            Self::Workflow => "workflows",
            Self::Content => "creating content from a description",
            Self::ContentBatch => "creating several pieces of content at once",
            Self::Score => "scores for your content",
            Self::Assets => "a library of your generated files",
            Self::Templates => "templates",
            Self::BrandContext => "a brand profile",
            Self::PublishingChannels => "connected channels to publish to",
            Self::Publish => "publishing to your channels",
            Self::PublishingHistory => "a publishing history",
            Self::TransferAsset => "keeping your files on Lamina's storage",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for OptionalEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum EndpointStatus {
    Unknown,
    Offered { at: DateTime<Utc> },
    Missing { at: DateTime<Utc> },
}

/// A missing endpoint is looked at again after this long (services gain endpoints).
pub const RECHECK_MISSING_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a caller waits for another caller's probe before sending its own request. A missing
/// endpoint answers its 404 at once, so waiters learn "missing" well within this; only a probe
/// that works and takes long (a long poll held open) outlasts it, and then asking too is right.
const PROBE_WAIT: Duration = Duration::from_secs(5);

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;
type ChangeListener = Box<dyn Fn(&str) + Send + Sync>;

/// Per service: which optional endpoints are offered, missing or not yet known.
pub struct EndpointMemory {
    known: Mutex<BTreeMap<OptionalEndpoint, EndpointStatus>>,
    /// One probe at a time per endpoint while its status is unknown.
    probes: BTreeMap<OptionalEndpoint, tokio::sync::Mutex<()>>,
    clock: Clock,
    /// Called with the new [`snapshot`](Self::snapshot) whenever what is known changes.
    on_change: Mutex<Option<ChangeListener>>,
}

impl fmt::Debug for EndpointMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointMemory")
            .field("known", &*lock(&self.known))
            .finish_non_exhaustive()
    }
}

impl Default for EndpointMemory {
    fn default() -> Self {
        Self::with_clock(Arc::new(Utc::now))
    }
}

/// The outcome of [`EndpointMemory::gate`].
pub(crate) enum Gate<'a> {
    /// Known missing: send nothing.
    Missing,
    /// Send; while holding the guard this caller is the one probing.
    Send(Option<tokio::sync::MutexGuard<'a, ()>>),
}

impl EndpointMemory {
    pub fn new() -> Self {
        Self::default()
    }

    /// A memory reading time from `clock` (tests move it past [`RECHECK_MISSING_AFTER`]).
    pub fn with_clock(clock: Clock) -> Self {
        Self {
            known: Mutex::new(BTreeMap::new()),
            probes: OptionalEndpoint::ALL
                .into_iter()
                .map(|e| (e, tokio::sync::Mutex::new(())))
                .collect(),
            clock,
            on_change: Mutex::new(None),
        }
    }

    /// The status now: a missing mark older than [`RECHECK_MISSING_AFTER`] reads as unknown.
    pub fn status(&self, endpoint: OptionalEndpoint) -> EndpointStatus {
        let status = lock(&self.known)
            .get(&endpoint)
            .copied()
            .unwrap_or(EndpointStatus::Unknown);
        match status {
            EndpointStatus::Missing { at } if self.expired(at) => EndpointStatus::Unknown,
            other => other,
        }
    }

    pub fn is_missing(&self, endpoint: OptionalEndpoint) -> bool {
        matches!(self.status(endpoint), EndpointStatus::Missing { .. })
    }

    pub fn is_offered(&self, endpoint: OptionalEndpoint) -> bool {
        matches!(self.status(endpoint), EndpointStatus::Offered { .. })
    }

    pub fn mark_offered(&self, endpoint: OptionalEndpoint) {
        let now = (self.clock)();
        self.set(endpoint, EndpointStatus::Offered { at: now });
    }

    pub fn mark_missing(&self, endpoint: OptionalEndpoint) {
        let now = (self.clock)();
        self.set(endpoint, EndpointStatus::Missing { at: now });
    }

    /// Forgets everything (a new service address, say).
    pub fn clear(&self) {
        let changed = {
            let mut known = lock(&self.known);
            let changed = !known.is_empty();
            known.clear();
            changed
        };
        if changed {
            self.notify();
        }
    }

    /// What is known, as JSON (`{"runList":{"status":"missing","at":"..."}, ...}`).
    pub fn snapshot(&self) -> String {
        let known: BTreeMap<&str, EndpointStatus> = lock(&self.known)
            .iter()
            .map(|(e, s)| (e.as_str(), *s))
            .collect();
        serde_json::to_string(&known).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Replaces what is known with a [`snapshot`](Self::snapshot). Endpoints this version does
    /// not know (written by a newer one) are ignored; the listener is not called.
    pub fn restore(&self, snapshot: &str) -> Result<(), serde_json::Error> {
        let saved: BTreeMap<String, serde_json::Value> = serde_json::from_str(snapshot)?;
        let restored = saved
            .into_iter()
            .filter_map(|(name, value)| {
                let endpoint = OptionalEndpoint::from_name(&name)?;
                let status = serde_json::from_value::<EndpointStatus>(value).ok()?;
                Some((endpoint, status))
            })
            .collect();
        *lock(&self.known) = restored;
        Ok(())
    }

    /// Calls `listener` with the new snapshot whenever what is known changes (one listener; a
    /// new one replaces the old).
    pub fn on_change(&self, listener: impl Fn(&str) + Send + Sync + 'static) {
        *lock(&self.on_change) = Some(Box::new(listener));
    }

    /// Single flight: known missing -> [`Gate::Missing`]; offered -> send; unknown -> wait for a
    /// probe in flight (up to [`PROBE_WAIT`]) and decide again, or become the probe.
    pub(crate) async fn gate(&self, endpoint: OptionalEndpoint) -> Gate<'_> {
        let Some(probe) = self.probes.get(&endpoint) else {
            return Gate::Send(None);
        };
        loop {
            match self.status(endpoint) {
                EndpointStatus::Missing { .. } => return Gate::Missing,
                EndpointStatus::Offered { .. } => return Gate::Send(None),
                EndpointStatus::Unknown => {}
            }
            match tokio::time::timeout(PROBE_WAIT, probe.lock()).await {
                Ok(guard) if self.status(endpoint) == EndpointStatus::Unknown => {
                    return Gate::Send(Some(guard));
                }
                // Someone else's probe settled it: look again.
                Ok(_) => {}
                Err(_) => return Gate::Send(None),
            }
        }
    }

    fn expired(&self, at: DateTime<Utc>) -> bool {
        let age = (self.clock)() - at;
        age.to_std().is_ok_and(|age| age >= RECHECK_MISSING_AFTER)
    }

    fn set(&self, endpoint: OptionalEndpoint, status: EndpointStatus) {
        let changed = {
            let mut known = lock(&self.known);
            let previous = known.insert(endpoint, status);
            // A refreshed "offered" is not worth a write; a new kind of answer, or a missing
            // mark renewed after its day, is.
            !matches!(
                (previous, status),
                (
                    Some(EndpointStatus::Offered { .. }),
                    EndpointStatus::Offered { .. }
                )
            ) && previous != Some(status)
        };
        if changed {
            tracing::info!(
                endpoint = endpoint.as_str(),
                ?status,
                "optional endpoint detected"
            );
            self.notify();
        }
    }

    fn notify(&self) {
        let snapshot = self.snapshot();
        if let Some(listener) = lock(&self.on_change).as_ref() {
            listener(&snapshot);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};

    fn clocked() -> (EndpointMemory, Arc<AtomicI64>) {
        let offset = Arc::new(AtomicI64::new(0));
        let seen = Arc::clone(&offset);
        let start = Utc::now();
        let memory = EndpointMemory::with_clock(Arc::new(move || {
            start + chrono::Duration::seconds(seen.load(Ordering::SeqCst))
        }));
        (memory, offset)
    }

    #[test]
    fn missing_expires_after_a_day_and_offered_stays() {
        let (memory, offset) = clocked();
        memory.mark_missing(OptionalEndpoint::RunList);
        memory.mark_offered(OptionalEndpoint::Wait);
        assert!(memory.is_missing(OptionalEndpoint::RunList));
        offset.store(24 * 3600 - 1, Ordering::SeqCst);
        assert!(memory.is_missing(OptionalEndpoint::RunList));
        offset.store(24 * 3600, Ordering::SeqCst);
        assert_eq!(
            memory.status(OptionalEndpoint::RunList),
            EndpointStatus::Unknown
        );
        assert!(memory.is_offered(OptionalEndpoint::Wait));
        assert_eq!(
            memory.status(OptionalEndpoint::Usage),
            EndpointStatus::Unknown
        );
    }

    #[test]
    fn snapshot_round_trips_and_ignores_unknown_names() {
        let (memory, _) = clocked();
        memory.mark_missing(OptionalEndpoint::Usage);
        memory.mark_offered(OptionalEndpoint::Stream);
        let text = memory.snapshot();
        assert!(text.contains("\"usage\":{\"status\":\"missing\""), "{text}");
        let copy = EndpointMemory::new();
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["fromTheFuture"] =
            serde_json::json!({"status": "missing", "at": "2026-01-01T00:00:00Z"});
        copy.restore(&value.to_string()).unwrap();
        assert!(copy.is_missing(OptionalEndpoint::Usage));
        assert!(copy.is_offered(OptionalEndpoint::Stream));
        assert!(copy.restore("not json").is_err());
    }

    #[test]
    fn the_listener_hears_changes_not_repeats() {
        let (memory, _) = clocked();
        let calls = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = Arc::clone(&calls);
        memory.on_change(move |s| sink.lock().unwrap().push(s.to_owned()));
        memory.mark_offered(OptionalEndpoint::Wait);
        memory.mark_offered(OptionalEndpoint::Wait);
        memory.mark_missing(OptionalEndpoint::Wait);
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(calls[1].contains("missing"));
    }
}
