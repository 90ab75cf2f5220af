//! The HTTP client of the Lamina API: one shared `reqwest::Client`, both path generations, the
//! request budget, retries for reads, never a blind retry of a run start, and one error taxonomy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

use crate::budget::{BudgetConfig, RequestBudget, parse_reset, parse_retry_after};
use crate::error::{ApiError, ApiErrorKind, FieldError};
use crate::key::ApiKey;
use crate::models::{
    App, AppSummary, Inputs, JwkSet, Page, Pagination, Run, RunFilter, StreamEvent, Usage,
    WaitOutcome, format_time,
};
use crate::optional::{EndpointMemory, Gate, OptionalEndpoint};

/// The auth header of every API request (never set on the shared client's defaults, so output
/// downloads through [`LaminaClient::http`] never carry the key).
pub(crate) const KEY_HEADER: &str = "x-api-key";
/// How much of an error body is read (the rest is discarded unread).
const ERROR_BODY_CAP: usize = 64 * 1024;
/// How much of an error body ends up in `detail`.
const DETAIL_CHARS: usize = 500;
/// The largest success body accepted (a page of 100 runs with outputs is far below this).
const SUCCESS_BODY_CAP: usize = 16 * 1024 * 1024;
/// Extra time a long poll may take beyond its own timeout.
const LONG_POLL_MARGIN: Duration = Duration::from_secs(15);
/// The service closes a stream after 10 minutes; this is the total allowed to one stream.
const STREAM_TOTAL: Duration = Duration::from_secs(11 * 60);
/// The stream sends a ping about every 15 s; silence longer than this means a dead connection.
const STREAM_IDLE_MIN: Duration = Duration::from_secs(45);
/// A read is not retried after a `Retry-After` longer than this: the caller decides.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);
/// Apps asked for per page of `GET /v1/apps` (the documented maximum of list endpoints).
const APP_PAGE: usize = 100;
/// Pages of apps read at most by [`LaminaClient::list_apps`].
pub const MAX_APP_PAGES: usize = 10;
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(8);

/// Which path family the service speaks (see `lamina-api.md` §2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiGeneration {
    /// `/v1/apps/{id}/runs`, `/v1/runs/{id}`, ...
    #[default]
    V1,
    /// `/api/apps/{id}/executions`, `/api/executions/{id}`, ...
    Legacy,
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub api_key: ApiKey,
    pub generation: ApiGeneration,
    /// Establishing a connection.
    pub connect_timeout: Duration,
    /// Silence allowed while waiting for the answer or between two pieces of it.
    pub read_timeout: Duration,
    /// Whole request; wait and stream calls extend it to their own timeout plus a margin.
    pub request_timeout: Duration,
    pub budget: BudgetConfig,
    /// Attempts of a read (GET) on 429, 5xx, network errors and timeouts, including the first.
    pub max_read_attempts: u32,
    pub user_agent: String,
    /// What is known of the service's optional endpoints; `None`: a fresh memory. Pass one
    /// restored from storage (or shared with another client of the same service).
    pub endpoints: Option<Arc<EndpointMemory>>,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, api_key: ApiKey) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            generation: ApiGeneration::V1,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            budget: BudgetConfig::default(),
            max_read_attempts: 5,
            user_agent: format!("lamina-desktop/{}", env!("CARGO_PKG_VERSION")),
            endpoints: None,
        }
    }
}

/// The client. Cheap to clone; every clone shares one `reqwest::Client` and one budget.
#[derive(Clone)]
pub struct LaminaClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    base_str: String,
    key: ApiKey,
    key_header: HeaderValue,
    generation: ApiGeneration,
    budget: Arc<RequestBudget>,
    read_timeout: Duration,
    request_timeout: Duration,
    max_read_attempts: u32,
    endpoints: Arc<EndpointMemory>,
}

impl fmt::Debug for LaminaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LaminaClient")
            .field("base_url", &self.inner.base_str)
            .field("generation", &self.inner.generation)
            .field("api_key", &self.inner.key)
            .finish_non_exhaustive()
    }
}

