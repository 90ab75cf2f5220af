//! The webhook receiver (issue 7): an axum server, off by default, that takes the service's
//! signed deliveries at `/lamina/webhook` and applies them to runs through the tracker's own path
//! (persist, then emit). While it runs, run starts carry `?webhook=<public URL>` and followers
//! poll only at the slow `TrackerConfig::webhook_fallback` cadence, so a lost delivery never
//! loses a run.
//!
//! Checks, in order, each answered with its own status and logged with its reason:
//! body over the cap (413), missing or malformed headers (400), signature or timestamp outside
//! ±5 min (401; the key set is fetched again once on a bad signature, for rotation), a signature
//! seen before (409, remembered in SQLite), a body that is not JSON (400) or not a run (422).
//! A verified delivery that changes nothing (a retry after a lost 2xx) is answered 200 and
//! ignored.

mod keys;
mod log;
pub mod settings;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use lamina_api::webhook::{REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError};
use lamina_api::{OptionalEndpoint, Run};
use tokio::sync::{broadcast, oneshot};

pub use keys::KeySource;
pub use log::{DeliveryLogEntry, DeliveryOutcome, LOG_LENGTH, REPLAY_MEMORY, recent_deliveries};
pub use settings::{DeliveryControl, DeliverySettings, DeliveryStatus, SettingsError};

use crate::tracker::{DeliveryEffect, Tracker};
use keys::{KeyCache, KeyError};
use log::NewLogEntry;

/// The receiver's path, as in Lamina's own CLI.
pub const WEBHOOK_PATH: &str = "/lamina/webhook";
/// The port Lamina's CLI listens on by default.
pub const DEFAULT_PORT: u16 = 8788;
/// What a GET of the receiver's path answers as `receiver`, with a random per-receiver `token`:
/// how the connection check tells that a public address leads to this receiver.
pub const RECEIVER_KIND: &str = "lamina-desktop-webhook-receiver";

#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Address to listen on; port 0 picks a free one. Default `127.0.0.1:8788`.
    pub bind: SocketAddr,
    /// Where the service must send deliveries (a tunnel or relay in front of `bind`). A bare
    /// origin gets [`WEBHOOK_PATH`] appended. Default: `http://<bound address>/lamina/webhook`.
    pub public_url: Option<String>,
    /// Larger bodies are refused with 413. Default 1 MiB (a run object is a few KB).
    pub max_body_bytes: usize,
    /// The key set is fetched again on a bad signature at most this often. Default 60 s.
    pub key_refetch_after: Duration,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_PORT)),
            public_url: None,
            max_body_bytes: 1024 * 1024,
            key_refetch_after: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("the public URL {0:?} is not an http(s) URL")]
    PublicUrl(String),
}

/// A running receiver. Dropping it stops it and turns webhook delivery off in the tracker.
#[derive(Debug)]
pub struct WebhookReceiver {
    local_addr: SocketAddr,
    public_url: String,
    /// False when the service offers no signing key: deliveries cannot be verified, so none are
    /// asked for and the tracker keeps polling.
    verifies: bool,
    tracker: Tracker,
    events: broadcast::Sender<DeliveryLogEntry>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    reach_token: String,
}

struct Shared {
    tracker: Tracker,
    keys: KeyCache,
    max_body_bytes: usize,
    events: broadcast::Sender<DeliveryLogEntry>,
}

