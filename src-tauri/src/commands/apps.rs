//! The catalog, cached so the last one shows while offline.

use lamina_api::{App, AppSummary};
use lamina_core::Workspace;
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::session::Session;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppCatalog {
    pub apps: Vec<AppSummary>,
    /// True when the service could not be reached and this is the last catalog seen.
    pub offline: bool,
}

const CATALOG_KEY: &str = "catalog";

#[tauri::command]
#[specta::specta]
pub async fn list_apps(
    session: State<'_, Session>,
    search: Option<String>,
) -> Result<AppCatalog, AppError> {
    let workspace = session.workspace().await?;
    catalog(&workspace, search).await
}

/// The service's catalog (saved for later when unfiltered), or the last one saved when the
/// service cannot be reached.
pub(crate) async fn catalog(
    workspace: &Workspace,
    search: Option<String>,
) -> Result<AppCatalog, AppError> {
    let search = search.filter(|s| !s.trim().is_empty());
    match workspace.client().list_apps(search.as_deref()).await {
        Ok(apps) => {
            workspace.tracker.set_online(true);
            if search.is_none()
                && let Ok(json) = serde_json::to_string(&apps)
            {
                let _ = workspace.store().kv_set(CATALOG_KEY, &json);
            }
            Ok(AppCatalog {
                apps,
                offline: false,
            })
        }
        Err(error) if error.is_transient() => {
            if error.is_unreachable() {
                workspace.tracker.set_online(false);
            }
            match saved_catalog(workspace) {
                Some(apps) => Ok(AppCatalog {
                    apps: filter(apps, search.as_deref()),
                    offline: true,
                }),
                None => Err(error.into()),
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// The last unfiltered catalog the service gave, if any.
pub(crate) fn saved_catalog(workspace: &Workspace) -> Option<Vec<AppSummary>> {
    workspace
        .store()
        .kv_get(CATALOG_KEY)
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
}

fn filter(apps: Vec<AppSummary>, search: Option<&str>) -> Vec<AppSummary> {
    let Some(search) = search.map(str::to_lowercase) else {
        return apps;
    };
    apps.into_iter()
        .filter(|a| {
            a.name.to_lowercase().contains(&search)
                || a.description.to_lowercase().contains(&search)
        })
        .collect()
}

#[tauri::command]
#[specta::specta]
pub async fn get_app(session: State<'_, Session>, app_id: String) -> Result<App, AppError> {
    let workspace = session.workspace().await?;
    let key = format!("app:{app_id}");
    match workspace.client().get_app(&app_id).await {
        Ok(app) => {
            if let Ok(json) = serde_json::to_string(&app) {
                let _ = workspace.store().kv_set(&key, &json);
            }
            Ok(app)
        }
        Err(error) if error.is_transient() => workspace
            .store()
            .kv_get(&key)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or_else(|| error.into()),
        Err(error) => Err(error.into()),
    }
}

/// The app as last fetched, for starting a run without a second catalog request.
pub fn cached_app(workspace: &lamina_core::Workspace, app_id: &str) -> Option<App> {
    workspace
        .store()
        .kv_get(&format!("app:{app_id}"))
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
}
