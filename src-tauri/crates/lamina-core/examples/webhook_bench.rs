//! Webhook benchmark: how fast and how cheaply a finished run is learnt with webhooks (the
//! core's receiver, fed by the sandbox's signed deliveries) against the tracker's SSE stream and
//! `/wait` long-poll and the docs' fixed 5 s polling, all in one run against the sandbox over
//! real HTTP. Prints a table; `make bench` runs it.
//!
//! Time is scaled by `--scale S` (default 4) as in `delivery_bench`: the sandbox runs S times
//! faster, the rate-limit window, the 5 s polling interval and the webhook fallback (30 s) are
//! divided by S. Event-driven latencies are not scaled.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};

use chrono::Utc;
use lamina_api::{ApiKey, Inputs};
use lamina_core::delivery::DeliveryMode;
use lamina_core::webhook::{KeySource, ReceiverConfig, WebhookReceiver};
use lamina_core::{RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxHandle, catalog};

mod bench_common;
use bench_common::{MIX, Scale, fixed_polling, flag, inputs_for, percentile, server};

#[derive(Clone, Copy, PartialEq)]
enum Strategy {
    Webhook,
    Stream,
    Wait,
    FixedPolling,
}

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Self::Webhook => "webhook (+30 s fallback)",
            Self::Stream => "tracker: SSE stream",
            Self::Wait => "tracker: /wait long-poll",
            Self::FixedPolling => "docs: fixed 5 s polling",
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale = Scale(flag(&args, "--scale").unwrap_or(4.0));
    let runs = flag(&args, "--runs").unwrap_or(30.0) as usize;
    println!(
        "Webhook benchmark against the sandbox (time scale ×{}; {runs} runs of mixed apps, 5 at a time)\n",
        scale.0
    );
    println!(
        "{:<26} {:>8} {:>8} {:>8} {:>13} {:>13} {:>12}",
        "strategy", "p50 ms", "p95 ms", "max ms", "API req/run", "webhooks/run", "req 35s run"
    );
    for strategy in [
        Strategy::Webhook,
        Strategy::Stream,
        Strategy::Wait,
        Strategy::FixedPolling,
    ] {
        let phase = latency_phase(strategy, &scale, runs).await;
        let single = single_run_requests(strategy, &scale).await;
        let mut latencies = phase.latencies;
        latencies.sort_unstable();
        println!(
            "{:<26} {:>8} {:>8} {:>8} {:>13.2} {:>13.2} {:>12}",
            strategy.name(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.95),
            latencies.last().copied().unwrap_or_default(),
            phase.requests_per_run,
            phase.webhooks_per_run,
            single
        );
    }
    println!(
        "    latency: the service's completedAt to the tracker returning the finished run; API requests \
         are what the sandbox served (run start, reads, and the receiver's one signing-key fetch; the webhook POSTs go the other way)."
    );
}

/// A workspace for the strategy, and for webhooks its running receiver.
async fn workspace(
    server: &SandboxHandle,
    scale: &Scale,
    strategy: Strategy,
    data: &std::path::Path,
) -> (Workspace, Option<WebhookReceiver>) {
    let mut config =
        WorkspaceConfig::new(server.base_url(), ApiKey::new(DEMO_KEY), data.to_owned());
    config.budget.window = scale.secs(60.0);
    config.tracker.delivery = match strategy {
        Strategy::Wait => DeliveryMode::Wait,
        _ => DeliveryMode::Stream,
    };
    config.tracker.download_outputs = false;
    config.tracker.webhook_fallback = scale.secs(30.0);
    config.tracker.cadence = scale.cadence();
    let workspace = Workspace::open(config).unwrap();
    let receiver = if strategy == Strategy::Webhook {
        let receiver = WebhookReceiver::start(
            workspace.tracker.clone(),
            KeySource::Service(workspace.client().clone()),
            ReceiverConfig {
                bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                ..ReceiverConfig::default()
            },
        )
        .await
        .unwrap();
        Some(receiver)
    } else {
        None
    };
    (workspace, receiver)
}

struct Phase {
    latencies: Vec<i64>,
    requests_per_run: f64,
    webhooks_per_run: f64,
}

async fn latency_phase(strategy: Strategy, scale: &Scale, runs: usize) -> Phase {
    let server = server(scale, true, false).await;
    let data = tempfile::tempdir().unwrap();
    let (workspace, receiver) = workspace(&server, scale, strategy, data.path()).await;
    let mut apps = HashMap::new();
    for (id, _) in MIX {
        apps.insert(id, workspace.client().get_app(id).await.unwrap());
    }
    let before = server.stats();
    let mut latencies = Vec::new();
    for wave in (0..runs).collect::<Vec<_>>().chunks(5) {
        let tasks = wave.iter().map(|&index| {
            let (app_id, inputs) = inputs_for(index);
            let app = apps[app_id].clone();
            let workspace = workspace.clone();
            let interval = scale.secs(5.0);
            async move {
                if strategy == Strategy::FixedPolling {
                    let (run, observed) =
                        fixed_polling(workspace.client(), &app.app_id, &inputs, interval).await;
                    (observed - run.completed_at.unwrap()).num_milliseconds()
                } else {
                    let record = workspace.tracker.run(&app, &inputs, None).await.unwrap();
                    let observed = Utc::now();
                    assert_eq!(record.state, RunState::Completed);
                    (observed - record.completed_at.unwrap()).num_milliseconds()
                }
            }
        });
        latencies.extend(futures_util::future::join_all(tasks).await);
    }
    let after = server.stats();
    drop(receiver);
    server.shutdown().await;
    Phase {
        latencies,
        requests_per_run: (after.requests_total - before.requests_total) as f64 / runs as f64,
        webhooks_per_run: (after.webhook_attempts - before.webhook_attempts) as f64 / runs as f64,
    }
}

/// API requests for one Product Video run (~35 s real).
async fn single_run_requests(strategy: Strategy, scale: &Scale) -> u64 {
    let server = server(scale, true, false).await;
    let data = tempfile::tempdir().unwrap();
    let (workspace, receiver) = workspace(&server, scale, strategy, data.path()).await;
    let app = workspace
        .client()
        .get_app(catalog::PRODUCT_VIDEO)
        .await
        .unwrap();
    let mut inputs = Inputs::new();
    inputs.insert("Prompt".into(), "a sneaker turning on a plinth".into());
    let before = server.stats().requests_total;
    if strategy == Strategy::FixedPolling {
        fixed_polling(workspace.client(), &app.app_id, &inputs, scale.secs(5.0)).await;
    } else {
        workspace.tracker.run(&app, &inputs, None).await.unwrap();
    }
    let spent = server.stats().requests_total - before;
    drop(receiver);
    server.shutdown().await;
    spent
}
