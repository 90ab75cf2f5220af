//! 50 runs in flight, the process holding them killed with SIGKILL, a new process resumes: all
//! 50 reach their terminal state, each with exactly one POST at the sandbox, and history shows
//! all 50. Its own harness: the same binary is re-executed as the process that gets killed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::time::{Duration, Instant};

use lamina_core::{HistoryQuery, RunState};
use lamina_sandbox::{SandboxConfig, catalog};

const RUNS: usize = 50;
const ALL_STARTED: &str = "all-started";

#[path = "common/demo_workspace.rs"]
mod demo_workspace;
#[path = "common/killed_child.rs"]
mod killed_child;

use demo_workspace::workspace;

fn main() {
    killed_child::main_of(
        "fifty_runs_survive_sigkill",
        |url, dir| async move { child(&url, &dir).await },
        fifty_runs_survive_sigkill,
    );
}

/// The process that gets killed: starts 50 runs, says so, and keeps following them.
async fn child(base_url: &str, data: &Path) {
    let workspace = workspace(base_url, data);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let starts = (0..RUNS).map(|n| {
        let tracker = workspace.tracker.clone();
        let hero = hero.clone();
        async move {
            let inputs = [("Prompt".to_owned(), format!("product shot {n}"))].into();
            tracker.start(&hero, &inputs, None).await.unwrap()
        }
    });
    let started = futures_util::future::join_all(starts).await;
    println!("{ALL_STARTED}");
    let follows = started
        .iter()
        .map(|r| workspace.tracker.follow(&r.local_id));
    futures_util::future::join_all(follows).await;
    // Reaching here means the parent was too slow to kill us; it notices (runs already done).
    std::thread::sleep(Duration::from_secs(60));
}

async fn fifty_runs_survive_sigkill() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 1.0,
        rate_limit: 10_000,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut child = killed_child::spawn_child(&server.base_url(), data.path());
    let announced = killed_child::announced(&mut child, ALL_STARTED).await;
    assert!(announced, "the child never started its runs");
    // Let tracking get going (streams open, some runs running), then kill without warning.
    tokio::time::sleep(Duration::from_millis(700)).await;
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let workspace = workspace(&server.base_url(), data.path());
    let before = workspace
        .store()
        .search(&HistoryQuery {
            limit: 500,
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(before.total as usize, RUNS, "every intent was committed");
    let in_flight = before
        .runs
        .iter()
        .filter(|r| !r.state.is_terminal())
        .count();
    assert!(in_flight > 0, "the kill must land while runs are in flight");
    println!("killed with {in_flight} of {RUNS} runs in flight");

    let began = Instant::now();
    let resumed = workspace.tracker.resume().await.unwrap();
    assert!(resumed.iter().all(Result::is_ok), "{resumed:?}");
    println!("resumed in {:.1} s", began.elapsed().as_secs_f64());

    let after = workspace
        .store()
        .search(&HistoryQuery {
            limit: 500,
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(after.total as usize, RUNS);
    for run in &after.runs {
        assert_eq!(run.state, RunState::Completed, "{}", run.local_id);
        assert!(run.is_settled(), "outputs kept for {}", run.local_id);
        assert!(
            run.outputs[0]
                .file
                .as_ref()
                .is_some_and(|f| f.path.is_file())
        );
    }
    let mut run_ids: Vec<_> = after.runs.iter().filter_map(|r| r.run_id.clone()).collect();
    run_ids.sort();
    run_ids.dedup();
    assert_eq!(
        run_ids.len(),
        RUNS,
        "each local run has its own service run"
    );
    let stats = server.stats();
    assert_eq!(
        stats.run_start_requests as usize, RUNS,
        "exactly one POST per run"
    );
    assert_eq!(stats.runs_created as usize, RUNS);
}
