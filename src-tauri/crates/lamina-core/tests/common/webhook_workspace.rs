//! A workspace for the webhook test binaries (`webhook.rs`, `delivery_settings.rs`): it polls at
//! the sandbox's sped-up pace but waits far longer than any run for its fallback poll, so a run's
//! end can only be learnt from a delivery.

use std::time::Duration;

use lamina_api::{ApiKey, Inputs};
use lamina_core::{PollCadence, RunRecord, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, catalog};

pub fn workspace(base_url: &str, data: &std::path::Path) -> Workspace {
    let mut config = WorkspaceConfig::new(base_url, ApiKey::new(DEMO_KEY), data.to_owned());
    config.tracker.cadence = PollCadence {
        image: Duration::from_millis(400),
        multi_step: Duration::from_millis(600),
        video: Duration::from_millis(900),
        floor: Duration::from_millis(100),
    };
    // Far beyond any run here: completion can only be learnt from the webhook.
    config.tracker.webhook_fallback = Duration::from_secs(120);
    Workspace::open(config).unwrap()
}

/// A Hero Image run of `prompt`, followed to its end (within 30 s), delivered to `webhook` when
/// given, else to the workspace's own receiver if it has one.
#[allow(dead_code)] // doctor.rs needs only the workspace
pub async fn run_hero(workspace: &Workspace, prompt: &str, webhook: Option<&str>) -> RunRecord {
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), prompt.to_string())].into();
    tokio::time::timeout(
        Duration::from_secs(30),
        workspace.tracker.run(&hero, &inputs, webhook),
    )
    .await
    .expect("the run settles within 30 s")
    .unwrap()
}
