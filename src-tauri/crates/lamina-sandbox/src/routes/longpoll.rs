//! `…/wait` (long poll) and `…/stream` (SSE). Both sleep until the timeline's next change
//! instead of polling, so fast test speeds stay exact and idle streams cost nothing.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, Sse};
use axum::{Extension, Json};
use futures_util::Stream;
use lamina_api::RunStatus;
use serde_json::{Value, json};

use super::QueryMap;
use super::runs::find;
use crate::errors::ApiError;
use crate::flavor::Flavor;
use crate::runs::RunRecord;
use crate::state::AppState;

/// Streams close with a `timeout` event after this long, as the service does.
const STREAM_CAP: Duration = Duration::from_secs(600);
const PING_EVERY: Duration = Duration::from_secs(15);
/// Sleeps overshoot a change instant by this much so the clock is surely past it.
const SETTLE: Duration = Duration::from_millis(1);

fn long_poll_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.config.long_poll {
        Ok(())
    } else {
        Err(ApiError::not_found("Not found"))
    }
}

pub(super) async fn wait(
    State(state): State<Arc<AppState>>,
    Extension(flavor): Extension<Flavor>,
    Path(id): Path<String>,
    Query(query): Query<QueryMap>,
) -> Result<Json<Value>, ApiError> {
    long_poll_enabled(&state)?;
    let timeout = match query.get("timeout") {
        None => 60,
        Some(raw) => raw
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|t| (1..=120).contains(t))
            .ok_or_else(|| {
                ApiError::validation(
                    "Invalid query parameter \"timeout\"",
                    vec![format!(
                        "\"timeout\": must be an integer between 1 and 120 (got {raw:?})"
                    )],
                )
            })?,
    };
    let record = find(&state, &id)?;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    loop {
        let left = record
            .timeline()
            .ends_after()
            .saturating_sub(record.elapsed());
        let until_deadline = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || until_deadline.is_zero() {
            break;
        }
        let nap = (left + SETTLE).min(until_deadline);
        if !record.inputs_gate.is_fetching() {
            state.sleep(nap).await;
            break;
        }
        // The end is unknown until the input photos arrive: wake when they do, then re-plan.
        tokio::select! {
            _ = state.sleep(nap) => break,
            () = record.inputs_gate.settled() => {}
        }
    }
    let run = record.view(&state.base_url, record.elapsed());
    let timed_out = !run.status.is_terminal();
    Ok(Json(
        json!({ "data": flavor.shape_run(&run), "timeout": timed_out }),
    ))
}

pub(super) async fn stream(
    State(state): State<Arc<AppState>>,
    Extension(flavor): Extension<Flavor>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    long_poll_enabled(&state)?;
    let record = find(&state, &id)?;
    let cursor = Cursor {
        state,
        record,
        flavor,
        last: None,
        opened: Instant::now(),
        next_ping: PING_EVERY,
        done: false,
    };
    Ok(Sse::new(futures_util::stream::unfold(cursor, next_event)))
}

struct Cursor {
    state: Arc<AppState>,
    record: Arc<RunRecord>,
    flavor: Flavor,
    /// The last run JSON sent as `progress`, to emit only on change.
    last: Option<Value>,
    opened: Instant,
    /// Time since `opened` at which the next `ping` is due.
    next_ping: Duration,
    done: bool,
}

async fn next_event(mut c: Cursor) -> Option<(Result<Event, Infallible>, Cursor)> {
    if c.done {
        return None;
    }
    loop {
        let elapsed = c.record.elapsed();
        let run = c.record.view(&c.state.base_url, elapsed);
        let json = c.flavor.shape_run(&run);
        if run.status.is_terminal() {
            c.done = true;
            let name = if run.status == RunStatus::Completed {
                "complete"
            } else {
                "error"
            };
            return Some((Ok(event(name, &json)), c));
        }
        if c.last.as_ref() != Some(&json) {
            let ev = event("progress", &json);
            c.last = Some(json);
            return Some((Ok(ev), c));
        }
        let open_for = c.opened.elapsed();
        if open_for >= STREAM_CAP {
            c.done = true;
            let message = json!({"message": "Stream timeout after 10 minutes"});
            return Some((Ok(event("timeout", &message)), c));
        }
        if open_for >= c.next_ping {
            c.next_ping = open_for + PING_EVERY;
            let now = chrono::Utc::now().timestamp().to_string();
            return Some((Ok(Event::default().event("ping").data(now)), c));
        }
        let change_in = c
            .record
            .timeline()
            .next_change_after(elapsed)
            .map_or(PING_EVERY, |t| t.saturating_sub(elapsed) + SETTLE);
        let wake = change_in
            .min(c.next_ping.saturating_sub(open_for))
            .min(STREAM_CAP.saturating_sub(open_for));
        let slept = if c.record.inputs_gate.is_fetching() {
            tokio::select! {
                slept = c.state.sleep(wake) => slept,
                // The photos arrived (or failed): the plan changed, look again.
                () = c.record.inputs_gate.settled() => true,
            }
        } else {
            c.state.sleep(wake).await
        };
        if !slept {
            // The server is stopping: end the stream so graceful shutdown can finish.
            return None;
        }
    }
}

fn event(name: &str, data: &Value) -> Event {
    Event::default().event(name).data(data.to_string())
}
