//! The run stream (`GET /v1/runs/{id}/stream`): server-sent events parsed with
//! `eventsource-stream` over the response body.
//!
//! Named events: `progress` / `complete` / `error` carry the run object (`data` unwrapped like any
//! other answer), `timeout` carries `{message}`, `ping` a timestamp; other names are ignored. The
//! event named `error` (the run failed) is `StreamEvent::Failed`, distinct from a broken
//! connection, which is an `Err` (Network or Timeout).

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use serde::Deserialize;
use serde_json::Value;

use crate::client::redact;
use crate::error::{ApiError, ApiErrorKind};
use crate::key::ApiKey;
use crate::models::{Run, StreamEvent};

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, ApiError>> + Send>>;

/// Turns an open stream response into events. `idle` bounds the silence between two pieces of
/// the body (the service pings about every 15 s).
pub(crate) fn events(
    response: reqwest::Response,
    idle: Duration,
    key: ApiKey,
) -> BoxStream<'static, Result<StreamEvent, ApiError>> {
    let path = response.url().path().to_owned();
    let bytes: ByteStream = Box::pin(idle_limited(response.bytes_stream(), idle, path));
    events_from_bytes(bytes)
        .map(move |item| item.map_err(|e| redact(e, &key)))
        .boxed()
}

/// Applies the idle limit and maps transport errors.
fn idle_limited<S>(
    inner: S,
    idle: Duration,
    path: String,
) -> impl Stream<Item = Result<Bytes, ApiError>> + Send
where
    S: Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
{
    let inner = Box::pin(inner);
    stream::unfold(Some(inner), move |state| {
        let path = path.clone();
        async move {
            let mut inner = state?;
            match tokio::time::timeout(idle, inner.next()).await {
                Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(inner))),
                Ok(Some(Err(e))) => {
                    let error = ApiError::new(
                        if e.is_timeout() {
                            ApiErrorKind::Timeout
                        } else {
                            ApiErrorKind::Network
                        },
                        format!(
                            "GET {path}: the stream broke: {}",
                            crate::client::error_chain(&e)
                        ),
                    );
                    Some((Err(error), None))
                }
                Ok(None) => None,
                Err(_) => Some((
                    Err(ApiError::new(
                        ApiErrorKind::Timeout,
                        format!("GET {path}: the stream was silent for {} s", idle.as_secs()),
                    )),
                    None,
                )),
            }
        }
    })
}

enum Parsed {
    Event(StreamEvent),
    Skip,
    Error(ApiError),
}

/// The event layer, separate from HTTP so it can be tested on plain bytes.
pub(crate) fn events_from_bytes(
    bytes: ByteStream,
) -> impl Stream<Item = Result<StreamEvent, ApiError>> + Send {
    let parsed = Box::pin(bytes.eventsource());
    stream::unfold(Some(parsed), |state| async move {
        let mut parsed = state?;
        loop {
            match parsed.next().await {
                None => {
                    let error = ApiError::new(
                        ApiErrorKind::Network,
                        "the stream closed before the run finished",
                    );
                    return Some((Err(error), None));
                }
                Some(Err(EventStreamError::Transport(e))) => return Some((Err(e), None)),
                Some(Err(EventStreamError::Utf8(e))) => {
                    let error = ApiError::new(
                        ApiErrorKind::Decode,
                        format!("the stream sent text that is not UTF-8: {e}"),
                    );
                    return Some((Err(error), None));
                }
                Some(Err(EventStreamError::Parser(e))) => {
                    let error = ApiError::new(
                        ApiErrorKind::Decode,
                        format!("the stream could not be parsed: {e}"),
                    );
                    return Some((Err(error), None));
                }
                Some(Ok(event)) => match parse_event(&event) {
                    Parsed::Skip => continue,
                    Parsed::Error(e) => return Some((Err(e), Some(parsed))),
                    Parsed::Event(event) => {
                        let last = matches!(
                            event,
                            StreamEvent::Complete(_)
                                | StreamEvent::Failed(_)
                                | StreamEvent::Timeout(_)
                        );
                        return Some((Ok(event), (!last).then_some(parsed)));
                    }
                },
            }
        }
    })
}

fn parse_event(event: &Event) -> Parsed {
    let data = event.data.trim();
    match event.event.trim() {
        "progress" => match decode_run(data) {
            Ok(run) => Parsed::Event(StreamEvent::Progress(run)),
            Err(e) => Parsed::Error(e),
        },
        "complete" => match decode_run(data) {
            Ok(run) => Parsed::Event(StreamEvent::Complete(run)),
            Err(e) => Parsed::Error(e),
        },
        "error" => match decode_run(data) {
            Ok(run) => Parsed::Event(StreamEvent::Failed(run)),
            // An error event without a run: the service's own trouble, not the run's.
            Err(_) => Parsed::Error(ApiError::new(
                ApiErrorKind::Server,
                format!("the stream reported an error: {}", snippet(data)),
            )),
        },
        "timeout" => {
            let message = serde_json::from_str::<Value>(data)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| data.to_owned());
            Parsed::Event(StreamEvent::Timeout(message))
        }
        "ping" => Parsed::Event(StreamEvent::Ping),
        _ => Parsed::Skip,
    }
}

