//! `lamina://localhost/<local run id>/<output index>[/thumb]`: the only way images reach the web
//! view. Opaque ids, files only from the output cache, and only the formats the core re-validated.
//! `/thumb` serves the cached 512 px thumbnail (the original when there is none, e.g. a video).

use std::path::Path;

use lamina_core::outputs::Thumbnail;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::session::Session;

pub const SCHEME: &str = "lamina";

const ALLOWED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "video/mp4",
    "video/webm",
];

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_owned();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<Session>();
        let response = match serve(&session, &path).await {
            Ok((content_type, bytes)) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type)
                .header(
                    header::CACHE_CONTROL,
                    "private, max-age=31536000, immutable",
                )
                .header("X-Content-Type-Options", "nosniff")
                .body(bytes),
            Err(status) => Response::builder().status(status).body(Vec::new()),
        };
        match response {
            Ok(response) => responder.respond(response),
            Err(error) => tracing::warn!(%error, "could not build a media response"),
        }
    });
}

async fn serve(session: &Session, path: &str) -> Result<(String, Vec<u8>), StatusCode> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (Some(local_id), Some(index), variant, None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(StatusCode::BAD_REQUEST);
    };
    let thumbnail = match variant {
        None => false,
        Some("thumb") => true,
        Some(_) => return Err(StatusCode::BAD_REQUEST),
    };
    let index: usize = index.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
    let workspace = session
        .workspace()
        .await
        .map_err(|_| StatusCode::NOT_FOUND)?;
    let record = workspace
        .store()
        .get(local_id)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .ok_or(StatusCode::NOT_FOUND)?;
    let file = record
        .outputs
        .get(index)
        .and_then(|o| o.file.clone())
        .ok_or(StatusCode::NOT_FOUND)?;
    let (path, content_type) = match (&file.thumbnail, thumbnail) {
        (Some(thumb), true) => (thumb.clone(), Thumbnail::CONTENT_TYPE.to_owned()),
        _ => (file.path.clone(), file.content_type.clone()),
    };
    if !ALLOWED_TYPES.contains(&content_type.as_str()) {
        return Err(StatusCode::FORBIDDEN);
    }
    if !inside(workspace.outputs_dir(), &path).await {
        return Err(StatusCode::FORBIDDEN);
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| StatusCode::NOT_FOUND)?;
    Ok((content_type, bytes))
}

/// The file really lives in the output cache (no symlink or `..` escapes).
async fn inside(root: &Path, file: &Path) -> bool {
    match (
        tokio::fs::canonicalize(root).await,
        tokio::fs::canonicalize(file).await,
    ) {
        (Ok(root), Ok(file)) => file.starts_with(root),
        _ => false,
    }
}