impl WebhookReceiver {
    /// Binds, starts serving, and tells the tracker to ask for deliveries at the public URL.
    pub async fn start(
        tracker: Tracker,
        keys: KeySource,
        config: ReceiverConfig,
    ) -> Result<Self, ReceiverError> {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| ReceiverError::Bind {
                addr: config.bind,
                reason: e.to_string(),
            })?;
        let local_addr = listener.local_addr().map_err(|e| ReceiverError::Bind {
            addr: config.bind,
            reason: e.to_string(),
        })?;
        let public_url = match &config.public_url {
            Some(url) => public_url(url)?,
            None => format!("http://{local_addr}{WEBHOOK_PATH}"),
        };
        let (events, _) = broadcast::channel(256);
        let service = match &keys {
            KeySource::Service(client) => Some(client.clone()),
            KeySource::Fixed(_) => None,
        };
        let shared = Arc::new(Shared {
            tracker: tracker.clone(),
            keys: KeyCache::new(keys, config.key_refetch_after),
            max_body_bytes: config.max_body_bytes,
            events: events.clone(),
        });
        // A service without signing keys (an optional endpoint) sends deliveries nobody can
        // verify: ask for none and keep polling. The set fetched here is the one cached for
        // deliveries; a transient failure is retried per delivery.
        let mut verifies = true;
        if let Some(client) = service
            && let Err(error) = shared.keys.current().await
            && client.endpoints().is_missing(OptionalEndpoint::SigningKey)
        {
            tracing::warn!(%error, "the service offers no webhook signing key: deliveries \
                cannot be verified, runs are followed by polling");
            verifies = false;
        }
        let reach_token = uuid::Uuid::new_v4().to_string();
        let hello = serde_json::json!({ "receiver": RECEIVER_KIND, "token": reach_token });
        let app = Router::new()
            .route(
                WEBHOOK_PATH,
                post(receive).get(move || async move { axum::Json(hello) }),
            )
            .with_state(shared);
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "webhook receiver stopped");
            }
        });
        if verifies {
            tracker.set_webhook_url(Some(public_url.clone()));
        }
        tracing::info!(%local_addr, %public_url, verifies, "webhook receiver listening");
        Ok(Self {
            local_addr,
            public_url,
            verifies,
            tracker,
            events,
            shutdown: Some(shutdown),
            task: Some(task),
            reach_token,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Whether deliveries can be verified (the service offers its signing key). When not, run
    /// starts carry no webhook and the tracker polls.
    pub fn verifies_deliveries(&self) -> bool {
        self.verifies
    }

    /// The URL run starts carry as `?webhook=`.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Every delivery as it is logged (already committed to SQLite).
    pub fn subscribe(&self) -> broadcast::Receiver<DeliveryLogEntry> {
        self.events.subscribe()
    }

    /// The token a GET of this receiver's path answers with (random, not a secret).
    pub fn reach_token(&self) -> &str {
        &self.reach_token
    }

    /// Stops listening (in-flight deliveries finish) and turns webhook delivery off.
    pub async fn stop(mut self) {
        self.tracker.set_webhook_url(None);
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            self.tracker.set_webhook_url(None);
            let _ = shutdown.send(());
        }
    }
}

/// A bare origin (`https://abc.example`) gets the receiver's path; a URL with a path is kept.
pub(crate) fn public_url(text: &str) -> Result<String, ReceiverError> {
    let mut url =
        url::Url::parse(text.trim()).map_err(|_| ReceiverError::PublicUrl(text.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ReceiverError::PublicUrl(text.to_owned()));
    }
    if url.path() == "/" || url.path().is_empty() {
        url.set_path(WEBHOOK_PATH);
    }
    Ok(url.to_string())
}

/// The receiver's answer to one delivery.
struct Verdict {
    status: StatusCode,
    outcome: DeliveryOutcome,
    run_id: Option<String>,
    reason: String,
}

impl Verdict {
    fn reject(status: StatusCode, reason: impl Into<String>) -> Self {
        Self {
            status,
            outcome: DeliveryOutcome::Rejected,
            run_id: None,
            reason: reason.into(),
        }
    }
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let request_id = header_text(&headers, REQUEST_ID_HEADER);
    let verdict = judge(&shared, &headers, body).await;
    let entry = log::log_delivery(
        shared.tracker.store(),
        &NewLogEntry {
            request_id: request_id.as_deref(),
            run_id: verdict.run_id.as_deref(),
            http_status: verdict.status.as_u16(),
            outcome: verdict.outcome,
            reason: Some(&verdict.reason),
            at: Utc::now(),
        },
    );
    match entry {
        Ok(entry) => {
            let _ = shared.events.send(entry);
        }
        Err(error) => tracing::warn!(%error, "could not log a webhook delivery"),
    }
    if verdict.outcome == DeliveryOutcome::Rejected {
        tracing::info!(status = %verdict.status, reason = %verdict.reason, "webhook delivery rejected");
    }
    let body = serde_json::json!({ "outcome": verdict.outcome, "reason": verdict.reason });
    (verdict.status, axum::Json(body)).into_response()
}