fn decode_run(data: &str) -> Result<Run, ApiError> {
    let value: Value = serde_json::from_str(data).map_err(|e| decode_failure(data, &e))?;
    let inner = value
        .get("data")
        .filter(|d| d.is_object())
        .unwrap_or(&value);
    Run::deserialize(inner)
        .or_else(|e| Run::deserialize(&value).map_err(|_| e))
        .map_err(|e| decode_failure(data, &e))
}

fn decode_failure(data: &str, e: &serde_json::Error) -> ApiError {
    ApiError::new(
        ApiErrorKind::Decode,
        format!("unreadable stream event ({e}): {}", snippet(data)),
    )
}

fn snippet(text: &str) -> String {
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::RunStatus;

    fn from_chunks(chunks: Vec<&'static str>) -> ByteStream {
        Box::pin(stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok(Bytes::from_static(c.as_bytes()))),
        ))
    }

    async fn collect(chunks: Vec<&'static str>) -> Vec<Result<StreamEvent, ApiError>> {
        events_from_bytes(from_chunks(chunks)).collect().await
    }

    #[tokio::test]
    async fn progress_then_complete_then_end() {
        let items = collect(vec![
            ": comment\n\nevent: ping\ndata: 1774000000\n\n",
            "event: progress\ndata: {\"runId\":\"r\",\"status\":\"run",
            "ning\"}\n\nevent: shiny-new\ndata: {}\n\n",
            "event: complete\ndata: {\"data\":{\"runId\":\"r\",\"status\":\"completed\"}}\n\n",
            "event: progress\ndata: {\"runId\":\"after-the-end\",\"status\":\"running\"}\n\n",
        ])
        .await;
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0], Ok(StreamEvent::Ping));
        let Ok(StreamEvent::Progress(run)) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(run.status, RunStatus::Running);
        let Ok(StreamEvent::Complete(run)) = &items[2] else {
            panic!("{items:?}")
        };
        assert_eq!(run.status, RunStatus::Completed);
    }

    #[tokio::test]
    async fn error_event_is_a_failed_run_not_a_transport_error() {
        let items = collect(vec![
            "event: error\r\ndata: {\"runId\":\"r\",\"status\":\"failed\",\"errorMessage\":\"boom\"}\r\n\r\n",
        ])
        .await;
        let [Ok(StreamEvent::Failed(run))] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(run.error_message.as_deref(), Some("boom"));
    }

    #[tokio::test]
    async fn timeout_event_and_early_close() {
        let items = collect(vec![
            "event: timeout\ndata: {\"message\":\"Stream timeout after 10 minutes\"}\n\n",
        ])
        .await;
        assert_eq!(
            items,
            vec![Ok(StreamEvent::Timeout(
                "Stream timeout after 10 minutes".into()
            ))]
        );

        let items = collect(vec![
            "event: progress\ndata: {\"runId\":\"r\",\"status\":\"queued\"}\n\n",
        ])
        .await;
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Ok(StreamEvent::Progress(_))));
        assert_eq!(items[1].as_ref().unwrap_err().kind, ApiErrorKind::Network);
    }

    #[tokio::test]
    async fn bad_event_data_is_a_decode_error_and_the_stream_goes_on() {
        let items = collect(vec![
            "event: progress\ndata: {oops\n\n",
            "event: error\ndata: internal trouble\n\n",
            "event: complete\ndata: {\"runId\":\"r\",\"status\":\"completed\"}\n\n",
        ])
        .await;
        assert_eq!(items[0].as_ref().unwrap_err().kind, ApiErrorKind::Decode);
        assert_eq!(items[1].as_ref().unwrap_err().kind, ApiErrorKind::Server);
        assert!(matches!(items[2], Ok(StreamEvent::Complete(_))));
    }

    #[tokio::test]
    async fn transport_errors_end_the_stream() {
        let bytes: ByteStream = Box::pin(stream::iter(vec![
            Ok(Bytes::from_static(b"event: ping\ndata: 1\n\n")),
            Err(ApiError::new(ApiErrorKind::Network, "reset")),
            Ok(Bytes::from_static(b"event: ping\ndata: 2\n\n")),
        ]));
        let items: Vec<_> = events_from_bytes(bytes).collect().await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].as_ref().unwrap_err().detail, "reset");
    }

    #[tokio::test(start_paused = true)]
    async fn silence_longer_than_idle_is_a_timeout() {
        let silent = stream::pending::<Result<Bytes, reqwest::Error>>();
        let items: Vec<_> =
            idle_limited(silent, Duration::from_secs(45), "/v1/runs/r/stream".into())
                .collect()
                .await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap_err().kind, ApiErrorKind::Timeout);
    }
}
