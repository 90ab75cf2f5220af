//! Every fault kind of the sandbox, injected over real HTTP while the tracker starts, follows
//! and downloads a run: nothing crashes, no run is lost, a start is never sent twice, and each
//! run ends with the plain words a merchant is shown for that fault.
//!
//! The decompression bomb (and the peak memory it may cost) is in `output_safety.rs`, a test
//! binary of its own so that its memory figure measures nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use lamina_api::App;
use lamina_core::delivery::DeliveryMode;
use lamina_core::{RunRecord, RunState, Workspace};
use lamina_sandbox::{FaultRule, SandboxHandle, catalog};

const SERVER_PROBLEM: &str = "Lamina had a problem on its side";
const NOT_CONFIRMED: &str = "couldn't confirm this run started";
const BUSY: &str = "Lamina is busy";

mod common;

use common::{prompt, sandbox};

fn workspace(server: &SandboxHandle, data: &std::path::Path, mode: DeliveryMode) -> Workspace {
    let mut config = common::fast_config(server, data, mode);
    // A hung request is given up after 1.5 s instead of 30 s, so the matrix stays short.
    config.read_timeout = Some(Duration::from_millis(1500));
    Workspace::open(config).unwrap()
}

/// Starts and follows one run with `spec` injected, then clears the faults.
async fn run_with_fault(
    server: &SandboxHandle,
    workspace: &Workspace,
    app: &App,
    spec: &str,
) -> RunRecord {
    server.set_faults(FaultRule::parse_spec(spec).unwrap());
    let started = workspace.tracker.start(app, &prompt(spec), None).await;
    let local_id = match &started {
        Ok(record) => record.local_id.clone(),
        // A refused start is still in history: find it by its inputs.
        Err(_) => workspace.store().list(1, 0).unwrap()[0].local_id.clone(),
    };
    let followed = workspace.tracker.follow(&local_id).await;
    server.set_faults(Vec::new());
    if let Err(error) = &followed {
        panic!("{spec}: following failed instead of recording the outcome: {error:?}");
    }
    workspace
        .store()
        .get(&local_id)
        .unwrap()
        .expect("in history")
}

