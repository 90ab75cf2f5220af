//! Shared helpers: a fast sandbox, clients of either generation, inputs.

use std::time::Duration;

use lamina_api::{ApiGeneration, ApiKey, ClientConfig, Inputs, LaminaClient};
use lamina_sandbox::{DEMO_KEY, FaultRule, SandboxConfig, SandboxHandle, SandboxStats};

pub const GENERATIONS: [ApiGeneration; 2] = [ApiGeneration::V1, ApiGeneration::Legacy];

/// A sandbox where runs take well under a second and webhook retries are quick.
pub fn fast() -> SandboxConfig {
    SandboxConfig {
        speed: 50.0,
        webhook_retry_delays: vec![Duration::from_millis(100), Duration::from_millis(200)],
        webhook_timeout: Duration::from_secs(2),
        ..SandboxConfig::default()
    }
}

pub async fn start(config: SandboxConfig) -> SandboxHandle {
    lamina_sandbox::start(config)
        .await
        .expect("the sandbox starts")
}

pub fn config(sandbox: &SandboxHandle, generation: ApiGeneration) -> ClientConfig {
    let mut config = ClientConfig::new(sandbox.base_url(), ApiKey::new(DEMO_KEY));
    config.generation = generation;
    config
}

pub fn client(sandbox: &SandboxHandle, generation: ApiGeneration) -> LaminaClient {
    LaminaClient::new(config(sandbox, generation)).unwrap()
}

pub fn client_with(
    sandbox: &SandboxHandle,
    generation: ApiGeneration,
    tweak: impl FnOnce(&mut ClientConfig),
) -> LaminaClient {
    let mut config = config(sandbox, generation);
    tweak(&mut config);
    LaminaClient::new(config).unwrap()
}

pub fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub fn hero_inputs() -> Inputs {
    inputs(&[("Prompt", "a red sneaker on a white plinth")])
}

pub fn faults(sandbox: &SandboxHandle, spec: &str) {
    sandbox.set_faults(FaultRule::parse_spec(spec).unwrap());
}

pub fn route(stats: &SandboxStats, key: &str) -> u64 {
    stats.by_route.get(key).copied().unwrap_or(0)
}

/// `/v1` or `/api`.
pub fn prefix(generation: ApiGeneration) -> &'static str {
    match generation {
        ApiGeneration::V1 => "/v1",
        ApiGeneration::Legacy => "/api",
    }
}

/// `runs` or `executions`.
pub fn runs_noun(generation: ApiGeneration) -> &'static str {
    match generation {
        ApiGeneration::V1 => "runs",
        ApiGeneration::Legacy => "executions",
    }
}
