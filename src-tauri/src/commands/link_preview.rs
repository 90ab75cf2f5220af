//! Link previews: a thumbnail of the picture behind an address pasted into a `url` field,
//! fetched in Rust (see `lamina_core::link_preview`) so the web view never loads other origins.

use std::sync::OnceLock;

use lamina_core::link_preview::{LinkPreview, LinkPreviewError, LinkPreviewer, PreviewLimits};
use tauri::State;

use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

impl From<LinkPreviewError> for AppError {
    fn from(error: LinkPreviewError) -> Self {
        let kind = match &error {
            LinkPreviewError::NotWebAddress
            | LinkPreviewError::TooLarge { .. }
            | LinkPreviewError::NotAnImage { .. } => AppErrorKind::InvalidInput,
            LinkPreviewError::PrivateAddress { .. } => AppErrorKind::Forbidden,
            LinkPreviewError::Status { status: 404 | 410 } => AppErrorKind::NotFound,
            LinkPreviewError::Status { .. }
            | LinkPreviewError::TooManyRedirects
            | LinkPreviewError::Unreachable { .. } => AppErrorKind::Network,
            LinkPreviewError::Undecodable { .. } => AppErrorKind::Decode,
            LinkPreviewError::Timeout => AppErrorKind::Timeout,
        };
        AppError::new(kind, error.to_string(), error.detail())
    }
}

/// One previewer (one client) for the whole app.
fn previewer() -> Result<&'static LinkPreviewer, AppError> {
    static PREVIEWER: OnceLock<LinkPreviewer> = OnceLock::new();
    if let Some(previewer) = PREVIEWER.get() {
        return Ok(previewer);
    }
    let built = LinkPreviewer::new(PreviewLimits::default())?;
    Ok(PREVIEWER.get_or_init(|| built))
}

/// The preview of the picture at `url`. The only local address it may reach is the service the
/// app is connected to (the demo workspace's sandbox, whose built-in storage holds dropped
/// photos); every other private or local address is refused before any request.
#[tauri::command]
#[specta::specta]
pub async fn link_preview(
    session: State<'_, Session>,
    url: String,
) -> Result<LinkPreview, AppError> {
    let service = match session.workspace().await {
        Ok(workspace) => Some(workspace.client().base_url().to_owned()),
        Err(_) => None,
    };
    Ok(previewer()?.fetch(&url, service.as_deref()).await?)
}