async fn judge(shared: &Shared, headers: &HeaderMap, body: Body) -> Verdict {
    let cap = shared.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return Verdict::reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body over the {cap}-byte cap"),
        );
    }
    let body = match axum::body::to_bytes(body, cap).await {
        Ok(body) => body,
        Err(_) => {
            return Verdict::reject(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over the {cap}-byte cap, or cut short"),
            );
        }
    };

    let Some(request_id) = header_text(headers, REQUEST_ID_HEADER) else {
        return Verdict::reject(
            StatusCode::BAD_REQUEST,
            format!("the delivery has no {REQUEST_ID_HEADER} header"),
        );
    };
    let now = Utc::now();
    let verifier = match shared.keys.current().await {
        Ok(verifier) => verifier,
        Err(error) => return key_unavailable(&error),
    };
    let mut checked = verifier.verify_headers(headers, &body, now.timestamp());
    if checked == Err(WebhookError::BadSignature) {
        // Perhaps the key was rotated: fetch the set once more and try again.
        if let Some(fresh) = shared.keys.refetch().await {
            checked = fresh.verify_headers(headers, &body, now.timestamp());
        }
    }
    if let Err(error) = checked {
        let status = match error {
            WebhookError::BadSignature | WebhookError::Stale { .. } => StatusCode::UNAUTHORIZED,
            WebhookError::NoUsableKey => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        return Verdict::reject(status, error.to_string());
    }

    // Verified: both headers are present and well-formed.
    let signature = header_text(headers, SIGNATURE_HEADER).unwrap_or_default();
    let timestamp = header_text(headers, TIMESTAMP_HEADER)
        .and_then(|t| t.trim().parse::<i64>().ok())
        .unwrap_or_default();
    match log::remember_signature(
        shared.tracker.store(),
        signature.trim(),
        &request_id,
        timestamp,
        now,
    ) {
        Ok(true) => {}
        Ok(false) => {
            return Verdict::reject(
                StatusCode::CONFLICT,
                "replay: this exact delivery (request id, timestamp, signature) was seen before",
            );
        }
        Err(error) => return store_failed(&error),
    }

    let run = match parse_run(&body) {
        Ok(run) => run,
        Err(verdict) => return verdict,
    };
    let run_id = Some(run.run_id.clone());
    match shared.tracker.apply_delivery(&run) {
        Ok(DeliveryEffect::Applied(record)) => Verdict {
            status: StatusCode::OK,
            outcome: DeliveryOutcome::Accepted,
            run_id,
            reason: format!("run is now {}", record.state.as_str()),
        },
        Ok(DeliveryEffect::Duplicate(record)) => Verdict {
            status: StatusCode::OK,
            outcome: DeliveryOutcome::Duplicate,
            run_id,
            reason: format!("already known (run is {})", record.state.as_str()),
        },
        Ok(DeliveryEffect::UnknownRun) => Verdict {
            status: StatusCode::OK,
            outcome: DeliveryOutcome::Ignored,
            run_id,
            reason: "no run with this id in this history".into(),
        },
        Err(error) => Verdict {
            run_id,
            ..Verdict::reject(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
        },
    }
}

/// The body is the polling response: `{"data": <run>}` (a bare run is tolerated).
fn parse_run(body: &[u8]) -> Result<Run, Verdict> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Verdict::reject(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    })?;
    let data = value.get("data").unwrap_or(&value);
    serde_json::from_value::<Run>(data.clone()).map_err(|e| {
        Verdict::reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the body is not a run: {e}"),
        )
    })
}

fn key_unavailable(error: &KeyError) -> Verdict {
    Verdict::reject(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
}

fn store_failed(error: &crate::store::StoreError) -> Verdict {
    Verdict::reject(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_get_the_path_when_bare() {
        assert_eq!(
            public_url("https://abc.example").unwrap(),
            "https://abc.example/lamina/webhook"
        );
        assert_eq!(
            public_url("https://abc.example/hooks/x").unwrap(),
            "https://abc.example/hooks/x"
        );
        assert!(public_url("ftp://abc.example").is_err());
        assert!(public_url("not a url").is_err());
    }
}
