//! Shared helpers: a fast sandbox, clients of either generation, inputs.

use std::time::Duration;

use lamina_api::{ApiGeneration, ApiKey, ClientConfig, Inputs, LaminaClient, Run};
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

/// The two services the required endpoints (list apps, get an app, start a run, get a run) are
/// held to: the full sandbox, and the minimal one (every other endpoint a 404 page, the first
/// status read of each run a 429 with `Retry-After: 1`, `startedAt` equal to `completedAt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Full,
    Minimal,
}

impl Service {
    /// `base` with this service's optional endpoints on or off.
    pub fn config(self, base: SandboxConfig) -> SandboxConfig {
        SandboxConfig {
            minimal: self == Service::Minimal,
            ..base
        }
    }

    /// A sandbox of this kind from `base`.
    pub async fn start(self, base: SandboxConfig) -> SandboxHandle {
        start(self.config(base)).await
    }

    /// 429s the service itself puts on the first status read of `runs` runs.
    pub fn first_read_429s(self, runs: u64) -> u64 {
        match self {
            Service::Full => 0,
            Service::Minimal => runs,
        }
    }
}

/// One test per service from `async fn name(service: Service)`: `name::full_service` and
/// `name::minimal_service`, so a failure names the configuration and a filter can pick one.
macro_rules! for_both_services {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn full_service() {
                super::$name($crate::common::Service::Full).await;
            }

            #[tokio::test]
            async fn minimal_service() {
                super::$name($crate::common::Service::Minimal).await;
            }
        }
    )+};
}
pub(crate) use for_both_services;

/// Reads the run (`GET /runs/{id}` only, the one read every service has) until it has settled.
pub async fn until_settled(client: &LaminaClient, run_id: &str) -> Run {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let run = client.get_run(run_id).await.unwrap();
        if run.status.is_terminal() {
            return run;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "run {run_id} never settled: {run:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
