//! Opening a published post in the system browser. The window may only ask for a post link
//! this app published (from its journal, or the service's history it was shown): the opener is
//! never a way for the web view to open an arbitrary address.

use tauri::{AppHandle, State, Url};
use tauri_plugin_opener::OpenerExt;

use crate::error::{AppError, AppErrorKind};
use crate::session::Session;

/// How many journal entries are searched for the link (the Publishing screen shows as many).
const SEARCHED: usize = 200;

/// Opens a published post's page (its `postUrl`) in the default browser.
#[tauri::command]
#[specta::specta]
pub async fn open_post_link(
    app: AppHandle,
    session: State<'_, Session>,
    url: String,
) -> Result<(), AppError> {
    let parsed = Url::parse(&url).map_err(|error| refused(&url, &error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused(&url, "not an http(s) address"));
    }
    let workspace = session.workspace().await?;
    let known_locally = workspace
        .store()
        .list_publishes(SEARCHED)
        .map_err(lamina_core::CoreError::from)?
        .iter()
        .any(|p| links_to(p, &url));
    let known = known_locally
        || workspace
            .publisher
            .history(SEARCHED)
            .await?
            .entries
            .iter()
            .any(|p| links_to(p, &url));
    if !known {
        return Err(refused(&url, "not the link of a published post"));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|error| {
            AppError::new(
                AppErrorKind::Internal,
                "The post couldn't be opened in your browser.",
                error.to_string(),
            )
        })
}

fn links_to(publish: &lamina_core::publishing::PublishView, url: &str) -> bool {
    publish
        .channels
        .iter()
        .any(|c| c.post_url.as_deref() == Some(url))
}

fn refused(url: &str, why: &str) -> AppError {
    AppError::new(
        AppErrorKind::InvalidInput,
        "That link isn't one of your published posts.",
        format!("open_post_link {url}: {why}"),
    )
}
