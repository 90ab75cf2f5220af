//! The HTTP side of injected faults, shared by API routes and `/files`.

use std::io;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::errors::{ApiError, render};
use crate::faults::FaultKind;
use crate::flavor::Flavor;
use crate::state::AppState;

/// How long a `hang` fault keeps the request open (unless the server stops first).
pub(crate) const HANG_FOR: Duration = Duration::from_secs(600);

/// The answer to a request hit by `kind` (everything but `slow`, which just delays).
pub(crate) async fn respond(
    state: &AppState,
    kind: FaultKind,
    flavor: Flavor,
    rid: &str,
) -> Response {
    match kind {
        FaultKind::Status(code) => render(&ApiError::injected(code), flavor, rid),
        FaultKind::RateLimitStorm { retry_after_s } => storm(state, retry_after_s, flavor, rid),
        FaultKind::Hang => {
            state.sleep(HANG_FOR).await;
            render(&ApiError::injected(504), flavor, rid)
        }
        FaultKind::Drop | FaultKind::Lost => dropped(
            "application/json",
            Bytes::from_static(b"{\"data\": {\"status\": \"runn"),
            4096,
        ),
        FaultKind::MalformedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"data\": {\"status\": \"running\", \"outputs\": [{\"id\": \"aiDesignerNode-17",
        )
            .into_response(),
        // Callers handle these before getting here; answering 500 beats panicking.
        FaultKind::Slow { .. }
        | FaultKind::TruncatedImage
        | FaultKind::HugeImage
        | FaultKind::WrongContentType
        | FaultKind::Svg
        | FaultKind::UnfetchableInput { .. } => {
            render(&ApiError::internal("Unexpected fault"), flavor, rid)
        }
    }
}

/// A 429 as the real limiter would send it, counted in stats.
pub(crate) fn storm(state: &AppState, retry_after: u64, flavor: Flavor, rid: &str) -> Response {
    state.stats.rate_limited();
    let mut response = render(&ApiError::rate_limited(retry_after), flavor, rid);
    set_rate_headers(
        response.headers_mut(),
        state.config.rate_limit,
        0,
        retry_after,
    );
    response
}

pub(crate) fn set_rate_headers(headers: &mut HeaderMap, limit: u32, remaining: u32, reset: u64) {
    headers.insert("ratelimit-limit", HeaderValue::from(limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(reset));
}

/// A 200 whose declared Content-Length exceeds what is sent before the body stream errors, so
/// the client sees the connection break mid-body.
pub(crate) fn dropped(content_type: &'static str, prefix: Bytes, declared_len: u64) -> Response {
    let declared_len = declared_len.max(prefix.len() as u64 + 1);
    let head = futures_util::stream::once(async move { Ok::<_, io::Error>(prefix) });
    let break_off = futures_util::stream::once(async {
        // Pausing first makes hyper flush the headers and the prefix, so the client sees the
        // response start and then break, rather than never getting a response at all.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "injected connection drop",
        ))
    });
    let chunks = futures_util::StreamExt::chain(head, break_off);
    let mut response = Response::new(Body::from_stream(chunks));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(declared_len));
    response
}