/// The endpoints, independent of the path generation.
#[derive(Debug, Clone, Copy)]
enum Route<'a> {
    Apps,
    App(&'a str),
    StartRun(&'a str),
    Run(&'a str),
    Wait(&'a str),
    Stream(&'a str),
    Runs,
    SigningKey,
    Usage,
}

impl<'a> Route<'a> {
    /// Path segments below the base URL; ids are percent-encoded by `url_for`.
    fn segments(self, generation: ApiGeneration) -> Vec<&'a str> {
        let (prefix, runs) = match generation {
            ApiGeneration::V1 => ("v1", "runs"),
            ApiGeneration::Legacy => ("api", "executions"),
        };
        match self {
            Route::Apps => vec![prefix, "apps"],
            Route::App(id) => vec![prefix, "apps", id],
            Route::StartRun(id) => vec![prefix, "apps", id, runs],
            Route::Run(id) => vec![prefix, runs, id],
            Route::Wait(id) => vec![prefix, runs, id, "wait"],
            Route::Stream(id) => vec![prefix, runs, id, "stream"],
            Route::Runs => vec![prefix, runs],
            Route::SigningKey => vec![prefix, "webhooks", "signing-key"],
            // The usage endpoint only exists under /v1.
            Route::Usage => vec!["v1", "account", "usage"],
        }
    }
}

/// How [`LaminaClient::ask_optional`] sends its request.
#[derive(Debug)]
pub(crate) enum Ask {
    /// A GET, retried like any read.
    Get,
    /// A POST that only reads (scores): retried like a read.
    PostRead(Vec<u8>),
    /// A POST that changes something: never sent again once it may have arrived.
    Write {
        body: Vec<u8>,
        idempotency_key: Option<String>,
    },
}

/// How an attempt failed: whether the request may have reached the service matters for POSTs.
#[derive(Debug)]
enum AttemptError {
    /// Nothing was sent (connecting failed).
    NotSent(ApiError),
    /// The request may have reached the service, but no (complete) answer came back.
    NoAnswer(ApiError),
    /// The service answered with an error status.
    Status(ApiError),
    /// The service has no such route: a 405 or 501, or a 404 that is not the JSON error
    /// envelope (a web framework's "Cannot GET" page). For an optional endpoint this means
    /// "missing"; for a required one it is the plain error inside.
    NoRoute(ApiError),
}

impl AttemptError {
    fn into_error(self) -> ApiError {
        match self {
            Self::NotSent(e) | Self::NoAnswer(e) | Self::Status(e) | Self::NoRoute(e) => e,
        }
    }
}

/// A successful answer, read in full.
#[derive(Debug)]
struct Answer {
    request_id: Option<String>,
    body: Bytes,
}

/// One request to make (possibly several times).
#[derive(Debug)]
struct Call {
    method: Method,
    url: Url,
    body: Option<Vec<u8>>,
    accept: &'static str,
    /// Time allowed until the response headers arrive.
    headers_timeout: Duration,
    /// Time allowed for the whole exchange.
    total_timeout: Duration,
    /// Sent as `Idempotency-Key` (publishing; see [`crate::publishing`]).
    idempotency_key: Option<String>,
}

impl LaminaClient {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base = parse_base_url(&config.base_url)?;
        let mut key_header = HeaderValue::from_str(config.api_key.expose()).map_err(|_| {
            ApiError::new(
                ApiErrorKind::Unauthorized,
                "the API key contains characters that cannot be sent in a header",
            )
        })?;
        key_header.set_sensitive(true);

        let api_origin = base.origin();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 10 {
                return attempt.error("too many redirects");
            }
            // API requests carry the key in a custom header that reqwest does not strip on a
            // cross-origin redirect, so never follow the API to another origin. Downloads from
            // other origins (CDNs) follow redirects as usual.
            let from_api = attempt
                .previous()
                .first()
                .is_some_and(|u| u.origin() == api_origin);
            if from_api && attempt.url().origin() != api_origin {
                return attempt.stop();
            }
            attempt.follow()
        });

        // No client-wide read timeout: reqwest's would also cut long polls (their answer comes
        // after up to 120 s of silence). Reads are timed per call instead (see `send_once`).
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .redirect(redirect)
            .build()
            .map_err(|e| ApiError::new(ApiErrorKind::Network, error_chain(&e)))?;

        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_str: config.base_url.trim().trim_end_matches('/').to_owned(),
                base,
                key: config.api_key,
                key_header,
                generation: config.generation,
                budget: Arc::new(RequestBudget::new(config.budget)),
                read_timeout: config.read_timeout,
                request_timeout: config.request_timeout,
                max_read_attempts: config.max_read_attempts.max(1),
                endpoints: config.endpoints.unwrap_or_default(),
            }),
        })
    }

    /// The shared HTTP client, for output downloads by other crates. It carries no API key.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub fn budget(&self) -> &Arc<RequestBudget> {
        &self.inner.budget
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    pub fn generation(&self) -> ApiGeneration {
        self.inner.generation
    }

    /// What is known of this service's optional endpoints (shared by every clone).
    pub fn endpoints(&self) -> &Arc<EndpointMemory> {
        &self.inner.endpoints
    }

    // ----- for `probe.rs` (the connection check), kept out of this file to ease merges -----

    pub(crate) fn key_header(&self) -> &HeaderValue {
        &self.inner.key_header
    }

    pub(crate) fn key(&self) -> &ApiKey {
        &self.inner.key
    }

    pub(crate) fn base(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn read_timeout(&self) -> Duration {
        self.inner.read_timeout
    }

    // ----- for the optional endpoints of issue 18 (content.rs, assets.rs, templates.rs,
    // brand.rs, publishing.rs), kept here so every one goes through `optional` -----

    /// `base/v1/<segments>`: these endpoints exist only under `/v1`, whatever the generation.
    pub(crate) fn v1_url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("v1").extend(segments);
        }
        url
    }

    /// One call of an optional endpoint through [`Self::optional`]: known missing ->
    /// `Unsupported` with nothing sent; a "no route" answer -> `Unsupported`, remembered. The
    /// JSON answer is handed to `decode`; an answer it cannot read counts as "missing" for a
    /// read, and as `outcome_unknown` for a write (it may have happened).
    pub(crate) async fn ask_optional<T>(
        &self,
        endpoint: OptionalEndpoint,
        url: Url,
        ask: Ask,
        decode: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Result<T, ApiError> {
        let writes = matches!(ask, Ask::Write { .. });
        let (method, body, idempotency_key) = match ask {
            Ask::Get => (Method::GET, None, None),
            Ask::PostRead(body) => (Method::POST, Some(body), None),
            Ask::Write {
                body,
                idempotency_key,
            } => (Method::POST, Some(body), idempotency_key),
        };
        let call = Call {
            method,
            url,
            body,
            accept: "application/json",
            headers_timeout: self.inner.read_timeout,
            total_timeout: self.inner.request_timeout,
            idempotency_key,
        };
        let result = async {
            let answer = if writes {
                self.write(&call, |e| no_route_is_unsupported(endpoint, e))
                    .await?
            } else {
                self.read_optional(endpoint, call).await?
            };
            parse_json(&answer)
                .and_then(|value| decode(&value).map_err(|e| decode_error(&answer, &e)))
                .map_err(|e| e.with_outcome_unknown(writes))
        };
        let result = self.optional(endpoint, result).await;
        self.finish(result)
    }

    /// `GET /v1/apps[?search=]`: every page of it (100 apps a page, at most
    /// [`MAX_APP_PAGES`] pages), so public apps beyond the server's default page size are not
    /// silently dropped.
    pub async fn list_apps(&self, search: Option<&str>) -> Result<Vec<AppSummary>, ApiError> {
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let result = async {
            let mut apps: Vec<AppSummary> = Vec::new();
            for page_index in 0..MAX_APP_PAGES {
                let mut url = self.url_for(Route::Apps);
                {
                    let mut query = url.query_pairs_mut();
                    if let Some(search) = search {
                        query.append_pair("search", search);
                    }
                    query.append_pair("limit", &APP_PAGE.to_string());
                    if page_index > 0 {
                        query.append_pair("offset", &apps.len().to_string());
                    }
                }
                let page = decode_list::<AppSummary>(&self.read(self.get_call(url)).await?)?;
                let before = apps.len();
                for app in page.items {
                    // A server that ignores `offset` repeats itself: keep each app once.
                    if !apps.iter().any(|a| a.app_id == app.app_id) {
                        apps.push(app);
                    }
                }
                let total = page.pagination.and_then(|p| p.total);
                let more = total.is_some_and(|t| (apps.len() as u64) < t);
                if !more || apps.len() == before {
                    break;
                }
            }
            Ok(apps)
        }
        .await;
        self.finish(result)
    }

    /// `GET /v1/apps/{appId}`.
    pub async fn get_app(&self, app_id: &str) -> Result<App, ApiError> {
        let result = async {
            let url = self.url_for(Route::App(check_id("app", app_id)?));
            decode_data(&self.read(self.get_call(url)).await?)
        }
        .await;
        self.finish(result)
    }

    /// `POST /v1/apps/{appId}/runs`: sends `inputs` as given (validate them first with
    /// [`crate::validate_inputs`]). Never retried once the request may have reached the service:
    /// a timeout or dropped connection comes back with `outcome_unknown == true`.
    pub async fn start_run(
        &self,
        app_id: &str,
        inputs: &Inputs,
        webhook: Option<&str>,
    ) -> Result<Run, ApiError> {
        let result = async {
            let mut url = self.url_for(Route::StartRun(check_id("app", app_id)?));
            if let Some(webhook) = webhook.map(str::trim).filter(|w| !w.is_empty()) {
                url.query_pairs_mut().append_pair("webhook", webhook);
            }
            let body =
                serde_json::to_vec(&serde_json::json!({ "inputs": inputs })).map_err(|e| {
                    ApiError::new(ApiErrorKind::InvalidInput { fields: vec![] }, e.to_string())
                })?;
            self.start_run_inner(url, body).await
        }
        .await;
        self.finish(result)
    }

    async fn start_run_inner(&self, url: Url, body: Vec<u8>) -> Result<Run, ApiError> {
        let call = Call {
            method: Method::POST,
            url,
            body: Some(body),
            accept: "application/json",
            headers_timeout: self.inner.read_timeout,
            total_timeout: self.inner.request_timeout,
            idempotency_key: None,
        };
        let answer = self.write(&call, |e| e).await?;
        // The run exists, but without a readable answer its id is unknown.
        decode_data::<Run>(&answer).map_err(|e| e.with_outcome_unknown(true))
    }

    /// A request that changes something on the service (starts a run, publishes): retried only
    /// while nothing can have reached the service (connect failures) or when the service said it
    /// did not act (429); otherwise a missing answer comes back with `outcome_unknown == true`.
    /// `map` sees each failed attempt first (optional endpoints turn "no route" into
    /// `Unsupported` there).
    async fn write(
        &self,
        call: &Call,
        map: impl Fn(AttemptError) -> AttemptError,
    ) -> Result<Answer, ApiError> {
        let mut attempt = 1;
        loop {
            match self.attempt_full(call, attempt).await.map_err(&map) {
                Ok(answer) => return Ok(answer),
                // Nothing reached the service: trying again cannot start a second run.
                Err(AttemptError::NotSent(e)) if attempt < self.inner.max_read_attempts => {
                    let delay = backoff(attempt, jitter());
                    tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %e.detail,
                        "run start could not connect; trying again");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(AttemptError::NotSent(e)) => return Err(e),
                Err(AttemptError::NoAnswer(e)) => return Err(e.with_outcome_unknown(true)),
                // A 429 is the service saying it did not act: waiting as told and asking again
                // cannot start a second run.
                Err(AttemptError::Status(e))
                    if matches!(e.kind, ApiErrorKind::RateLimited { .. })
                        && attempt < self.inner.max_read_attempts
                        && e.retry_after().is_none_or(|wait| wait <= MAX_RETRY_WAIT) =>
                {
                    let delay = e
                        .retry_after()
                        .unwrap_or_else(|| backoff(attempt, jitter()));
                    tracing::debug!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "run start was rate limited; trying again"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(AttemptError::Status(e) | AttemptError::NoRoute(e)) => {
                    // A gateway error means the service behind it may or may not have acted.
                    let unknown = matches!(e.http_status, Some(502 | 504));
                    return Err(e.with_outcome_unknown(unknown));
                }
            }
        }
    }

    /// `GET /v1/runs/{runId}`.
    pub async fn get_run(&self, run_id: &str) -> Result<Run, ApiError> {
        let result = async {
            let url = self.url_for(Route::Run(check_id("run", run_id)?));
            decode_data(&self.read(self.get_call(url)).await?)
        }
        .await;
        self.finish(result)
    }

    /// `GET /v1/runs/{runId}/wait?timeout=` (clamped to 1..=120 s). `timed_out` is not an error.
    pub async fn wait_run(&self, run_id: &str, timeout_s: u32) -> Result<WaitOutcome, ApiError> {
        let timeout_s = timeout_s.clamp(1, 120);
        let result = async {
            let mut url = self.url_for(Route::Wait(check_id("run", run_id)?));
            url.query_pairs_mut()
                .append_pair("timeout", &timeout_s.to_string());
            let long = Duration::from_secs(u64::from(timeout_s)) + LONG_POLL_MARGIN;
            let call = Call {
                method: Method::GET,
                url,
                body: None,
                accept: "application/json",
                headers_timeout: long.max(self.inner.read_timeout),
                total_timeout: long.max(self.inner.request_timeout),
                idempotency_key: None,
            };
            let answer = self.read_optional(OptionalEndpoint::Wait, call).await?;
            decode_wait(&answer)
        };
        let result = self.optional(OptionalEndpoint::Wait, result).await;
        self.finish(result)
    }

    /// `GET /v1/runs/{runId}/stream` (server-sent events). Opening it is retried like any read;
    /// 404 means the run is unknown or the service has no stream support. The stream ends after
    /// the terminal event (`Complete`/`Failed`) or `Timeout`; a connection that ends before that
    /// yields one `Err` (Network/Timeout) and ends.
    pub async fn stream_run(
        &self,
        run_id: &str,
    ) -> Result<BoxStream<'static, Result<StreamEvent, ApiError>>, ApiError> {
        let result = async {
            let call = Call {
                method: Method::GET,
                url: self.url_for(Route::Stream(check_id("run", run_id)?)),
                body: None,
                accept: "text/event-stream",
                headers_timeout: self.inner.read_timeout,
                total_timeout: STREAM_TOTAL,
                idempotency_key: None,
            };
            let response = self
                .with_read_retries(&call, |call, attempt| async move {
                    self.send_once(call, attempt)
                        .await
                        .map_err(|e| no_route_is_unsupported(OptionalEndpoint::Stream, e))
                })
                .await?;
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !content_type.contains("event-stream") {
                return Err(ApiError::new(
                    ApiErrorKind::Decode,
                    format!(
                        "GET {}: answered {content_type:?} instead of an event stream",
                        call.url.path()
                    ),
                ));
            }
            let idle = self.inner.read_timeout.max(STREAM_IDLE_MIN);
            Ok(crate::sse::events(response, idle, self.inner.key.clone()))
        };
        let result = self.optional(OptionalEndpoint::Stream, result).await;
        self.finish(result)
    }

    /// `GET /v1/runs` with filters, newest first.
    pub async fn list_runs(&self, filter: &RunFilter) -> Result<Page<Run>, ApiError> {
        let mut url = self.url_for(Route::Runs);
        {
            let mut query = url.query_pairs_mut();
            if let Some(status) = filter.status {
                query.append_pair("status", status.as_str());
            }
            if let Some(app_id) = &filter.app_id {
                query.append_pair("appId", app_id);
            }
            if let Some(limit) = filter.limit {
                query.append_pair("limit", &limit.to_string());
            }
            if let Some(offset) = filter.offset {
                query.append_pair("offset", &offset.to_string());
            }
            if let Some(since) = filter.since {
                query.append_pair("since", &format_time(since));
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let result = async {
            let answer = self
                .read_optional(OptionalEndpoint::RunList, self.get_call(url))
                .await?;
            decode_list::<Run>(&answer)
        };
        let result = self.optional(OptionalEndpoint::RunList, result).await;
        self.finish(result)
    }

    /// `GET /v1/webhooks/signing-key`: a bare JWK Set (also accepted inside `data`).
    pub async fn signing_keys(&self) -> Result<JwkSet, ApiError> {
        let url = self.url_for(Route::SigningKey);
        let result = async {
            let answer = self
                .read_optional(OptionalEndpoint::SigningKey, self.get_call(url))
                .await?;
            let value = parse_json(&answer)?;
            let set = match value.get("keys") {
                Some(_) => JwkSet::deserialize(&value),
                None => JwkSet::deserialize(value.get("data").unwrap_or(&value)),
            };
            set.map_err(|e| decode_error(&answer, &e.to_string()))
        };
        let result = self.optional(OptionalEndpoint::SigningKey, result).await;
        self.finish(result)
    }

    /// `GET /v1/account/usage` (both generations). Its `rateLimit` may be passed to
    /// [`RequestBudget::set_limit`]; this call does not do that by itself.
    pub async fn usage(&self) -> Result<Usage, ApiError> {
        let url = self.url_for(Route::Usage);
        let result = async {
            let answer = self
                .read_optional(OptionalEndpoint::Usage, self.get_call(url))
                .await?;
            decode_data(&answer)
        };
        let result = self.optional(OptionalEndpoint::Usage, result).await;
        self.finish(result)
    }

    // ----- plumbing -----

    /// Every optional call goes through here: known missing -> `Unsupported` at once, nothing
    /// sent; unknown -> one caller probes while the others wait for its outcome; a sign of a
    /// missing endpoint (see [`reveals_missing`]) marks it missing and becomes `Unsupported`;
    /// a documented answer marks it offered.
    async fn optional<T>(
        &self,
        endpoint: OptionalEndpoint,
        request: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let memory = Arc::clone(&self.inner.endpoints);
        let _probe = match memory.gate(endpoint).await {
            Gate::Missing => {
                return Err(ApiError::unsupported(
                    endpoint,
                    format!("{endpoint}: found missing on this service earlier; not asked again"),
                ));
            }
            Gate::Send(probe) => probe,
        };
        match request.await {
            Ok(value) => {
                memory.mark_offered(endpoint);
                Ok(value)
            }
            Err(error) if reveals_missing(endpoint, &error) => {
                memory.mark_missing(endpoint);
                Err(ApiError::unsupported(endpoint, error.detail)
                    .with_status_opt(error.http_status)
                    .with_request_id(error.request_id))
            }
            Err(error) => Err(error),
        }
    }

    /// A read of an optional endpoint: like [`Self::read`], but "no such route" is final (not
    /// retried like a 5xx) and comes back as `Unsupported`.
    async fn read_optional(
        &self,
        endpoint: OptionalEndpoint,
        call: Call,
    ) -> Result<Answer, ApiError> {
        self.with_read_retries(&call, |call, attempt| async move {
            self.attempt_full(call, attempt)
                .await
                .map_err(|e| no_route_is_unsupported(endpoint, e))
        })
        .await
    }

    fn url_for(&self, route: Route<'_>) -> Url {
        let mut url = self.inner.base.clone();
        // `parse_base_url` guarantees a base that can have path segments.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(route.segments(self.inner.generation));
        }
        url
    }

    fn get_call(&self, url: Url) -> Call {
        Call {
            method: Method::GET,
            url,
            body: None,
            accept: "application/json",
            headers_timeout: self.inner.read_timeout,
            total_timeout: self.inner.request_timeout,
            idempotency_key: None,
        }
    }

    /// A read: retried on 429, 5xx, network errors and timeouts, body included.
    async fn read(&self, call: Call) -> Result<Answer, ApiError> {
        self.with_read_retries(&call, |call, attempt| self.attempt_full(call, attempt))
            .await
    }

    async fn with_read_retries<'c, T, F, Fut>(
        &self,
        call: &'c Call,
        mut once: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut(&'c Call, u32) -> Fut,
        Fut: Future<Output = Result<T, AttemptError>>,
    {
        let mut attempt = 1;
        loop {
            let error = match once(call, attempt).await {
                Ok(value) => return Ok(value),
                Err(e) => e.into_error(),
            };
            let retryable = matches!(
                error.kind,
                ApiErrorKind::RateLimited { .. }
                    | ApiErrorKind::Server
                    | ApiErrorKind::Network
                    | ApiErrorKind::Timeout
            );
            if !retryable || attempt >= self.inner.max_read_attempts {
                return Err(error);
            }
            let delay = match error.retry_after() {
                Some(wait) if wait > MAX_RETRY_WAIT => return Err(error),
                // The budget is paused for this long too; sleeping here keeps the order simple.
                Some(wait) => wait,
                None => backoff(attempt, jitter()),
            };
            tracing::debug!(
                method = %call.method,
                path = call.url.path(),
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = %error.detail,
                "lamina read failed; trying again"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt including reading the whole success body.
    async fn attempt_full(&self, call: &Call, attempt: u32) -> Result<Answer, AttemptError> {
        let response = self.send_once(call, attempt).await?;
        let request_id = request_id_of(response.headers());
        match read_capped(response, SUCCESS_BODY_CAP, self.inner.read_timeout).await {
            Ok((body, false)) => Ok(Answer { request_id, body }),
            Ok((_, true)) => Err(AttemptError::Status(
                ApiError::new(
                    ApiErrorKind::Decode,
                    format!(
                        "{} {}: the answer is larger than {SUCCESS_BODY_CAP} bytes",
                        call.method,
                        call.url.path()
                    ),
                )
                .with_request_id(request_id),
            )),
            Err(e) => Err(AttemptError::NoAnswer(
                self.body_error(call, e).with_request_id(request_id),
            )),
        }
    }

    /// One attempt up to the response headers: through the budget, with the key, timed.
    /// A non-2xx status is turned into its typed error here.
    async fn send_once(&self, call: &Call, attempt: u32) -> Result<Response, AttemptError> {
        let permit = self.inner.budget.acquire().await;
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .header(KEY_HEADER, self.inner.key_header.clone())
            .header(ACCEPT, call.accept)
            .timeout(call.total_timeout);
        if let Some(key) = &call.idempotency_key {
            request = request.header("idempotency-key", key.as_str());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let sent = tokio::time::timeout(call.headers_timeout, request.send()).await;
        // The answer (or the failure) has arrived: this is the request's end for the budget.
        permit.finish();
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let response = match sent {
            Err(_) => {
                tracing::debug!(method = %call.method, path = call.url.path(), attempt, elapsed_ms,
                    "lamina request timed out");
                return Err(AttemptError::NoAnswer(ApiError::new(
                    ApiErrorKind::Timeout,
                    format!(
                        "{} {}: no answer within {} ms",
                        call.method,
                        call.url.path(),
                        call.headers_timeout.as_millis()
                    ),
                )));
            }
            Ok(Err(e)) => {
                tracing::debug!(method = %call.method, path = call.url.path(), attempt, elapsed_ms,
                    error = %error_chain(&e), "lamina request failed");
                let error = transport_error(&call.method, &call.url, &e);
                return Err(if e.is_connect() {
                    AttemptError::NotSent(error)
                } else {
                    AttemptError::NoAnswer(error)
                });
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        self.inner.budget.observe(response.headers(), status);
        let request_id = request_id_of(response.headers());
        tracing::debug!(
            method = %call.method,
            path = call.url.path(),
            status,
            request_id = request_id.as_deref().unwrap_or("-"),
            attempt,
            elapsed_ms,
            "lamina request"
        );
        if response.status().is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        // Whatever part of the error body arrives in time; a broken body still leaves the status.
        let (body, truncated) = read_capped(response, ERROR_BODY_CAP, self.inner.read_timeout)
            .await
            .unwrap_or_default();
        let envelope = !truncated
            && serde_json::from_slice::<Value>(&body).is_ok_and(|value| value.is_object());
        let no_route = matches!(status, 405 | 501) || (status == 404 && !envelope);
        let mut error = error_from_response(status, &headers, &body, truncated);
        if matches!(error.kind, ApiErrorKind::RateLimited { .. })
            && headers.get("retry-after").is_none()
            && let Some(wait) = error.retry_after()
        {
            // The envelope's `retryAfter` pauses everyone like the header would.
            self.inner.budget.pause_for(wait);
        }
        error.detail = format!("{} {}: {}", call.method, call.url.path(), error.detail);
        Err(if no_route {
            AttemptError::NoRoute(error)
        } else {
            AttemptError::Status(error)
        })
    }

    fn body_error(&self, call: &Call, e: BodyError) -> ApiError {
        match e {
            BodyError::Idle => ApiError::new(
                ApiErrorKind::Timeout,
                format!(
                    "{} {}: the answer stalled for {} ms",
                    call.method,
                    call.url.path(),
                    self.inner.read_timeout.as_millis()
                ),
            ),
            BodyError::Transport(e) => transport_error(&call.method, &call.url, &e),
        }
    }

    /// Last line of defence: the key never leaves in an error's text.
    fn finish<T>(&self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        result.map_err(|e| redact(e, &self.inner.key))
    }
}

/// "No such route" on an optional endpoint becomes `Unsupported`, which is never retried.
fn no_route_is_unsupported(endpoint: OptionalEndpoint, error: AttemptError) -> AttemptError {
    match error {
        AttemptError::NoRoute(e) => AttemptError::Status(
            ApiError::unsupported(endpoint, e.detail)
                .with_status_opt(e.http_status)
                .with_request_id(e.request_id),
        ),
        other => other,
    }
}

/// Whether an optional call's error shows the endpoint is missing: no such route, or an answer
/// that is not the documented JSON. A JSON `NOT_FOUND` from `/wait` or `/stream` may only mean
/// "no such run" (the tracker asks the run itself to tell which); from a list or an account
/// endpoint it can only mean the endpoint.
fn reveals_missing(endpoint: OptionalEndpoint, error: &ApiError) -> bool {
    // An unreadable answer to a write may hide a write that happened: the caller settles it.
    if error.outcome_unknown {
        return false;
    }
    match error.kind {
        ApiErrorKind::Unsupported { .. } | ApiErrorKind::Decode => true,
        ApiErrorKind::NotFound => endpoint.not_found_means_missing(),
        _ => false,
    }
}

/// An id becomes one path segment; one that would change the path's meaning is refused here.
fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str, ApiError> {
    if id.trim().is_empty() || id == "." || id == ".." {
        return Err(ApiError::new(
            ApiErrorKind::NotFound,
            format!("no {what} id given ({id:?})"),
        ));
    }
    Ok(id)
}

fn parse_base_url(text: &str) -> Result<Url, ApiError> {
    let invalid = |reason: String| {
        let mut error = ApiError::invalid_input(vec![FieldError {
            field: Some("baseUrl".into()),
            reason: reason.clone(),
        }]);
        error.detail = format!("invalid base URL: {reason}");
        error
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must start with http:// or https://".into()));
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(invalid("must name a host".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment".into()));
    }
    Ok(url)
}

/// Replaces the key wherever it might have been echoed (a server quoting it back, say).
pub(crate) fn redact(mut error: ApiError, key: &ApiKey) -> ApiError {
    let secret = key.expose();
    if secret.len() >= 6 {
        if error.detail.contains(secret) {
            error.detail = error.detail.replace(secret, "<redacted>");
        }
        if error.message.contains(secret) {
            error.message = error.message.replace(secret, "<redacted>");
        }
        if let ApiErrorKind::InvalidInput { fields } = &mut error.kind {
            for field in fields {
                field.reason = field.reason.replace(secret, "<redacted>");
            }
        }
    }
    error
}

fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Full-jitter factor in `[0.5, 1.5)`.
fn jitter() -> f64 {
    use rand::Rng;
    rand::rng().random_range(0.5..1.5)
}

/// `250 ms × 2^(attempt-1) × jitter`, capped at 8 s.
pub(crate) fn backoff(attempt: u32, jitter: f64) -> Duration {
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
    let base = BACKOFF_BASE.saturating_mul(exp).min(BACKOFF_CAP);
    base.mul_f64(jitter.clamp(0.0, 2.0)).min(BACKOFF_CAP)
}

#[derive(Debug)]
enum BodyError {
    Idle,
    Transport(reqwest::Error),
}

/// Reads at most `cap` bytes; returns whether more was there (not read). Each piece must arrive
/// within `idle`.
async fn read_capped(
    mut response: Response,
    cap: usize,
    idle: Duration,
) -> Result<(Bytes, bool), BodyError> {
    let mut buffer = Vec::new();
    loop {
        let chunk = match tokio::time::timeout(idle, response.chunk()).await {
            Err(_) => return Err(BodyError::Idle),
            Ok(Err(e)) => return Err(BodyError::Transport(e)),
            Ok(Ok(None)) => return Ok((Bytes::from(buffer), false)),
            Ok(Ok(Some(chunk))) => chunk,
        };
        let room = cap - buffer.len();
        if chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            return Ok((Bytes::from(buffer), true));
        }
        buffer.extend_from_slice(&chunk);
    }
}

/// The error's own text and every source below it, e.g. "error sending request for url (...):
/// client error (Connect): tcp connect error: Connection refused".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    text
}

pub(crate) fn transport_error(method: &Method, url: &Url, e: &reqwest::Error) -> ApiError {
    let kind = if e.is_timeout() {
        ApiErrorKind::Timeout
    } else {
        ApiErrorKind::Network
    };
    // The URL is in the chain already; it carries no key (the key only travels in a header).
    ApiError::new(kind, format!("{method} {}: {}", url.path(), error_chain(e)))
}

fn parse_json(answer: &Answer) -> Result<Value, ApiError> {
    serde_json::from_slice(&answer.body).map_err(|e| decode_error(answer, &e.to_string()))
}

fn decode_error(answer: &Answer, problem: &str) -> ApiError {
    let snippet = snippet(&String::from_utf8_lossy(&answer.body));
    ApiError::new(
        ApiErrorKind::Decode,
        format!("unreadable answer ({problem}): {snippet}"),
    )
    .with_request_id(answer.request_id.clone())
}

/// `{data: T}`, or a bare `T` when there is no `data` key.
fn decode_data<T: DeserializeOwned>(answer: &Answer) -> Result<T, ApiError> {
    let value = parse_json(answer)?;
    decode_value(&value).map_err(|e| decode_error(answer, &e))
}

/// `{data: T}`, or a bare `T` when there is no `data` key.
pub(crate) fn decode_value<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    match value.get("data") {
        Some(data) => T::deserialize(data).or_else(|data_error| {
            // A bare object that happens to have a `data` field of its own.
            T::deserialize(value).map_err(|_| data_error.to_string())
        }),
        None => T::deserialize(value).map_err(|e| e.to_string()),
    }
}

/// `{data: [...], pagination}` (or a bare array). Items that cannot be read are skipped with a
/// warning rather than failing the whole page.
fn decode_list<T: DeserializeOwned>(answer: &Answer) -> Result<Page<T>, ApiError> {
    let value = parse_json(answer)?;
    list_from_value(&value, &[]).map_err(|e| decode_error(answer, &e))
}

/// The list inside `value`: a bare array, `data: [...]`, or an array under `data.items` or under
/// one of `keys` in `data` (`data.templates`, say). Unreadable items are skipped with a warning;
/// `pagination` is read from the top level or from `data`.
pub(crate) fn list_from_value<T: DeserializeOwned>(
    value: &Value,
    keys: &[&str],
) -> Result<Page<T>, String> {
    fn in_object<'v>(
        inner: &'v serde_json::Map<String, Value>,
        keys: &[&str],
    ) -> Option<&'v Vec<Value>> {
        std::iter::once("items")
            .chain(keys.iter().copied())
            .find_map(|k| inner.get(k).and_then(Value::as_array))
    }
    let items = match value {
        Value::Array(items) => items,
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(items)) => items,
            Some(Value::Object(inner)) => {
                in_object(inner, keys).ok_or("expected a list in `data`")?
            }
            _ => in_object(map, keys).ok_or("expected a list in `data`")?,
        },
        _ => return Err("expected a list".into()),
    };
    let mut decoded = Vec::with_capacity(items.len());
    for item in items {
        match T::deserialize(item) {
            Ok(item) => decoded.push(item),
            Err(e) => tracing::warn!(error = %e, "skipping an unreadable list item"),
        }
    }
    if decoded.is_empty() && !items.is_empty() {
        return Err("no list item could be read".into());
    }
    let pagination = value
        .get("pagination")
        .or_else(|| value.get("data").and_then(|d| d.get("pagination")))
        .and_then(|p| Pagination::deserialize(p).ok());
    Ok(Page {
        items: decoded,
        pagination,
    })
}

/// `{data: run, timeout: bool}`; without `timeout`, a run that is not terminal counts as timed out.
fn decode_wait(answer: &Answer) -> Result<WaitOutcome, ApiError> {
    let value = parse_json(answer)?;
    let run: Run = decode_value(&value).map_err(|e| decode_error(answer, &e))?;
    let timed_out = value
        .get("timeout")
        .or_else(|| value.get("data").and_then(|d| d.get("timeout")))
        .and_then(Value::as_bool)
        .unwrap_or(!run.status.is_terminal());
    Ok(WaitOutcome { run, timed_out })
}

/// At most [`DETAIL_CHARS`] characters of a body, on one line.
fn snippet(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(DETAIL_CHARS).collect();
    if collapsed.chars().count() > DETAIL_CHARS {
        out.push('…');
    }
    out
}

/// Maps an error status and (a capped prefix of) its body to the typed error. Accepts the current
/// envelope `{error, code, retryable, retryAfter, details, requestId}`, the older `{error,
/// details}`, and plain text.
pub(crate) fn error_from_response(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    truncated: bool,
) -> ApiError {
    let envelope = if truncated {
        None
    } else {
        serde_json::from_slice::<Value>(body).ok()
    };
    let envelope = envelope.as_ref().filter(|v| v.is_object());
    let field = |name: &str| envelope.and_then(|v| v.get(name));

    let (mut text, mut code) = match field("error") {
        Some(Value::String(s)) => (Some(s.clone()), None),
        // `{error: {message, code}}`, seen in other APIs; cheap to accept.
        Some(Value::Object(inner)) => (
            inner
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
            inner.get("code").and_then(Value::as_str).map(str::to_owned),
        ),
        _ => (None, None),
    };
    if text.is_none() {
        text = field("message").and_then(Value::as_str).map(str::to_owned);
    }
    if let Some(c) = field("code").and_then(Value::as_str) {
        code = Some(c.to_owned());
    }
    let code = code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let request_id = request_id_of(headers).or_else(|| {
        field("requestId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    });

    let raw = String::from_utf8_lossy(body);
    let summary = match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => snippet(t),
        None if !raw.trim().is_empty() => snippet(&raw),
        None => reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("no details")
            .to_owned(),
    };
    let details: Vec<String> = match field("details") {
        Some(Value::Array(items)) => items.iter().filter_map(detail_text).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec![],
    };
    let code_part = code.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
    let mut detail = format!("HTTP {status}{code_part}: {summary}");
    if !details.is_empty() {
        detail.push_str(" (");
        detail.push_str(&snippet(&details.join("; ")));
        detail.push(')');
    }

    let kind = match status {
        400 | 409 | 413 | 415 | 422 => {
            let mut fields: Vec<FieldError> = match field("details") {
                Some(Value::Array(items)) => items.iter().filter_map(field_error).collect(),
                Some(Value::String(s)) => vec![parse_field_detail(s)],
                _ => vec![],
            };
            if fields.is_empty() {
                fields.push(FieldError {
                    field: None,
                    reason: summary.clone(),
                });
            }
            let error = ApiError::invalid_input(fields);
            return ApiError { detail, ..error }
                .with_status(status)
                .with_code(code)
                .with_request_id(request_id);
        }
        401 => ApiErrorKind::Unauthorized,
        402 | 403 => ApiErrorKind::Forbidden,
        404 | 410 => ApiErrorKind::NotFound,
        408 => ApiErrorKind::Timeout,
        429 => {
            let header_wait = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v.to_owned()));
            let envelope_wait = field("retryAfter").and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| Duration::from_secs_f64(s.min(3600.0)))
            });
            let reset_wait = headers
                .get("ratelimit-reset")
                .or_else(|| headers.get("x-ratelimit-reset"))
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_reset(v.to_owned()));
            let wait = header_wait.or(envelope_wait).or(reset_wait);
            ApiErrorKind::RateLimited {
                retry_after_ms: wait.map(|w| u64::try_from(w.as_millis()).unwrap_or(u64::MAX)),
            }
        }
        // A redirect that was not followed (see the policy in `new`) or another odd status:
        // an answer this client cannot use, and retrying will not change it.
        100..=399 => ApiErrorKind::Decode,
        _ => ApiErrorKind::Server,
    };
    let out_of_credits = status == 402
        || code
            .as_deref()
            .is_some_and(|c| c.to_ascii_uppercase().contains("CREDIT"));
    let mut error = ApiError::new(kind, detail)
        .with_status(status)
        .with_code(code)
        .with_request_id(request_id);
    if out_of_credits {
        // The docs leave the status of exhausted credits open; a 402 or a credit code is the
        // likeliest sign, and "forbidden" alone would send people looking at their key.
        error.message = OUT_OF_CREDITS.to_owned();
    }
    error
}

