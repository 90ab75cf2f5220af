//! Updates through `tauri-plugin-updater`, off until an endpoint is configured.
//!
//! The endpoint is `plugins.updater.endpoints` in `tauri.conf.json`: empty in the repository, set
//! by the release workflow (see README "Releases"). With no endpoint the plugin is not even
//! registered. With one, the app checks once at start-up, verifies the update's signature against
//! the public key in the config (the plugin refuses unsigned or wrongly signed packages) and asks
//! with a native dialog before installing. Nothing here is reachable from the web view: no
//! updater permission is granted to any window.

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_updater::UpdaterExt;

/// Whether the config names at least one update endpoint.
pub fn configured(config: &tauri::Config) -> bool {
    config
        .plugins
        .0
        .get("updater")
        .and_then(|updater| updater.get("endpoints"))
        .and_then(|endpoints| endpoints.as_array())
        .is_some_and(|endpoints| !endpoints.is_empty())
}

/// Checks for an update in the background; failures are logged, never shown as errors.
pub fn check_in_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let update = match app.updater() {
            Ok(updater) => updater.check().await,
            Err(error) => Err(error),
        };
        match update {
            Ok(Some(update)) => offer(app, update),
            Ok(None) => tracing::info!("no update available"),
            Err(error) => tracing::warn!(%error, "could not check for updates"),
        }
    });
}

fn offer<R: Runtime>(app: AppHandle<R>, update: tauri_plugin_updater::Update) {
    let text = format!(
        "Lamina Desktop {} is available (you have {}). Install it and restart now?",
        update.version, update.current_version
    );
    let dialog_app = app.clone();
    dialog_app
        .dialog()
        .message(text)
        .title("Update available")
        .kind(MessageDialogKind::Info)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Install and restart".into(),
            "Later".into(),
        ))
        .show(move |accepted| {
            if !accepted {
                return;
            }
            tauri::async_runtime::spawn(async move {
                match update.download_and_install(|_, _| {}, || {}).await {
                    Ok(()) => app.restart(),
                    Err(error) => {
                        tracing::warn!(%error, "the update could not be installed");
                        app.dialog()
                            .message(format!("The update could not be installed: {error}"))
                            .title("Update failed")
                            .kind(MessageDialogKind::Error)
                            .show(|_| {});
                    }
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::configured;

    fn config_with(updater: serde_json::Value) -> tauri::Config {
        let mut config = tauri::Config::default();
        config.plugins.0.insert("updater".into(), updater);
        config
    }

    #[test]
    fn off_without_an_endpoint() {
        assert!(!configured(&tauri::Config::default()));
        assert!(!configured(&config_with(
            serde_json::json!({"pubkey": "k", "endpoints": []})
        )));
    }

    #[test]
    fn on_with_an_endpoint() {
        assert!(configured(&config_with(serde_json::json!({
            "pubkey": "k",
            "endpoints": ["https://updates.example.com/{{target}}/{{current_version}}"]
        }))));
    }

    #[test]
    fn the_shipped_config_has_a_key_and_no_endpoint() {
        let shipped: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap_or_default();
        let updater = &shipped["plugins"]["updater"];
        assert!(updater["pubkey"].as_str().is_some_and(|k| k.len() > 40));
        assert_eq!(updater["endpoints"], serde_json::json!([]));
    }
}
