//! Set-up shared by the desktop app's test binaries.

use lamina_sandbox::{SandboxConfig, SandboxHandle};

/// A sandbox running 20× faster, accepting `key` (the demo workspace's key when `None`).
pub async fn fast_sandbox(key: Option<&str>) -> SandboxHandle {
    let mut config = SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    };
    if let Some(key) = key {
        config.keys = vec![key.to_owned()];
    }
    lamina_sandbox::start(config).await.unwrap()
}
