//! Publishing a run's outputs to the merchant's channels, and the Publishing screen. Every
//! change of a publish is committed to the journal, then sent to the window as
//! `PublishUpdated`. A publish is never sent twice: see `lamina_core::publishing`.

use std::time::Duration;

use lamina_core::Workspace;
use lamina_core::publishing::{PublishRequest, PublishState, PublishView, PublishingHistory};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::async_runtime::JoinHandle;

use crate::commands::offered::{OfferedChannels, OfferedPublishes};
use crate::error::AppError;
use crate::session::Session;

/// A publish changed (committed to the journal first).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct PublishUpdated(pub PublishView);

/// Where publish changes go: the window in the app; nowhere by default.
pub type PublishSink = std::sync::Arc<dyn Fn(PublishView) + Send + Sync>;

/// How often unconfirmed publishes are checked against the service's history.
const SETTLE_EVERY: Duration = Duration::from_secs(10);

/// The connected channels.
#[tauri::command]
#[specta::specta]
pub async fn publishing_channels(session: State<'_, Session>) -> Result<OfferedChannels, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.publisher.channels().await?.into())
}

/// The caption a run suggests: its first text output, if it has one.
#[tauri::command]
#[specta::specta]
pub async fn caption_for_run(
    session: State<'_, Session>,
    run_id: String,
) -> Result<Option<String>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.publisher.caption_for_run(&run_id)?)
}

/// Publishes the chosen outputs of a run (one post per image or video) to the chosen channels,
/// after the window's explicit confirmation. Returns each publish as it ended: confirmed,
/// failed, or unconfirmed (settled later from the history; watch `PublishUpdated`).
#[tauri::command]
#[specta::specta]
pub async fn publish(
    session: State<'_, Session>,
    run_id: String,
    output_indexes: Vec<u32>,
    channel_ids: Vec<String>,
    caption: Option<String>,
) -> Result<OfferedPublishes, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace
        .publisher
        .publish(&PublishRequest {
            run_id,
            output_indexes,
            channel_ids,
            caption,
        })
        .await?
        .into())
}

/// This computer's publishes merged with the service's history (unconfirmed ones settled
/// first, when the service keeps a history).
#[tauri::command]
#[specta::specta]
pub async fn publishing_history(
    session: State<'_, Session>,
) -> Result<PublishingHistory, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace.publisher.history(200).await?)
}

/// Relays publish changes to the sink; on opening a workspace closes publishes cut off by a
/// quit or crash (never re-sent), then settles unconfirmed ones every few seconds.
pub fn relay_publishes(sink: PublishSink, workspace: &Workspace) -> JoinHandle<()> {
    let publisher = workspace.publisher.clone();
    let store = workspace.store().clone();
    let mut events = publisher.subscribe();
    tauri::async_runtime::spawn(async move {
        let relay = async {
            loop {
                match events.recv().await {
                    Ok(publish) => sink(publish),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        };
        let settle = async {
            if let Err(error) = publisher.resume().await {
                tracing::warn!(%error, "could not settle interrupted publishes");
            }
            loop {
                tokio::time::sleep(SETTLE_EVERY).await;
                let open = store
                    .publishes_in(&[PublishState::Unconfirmed])
                    .map(|open| !open.is_empty())
                    .unwrap_or(false);
                if open && let Err(error) = publisher.settle_now().await {
                    tracing::info!(%error, "could not check unconfirmed publishes yet");
                }
            }
        };
        tokio::join!(relay, settle);
    })
}
