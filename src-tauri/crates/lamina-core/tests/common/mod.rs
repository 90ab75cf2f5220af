//! Set-up shared by the tracker test binaries: an in-process sandbox and a workspace that polls
//! at the sandbox's scaled pace.

use std::time::Duration;

use lamina_api::{ApiKey, Inputs};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{PollCadence, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};

pub async fn sandbox(speed: f64) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A workspace on `server` in `mode`, polling every 300 ms (the sandbox's clock is sped up).
pub fn fast_config(
    server: &SandboxHandle,
    data: &std::path::Path,
    mode: DeliveryMode,
) -> WorkspaceConfig {
    let mut config =
        WorkspaceConfig::new(server.base_url(), ApiKey::new(DEMO_KEY), data.to_owned());
    config.tracker.delivery = mode;
    config.tracker.cadence = PollCadence {
        image: Duration::from_millis(300),
        multi_step: Duration::from_millis(300),
        video: Duration::from_millis(300),
        floor: Duration::from_millis(100),
    };
    config
}

pub fn prompt(text: &str) -> Inputs {
    [("Prompt".to_owned(), text.to_owned())]
        .into_iter()
        .collect()
}
