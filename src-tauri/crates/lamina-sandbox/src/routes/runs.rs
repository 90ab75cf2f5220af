//! Starting, reading and listing runs (all generations; the flavor decides the id naming).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use lamina_api::RunStatus;
use serde_json::{Value, json};

use super::validate::{is_http_url, resolve};
use super::{QueryMap, int_param};
use crate::catalog::Behaviour;
use crate::errors::ApiError;
use crate::flavor::Flavor;
use crate::input_fetch::{self, InputsGate, InputsState};
use crate::runs::{RunRecord, input_seed};
use crate::state::AppState;
use crate::timeline::Timeline;
use crate::webhooks;

pub(super) async fn start(
    State(state): State<Arc<AppState>>,
    Extension(flavor): Extension<Flavor>,
    Path(app_id): Path<String>,
    Query(query): Query<QueryMap>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let app = Arc::clone(
        state
            .app(&app_id)
            .ok_or_else(|| ApiError::not_found("App not found"))?,
    );
    let body_error = |why: &str| {
        ApiError::validation("Invalid request body", vec![format!("\"inputs\": {why}")])
    };
    let parsed: Value = serde_json::from_slice(&body)
        .map_err(|_| body_error("body must be JSON like {\"inputs\": {...}}"))?;
    let inputs = parsed
        .get("inputs")
        .and_then(Value::as_object)
        .ok_or_else(|| body_error("required object"))?;
    let webhook_url = match query.get("webhook") {
        // A minimal service takes the parameter and never calls back.
        Some(_) if state.minimal.is_on() => None,
        Some(url) if is_http_url(url) => Some(url.trim().to_owned()),
        Some(url) => {
            return Err(ApiError::webhook_invalid(format!(
                "Invalid webhook URL {url:?}: must be an http or https URL"
            )));
        }
        None => None,
    };
    let inputs = resolve(&app.app, inputs)?;

    let seed = input_seed(app.id(), &inputs);
    let timeline = Timeline::plan(
        app.base_secs,
        app.outputs.len(),
        app.sequential,
        matches!(app.behaviour, Behaviour::AlwaysFails(_)),
        seed,
        state.config.speed,
    );
    let record = Arc::new(RunRecord {
        id: uuid::Uuid::new_v4().to_string(),
        app,
        inputs,
        seed,
        // Millisecond precision, like the service's timestamps, so they round-trip exactly.
        created_at: DateTime::from_timestamp_millis(Utc::now().timestamp_millis())
            .unwrap_or_else(Utc::now),
        created: Instant::now(),
        planned: timeline,
        inputs_gate: InputsGate::new(InputsState::Fetching),
        webhook_url,
        flavor,
    });
    if input_fetch::url_inputs(&record).is_empty() {
        record.inputs_gate.settle_now_ready();
    } else {
        // As the service does: the photos are downloaded once the run is accepted.
        input_fetch::spawn(Arc::clone(&state), Arc::clone(&record));
    }
    state.runs.insert(Arc::clone(&record));
    state.stats.run_created();
    tracing::info!(run = %record.id, app = %record.app.app.name, "run started");
    // The acceptance answer is always the freshly queued state, whatever the speed.
    let run = record.view(&state.base_url, std::time::Duration::ZERO);
    webhooks::schedule(Arc::clone(&state), record);
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "data": flavor.shape_run(&run) })),
    ))
}

pub(super) async fn get(
    State(state): State<Arc<AppState>>,
    Extension(flavor): Extension<Flavor>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let record = find(&state, &id)?;
    let mut run = record.view(&state.base_url, record.elapsed());
    if state.minimal.is_on() {
        if state.minimal.first_read(&record.id) {
            state.stats.rate_limited();
            return Err(ApiError::rate_limited(1));
        }
        // One timestamp for both, as a server that records only the end does.
        run.started_at = run.completed_at;
    }
    Ok(Json(json!({ "data": flavor.shape_run(&run) })))
}

pub(super) fn find(state: &AppState, id: &str) -> Result<Arc<RunRecord>, ApiError> {
    state
        .runs
        .get(id)
        .ok_or_else(|| ApiError::not_found("Execution not found"))
}

pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    Extension(flavor): Extension<Flavor>,
    Query(query): Query<QueryMap>,
) -> Result<Json<Value>, ApiError> {
    let limit = int_param(&query, "limit", 25, 1, 100)?;
    let offset = int_param(&query, "offset", 0, 0, u64::MAX)?;
    let status = match query.get("status").map(|s| s.trim()) {
        None | Some("") => None,
        Some(s) => match RunStatus::parse(s) {
            RunStatus::Unknown => {
                return Err(ApiError::validation(
                    "Invalid query parameter \"status\"",
                    vec![format!(
                        "\"status\": invalid option \"{s}\". Must be one of: queued, running, \
                         completed, failed, cancelled"
                    )],
                ));
            }
            known => Some(known),
        },
    };
    let since = match query.get("since").map(|s| s.trim()) {
        None | Some("") => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::validation(
                        "Invalid query parameter \"since\"",
                        vec![format!("\"since\": {s:?} is not an ISO 8601 date-time")],
                    )
                })?,
        ),
    };
    let app_id = query
        .get("appId")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());

    let matching: Vec<Value> = state
        .runs
        .newest_first()
        .iter()
        .filter(|r| app_id.is_none_or(|a| r.app.id() == a))
        .filter(|r| since.is_none_or(|t| r.created_at > t))
        .map(|r| r.summary(r.elapsed()))
        .filter(|run| status.is_none_or(|s| run.status == s))
        .map(|run| {
            let mut value = flavor.shape_run(&run);
            if let Value::Object(map) = &mut value {
                map.remove("outputs");
            }
            value
        })
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(100))
        .collect();
    Ok(Json(json!({
        "data": page,
        "pagination": {"total": total, "limit": limit, "offset": offset},
    })))
}
