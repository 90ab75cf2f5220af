//! The route table and small helpers shared by handlers.

mod account;
mod apps;
mod control;
mod longpoll;
mod runs;
mod storage;
mod validate;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post, put};

use crate::errors::ApiError;
use crate::files;
use crate::middleware;
use crate::state::AppState;

/// Query parameters as sent; parsed by hand so bad values become `VALIDATION_ERROR`s.
pub(crate) type QueryMap = HashMap<String, String>;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/v1/apps", get(apps::list))
        .route("/v1/apps/{appId}", get(apps::get))
        .route("/v1/apps/{appId}/workflow", get(apps::workflow))
        .route("/v1/apps/{appId}/runs", post(runs::start))
        .route("/v1/apps/{appId}/executions", post(runs::start))
        .route("/v1/runs", get(runs::list))
        .route("/v1/runs/{id}", get(runs::get))
        .route("/v1/runs/{id}/wait", get(longpoll::wait))
        .route("/v1/runs/{id}/stream", get(longpoll::stream))
        .route("/v1/executions", get(runs::list))
        .route("/v1/executions/{id}", get(runs::get))
        .route("/v1/executions/{id}/wait", get(longpoll::wait))
        .route("/v1/executions/{id}/stream", get(longpoll::stream))
        .route("/v1/webhooks/signing-key", get(account::signing_key))
        .route("/v1/account/usage", get(account::usage))
        .route("/api/apps", get(apps::list))
        .route("/api/apps/{appId}", get(apps::get))
        .route("/api/apps/{appId}/workflow", get(apps::workflow))
        .route("/api/apps/{appId}/executions", post(runs::start))
        .route("/api/executions", get(runs::list))
        .route("/api/executions/{id}", get(runs::get))
        .route("/api/executions/{id}/wait", get(longpoll::wait))
        .route("/api/executions/{id}/stream", get(longpoll::stream))
        .route("/api/webhooks/signing-key", get(account::signing_key))
        .fallback(unknown_route)
        .layer(from_fn_with_state(Arc::clone(&state), middleware::api));
    let downloads = Router::new()
        .route("/files/samples/{name}", get(files::sample))
        .route("/files/{runId}/{file}", get(files::output));
    let control = Router::new()
        .route("/_sandbox/stats", get(control::stats))
        .route("/_sandbox/faults", put(control::set_faults))
        .route("/_sandbox/mode", put(control::set_mode))
        .route(
            "/_sandbox/files/{name}",
            get(storage::get).put(storage::put),
        );
    api.merge(downloads)
        .merge(control)
        .layer(from_fn(middleware::request_id))
        .layer(from_fn_with_state(Arc::clone(&state), middleware::date))
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::not_found("Not found")
}

/// An optional integer query parameter within `min..=max` (larger values are clamped to `max`).
pub(crate) fn int_param(
    query: &QueryMap,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(v) if v >= min => Ok(v.min(max)),
        _ => Err(ApiError::validation(
            format!("Invalid query parameter \"{name}\""),
            vec![format!(
                "\"{name}\": must be an integer of at least {min} (got {raw:?})"
            )],
        )),
    }
}
