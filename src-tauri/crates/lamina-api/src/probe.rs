//! One raw GET for the connection check (`lamina-core`'s doctor): the status, the few headers
//! the typed calls hide (`Date`, `RateLimit-*`), the content type and the start of the body.
//! Same shared client, key header and request budget as every other call; never retried (the
//! doctor wants to see what one request gets), and the key never appears in what comes back.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::client::{KEY_HEADER, LaminaClient, error_chain, redact, transport_error};
use crate::error::ApiError;

/// How much of a probed body is kept: enough to tell a JSON envelope from an HTML page.
pub const PROBE_BODY_CHARS: usize = 2048;
/// A probe never waits longer than this for its whole answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// What one GET answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeAnswer {
    /// The path asked (with its query), as sent below the base URL.
    pub path: String,
    pub status: u16,
    /// The `Date` header as sent.
    pub date: Option<String>,
    /// `RateLimit-Limit` (or `X-RateLimit-Limit`).
    pub rate_limit: Option<String>,
    /// `RateLimit-Reset` (or `X-RateLimit-Reset`).
    pub rate_limit_reset: Option<String>,
    /// The media type without parameters, lower case (`application/json`, `text/html`).
    pub content_type: Option<String>,
    /// The first [`PROBE_BODY_CHARS`] characters of the body (the key scrubbed out).
    pub body_prefix: String,
    pub request_id: Option<String>,
    /// Time from sending to the response headers.
    pub elapsed_ms: u64,
}

impl ProbeAnswer {
    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t == "application/json" || t.ends_with("+json"))
    }

    /// The body parsed as JSON, when it is JSON and complete.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body_prefix).ok()
    }

    /// The `error.code` of a `/v1` envelope (or `code` of an older one), e.g. `NOT_FOUND`.
    pub fn error_code(&self) -> Option<String> {
        let value = self.json()?;
        let code = value
            .get("error")
            .and_then(|e| e.get("code"))
            .or_else(|| value.get("code"))?;
        code.as_str().map(str::to_owned)
    }
}

impl LaminaClient {
    /// The key's last four characters, as Settings shows them (never more of it).
    pub fn key_last_four(&self) -> String {
        self.key().last_four()
    }

    /// `GET <base><path_and_query>` once, through the budget, with the key. `Err` only when no
    /// answer came (connection refused, TLS, DNS, timeout); any HTTP status is an `Ok`.
    pub async fn probe(&self, path_and_query: &str) -> Result<ProbeAnswer, ApiError> {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        let mut url = self.base().clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(path.split('/').filter(|s| !s.is_empty()));
        }
        url.set_query(query);

        let timeout = self.read_timeout().min(PROBE_TIMEOUT);
        let permit = self.budget().acquire().await;
        let started = Instant::now();
        let sent = self
            .http()
            .get(url.clone())
            .header(KEY_HEADER, self.key_header().clone())
            .header(ACCEPT, "application/json")
            .timeout(timeout)
            .send()
            .await;
        permit.finish();
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut response = match sent {
            Ok(response) => response,
            Err(e) => {
                let error = transport_error(&reqwest::Method::GET, &url, &e);
                return Err(redact(error, self.key()));
            }
        };
        let status = response.status().as_u16();
        self.budget().observe(response.headers(), status);
        let headers = response.headers().clone();

        let mut body = Vec::new();
        // Enough bytes for the characters kept, whatever their width; a stream (SSE) that keeps
        // going is cut here rather than read to its end.
        while body.len() < PROBE_BODY_CHARS * 4 {
            match tokio::time::timeout(timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
                Ok(Ok(None)) => break,
                Ok(Err(e)) => {
                    tracing::debug!(path, error = %error_chain(&e), "probe body broke off");
                    break;
                }
                Err(_) => break,
            }
        }
        let mut body_prefix: String = String::from_utf8_lossy(&body)
            .chars()
            .take(PROBE_BODY_CHARS)
            .collect();
        let secret = self.key().expose();
        if secret.len() >= 6 && body_prefix.contains(secret) {
            body_prefix = body_prefix.replace(secret, "<redacted>");
        }
        tracing::debug!(path, status, elapsed_ms, "lamina probe");
        Ok(ProbeAnswer {
            path: path_and_query.to_owned(),
            status,
            date: header_text(&headers, DATE.as_str()),
            rate_limit: header_text(&headers, "ratelimit-limit")
                .or_else(|| header_text(&headers, "x-ratelimit-limit")),
            rate_limit_reset: header_text(&headers, "ratelimit-reset")
                .or_else(|| header_text(&headers, "x-ratelimit-reset")),
            content_type: header_text(&headers, CONTENT_TYPE.as_str()).map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            }),
            body_prefix,
            request_id: header_text(&headers, "x-request-id"),
            elapsed_ms,
        })
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}
