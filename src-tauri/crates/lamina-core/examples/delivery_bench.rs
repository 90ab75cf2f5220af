//! Delivery benchmark: how fast and how cheaply the tracker learns that a run finished, against
//! the sandbox over real HTTP, compared in the same run with the docs' own strategy (poll every
//! 5 s). Prints tables; `make bench` runs it.
//!
//! Time is scaled by `--scale S` (default 4): the sandbox runs S times faster, its rate-limit
//! window is 60/S s, the client's budget window likewise, and every polling interval (the
//! baseline's 5 s, the tracker's cadence and its 1 s floor) is divided by S. Ratios are kept;
//! latencies of event-driven strategies are not scaled (they are what they are).
//!
//! Polling rows are split into cold runs (the app had no learned duration when the run started)
//! and warm ones, and "p95 ÷ upper" is the p95 of each run's latency divided by the upper bound
//! of its kind's documented interval (5 s images, 10 s multi-step, 15 s video; goal ≤ 0.6). The
//! "minimal service" row polls the sandbox in its minimal configuration (no run list, no
//! `/wait`, no `/stream`, a 429 on each first status read): polling only, found on its own.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use lamina_api::{ApiKey, Inputs, OutputKind};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxHandle, catalog};

mod bench_common;
use bench_common::{MIX, Scale, fixed_polling, flag, inputs_for, percentile, server};

#[derive(Clone, Copy, PartialEq)]
enum Strategy {
    Stream,
    Wait,
    AdaptivePolling,
    MinimalService,
    FixedPolling,
}

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Self::Stream => "tracker: SSE stream",
            Self::Wait => "tracker: /wait long-poll",
            Self::AdaptivePolling => "tracker: adaptive polling",
            Self::MinimalService => "tracker: minimal service",
            Self::FixedPolling => "docs: fixed 5 s polling",
        }
    }

    fn long_poll(self) -> bool {
        matches!(self, Self::Stream | Self::Wait)
    }

    fn minimal(self) -> bool {
        self == Self::MinimalService
    }
}

/// One run's completion-to-observed latency, whether its app was cold, and its kind's upper
/// bound of the documented interval (scaled).
struct Observed {
    latency_ms: i64,
    cold: bool,
    upper: Duration,
}

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
        "{:<28} {:>7} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>11} {:>11}",
        "strategy",
        "p50 ms",
        "p95 ms",
        "max ms",
        "cold p95",
        "warm p95",
        "cold p95÷",
        "warm p95÷",
        "req/run all",
        "req 35s run"
    );
    println!(
        "{:<28} {:>7} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "", "", "", "", "ms", "ms", "upper", "upper"
    );
    for strategy in [
        Strategy::Stream,
        Strategy::Wait,
        Strategy::AdaptivePolling,
        Strategy::MinimalService,
        Strategy::FixedPolling,
    ] {
        let (observed, per_run) = latency_phase(strategy, &scale, runs).await;
        let single = single_run_requests(strategy, &scale).await;
        let mut all: Vec<i64> = observed.iter().map(|o| o.latency_ms).collect();
        all.sort_unstable();
        let part = |cold: bool| {
            let chosen: Vec<&Observed> = observed.iter().filter(|o| o.cold == cold).collect();
            let mut ms: Vec<i64> = chosen.iter().map(|o| o.latency_ms).collect();
            ms.sort_unstable();
            let mut share: Vec<i64> = chosen
                .iter()
                .map(|o| (o.latency_ms as f64 / o.upper.as_millis() as f64 * 1000.0) as i64)
                .collect();
            share.sort_unstable();
            if ms.is_empty() {
                return ("-".to_owned(), "-".to_owned());
            }
            (
                format!("{} ({})", percentile(&ms, 0.95), ms.len()),
                format!("{:.2}", percentile(&share, 0.95) as f64 / 1000.0),
            )
        };
        let (cold, cold_share) = part(true);
        let (warm, warm_share) = part(false);
        println!(
            "{:<28} {:>7} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>11.2} {:>11}",
            strategy.name(),
            percentile(&all, 0.50),
            percentile(&all, 0.95),
            all.last().copied().unwrap_or_default(),
            cold,
            warm,
            cold_share,
            warm_share,
            per_run,
            single
        );
    }
    println!(
        "    cold/warm columns: p95 (runs); baseline polls every {:.0} ms scaled (5 s real); goal for polling-only: p95 ≤ 0.6 × the kind's upper bound",
        5000.0 / scale.0,
    );
    println!();
    burst_phase(&scale, burst).await;
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
        // Finds on its own that the service offers nothing but polling.
        Strategy::MinimalService => DeliveryMode::Auto,
        _ => DeliveryMode::Poll,
    };
    config.tracker.download_outputs = false;
    config.tracker.cadence = scale.cadence();
    Workspace::open(config).unwrap()
}

/// Runs `runs` runs, five at a time, and returns each run's completion-to-observed latency
/// and the API requests spent per run. Completion is the service's own `completedAt`, read
/// once more after the phase (the run's record may show local times instead, see the store).
async fn latency_phase(strategy: Strategy, scale: &Scale, runs: usize) -> (Vec<Observed>, f64) {
    let server = server(scale, strategy.long_poll(), strategy.minimal()).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, scale, strategy, data.path());
    let mut apps = HashMap::new();
    for (id, _) in MIX {
        apps.insert(id, workspace.client().get_app(id).await.unwrap());
    }
    let before = server.stats().requests_total;
    let mut seen = Vec::new();
    for wave in (0..runs).collect::<Vec<_>>().chunks(5) {
        let tasks = wave.iter().map(|&index| {
            let (app_id, inputs) = inputs_for(index);
            let app = apps[app_id].clone();
            let workspace = workspace.clone();
            let interval = scale.secs(5.0);
            async move {
                let cold = workspace
                    .store()
                    .kv_get(&format!("duration:{app_id}"))
                    .unwrap()
                    .is_none();
                if strategy == Strategy::FixedPolling {
                    let (run, observed) =
                        fixed_polling(workspace.client(), &app.app_id, &inputs, interval).await;
                    (run.run_id, observed, cold)
                } else {
                    let record = workspace.tracker.run(&app, &inputs, None).await.unwrap();
                    assert_eq!(record.state, RunState::Completed);
                    (record.run_id.unwrap(), Utc::now(), cold)
                }
            }
        });
        seen.extend(futures_util::future::join_all(tasks).await);
    }
    let spent = server.stats().requests_total - before;
    let mut observed = Vec::new();
    for (run_id, at, cold) in seen {
        let run = workspace.client().get_run(&run_id).await.unwrap();
        let real_upper = if run.outputs.iter().any(|o| o.kind == OutputKind::Video) {
            15.0
        } else if run.outputs.len() > 1 {
            10.0
        } else {
            5.0
        };
        observed.push(Observed {
            latency_ms: (at - run.completed_at.unwrap()).num_milliseconds(),
            cold,
            upper: scale.secs(real_upper),
        });
    }
    server.shutdown().await;
    (observed, spent as f64 / runs as f64)
}

async fn single_run_requests(strategy: Strategy, scale: &Scale) -> u64 {
    let server = server(scale, strategy.long_poll(), strategy.minimal()).await;
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
    let server = server(scale, true, false).await;
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
