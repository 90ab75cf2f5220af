//! Sandbox-only control routes: no auth, no rate limit, not counted, never faulted.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use crate::faults::FaultRule;
use crate::state::AppState;
use crate::stats::SandboxStats;

pub(super) async fn stats(State(state): State<Arc<AppState>>) -> Json<SandboxStats> {
    Json(state.stats.snapshot())
}

#[derive(Deserialize)]
struct FaultsBody {
    spec: String,
}

/// `PUT /_sandbox/faults` with `{"spec": "..."}` replaces every rule (an empty spec clears).
pub(super) async fn set_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let spec = match serde_json::from_slice::<FaultsBody>(&body) {
        Ok(b) => b.spec,
        Err(e) => {
            let error = format!("body must be {{\"spec\": \"...\"}}: {e}");
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response();
        }
    };
    match FaultRule::parse_spec(&spec) {
        Ok(rules) => {
            let count = rules.len();
            state.faults.replace(rules);
            tracing::info!(%spec, "fault rules replaced");
            Json(json!({ "data": { "spec": spec, "rules": count } })).into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response(),
    }
}

#[derive(Deserialize)]
struct ModeBody {
    minimal: bool,
}

/// `PUT /_sandbox/mode` with `{"minimal": true|false}` switches the minimal-service behaviour.
pub(super) async fn set_mode(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match serde_json::from_slice::<ModeBody>(&body) {
        Ok(mode) => {
            state.minimal.set(mode.minimal);
            tracing::info!(minimal = mode.minimal, "sandbox mode switched");
            Json(json!({ "data": { "minimal": mode.minimal } })).into_response()
        }
        Err(e) => {
            let error = format!("body must be {{\"minimal\": true|false}}: {e}");
            (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
        }
    }
}
