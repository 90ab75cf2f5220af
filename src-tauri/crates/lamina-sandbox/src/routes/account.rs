//! `GET /v1/webhooks/signing-key` (bare JWK Set) and `GET /v1/account/usage`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use lamina_api::{Credits, JwkSet, RateLimitInfo, Usage};
use serde_json::{Value, json};

use crate::state::AppState;

/// Credits the demo workspace starts with.
const CREDITS_EARNED: f64 = 10_000.0;

pub(super) async fn signing_key(State(state): State<Arc<AppState>>) -> Json<JwkSet> {
    Json(state.signer.jwks())
}

pub(super) async fn usage(State(state): State<Arc<AppState>>) -> Json<Value> {
    let spent = state.runs.credits_spent();
    let usage = Usage {
        credits: Some(Credits {
            balance: CREDITS_EARNED - spent,
            total_earned: Some(CREDITS_EARNED),
            total_spent: Some(spent),
        }),
        rate_limit: Some(RateLimitInfo {
            limit: state.config.rate_limit,
            window_ms: u64::try_from(state.config.rate_window.as_millis()).unwrap_or(u64::MAX),
        }),
    };
    Json(json!({ "data": usage }))
}
