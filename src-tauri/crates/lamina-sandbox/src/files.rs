//! `GET /files/{runId}/{index}.{ext}` and `GET /files/samples/{name}`: generated on first
//! request, cached in memory, served without auth like a CDN. Download faults (from rules or from
//! a Fault Lab run's `Fault` input) are applied here.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::catalog::{Behaviour, Format, Shape};
use crate::errors::{ApiError, render};
use crate::fault_responses::{self, dropped};
use crate::faults::FaultKind;
use crate::flavor::Flavor;
use crate::images::{self, LONG_SIDE, VIDEO_FRAMES, VIDEO_LONG_SIDE};
use crate::middleware::RequestId;
use crate::runs::{RunRecord, fnv1a, mix};
use crate::state::AppState;

/// Declared size of a `huge-image` body.
const HUGE_LEN: u64 = 256 * 1024 * 1024;
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
const SAMPLES: [&str; 4] = ["front", "back", "person", "garment"];

/// How a download misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Misbehave {
    Truncated,
    Huge,
    Svg,
    WrongType,
    Html,
    /// A small, valid PNG claiming 16000×16000 pixels.
    Bomb,
}

pub(crate) async fn output(
    State(state): State<Arc<AppState>>,
    Extension(rid): Extension<RequestId>,
    Path((run_id, file)): Path<(String, String)>,
    method: Method,
    uri: Uri,
) -> Response {
    let rule = match early_fault(&state, &method, &uri, &rid).await {
        Ok(rule) => rule,
        Err(response) => return response,
    };
    let Some(record) = state.runs.get(&run_id) else {
        return not_found(&rid);
    };
    let Some((index, ext)) = file
        .split_once('.')
        .and_then(|(i, e)| Some((i.parse::<usize>().ok()?, e)))
    else {
        return not_found(&rid);
    };
    let Some(format) = record
        .file_ready(index, record.elapsed())
        .filter(|f| f.ext() == ext)
    else {
        return not_found(&rid);
    };
    let key = format!("{run_id}/{index}");
    let job = {
        let record = Arc::clone(&record);
        move || render_output(&record, index, format)
    };
    let bytes = match cached_or_generate(&state, key, job).await {
        Ok(b) => b,
        Err(e) => return render(&ApiError::internal(e), Flavor::V1Runs, &rid.0),
    };
    let (misbehave, drop) = combine(rule, lab_fault(&record));
    serve(bytes, format.content_type(), misbehave, drop, record.seed)
}

pub(crate) async fn sample(
    State(state): State<Arc<AppState>>,
    Extension(rid): Extension<RequestId>,
    Path(name): Path<String>,
    method: Method,
    uri: Uri,
) -> Response {
    let rule = match early_fault(&state, &method, &uri, &rid).await {
        Ok(rule) => rule,
        Err(response) => return response,
    };
    let Some(stem) = name.strip_suffix(".png").filter(|s| SAMPLES.contains(s)) else {
        return not_found(&rid);
    };
    let seed = fnv1a(stem.as_bytes());
    let (w, h) = images::size_for("3:4", LONG_SIDE);
    let job = move || images::still(seed, w, h, Format::Png);
    match cached_or_generate(&state, format!("samples/{stem}"), job).await {
        Ok(bytes) => {
            let (misbehave, drop) = combine(rule, None);
            serve(bytes, "image/png", misbehave, drop, seed)
        }
        Err(e) => render(&ApiError::internal(e), Flavor::V1Runs, &rid.0),
    }
}

/// What a fault rule asks of a download once its bytes exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleFault {
    Misbehave(Misbehave),
    /// Send part of the real bytes, then break the connection.
    Drop,
}

/// Applies rule faults that do not need the file (answering or sleeping here); returns the one
/// to apply to the bytes, if any.
async fn early_fault(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    rid: &RequestId,
) -> Result<Option<RuleFault>, Response> {
    let Some(kind) = state.faults.take(method.as_str(), uri.path()) else {
        return Ok(None);
    };
    let misbehave = match kind {
        FaultKind::TruncatedImage => Misbehave::Truncated,
        FaultKind::HugeImage => Misbehave::Huge,
        FaultKind::Svg => Misbehave::Svg,
        FaultKind::WrongContentType => Misbehave::WrongType,
        FaultKind::Drop => return Ok(Some(RuleFault::Drop)),
        FaultKind::Slow { ms } => {
            state.sleep(std::time::Duration::from_millis(ms)).await;
            return Ok(None);
        }
        other => return Err(fault_responses::respond(state, other, Flavor::V1Runs, &rid.0).await),
    };
    Ok(Some(RuleFault::Misbehave(misbehave)))
}

/// Splits a rule fault into (misbehaviour, drop), letting a Fault Lab run's own choice apply
/// when no rule says otherwise.
fn combine(rule: Option<RuleFault>, lab: Option<Misbehave>) -> (Option<Misbehave>, bool) {
    match rule {
        Some(RuleFault::Misbehave(m)) => (Some(m), false),
        Some(RuleFault::Drop) => (lab, true),
        None => (lab, false),
    }
}