/// What a shop owner reads when the workspace has no credits left.
pub const OUT_OF_CREDITS: &str =
    "Your Lamina workspace is out of credits. Add credits in your Lamina account, then try again.";

fn detail_text(item: &Value) -> Option<String> {
    match item {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => Some(match field_error(item) {
            Some(FieldError {
                field: Some(f),
                reason,
            }) => format!("\"{f}\": {reason}"),
            Some(FieldError {
                field: None,
                reason,
            }) => reason,
            None => item.to_string(),
        }),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// One entry of `details`: a string like `"Location": invalid option "Mars". Must be one of: ...`
/// or an object like `{field, message}`.
fn field_error(item: &Value) -> Option<FieldError> {
    match item {
        Value::String(s) => Some(parse_field_detail(s)),
        Value::Object(map) => {
            let text = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_str))
                    .map(str::to_owned)
            };
            let field = text(&["field", "name", "parameter", "path"]);
            let reason = text(&["reason", "message", "error", "code"])
                .unwrap_or_else(|| Value::Object(map.clone()).to_string());
            Some(FieldError { field, reason })
        }
        Value::Null => None,
        other => Some(FieldError {
            field: None,
            reason: other.to_string(),
        }),
    }
}

/// `"Name": rest` → field `Name`, reason `rest`; anything else → no field, the whole text.
pub(crate) fn parse_field_detail(text: &str) -> FieldError {
    let trimmed = text.trim();
    if let Some(rest) = trimmed.strip_prefix('"')
        && let Some(end) = rest.find('"')
    {
        let name = &rest[..end];
        let after = rest[end + 1..].trim_start();
        if !name.is_empty()
            && let Some(reason) = after.strip_prefix(':')
        {
            return FieldError {
                field: Some(name.to_owned()),
                reason: reason.trim().to_owned(),
            };
        }
    }
    FieldError {
        field: None,
        reason: trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    fn client(base: &str, generation: ApiGeneration) -> LaminaClient {
        let mut config = ClientConfig::new(base, ApiKey::new("lma_test_secret_key"));
        config.generation = generation;
        LaminaClient::new(config).unwrap()
    }

    #[test]
    fn paths_of_both_generations() {
        let v1 = client("http://127.0.0.1:9/", ApiGeneration::V1);
        let legacy = client("http://127.0.0.1:9", ApiGeneration::Legacy);
        let cases = [
            (Route::Apps, "/v1/apps", "/api/apps"),
            (Route::App("a1"), "/v1/apps/a1", "/api/apps/a1"),
            (
                Route::StartRun("a1"),
                "/v1/apps/a1/runs",
                "/api/apps/a1/executions",
            ),
            (Route::Run("r1"), "/v1/runs/r1", "/api/executions/r1"),
            (
                Route::Wait("r1"),
                "/v1/runs/r1/wait",
                "/api/executions/r1/wait",
            ),
            (
                Route::Stream("r1"),
                "/v1/runs/r1/stream",
                "/api/executions/r1/stream",
            ),
            (Route::Runs, "/v1/runs", "/api/executions"),
            (
                Route::SigningKey,
                "/v1/webhooks/signing-key",
                "/api/webhooks/signing-key",
            ),
            (Route::Usage, "/v1/account/usage", "/v1/account/usage"),
        ];
        for (route, p1, p2) in cases {
            assert_eq!(v1.url_for(route).path(), p1);
            assert_eq!(legacy.url_for(route).path(), p2);
        }
    }

    #[test]
    fn ids_are_percent_encoded_and_a_base_path_is_kept() {
        let c = client("https://example.com/proxy/", ApiGeneration::V1);
        let url = c.url_for(Route::Run("../x?y"));
        assert_eq!(url.as_str(), "https://example.com/proxy/v1/runs/..%2Fx%3Fy");
        assert_eq!(c.base_url(), "https://example.com/proxy");
    }

    #[test]
    fn invalid_base_urls_are_errors_not_panics() {
        for bad in [
            "",
            "not a url",
            "ftp://example.com",
            "mailto:a@b.c",
            "http://x/?q=1",
        ] {
            let error =
                LaminaClient::new(ClientConfig::new(bad, ApiKey::new("lma_k"))).unwrap_err();
            assert!(
                matches!(error.kind, ApiErrorKind::InvalidInput { .. }),
                "{bad}"
            );
        }
        let error = LaminaClient::new(ClientConfig::new("http://x", ApiKey::new("lma_\u{7}bad")))
            .unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Unauthorized);
        assert!(!error.detail.contains("bad"));
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let c = client("http://127.0.0.1:9", ApiGeneration::V1);
        let text = format!("{c:?}");
        assert!(!text.contains("lma_test_secret_key"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn validation_envelope_names_fields() {
        let body = br#"{"error":"Invalid inputs","code":"VALIDATION_ERROR","retryable":false,
            "details":["\"Prompt\": missing_no_default",
                       "\"Location\": invalid option \"Mars\". Must be one of: Studio, Urban, Park",
                       "something odd"],
            "requestId":"req-1"}"#;
        let error = error_from_response(400, &HeaderMap::new(), body, false);
        let ApiErrorKind::InvalidInput { fields } = &error.kind else {
            panic!("{error:?}")
        };
        assert_eq!(
            fields[0],
            FieldError {
                field: Some("Prompt".into()),
                reason: "missing_no_default".into()
            }
        );
        assert_eq!(fields[1].field.as_deref(), Some("Location"));
        assert_eq!(
            fields[1].reason,
            "invalid option \"Mars\". Must be one of: Studio, Urban, Park"
        );
        assert_eq!(
            fields[2],
            FieldError {
                field: None,
                reason: "something odd".into()
            }
        );
        assert_eq!(error.http_status, Some(400));
        assert_eq!(error.code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(error.request_id.as_deref(), Some("req-1"));
        assert!(error.message.contains("Prompt"));
        assert!(
            error
                .detail
                .starts_with("HTTP 400 VALIDATION_ERROR: Invalid inputs"),
            "{}",
            error.detail
        );
    }

    #[test]
    fn older_envelope_and_plain_text_map_cleanly() {
        let error = error_from_response(
            401,
            &HeaderMap::new(),
            br#"{"error":"Invalid API key"}"#,
            false,
        );
        assert_eq!(error.kind, ApiErrorKind::Unauthorized);
        assert_eq!(error.detail, "HTTP 401: Invalid API key");
        assert_eq!(error.code, None);

        let error = error_from_response(
            429,
            &headers(&[("retry-after", "7"), ("x-request-id", "hdr-id")]),
            b"Too many requests from this IP, please try again in a minute",
            false,
        );
        assert_eq!(
            error.kind,
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(7000)
            }
        );
        assert_eq!(error.request_id.as_deref(), Some("hdr-id"));
        assert!(error.detail.contains("Too many requests from this IP"));

        let error = error_from_response(
            429,
            &HeaderMap::new(),
            br#"{"error":"Rate limited","code":"RATE_LIMITED","retryable":true,"retryAfter":12}"#,
            false,
        );
        assert_eq!(
            error.kind,
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(12_000)
            }
        );

        let error = error_from_response(429, &headers(&[("ratelimit-reset", "3")]), b"", false);
        assert_eq!(
            error.kind,
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(3000)
            }
        );
        assert_eq!(error.detail, "HTTP 429: Too Many Requests");

        for (status, kind) in [
            (403, ApiErrorKind::Forbidden),
            (404, ApiErrorKind::NotFound),
            (500, ApiErrorKind::Server),
            (502, ApiErrorKind::Server),
            (503, ApiErrorKind::Server),
        ] {
            assert_eq!(
                error_from_response(status, &HeaderMap::new(), b"<html>x</html>", false).kind,
                kind
            );
        }
        // Exhausted credits read as such, whether by status or by the service's code.
        let broke = error_from_response(402, &HeaderMap::new(), b"", false);
        assert_eq!(broke.kind, ApiErrorKind::Forbidden);
        assert_eq!(broke.message, OUT_OF_CREDITS);
        let body = br#"{"error":{"code":"INSUFFICIENT_CREDITS","message":"No credits"}}"#;
        let coded = error_from_response(403, &HeaderMap::new(), body, false);
        assert_eq!(coded.message, OUT_OF_CREDITS);
        let plain = error_from_response(403, &HeaderMap::new(), b"", false);
        assert_ne!(plain.message, OUT_OF_CREDITS);
        // A 400 without details still names its reason.
        let error = error_from_response(
            400,
            &HeaderMap::new(),
            br#"{"error":"Invalid webhook URL","code":"WEBHOOK_INVALID_URL"}"#,
            false,
        );
        let ApiErrorKind::InvalidInput { fields } = &error.kind else {
            panic!()
        };
        assert_eq!(fields[0].reason, "Invalid webhook URL");
    }

    #[test]
    fn huge_or_broken_bodies_are_truncated_not_fatal() {
        let body = vec![b'x'; ERROR_BODY_CAP];
        let error = error_from_response(500, &HeaderMap::new(), &body, true);
        assert!(
            error.detail.len() < DETAIL_CHARS + 40,
            "{}",
            error.detail.len()
        );
        let error = error_from_response(502, &HeaderMap::new(), &[0xff, 0xfe, b'{', 0x00], false);
        assert_eq!(error.kind, ApiErrorKind::Server);
        let error = error_from_response(
            404,
            &HeaderMap::new(),
            br#"{"error": 5, "details": {}}"#,
            false,
        );
        assert_eq!(error.kind, ApiErrorKind::NotFound);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1, 1.0), Duration::from_millis(250));
        assert_eq!(backoff(2, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(3, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(10, 1.0), BACKOFF_CAP);
        assert_eq!(backoff(40, 1.49), BACKOFF_CAP);
        let j = jitter();
        assert!((0.5..1.5).contains(&j));
    }

    #[test]
    fn success_envelopes_are_unwrapped_tolerantly() {
        let answer = |text: &str| Answer {
            request_id: None,
            body: Bytes::from(text.to_owned()),
        };
        let run: Run = decode_data(&answer(r#"{"data":{"runId":"r","status":"queued"}}"#)).unwrap();
        assert_eq!(run.run_id, "r");
        let run: Run = decode_data(&answer(r#"{"executionId":"e","status":"running"}"#)).unwrap();
        assert_eq!(run.run_id, "e");
        let page: Page<AppSummary> = decode_list(&answer(
            r#"{"data":[{"appId":"a","name":"A"},{"bogus":true}],"pagination":{"total":2}}"#,
        ))
        .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.pagination.unwrap().total, Some(2));
        let wait = decode_wait(&answer(
            r#"{"data":{"runId":"r","status":"running"},"timeout":true}"#,
        ))
        .unwrap();
        assert!(wait.timed_out);
        let wait = decode_wait(&answer(r#"{"data":{"runId":"r","status":"completed"}}"#)).unwrap();
        assert!(!wait.timed_out);
        let error = decode_data::<Run>(&answer("{not json")).unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Decode);
    }

    /// A local server for behaviour the sandbox cannot show.
    async fn serve(router: axum::Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn list_apps_reads_every_page_and_survives_a_server_ignoring_offset() {
        use axum::extract::Query;
        use std::collections::HashMap;
        use std::sync::atomic::{AtomicUsize, Ordering};

        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let paged = axum::Router::new().route(
            "/v1/apps",
            axum::routing::get(|Query(q): Query<HashMap<String, String>>| async move {
                CALLS.fetch_add(1, Ordering::SeqCst);
                let offset: usize = q.get("offset").map_or(0, |o| o.parse().unwrap());
                let limit: usize = q["limit"].parse().unwrap();
                let items: Vec<_> = (offset..(offset + limit).min(150))
                    .map(|i| serde_json::json!({"appId": format!("a{i}"), "name": "x"}))
                    .collect();
                axum::Json(serde_json::json!({"data": items, "pagination": {"total": 150}}))
            }),
        );
        let c = client(&serve(paged).await, ApiGeneration::V1);
        let apps = c.list_apps(None).await.unwrap();
        assert_eq!(apps.len(), 150);
        assert_eq!(apps[149].app_id, "a149");
        assert_eq!(CALLS.load(Ordering::SeqCst), 2);

        let stubborn = axum::Router::new().route(
            "/v1/apps",
            axum::routing::get(|| async {
                let items: Vec<_> = (0..25)
                    .map(|i| serde_json::json!({"appId": format!("a{i}")}))
                    .collect();
                axum::Json(serde_json::json!({"data": items, "pagination": {"total": 300}}))
            }),
        );
        let c = client(&serve(stubborn).await, ApiGeneration::V1);
        assert_eq!(c.list_apps(Some("x")).await.unwrap().len(), 25);
        assert_eq!(c.budget().stats().requests_sent, 2);
    }

    #[tokio::test]
    async fn the_key_never_follows_a_redirect_to_another_origin() {
        use std::sync::{Arc, Mutex};

        let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let elsewhere = {
            let seen = Arc::clone(&seen);
            axum::Router::new().route(
                "/steal",
                axum::routing::get(move |headers: axum::http::HeaderMap| async move {
                    let key = headers
                        .get("x-api-key")
                        .map(|v| v.to_str().unwrap().to_owned());
                    seen.lock().unwrap().push(key);
                    "{}"
                }),
            )
        };
        let elsewhere = serve(elsewhere).await;
        let target = format!("{elsewhere}/steal");
        let api = axum::Router::new().route(
            "/v1/apps",
            axum::routing::get(move || async move { axum::response::Redirect::temporary(&target) }),
        );
        let c = client(&serve(api).await, ApiGeneration::V1);
        let error = c.list_apps(None).await.unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Decode, "{error:?}");
        assert_eq!(error.http_status, Some(307));
        assert_eq!(c.budget().stats().requests_sent, 1, "not retried");
        assert!(seen.lock().unwrap().is_empty(), "the redirect was followed");
        // Downloads from other origins still follow redirects (without any key).
        let response = c
            .http()
            .get(format!("{elsewhere}/steal"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(*seen.lock().unwrap(), vec![None]);
    }

    #[test]
    fn redaction_scrubs_echoed_keys() {
        let key = ApiKey::new("lma_secret_123");
        let error = ApiError::new(
            ApiErrorKind::Unauthorized,
            "HTTP 401: bad key lma_secret_123",
        );
        let error = redact(error, &key);
        assert_eq!(error.detail, "HTTP 401: bad key <redacted>");
    }
}
