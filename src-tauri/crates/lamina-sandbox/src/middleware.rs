//! Request pipeline: request id on everything; for API routes, then stats, faults, rate limit,
//! auth, and rendering of handler errors in the path's generation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::errors::{ApiError, render};
use crate::fault_responses::{self, set_rate_headers};
use crate::faults::FaultKind;
use crate::flavor::Flavor;
use crate::minimal;
use crate::state::AppState;

/// The id of one request, echoed as `X-Request-Id` and in `/v1` error envelopes.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

pub(crate) async fn request_id(mut req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Every answer's `Date`, from the sandbox's own clock shifted by `clock_offset_s` (hyper only
/// adds its own when none is set).
pub(crate) async fn date(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let now = chrono::Utc::now() + chrono::TimeDelta::seconds(state.config.clock_offset_s);
    let text = now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

pub(crate) fn request_id_of(req: &Request) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// Start routes of all three generations (route templates).
fn is_start_route(route: &str) -> bool {
    (route.starts_with("/v1/apps/") || route.starts_with("/api/apps/"))
        && (route.ends_with("/runs") || route.ends_with("/executions"))
}

pub(crate) async fn api(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let flavor = Flavor::for_path(&path);
    let rid = request_id_of(&req);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());

    let route_key = format!("{method} {}", route.as_deref().unwrap_or("(unmatched)"));
    let start_of_app = (method == Method::POST && route.as_deref().is_some_and(is_start_route))
        .then(|| path.split('/').nth(3))
        .flatten();
    state.stats.record_request(&route_key, start_of_app);
    if state.minimal.is_on() && !minimal::is_required_route(&method, route.as_deref()) {
        // Before faults, limits and auth: an unknown route of a web framework answers first.
        return minimal::not_found_page(&method, &path);
    }

    let mut lose_answer = false;
    if let Some(kind) = state.faults.take(method.as_str(), &path) {
        match kind {
            FaultKind::Slow { ms } => {
                state.sleep(Duration::from_millis(ms)).await;
            }
            FaultKind::Lost => lose_answer = true,
            other => return fault_responses::respond(&state, other, flavor, &rid).await,
        }
    }

    let presented = presented_key(req.headers());
    let bucket = presented.clone().unwrap_or_else(|| {
        // No key: count per client address, as the real per-IP limiter would.
        let ip = req.extensions().get::<ConnectInfo<SocketAddr>>();
        format!(
            "ip:{}",
            ip.map(|c| c.0.ip().to_string()).unwrap_or_default()
        )
    });
    let decision = state.limiter.check(&bucket, Instant::now());
    if !decision.allowed {
        state.stats.rate_limited();
        let mut response = render(&ApiError::rate_limited(decision.reset_secs), flavor, &rid);
        set_rate_headers(
            response.headers_mut(),
            decision.limit,
            0,
            decision.reset_secs,
        );
        return response;
    }

    let mut response = match authenticate(&state, presented.as_deref(), req.headers()) {
        Err(err) => render(&err, flavor, &rid),
        Ok(()) => {
            req.extensions_mut().insert(flavor);
            let response = next.run(req).await;
            match response.extensions().get::<ApiError>() {
                Some(err) => render(err, flavor, &rid),
                None if is_framework_rejection(&response) => {
                    reshape_rejection(response, flavor, &rid).await
                }
                None => response,
            }
        }
    };
    if lose_answer {
        return fault_responses::respond(&state, FaultKind::Lost, flavor, &rid).await;
    }
    set_rate_headers(
        response.headers_mut(),
        decision.limit,
        decision.remaining,
        decision.reset_secs,
    );
    response
}

/// axum's own 4xx answers (405, bad query strings or path encoding) come as plain text or empty.
fn is_framework_rejection(response: &Response) -> bool {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    response.status().is_client_error() && !is_json
}

/// Gives such an answer the generation's error shape, keeping axum's text as the detail.
async fn reshape_rejection(response: Response, flavor: Flavor, rid: &str) -> Response {
    let status = response.status();
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let err = if status == StatusCode::METHOD_NOT_ALLOWED {
        ApiError::method_not_allowed()
    } else {
        let details = if text.is_empty() { vec![] } else { vec![text] };
        ApiError::validation("Invalid request", details).with_status(status)
    };
    let mut shaped = render(&err, flavor, rid);
    if let Some(allow) = allow {
        shaped.headers_mut().insert(header::ALLOW, allow);
    }
    shaped
}

/// The key from `x-api-key` or `Authorization: Bearer`, if any was sent.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    let text = |v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).trim().to_owned();
    if let Some(key) = headers.get("x-api-key").map(text).filter(|k| !k.is_empty()) {
        return Some(key);
    }
    let auth = headers.get(header::AUTHORIZATION).map(text)?;
    let key = match auth.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim().to_owned(),
        // Another scheme or a bare token: a key was sent, it just is not a valid one.
        _ if auth.eq_ignore_ascii_case("bearer") => String::new(),
        _ => auth,
    };
    (!key.is_empty()).then_some(key)
}

fn authenticate(state: &AppState, key: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = key.ok_or_else(ApiError::missing_key)?;
    if !state.config.keys.iter().any(|k| k == key) {
        return Err(ApiError::invalid_key());
    }
    if let Some(ws) = headers.get("x-workspace-id")
        && ws.as_bytes() != crate::DEMO_WORKSPACE_ID.as_bytes()
    {
        return Err(ApiError::workspace_mismatch());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    axum::http::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn keys_come_from_either_header() {
        assert_eq!(
            presented_key(&headers(&[("x-api-key", "lma_a")])).as_deref(),
            Some("lma_a")
        );
        let bearer = headers(&[("authorization", "Bearer lma_b")]);
        assert_eq!(presented_key(&bearer).as_deref(), Some("lma_b"));
        let basic = headers(&[("authorization", "Basic Zm9v")]);
        assert_eq!(presented_key(&basic).as_deref(), Some("Basic Zm9v"));
        assert_eq!(
            presented_key(&headers(&[("authorization", "Bearer ")])),
            None
        );
        assert_eq!(presented_key(&headers(&[("x-api-key", " ")])), None);
    }

    #[test]
    fn start_routes_of_every_generation_are_recognised() {
        assert!(is_start_route("/v1/apps/{appId}/runs"));
        assert!(is_start_route("/v1/apps/{appId}/executions"));
        assert!(is_start_route("/api/apps/{appId}/executions"));
        assert!(!is_start_route("/v1/runs"));
        assert!(!is_start_route("/v1/apps/{appId}/workflow"));
    }
}
