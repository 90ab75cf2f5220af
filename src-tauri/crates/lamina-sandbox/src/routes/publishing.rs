//! `GET /v1/publishing/channels`, `POST /v1/publishing/publish`, `GET /v1/publishing/history`,
//! `POST /v1/publishing/transfer-asset`, and the post pages `GET /_sandbox/posts/{id}` (see
//! [`crate::publishing`]).

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::storage::file_url;
use super::validate::is_http_url;
use super::{QueryMap, int_param};
use crate::errors::ApiError;
use crate::publishing::{CHANNELS, Post, channel, channel_json, post_page};
use crate::state::AppState;
use crate::storage::{MAX_STORED_BYTES, StoredFile};

/// How long fetching a transferred file may take.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) async fn channels() -> Json<Value> {
    let all: Vec<Value> = CHANNELS.iter().map(channel_json).collect();
    Json(json!({ "data": all }))
}

fn invalid(detail: String) -> ApiError {
    ApiError::validation("Invalid request body", vec![detail])
}

fn url_field(map: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if is_http_url(s) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(invalid(format!("\"{name}\": must be an http or https URL"))),
    }
}

pub(super) async fn publish(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) else {
        return Err(invalid("body must be a JSON object".into()));
    };
    let ids: Vec<String> = match map.get("accountIds") {
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    if ids.is_empty() {
        return Err(invalid(
            "\"accountIds\": required, at least one channel id".into(),
        ));
    }
    let image = url_field(&map, "imageUrl")?;
    let video = url_field(&map, "videoUrl")?;
    let caption = match map.get("caption") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(_) => return Err(invalid("\"caption\": must be a string".into())),
    };
    if image.is_none() && video.is_none() && caption.is_none() {
        return Err(invalid(
            "at least one of \"imageUrl\", \"videoUrl\", \"caption\" is required".into(),
        ));
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty());
    if let Some(earlier) = key.as_deref().and_then(|k| state.posts.for_key(k)) {
        // The same publish again: its first answer, nothing posted twice.
        let results: Vec<Value> = earlier.iter().map(Post::result_json).collect();
        return Ok(Json(json!({ "data": { "results": results } })));
    }
    let (content_type, content_url) = match (&image, &video) {
        (Some(url), _) => ("image", Some(url.clone())),
        (None, Some(url)) => ("video", Some(url.clone())),
        (None, None) => ("text", None),
    };
    let created_at = chrono::DateTime::from_timestamp_millis(Utc::now().timestamp_millis())
        .unwrap_or_else(Utc::now);
    let mut posts = Vec::new();
    for id in &ids {
        let found = channel(id);
        let error = match found {
            None => Some("Channel not found or not connected".to_owned()),
            Some(c) if c.needs_media && content_url.is_none() => Some(format!(
                "{} posts need an image or a video",
                c.name.trim_start_matches("Demo ")
            )),
            Some(_) => None,
        };
        let post_id = format!("post-{}", uuid::Uuid::new_v4().simple());
        posts.push(Post {
            post_url: error
                .is_none()
                .then(|| format!("{}/_sandbox/posts/{post_id}", state.base_url)),
            id: post_id,
            account_id: id.clone(),
            platform: found.map_or("unknown", |c| c.platform).to_owned(),
            content_type,
            content_url: content_url.clone(),
            caption: caption.clone(),
            published: error.is_none(),
            error,
            created_at,
            client_reference: key.clone(),
        });
    }
    let results: Vec<Value> = posts.iter().map(Post::result_json).collect();
    tracing::info!(posts = posts.len(), "published");
    state.posts.add(posts, key);
    Ok(Json(json!({ "data": { "results": results } })))
}

