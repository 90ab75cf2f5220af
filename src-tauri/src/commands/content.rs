//! "Describe what you need": a brief becomes a run of an app the service chooses. Content runs
//! are ordinary runs (their changes arrive as `RunUpdated`); these commands add the brief, the
//! templates and the brand context. A service without these endpoints answers "not offered",
//! never an error.

use lamina_api::Inputs;
use lamina_core::Offered;
use lamina_core::content::{ContentBrief, ContentRunView, ContentRunner, library};
use lamina_core::{CoreError, Workspace};
use tauri::State;

use crate::commands::offered::{
    OfferedBrand, OfferedContentRun, OfferedContentRuns, OfferedScores, OfferedTemplate,
    OfferedTemplates,
};
use crate::error::AppError;
use crate::session::Session;

/// Follows a started run in the background (it resumes on restart if this stops).
fn follow_in_background(workspace: &Workspace, local_id: String) {
    let tracker = workspace.tracker.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = tracker.follow(&local_id).await {
            tracing::warn!(%error, run = %local_id, "stopped following a run; it resumes on restart");
        }
    });
}

/// One brief: returns once the service has chosen the app, filled its inputs and started the
/// run; the outputs arrive as `RunUpdated` events like any run's.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn describe_create(
    session: State<'_, Session>,
    brief: String,
    platform: Option<String>,
    modality: Option<String>,
    template_id: Option<String>,
    brand_id: Option<String>,
    inputs: Option<Inputs>,
) -> Result<OfferedContentRun, AppError> {
    let workspace = session.workspace().await?;
    let runner = ContentRunner::new(workspace.tracker.clone());
    let request = ContentBrief {
        brief,
        platform,
        modality,
        template_id,
        brand_id,
        inputs: inputs.unwrap_or_default(),
    };
    let created = runner.create(&request).await?;
    if let Offered::Offered { value } = &created {
        follow_in_background(&workspace, value.run.local_id.clone());
    }
    Ok(created.into())
}

/// Up to any number of briefs, ten per request to the service, each its own run.
#[tauri::command]
#[specta::specta]
pub async fn describe_batch(
    session: State<'_, Session>,
    briefs: Vec<ContentBrief>,
) -> Result<OfferedContentRuns, AppError> {
    let workspace = session.workspace().await?;
    let runner = ContentRunner::new(workspace.tracker.clone());
    let created = runner.create_batch(&briefs).await?;
    if let Offered::Offered { value } = &created {
        for view in value.iter().filter(|v| v.run.run_id.is_some()) {
            follow_in_background(&workspace, view.run.local_id.clone());
        }
    }
    Ok(created.into())
}

/// A run with its brief (`None` for an ordinary run).
#[tauri::command]
#[specta::specta]
pub async fn content_run(
    session: State<'_, Session>,
    run_id: String,
) -> Result<Option<ContentRunView>, AppError> {
    let workspace = session.workspace().await?;
    Ok(workspace
        .store()
        .content_run(&run_id)
        .map_err(CoreError::from)?)
}

/// Scores of a finished run (`value: null` until its outputs exist or when none are scored).
#[tauri::command]
#[specta::specta]
pub async fn content_scores(
    session: State<'_, Session>,
    run_id: String,
) -> Result<OfferedScores, AppError> {
    let workspace = session.workspace().await?;
    Ok(ContentRunner::new(workspace.tracker.clone())
        .scores(&run_id)
        .await?
        .into())
}

#[tauri::command]
#[specta::specta]
pub async fn list_templates(session: State<'_, Session>) -> Result<OfferedTemplates, AppError> {
    let workspace = session.workspace().await?;
    Ok(library::templates(workspace.client()).await?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn template(
    session: State<'_, Session>,
    id: String,
) -> Result<OfferedTemplate, AppError> {
    let workspace = session.workspace().await?;
    Ok(library::template(workspace.client(), &id).await?.into())
}

/// What Lamina follows for the brand (the default profile, or `brand_id`'s).
#[tauri::command]
#[specta::specta]
pub async fn brand_context(
    session: State<'_, Session>,
    brand_id: Option<String>,
) -> Result<OfferedBrand, AppError> {
    let workspace = session.workspace().await?;
    Ok(library::brand(workspace.client(), brand_id.as_deref())
        .await?
        .into())
}
