//! Batch benchmark, in one run: a 200-row batch through the batch scheduler, compared with the
//! budget-optimal schedule and with a naive client that fires every start at once and polls
//! each run (counting its 429s). Prints a table; `make bench` runs it.
//!
//! Time is scaled by `--scale S` (default 4), as in `delivery_bench`: the sandbox runs S times
//! faster, the rate-limit window (server and client budget) is 60/S s, and the naive client's
//! poll interval (the docs' 3–5 s for images: 4 s) is divided by S. Ratios are kept.
//!
//! The budget-optimal schedule: every row needs a start (POST) and a read of its outputs (GET:
//! the run list carries no outputs), plus one list request per 100 runs to learn which finished:
//! R = 2N + ⌈N/100⌉ requests at `limit` per window, so the last request cannot go before
//! ⌊(R−1)/limit⌋ windows, nor before the last start's window plus one run's duration.
//! Outputs are not downloaded by either client (files are not rate-limited; this measures
//! scheduling).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lamina_api::{ApiKey, BudgetConfig};
use lamina_core::batch::{BatchRunner, Mapping, SchedulerConfig, Table, plan_rows};
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};

const LIMIT: u32 = 100;
/// Hero Image's nominal duration at speed 1 (the sandbox catalogue's `base_secs`).
const HERO_SECS: f64 = 8.0;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn sandbox(scale: f64) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: scale,
        rate_limit: LIMIT,
        rate_window: Duration::from_secs_f64(60.0 / scale),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

struct Row {
    client: &'static str,
    wall: f64,
    posts: u64,
    requests: u64,
    rate_limited: u64,
    completed: usize,
}

async fn ours(rows: usize, scale: f64) -> Row {
    let server = sandbox(scale).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().to_owned(),
    );
    config.budget = BudgetConfig {
        limit: LIMIT,
        window: Duration::from_secs_f64(60.0 / scale),
    };
    config.tracker.download_outputs = false;
    let workspace = Workspace::open(config).unwrap();
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let mut csv = String::from("sku,prompt\n");
    for i in 0..rows {
        csv.push_str(&format!("S{i:04},product shot {i}\n"));
    }
    let table = Table::parse(&csv).unwrap();
    let mapping = Mapping::auto(&app, &table.headers, &[], &["sku".to_owned()]).unwrap();
    let planned = plan_rows(&app, &table, &mapping).unwrap();
    let runner = BatchRunner::new(
        workspace.tracker.clone(),
        SchedulerConfig {
            check_every: Duration::from_secs_f64(3.0 / scale),
            parallel_downloads: 4,
        },
    );
    let batch = runner
        .create(&app, "bench.csv", &table.headers, &planned)
        .unwrap();
    let before = server.stats().requests_total;
    let t0 = Instant::now();
    let progress = runner.run(&batch.batch_id).await.unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let stats = server.stats();
    Row {
        client: "batch scheduler",
        wall,
        posts: stats.run_start_requests,
        requests: stats.requests_total - before,
        rate_limited: stats.rate_limited,
        completed: progress.completed as usize,
    }
}

/// Fires every start at once (retrying a 429 after its Retry-After), then polls each run every
/// 4 s (scaled) until it is finished, also waiting out any 429.
async fn naive(rows: usize, scale: f64) -> Row {
    let server = sandbox(scale).await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    let poll = Duration::from_secs_f64(4.0 / scale);
    let t0 = Instant::now();
    let tasks = (0..rows).map(|i| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let body = serde_json::json!({"inputs": {"Prompt": format!("product shot {i}")}});
            let start = || http.post(format!("{base}/v1/apps/{}/runs", catalog::HERO_IMAGE));
            let run_id = loop {
                if let Some(value) = json_unless_limited(start().json(&body)).await {
                    break value["data"]["runId"].as_str().unwrap().to_owned();
                }
            };
            loop {
                tokio::time::sleep(poll).await;
                let read = http.get(format!("{base}/v1/runs/{run_id}"));
                let Some(value) = json_unless_limited(read).await else {
                    continue;
                };
                let status = value["data"]["status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                if matches!(status.as_str(), "completed" | "failed" | "cancelled") {
                    return status;
                }
            }
        }
    });
    let statuses = futures_util::future::join_all(tasks).await;
    let wall = t0.elapsed().as_secs_f64();
    let stats = server.stats();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in statuses {
        *counts.entry(s).or_default() += 1;
    }
    Row {
        client: "naive fire-and-poll",
        wall,
        posts: stats.run_start_requests,
        requests: stats.requests_total,
        rate_limited: stats.rate_limited,
        completed: counts.get("completed").copied().unwrap_or(0),
    }
}

/// The answer's JSON, or `None` once a 429's Retry-After has been waited out (ask again).
async fn json_unless_limited(request: reqwest::RequestBuilder) -> Option<serde_json::Value> {
    let response = request.header("x-api-key", DEMO_KEY).send().await.unwrap();
    if response.status() == 429 {
        tokio::time::sleep(retry_after(&response)).await;
        return None;
    }
    Some(response.json().await.unwrap())
}

fn retry_after(response: &reqwest::Response) -> Duration {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(Duration::from_secs(1), Duration::from_secs_f64)
}

fn main() {
    let scale = arg("--scale", 4.0).max(0.01);
    let rows = arg("--rows", 200.0) as usize;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let window = 60.0 / scale;
    let requests = 2 * rows + rows.div_ceil(100);
    let by_count = ((requests - 1) / LIMIT as usize) as f64 * window;
    let by_last_start = ((rows.max(1) - 1) / LIMIT as usize) as f64 * window + HERO_SECS / scale;
    let optimal = by_count.max(by_last_start);

    let ours = runtime.block_on(ours(rows, scale));
    let naive = runtime.block_on(naive(rows, scale));

    println!(
        "batch of {rows} Hero Image runs, limit {LIMIT} per {window:.1} s window (scale {scale}: \
         real time = figures × {scale})"
    );
    println!(
        "budget-optimal: {requests} requests → {optimal:.1} s (scaled) = {:.0} s real",
        optimal * scale
    );
    println!();
    println!(
        "| client | wall (scaled) | real-time equivalent | vs optimal | POSTs | requests | 429s | completed |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in [&ours, &naive] {
        println!(
            "| {} | {:.1} s | {:.0} s | {:.2}× | {} | {} | {} | {}/{rows} |",
            row.client,
            row.wall,
            row.wall * scale,
            row.wall / optimal,
            row.posts,
            row.requests,
            row.rate_limited,
            row.completed
        );
    }
}
