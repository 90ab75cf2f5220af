//! Set-up of the test binaries that drive one workspace with the demo key on an in-process
//! sandbox (`output_reuse.rs`, `publish_once.rs`, `crash_resume.rs`, `upload_runs.rs`): the
//! sandbox, full or minimal, on a sped-up clock; the workspace on a data folder (opened again on
//! the same folder for a restart); what the sandbox counted on one route.

use std::path::Path;

use lamina_api::ApiKey;
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};

/// A sandbox whose clock runs `speed` times faster; `minimal` offers only the four endpoints.
#[allow(dead_code)] // crash_resume.rs starts its own, rate limit raised
pub async fn sandbox(speed: f64, minimal: bool) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A workspace with the default settings on `base_url` with the demo key.
pub fn workspace(base_url: &str, data: &Path) -> Workspace {
    Workspace::open(WorkspaceConfig::new(
        base_url,
        ApiKey::new(DEMO_KEY),
        data.to_owned(),
    ))
    .unwrap()
}

/// Requests the sandbox received on `route` (`"METHOD /path/{template}"`).
#[allow(dead_code)] // crash_resume.rs and upload_runs.rs count no route
pub fn requests_to(server: &SandboxHandle, route: &str) -> u64 {
    server.stats().by_route.get(route).copied().unwrap_or(0)
}
