//! Helpers shared by the integration tests.

// Test code, though not `#[test]` functions themselves.
#![allow(clippy::unwrap_used, dead_code)]

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, start};
use serde_json::{Value, json};

/// A sandbox at speed 100 (runs finish in well under a second).
pub async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    start(SandboxConfig {
        speed: 100.0,
        ..config
    })
    .await
    .unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

pub async fn get(url: String) -> reqwest::Response {
    client()
        .get(url)
        .header("x-api-key", DEMO_KEY)
        .send()
        .await
        .unwrap()
}

pub async fn start_run(base: &str, path: &str, inputs: Value) -> reqwest::Response {
    client()
        .post(format!("{base}{path}"))
        .header("x-api-key", DEMO_KEY)
        .json(&json!({ "inputs": inputs }))
        .send()
        .await
        .unwrap()
}