pub(super) async fn history(
    State(state): State<Arc<AppState>>,
    Query(query): Query<QueryMap>,
) -> Result<Json<Value>, ApiError> {
    let limit = int_param(&query, "limit", 25, 1, 100)?;
    let status = match query.get("status").map(String::as_str) {
        None => None,
        Some(s @ ("published" | "failed" | "pending")) => Some(s.to_owned()),
        Some(other) => {
            return Err(ApiError::validation(
                "Invalid query parameter \"status\"",
                vec![format!(
                    "\"status\": must be published, failed or pending (got {other:?})"
                )],
            ));
        }
    };
    let platform = query
        .get("platform")
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty());
    let matching: Vec<Post> = state
        .posts
        .newest_first()
        .into_iter()
        .filter(|p| status.as_deref().is_none_or(|s| s == p.status()))
        .filter(|p| platform.as_deref().is_none_or(|want| want == p.platform))
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .iter()
        .take(usize::try_from(limit).unwrap_or(100))
        .map(Post::history_json)
        .collect();
    Ok(Json(json!({
        "data": page,
        "pagination": {"total": total, "limit": limit, "offset": 0},
    })))
}

/// The extension a stored copy gets: the filename's, else the content type's, else the media
/// type's usual one.
fn extension(filename: Option<&str>, content_type: &str, media: &str) -> String {
    let from_name = filename
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|e| (1..=8).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_alphanumeric()));
    if let Some(ext) = from_name {
        return ext;
    }
    let mime = content_type.split(';').next().unwrap_or("").trim();
    match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" => "wav",
        _ => match media {
            "video" => "mp4",
            "audio" => "mp3",
            _ => "png",
        },
    }
    .to_owned()
}

pub(super) async fn transfer(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) else {
        return Err(invalid("body must be a JSON object".into()));
    };
    let source = match map.get("sourceUrl").and_then(Value::as_str) {
        Some(url) if is_http_url(url) => url.trim().to_owned(),
        _ => {
            return Err(invalid(
                "\"sourceUrl\": required, a public http or https URL".into(),
            ));
        }
    };
    let media = match map.get("mediaType").and_then(Value::as_str) {
        Some(m @ ("image" | "video" | "audio")) => m.to_owned(),
        _ => {
            return Err(invalid(
                "\"mediaType\": required, image, video or audio".into(),
            ));
        }
    };
    let filename = map
        .get("filename")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let unreachable = |why: String| invalid(format!("\"sourceUrl\": could not be fetched ({why})"));
    let mut response = state
        .http
        .get(&source)
        .timeout(TRANSFER_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreachable(lamina_api::error_chain(&e)))?;
    if !response.status().is_success() {
        return Err(unreachable(format!("HTTP {}", response.status().as_u16())));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| unreachable(lamina_api::error_chain(&e)))?
    {
        if bytes.len() + chunk.len() > MAX_STORED_BYTES {
            return Err(invalid(format!(
                "\"sourceUrl\": larger than {} MB",
                MAX_STORED_BYTES / (1024 * 1024)
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(unreachable("the file is empty".into()));
    }
    let ext = extension(filename.as_deref(), &content_type, &media);
    let name = format!("{}.{ext}", hex::encode(Sha256::digest(&bytes)));
    let stored_type = if content_type.is_empty() {
        crate::storage::content_type_for(&name).to_owned()
    } else {
        content_type
    };
    let size = bytes.len();
    let file = StoredFile {
        bytes: Bytes::from(bytes),
        content_type: stored_type,
    };
    let created = state
        .storage
        .put(&name, file)
        .await
        .map_err(|e| ApiError::internal(format!("the file could not be stored: {e}")))?;
    state.stats.file_stored(size as u64, created);
    Ok(Json(
        json!({ "data": { "url": file_url(&state.base_url, &name) } }),
    ))
}

pub(super) async fn post(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let html = |status: StatusCode, body: String| {
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    };
    match state.posts.get(&id).filter(|p| p.published) {
        Some(post) => html(StatusCode::OK, post_page(&post)),
        None => html(
            StatusCode::NOT_FOUND,
            "<!DOCTYPE html>\n<html><head><title>Post not found</title></head><body>\
             <p>This post does not exist (sandbox posts last until the sandbox stops).</p>\
             </body></html>\n"
                .to_owned(),
        ),
    }
}
