//! Delivery benchmark: how fast and how cheaply the tracker learns that a run finished, against
//! the sandbox over real HTTP, compared in the same run with the docs' own strategy (poll every
//! 5 s). Prints tables; `make bench` runs it.
//!
//! Time is scaled by `--scale S` (default 4): the sandbox runs S times faster, its rate-limit
//! window is 60/S s, the client's budget window likewise, and every polling interval (the
//! baseline's 5 s, the tracker's cadence and its 1 s floor) is divided by S. Ratios are kept;
//! latencies of event-driven strategies are not scaled (they are what they are).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use lamina_api::{ApiKey, Inputs, LaminaClient};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{PollCadence, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};

struct Scale(f64);

impl Scale {
    fn secs(&self, real: f64) -> Duration {
        Duration::from_secs_f64(real / self.0)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Strategy {
    Stream,
    Wait,
    AdaptivePolling,
    FixedPolling,
}

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Self::Stream => "tracker: SSE stream",
            Self::Wait => "tracker: /wait long-poll",
            Self::AdaptivePolling => "tracker: adaptive polling",
            Self::FixedPolling => "docs: fixed 5 s polling",
        }
    }

    fn long_poll(self) -> bool {
        matches!(self, Self::Stream | Self::Wait)
    }
}

const MIX: [(&str, &str); 6] = [
    (catalog::HERO_IMAGE, "Prompt"),
    (catalog::PRODUCT_COPY, "Product Name"),
    (catalog::SOCIAL_AD_PACK, "Product Description"),
    (catalog::FULL_SET_CATALOG, ""),
    (catalog::PRODUCT_VIDEO, "Prompt"),
    (catalog::LIFESTYLE_SCENE, "Prompt"),
];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale = Scale(flag(&args, "--scale").unwrap_or(4.0));
    let runs = flag(&args, "--runs").unwrap_or(50.0) as usize;
    let burst = flag(&args, "--burst").unwrap_or(200.0) as usize;
    println!(
        "Delivery benchmark against the sandbox (time scale ×{}; rate limit 100 per {:.0} s)\n",
        scale.0,
        60.0 / scale.0
    );

    println!("(a) completion-to-observed latency, {runs} runs of mixed apps, 5 at a time");
    println!("    (b) requests per run: all runs, and one Product Video run (~35 s real)");
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>12} {:>12}",
        "strategy", "p50 ms", "p95 ms", "max ms", "req/run all", "req 35s run"
    );
    for strategy in [
        Strategy::Stream,
        Strategy::Wait,
        Strategy::AdaptivePolling,
        Strategy::FixedPolling,
    ] {
        let (mut latencies, per_run) = latency_phase(strategy, &scale, runs).await;
        let single = single_run_requests(strategy, &scale).await;
        latencies.sort_unstable();
        println!(
            "{:<28} {:>9} {:>9} {:>9} {:>12.2} {:>12}",
            strategy.name(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.95),
            latencies.last().copied().unwrap_or_default(),
            per_run,
            single
        );
    }
    println!(
        "    polling interval of the baseline: {:.0} ms scaled (5 s real); goal for polling-only: p95 ≤ 0.6 × interval = {:.0} ms",
        5000.0 / scale.0,
        3000.0 / scale.0
    );
    println!();
    burst_phase(&scale, burst).await;
}

fn flag(args: &[String], name: &str) -> Option<f64> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank]
}

async fn server(scale: &Scale, long_poll: bool) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: scale.0,
        rate_window: scale.secs(60.0),
        long_poll,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn workspace(
    server: &SandboxHandle,
    scale: &Scale,
    strategy: Strategy,
    data: &std::path::Path,
) -> Workspace {
    let mut config =
        WorkspaceConfig::new(server.base_url(), ApiKey::new(DEMO_KEY), data.to_owned());
    config.budget.window = scale.secs(60.0);
    config.tracker.delivery = match strategy {
        Strategy::Stream => DeliveryMode::Stream,
        Strategy::Wait => DeliveryMode::Wait,
        _ => DeliveryMode::Poll,
    };
    config.tracker.download_outputs = false;
    let default = PollCadence::default();
    config.tracker.cadence = PollCadence {
        image: default.image.div_f64(scale.0),
        multi_step: default.multi_step.div_f64(scale.0),
        video: default.video.div_f64(scale.0),
        floor: default.floor.div_f64(scale.0),
    };
    Workspace::open(config).unwrap()
}

