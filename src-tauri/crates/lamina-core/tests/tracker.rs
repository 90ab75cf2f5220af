//! The run tracker against the sandbox over real HTTP, in each delivery mode.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use lamina_api::{ApiKey, App, Inputs, OutputStatus};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{PollCadence, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};

async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    lamina_sandbox::start(config).await.unwrap()
}

fn workspace(server: &SandboxHandle, data: &std::path::Path, mode: DeliveryMode) -> Workspace {
    let mut config =
        WorkspaceConfig::new(server.base_url(), ApiKey::new(DEMO_KEY), data.to_owned());
    config.tracker.delivery = mode;
    // Scaled like the sandbox's clock so polling tests stay short; the floor still applies.
    config.tracker.cadence = PollCadence {
        image: Duration::from_millis(400),
        multi_step: Duration::from_millis(600),
        video: Duration::from_millis(900),
        floor: Duration::from_millis(100),
    };
    Workspace::open(config).unwrap()
}

fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn app(workspace: &Workspace, id: &str) -> App {
    workspace.client().get_app(id).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_mode_observes_queued_running_completed_in_order_and_persists_first() {
    for mode in [DeliveryMode::Stream, DeliveryMode::Wait, DeliveryMode::Poll] {
        let server = sandbox(SandboxConfig {
            speed: 10.0,
            ..SandboxConfig::default()
        })
        .await;
        let data = tempfile::tempdir().unwrap();
        let workspace = workspace(&server, data.path(), mode);
        let mut events = workspace.tracker.subscribe();
        let store = workspace.store().clone();
        // Every event must already be in SQLite when it is seen.
        let watcher = tokio::spawn(async move {
            let mut states = Vec::new();
            while let Ok(record) = events.recv().await {
                let stored = store.get(&record.local_id).unwrap().unwrap();
                assert_eq!(stored.state, record.state);
                assert_eq!(stored.outputs.len(), record.outputs.len());
                if states.last() != Some(&record.state) {
                    states.push(record.state);
                }
                if record.is_settled() {
                    break;
                }
            }
            states
        });
        let hero = app(&workspace, catalog::HERO_IMAGE).await;
        let record = workspace
            .tracker
            .run(&hero, &inputs(&[("Prompt", "a teapot")]), None)
            .await
            .unwrap();
        assert_eq!(record.state, RunState::Completed, "{mode:?}");
        let file = record.outputs[0].file.as_ref().expect("downloaded");
        assert!(file.path.is_file());
        assert_eq!((file.width, file.height), (Some(1024), Some(1024)));
        let states = watcher.await.unwrap();
        // `/wait` answers only at the end; the stream and polling also see the run start.
        let expected = match mode {
            DeliveryMode::Wait => vec![RunState::Starting, RunState::Queued, RunState::Completed],
            _ => vec![
                RunState::Starting,
                RunState::Queued,
                RunState::Running,
                RunState::Completed,
            ],
        };
        assert_eq!(states, expected, "{mode:?}");
        let stats = server.stats();
        assert_eq!(stats.run_start_requests, 1);
        // Long-poll modes need very few requests; polling needs more but stays bounded.
        let reads = stats.requests_total - 2; // minus get_app and the POST
        match mode {
            DeliveryMode::Poll => assert!(reads <= 12, "{mode:?}: {reads} reads"),
            _ => assert!(reads <= 3, "{mode:?}: {reads} reads"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_mode_falls_back_to_polling_when_the_service_has_no_long_poll() {
    let server = sandbox(SandboxConfig {
        speed: 10.0,
        long_poll: false,
        ..SandboxConfig::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Auto);
    let hero = app(&workspace, catalog::HERO_IMAGE).await;
    let record = workspace
        .tracker
        .run(&hero, &inputs(&[("Prompt", "a lamp")]), None)
        .await
        .unwrap();
    assert_eq!(record.state, RunState::Completed);
    // Detected once and remembered for the next process.
    let saved = workspace
        .store()
        .kv_get(&format!("endpoints:{}", server.base_url()))
        .unwrap()
        .unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["stream"]["status"], "missing", "{saved}");
    assert_eq!(saved["wait"]["status"], "missing", "{saved}");
    let before = server.stats().by_route.clone();
    let again = workspace
        .tracker
        .run(&hero, &inputs(&[("Prompt", "a desk")]), None)
        .await
        .unwrap();
    assert_eq!(again.state, RunState::Completed);
    let after = server.stats().by_route;
    let stream_calls = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .filter(|(k, _)| k.contains("stream") || k.contains("wait"))
            .map(|(_, v)| v)
            .sum::<u64>()
    };
    assert_eq!(
        stream_calls(&before),
        stream_calls(&after),
        "no second probe of /stream or /wait"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn polling_many_runs_checks_them_with_the_list_endpoint() {
    let server = sandbox(SandboxConfig {
        speed: 4.0,
        long_poll: false,
        ..SandboxConfig::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Poll);
    let scene = app(&workspace, catalog::HERO_IMAGE).await;
    let runs = 12;
    let mut started = Vec::new();
    for n in 0..runs {
        let prompt = format!("product {n}");
        started.push(
            workspace
                .tracker
                .start(&scene, &inputs(&[("Prompt", &prompt)]), None)
                .await
                .unwrap(),
        );
    }
    let follows = started
        .iter()
        .map(|r| workspace.tracker.follow(&r.local_id));
    for result in futures_util::future::join_all(follows).await {
        assert_eq!(result.unwrap().state, RunState::Completed);
    }
    let stats = server.stats();
    let lists: u64 = stats
        .by_route
        .iter()
        .filter(|(k, _)| k.starts_with("GET /v1/runs") && !k.contains('{'))
        .map(|(_, v)| v)
        .sum();
    let gets: u64 = stats
        .by_route
        .iter()
        .filter(|(k, _)| k.starts_with("GET /v1/runs/{"))
        .map(|(_, v)| v)
        .sum();
    assert!(
        lists >= 1,
        "the list endpoint was used: {:?}",
        stats.by_route
    );
    // Without the list each run would be polled on its own every cadence tick.
    assert!(
        gets < runs * 4,
        "{gets} single-run reads for {runs} runs: {:?}",
        stats.by_route
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_step_outputs_are_downloaded_as_each_completes() {
    let server = sandbox(SandboxConfig {
        speed: 4.0,
        ..SandboxConfig::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Stream);
    let mut events = workspace.tracker.subscribe();
    let catalog_app = app(&workspace, catalog::FULL_SET_CATALOG).await;
    let run = tokio::spawn({
        let tracker = workspace.tracker.clone();
        async move { tracker.run(&catalog_app, &Inputs::new(), None).await }
    });
    let mut saw_file_while_running = false;
    while let Ok(record) = events.recv().await {
        if record.state == RunState::Running && record.outputs.iter().any(|o| o.file.is_some()) {
            saw_file_while_running = true;
        }
        if record.is_settled() {
            break;
        }
    }
    let record = run.await.unwrap().unwrap();
    assert!(
        saw_file_while_running,
        "a file arrived before the run finished"
    );
    assert_eq!(record.outputs.len(), 4);
    assert!(record.outputs.iter().all(|o| o.file.is_some()));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_downloads_are_refused_with_a_reason_and_the_run_is_kept() {
    let server = sandbox(SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Stream);
    let lab = app(&workspace, catalog::FAULT_LAB).await;
    let fault_param = lab.parameters[0].clone();
    for fault in fault_param.options.iter().filter(|o| *o != "None") {
        let record = workspace
            .tracker
            .run(&lab, &inputs(&[("Fault", fault)]), None)
            .await
            .unwrap();
        assert_eq!(record.state, RunState::Completed, "{fault}");
        let output = &record.outputs[0];
        assert_eq!(output.status, OutputStatus::Completed);
        if fault == "Wrong content type" {
            // Recognised by its bytes, so a lying Content-Type does not matter.
            assert!(output.file.is_some(), "{fault}: {:?}", output.file_error);
        } else {
            assert!(output.file.is_none(), "{fault}");
            let reason = output.file_error.as_deref().unwrap_or_default();
            assert!(!reason.is_empty(), "{fault}");
        }
        assert!(workspace.store().get(&record.local_id).unwrap().is_some());
    }
    // No half-written files are left behind.
    let leftovers = walk(data.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .count();
    assert_eq!(leftovers, 0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_without_an_answer_becomes_unknown_and_is_never_resent() {
    let server = sandbox(SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Stream);
    let hero = app(&workspace, catalog::HERO_IMAGE).await;
    server.set_faults(lamina_sandbox::FaultRule::parse_spec("drop@POST:/v1/apps*1").unwrap());
    let error = workspace
        .tracker
        .start(&hero, &inputs(&[("Prompt", "x")]), None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, lamina_core::CoreError::Api(ref e) if e.outcome_unknown),
        "{error:?}"
    );
    let history = workspace.store().list(10, 0).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].state, RunState::Unknown);
    assert!(
        history[0]
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("couldn't confirm")
    );
    let resumed = workspace.tracker.resume().await.unwrap();
    assert!(resumed.is_empty());
    assert_eq!(server.stats().run_start_requests, 1);
}