fn lab_fault(record: &RunRecord) -> Option<Misbehave> {
    if record.app.behaviour != Behaviour::FaultLab {
        return None;
    }
    match record.inputs.get("Fault").map(String::as_str) {
        Some("Truncated image") => Some(Misbehave::Truncated),
        Some("Huge image") => Some(Misbehave::Huge),
        Some("SVG instead of image") => Some(Misbehave::Svg),
        Some("Wrong content type") => Some(Misbehave::WrongType),
        Some("HTML page") => Some(Misbehave::Html),
        Some("Decompression bomb") => Some(Misbehave::Bomb),
        _ => None,
    }
}

fn render_output(record: &RunRecord, index: usize, format: Format) -> Result<Vec<u8>, String> {
    let seed = mix(record.seed, index as u64 + 1);
    let shape = record.app.outputs.get(index).map(|o| o.shape);
    let ratio = match shape {
        Some(Shape::Ratio(fallback)) => record
            .inputs
            .get("Aspect Ratio")
            .map_or(fallback, String::as_str),
        Some(Shape::Fixed(ratio)) => ratio,
        None => "1:1",
    };
    if format == Format::Gif {
        let (w, h) = images::size_for(ratio, VIDEO_LONG_SIDE);
        let total_ms = if record.inputs.get("Duration").is_some_and(|d| d == "10s") {
            10_000
        } else {
            5_000
        };
        return images::animation(seed, w, h, VIDEO_FRAMES, total_ms / VIDEO_FRAMES);
    }
    let (w, h) = images::size_for(ratio, LONG_SIDE);
    let shown = record.app.outputs.get(index).and_then(|o| o.photo);
    match shown.and_then(|p| Some((record.photo(p.field)?, p.close_up))) {
        Some((photo, close_up)) => images::still_with_photo(seed, w, h, format, &photo, close_up),
        None => images::still(seed, w, h, format),
    }
}

async fn cached_or_generate(
    state: &AppState,
    key: String,
    job: impl FnOnce() -> Result<Vec<u8>, String> + Send + 'static,
) -> Result<Bytes, String> {
    if let Some(bytes) = state.cached_file(&key) {
        return Ok(bytes);
    }
    // Encoding takes tens of milliseconds: keep it off the async workers.
    let bytes = tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| format!("image generation task failed: {e}"))??;
    let bytes = Bytes::from(bytes);
    state.cache_file(key, bytes.clone());
    Ok(bytes)
}

fn not_found(rid: &RequestId) -> Response {
    render(
        &ApiError::not_found("File not found"),
        Flavor::V1Runs,
        &rid.0,
    )
}

fn serve(
    bytes: Bytes,
    content_type: &'static str,
    misbehave: Option<Misbehave>,
    drop_connection: bool,
    seed: u64,
) -> Response {
    let (body, content_type) = match misbehave {
        None => (bytes, content_type),
        // Cut well inside the data so no decoder can make a whole image of it.
        Some(Misbehave::Truncated) => (bytes.slice(..bytes.len() * 2 / 5), content_type),
        Some(Misbehave::WrongType) => (bytes, "text/plain; charset=utf-8"),
        Some(Misbehave::Svg) => (Bytes::from(images::svg(seed)), "image/svg+xml"),
        Some(Misbehave::Html) => (
            Bytes::from_static(HTML_PAGE.as_bytes()),
            "text/html; charset=utf-8",
        ),
        Some(Misbehave::Bomb) => (images::bomb(), "image/png"),
        Some(Misbehave::Huge) => return huge(),
    };
    if drop_connection {
        let half = body.slice(..body.len() / 2);
        return dropped(content_type, half, body.len() as u64);
    }
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Access denied</title></head>\
<body><h1>Access denied</h1><p>The storage bucket returned an error page instead of the \
image.</p></body></html>\n";

/// A PNG claiming 50000×50000 whose IDAT chunk is zeros, 256 MiB in all, streamed lazily.
fn huge() -> Response {
    // Signature (8) + IHDR chunk (25) + IDAT length and type (8) precede the data.
    let idat_len = u32::try_from(HUGE_LEN - 41).unwrap_or(u32::MAX);
    let header_bytes = Bytes::from(images::png_prefix(50_000, 50_000, idat_len));
    let remaining = HUGE_LEN.saturating_sub(header_bytes.len() as u64);
    let filler = futures_util::stream::unfold(remaining, |left| async move {
        (left > 0).then(|| {
            let n = left.min(ZEROS.len() as u64);
            let chunk = Bytes::from_static(&ZEROS[..n as usize]);
            (Ok::<_, std::io::Error>(chunk), left - n)
        })
    });
    let stream = futures_util::stream::StreamExt::chain(
        futures_util::stream::iter([Ok(header_bytes)]),
        filler,
    );
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(HUGE_LEN));
    response
}