fn inputs_for(index: usize) -> (&'static str, Inputs) {
    let (app, field) = MIX[index % MIX.len()];
    let mut inputs = Inputs::new();
    if !field.is_empty() {
        inputs.insert(field.to_owned(), format!("bench item {index}"));
    }
    (app, inputs)
}

/// Runs `runs` runs, five at a time, and returns each run's completion-to-observed latency (ms)
/// and the API requests spent per run.
async fn latency_phase(strategy: Strategy, scale: &Scale, runs: usize) -> (Vec<i64>, f64) {
    let server = server(scale, strategy.long_poll()).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, scale, strategy, data.path());
    let mut apps = HashMap::new();
    for (id, _) in MIX {
        apps.insert(id, workspace.client().get_app(id).await.unwrap());
    }
    let before = server.stats().requests_total;
    let mut latencies = Vec::new();
    for wave in (0..runs).collect::<Vec<_>>().chunks(5) {
        let tasks = wave.iter().map(|&index| {
            let (app_id, inputs) = inputs_for(index);
            let app = apps[app_id].clone();
            let workspace = workspace.clone();
            let interval = scale.secs(5.0);
            async move {
                if strategy == Strategy::FixedPolling {
                    fixed_polling(workspace.client(), &app.app_id, &inputs, interval).await
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
    let spent = server.stats().requests_total - before;
    server.shutdown().await;
    (latencies, spent as f64 / runs as f64)
}

/// The docs' JavaScript example: POST, then GET every 5 s until terminal.
async fn fixed_polling(
    client: &LaminaClient,
    app_id: &str,
    inputs: &Inputs,
    interval: Duration,
) -> i64 {
    let run = client.start_run(app_id, inputs, None).await.unwrap();
    loop {
        tokio::time::sleep(interval).await;
        let now = client.get_run(&run.run_id).await.unwrap();
        if now.status.is_terminal() {
            return (Utc::now() - now.completed_at.unwrap()).num_milliseconds();
        }
    }
}

async fn single_run_requests(strategy: Strategy, scale: &Scale) -> u64 {
    let server = server(scale, strategy.long_poll()).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, scale, strategy, data.path());
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
    server.shutdown().await;
    spent
}

/// (c) 200 runs started at once against the 100/min limit.
async fn burst_phase(scale: &Scale, runs: usize) {
    let window = scale.secs(60.0);
    let server = server(scale, true).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, scale, Strategy::Stream, data.path());
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    // Start the clock once the catalog read's window has passed, so the budget starts empty.
    tokio::time::sleep(window).await;
    let before = server.stats();
    let began = Instant::now();
    let tasks = (0..runs).map(|n| {
        let tracker = workspace.tracker.clone();
        let app = app.clone();
        async move {
            let mut inputs = Inputs::new();
            inputs.insert("Prompt".into(), format!("product {n}"));
            tracker.run(&app, &inputs, None).await
        }
    });
    let results = futures_util::future::join_all(tasks).await;
    let wall = began.elapsed();
    let after = server.stats();
    let errors = results.iter().filter(|r| r.is_err()).count();
    let completed = results
        .iter()
        .filter(|r| matches!(r, Ok(rec) if rec.state == RunState::Completed))
        .count();
    let history = workspace.store().list(runs * 2, 0).unwrap().len();
    let requests = after.requests_total - before.requests_total;
    // Budget-optimal: every run needs at least 2 requests (its POST and one read that returns the
    // finished run); with L requests per window W, request k cannot go before floor((k-1)/L)·W,
    // so the last of 2N requests goes at floor((2N-1)/L)·W. Runs posted in the first windows
    // finish long before that (Hero Image takes 8 s real).
    let limit = 100usize;
    let optimal = window.mul_f64(((2 * runs - 1) / limit) as f64);
    println!(
        "(c) {runs} Hero Image runs started at once, budget 100 per {:.0} s (scaled 60 s)",
        window.as_secs_f64()
    );
    println!(
        "    completed {completed}/{runs}, errors surfaced {errors}, runs in history {history}, lost {}",
        runs - completed
    );
    println!(
        "    429s seen by the server {}, requests {requests} ({:.2}/run), run-start POSTs {}",
        after.rate_limited - before.rate_limited,
        requests as f64 / runs as f64,
        after.run_start_requests - before.run_start_requests
    );
    println!(
        "    wall time {:.1} s vs budget-optimal {:.1} s = {:.2}× (goal ≤ 1.1×)",
        wall.as_secs_f64(),
        optimal.as_secs_f64(),
        wall.as_secs_f64() / optimal.as_secs_f64()
    );
    server.shutdown().await;
}