fn error_message(record: &RunRecord) -> String {
    record
        .error
        .as_ref()
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_on_the_start_request_end_in_a_clear_state_and_are_never_resent() {
    let server = sandbox(20.0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Poll);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let start = "@POST:/v1/apps";
    // (fault, state the run ends in, words of its message, runs the service created)
    let cases: [(String, RunState, &str, u64); 8] = [
        (format!("500{start}"), RunState::Failed, SERVER_PROBLEM, 0),
        (format!("503{start}"), RunState::Failed, SERVER_PROBLEM, 0),
        // A gateway error says nothing about whether the service behind it acted.
        (format!("502{start}"), RunState::Unknown, NOT_CONFIRMED, 0),
        (
            format!("hang{start}*1"),
            RunState::Unknown,
            NOT_CONFIRMED,
            0,
        ),
        (
            format!("drop{start}*1"),
            RunState::Unknown,
            NOT_CONFIRMED,
            0,
        ),
        // The run was really started; only its answer was lost or unreadable.
        (
            format!("lost{start}*1"),
            RunState::Unknown,
            NOT_CONFIRMED,
            1,
        ),
        (
            format!("malformed{start}*1"),
            RunState::Unknown,
            NOT_CONFIRMED,
            0,
        ),
        // A rate limit that never lets up is given up on with words that say so.
        (format!("429=1{start}"), RunState::Failed, BUSY, 0),
    ];
    for (spec, state, words, created) in &cases {
        let before = server.stats();
        let record = run_with_fault(&server, &workspace, &hero, spec).await;
        let after = server.stats();
        println!(
            "{spec}: {} — {}",
            record.state.as_str(),
            error_message(&record)
        );
        assert_eq!(record.state, *state, "{spec}");
        assert!(error_message(&record).contains(words), "{spec}: {record:?}");
        assert!(!record.error.as_ref().unwrap().detail.is_empty(), "{spec}");
        assert_eq!(after.runs_created - before.runs_created, *created, "{spec}");
        // Only a rate limit (the service did not act) is asked again; nothing else is re-sent.
        let starts = after.run_start_requests - before.run_start_requests;
        if spec.starts_with("429") {
            assert!(starts > 1, "{spec}: a 429 is retried after Retry-After");
        } else {
            assert_eq!(starts, 1, "{spec}: a start is sent once");
        }
    }

    // A short rate-limit storm on the start is waited out: the run starts once and completes.
    let storm = format!("429=1{start}*2");
    let before = server.stats();
    let record = run_with_fault(&server, &workspace, &hero, &storm).await;
    assert_eq!(record.state, RunState::Completed, "{record:?}");
    assert_eq!(server.stats().runs_created - before.runs_created, 1);
    assert!(record.outputs[0].file.is_some());

    // No run was lost, and resuming after all this re-sends nothing.
    let history = workspace.store().list(100, 0).unwrap();
    assert_eq!(history.len(), cases.len() + 1);
    let starts = server.stats().run_start_requests;
    workspace.tracker.resume().await.unwrap();
    assert_eq!(server.stats().run_start_requests, starts);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_while_following_are_ridden_out_and_every_run_completes() {
    let server = sandbox(20.0).await;
    let data = tempfile::tempdir().unwrap();
    for mode in [DeliveryMode::Poll, DeliveryMode::Stream] {
        let workspace = workspace(&server, &data.path().join(format!("{mode:?}")), mode);
        let hero = workspace
            .client()
            .get_app(catalog::HERO_IMAGE)
            .await
            .unwrap();
        let reads = "@GET:/v1/runs";
        for spec in [
            format!("500{reads}*3"),
            format!("502{reads}*3"),
            format!("503{reads}*3"),
            format!("429=1{reads}*4"),
            format!("hang{reads}*1"),
            format!("drop{reads}*2"),
            format!("malformed{reads}*2"),
            format!("slow=800{reads}*2"),
        ] {
            let before = server.stats();
            let record = run_with_fault(&server, &workspace, &hero, &spec).await;
            let after = server.stats();
            println!("{mode:?} {spec}: {}", record.state.as_str());
            assert_eq!(
                record.state,
                RunState::Completed,
                "{mode:?} {spec}: {record:?}"
            );
            assert!(record.error.is_none(), "{mode:?} {spec}");
            assert!(record.outputs[0].file.is_some(), "{mode:?} {spec}");
            assert_eq!(after.run_start_requests - before.run_start_requests, 1);
            assert_eq!(after.runs_created - before.runs_created, 1);
        }
        // The tracker says it is online again once the faults are gone.
        assert!(workspace.tracker.is_online(), "{mode:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn faulty_downloads_keep_the_run_and_say_what_was_wrong_with_the_file() {
    let server = sandbox(20.0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Stream);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let cases: [(&str, Option<&str>); 6] = [
        ("truncated-image@/files", Some("damaged or too large")),
        ("huge-image@/files", Some("larger than 200 MB")),
        ("svg@/files", Some("SVG")),
        ("drop@/files", Some("could not be downloaded")),
        // One broken connection is tried again, and the file is kept.
        ("drop@/files*1", None),
        // A lying Content-Type does not matter: the bytes are a good PNG, so it is kept.
        ("wrong-content-type@/files", None),
    ];
    for (spec, words) in cases {
        let record = run_with_fault(&server, &workspace, &hero, spec).await;
        let output = &record.outputs[0];
        println!("{spec}: {:?}", output.file_error);
        assert_eq!(record.state, RunState::Completed, "{spec}");
        match words {
            Some(words) => {
                assert!(output.file.is_none(), "{spec}");
                let reason = output.file_error.as_deref().unwrap_or_default();
                assert!(reason.contains(words), "{spec}: {reason:?}");
            }
            None => assert!(output.file.is_some(), "{spec}: {:?}", output.file_error),
        }
    }
    assert_eq!(workspace.store().list(100, 0).unwrap().len(), cases.len());
}
