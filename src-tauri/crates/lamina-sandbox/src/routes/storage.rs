//! `PUT`, `GET` and `HEAD /_sandbox/files/{name}`: the built-in storage of the demo workspace
//! (see [`crate::storage`]). Test-harness routes like the other `/_sandbox` ones: no auth, no
//! rate limit, answered in minimal mode too.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use crate::state::AppState;
use crate::storage::{MAX_STORED_BYTES, StoredFile, content_type_for, is_valid_name};

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn bad_name(name: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        format!(
            "file name {name:?} must be <sha256 of the bytes, 64 lowercase hex>.<extension>, \
             e.g. 9f86…0a08.png"
        ),
    )
}

/// The public address of a stored file.
pub(crate) fn file_url(base_url: &str, name: &str) -> String {
    format!("{base_url}/_sandbox/files/{name}")
}

/// Stores the body under `name`: 201 when new, 200 when the same name was already stored (the
/// name is the content hash, so the bytes are the same), 413 above the size limit.
pub(super) async fn put(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !is_valid_name(&name) {
        return bad_name(&name);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_big = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the file is larger than the built-in storage takes ({} MB)",
                MAX_STORED_BYTES / (1024 * 1024)
            ),
        )
    };
    if declared.is_some_and(|n| n > MAX_STORED_BYTES as u64) {
        return too_big();
    }
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_STORED_BYTES).await {
        Ok(bytes) => bytes,
        // The only way past the declared-length check: a chunked body that kept going.
        Err(_) => return too_big(),
    };
    if bytes.is_empty() {
        return error(StatusCode::BAD_REQUEST, "the body is empty".into());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != "application/octet-stream")
        .unwrap_or_else(|| content_type_for(&name))
        .to_owned();
    let size = bytes.len();
    let file = StoredFile {
        bytes,
        content_type: content_type.clone(),
    };
    let created = match state.storage.put(&name, file).await {
        Ok(created) => created,
        Err(e) => {
            tracing::error!(error = %e, %name, "built-in storage could not write a file");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the file could not be stored: {e}"),
            );
        }
    };
    state.stats.file_stored(size as u64, created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let url = file_url(&state.base_url, &name);
    let mut response = (
        status,
        Json(json!({ "url": url, "name": name, "size": size, "contentType": content_type })),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Serves a stored file (axum answers `HEAD` from this too, without the body).
pub(super) async fn get(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    if !is_valid_name(&name) {
        return bad_name(&name);
    }
    let file = match state.storage.get(&name).await {
        Ok(Some(file)) => file,
        Ok(None) => return error(StatusCode::NOT_FOUND, format!("no stored file {name:?}")),
        Err(e) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the file could not be read: {e}"),
            );
        }
    };
    state.stats.stored_file_served();
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    // Content-hash names never change what they hold.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
