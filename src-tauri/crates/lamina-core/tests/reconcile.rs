//! Finding our footing again, over real HTTP: an unconfirmed start looked up in the service's
//! run list (never re-sent), and tracking that pauses while offline and resumes on reconnect.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use lamina_core::delivery::DeliveryMode;
use lamina_core::{CoreError, RunState, Workspace};
use lamina_sandbox::{FaultRule, SandboxHandle, catalog};

mod common;

use common::{prompt, sandbox};

fn workspace(server: &SandboxHandle, data: &std::path::Path, mode: DeliveryMode) -> Workspace {
    Workspace::open(common::fast_config(server, data, mode)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_whose_answer_was_lost_is_found_and_linked_never_resent() {
    let server = sandbox(10.0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Auto);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let scene = workspace
        .client()
        .get_app(catalog::LIFESTYLE_SCENE)
        .await
        .unwrap();
    // Another app's run at the same moment must not be offered as a match.
    let other = workspace
        .tracker
        .start(
            &scene,
            &[("Product".to_owned(), "mug".to_owned())].into(),
            None,
        )
        .await;
    let other = other.ok();

    server.set_faults(FaultRule::parse_spec("lost@POST:/v1/apps*1").unwrap());
    let error = workspace
        .tracker
        .start(&hero, &prompt("a teapot"), None)
        .await
        .unwrap_err();
    let CoreError::Api(error) = error else {
        panic!("expected an API error, got {error:?}")
    };
    assert!(error.outcome_unknown, "{error:?}");
    let unknown = workspace
        .store()
        .search(&lamina_core::HistoryQuery {
            states: vec![RunState::Unknown],
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unknown.total, 1);
    let local_id = unknown.runs[0].local_id.clone();
    assert_eq!(server.stats().run_starts_by_app[catalog::HERO_IMAGE], 1);

    let candidates = workspace
        .tracker
        .unknown_candidates(&local_id)
        .await
        .unwrap();
    assert_eq!(candidates.len(), 1, "{candidates:?}");
    if let Some(other) = other {
        assert_ne!(Some(&candidates[0].run_id), other.run_id.as_ref());
    }
    let linked = workspace
        .tracker
        .link_unknown(&local_id, &candidates[0].run_id)
        .await
        .unwrap();
    assert_eq!(
        linked.run_id.as_deref(),
        Some(candidates[0].run_id.as_str())
    );
    assert!(
        linked.error.is_none(),
        "the 'unknown' explanation is cleared"
    );
    let done = workspace.tracker.follow(&local_id).await.unwrap();
    assert_eq!(done.state, RunState::Completed);
    assert!(done.outputs[0].file.is_some());

    // Linking twice, or a run already tied to another local run, is refused.
    let again = workspace
        .tracker
        .link_unknown(&local_id, &candidates[0].run_id)
        .await;
    assert!(matches!(again, Err(CoreError::Conflict(_))), "{again:?}");
    assert_eq!(
        server.stats().run_starts_by_app[catalog::HERO_IMAGE],
        1,
        "the run was never sent again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_that_never_arrived_has_no_match_and_is_closed_as_not_started() {
    let server = sandbox(10.0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Auto);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    server.set_faults(FaultRule::parse_spec("drop@POST:/v1/apps*1").unwrap());
    let error = workspace
        .tracker
        .start(&hero, &prompt("a vase"), None)
        .await;
    assert!(error.is_err());
    let record = workspace.store().list(1, 0).unwrap().pop().unwrap();
    assert_eq!(record.state, RunState::Unknown);
    assert!(
        workspace
            .tracker
            .unknown_candidates(&record.local_id)
            .await
            .unwrap()
            .is_empty()
    );
    let closed = workspace
        .tracker
        .mark_not_started(&record.local_id)
        .unwrap();
    assert_eq!(closed.state, RunState::Failed);
    let error = closed.error.unwrap();
    assert_eq!(error.kind, "notStarted");
    assert!(
        error.message.contains("nothing was charged"),
        "{}",
        error.message
    );
    assert_eq!(server.stats().runs_created, 0);
    // A closed run is not "unknown" any more: checking it again is refused.
    let again = workspace.tracker.mark_not_started(&record.local_id);
    assert!(matches!(again, Err(CoreError::Conflict(_))));
}

#[tokio::test(flavor = "multi_thread")]
async fn tracking_goes_offline_and_resumes_when_the_network_returns() {
    let server = sandbox(10.0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Poll);
    let tracker = workspace.tracker.clone();
    let mut online = tracker.online();
    let watcher = tokio::spawn({
        let tracker = tracker.clone();
        async move { tracker.watch_connection(Duration::from_millis(200)).await }
    });
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let record = tracker.start(&hero, &prompt("a lamp"), None).await.unwrap();

    // The network goes away for every run read.
    server.set_faults(FaultRule::parse_spec("drop@GET:/v1/runs").unwrap());
    let follow = tokio::spawn({
        let tracker = tracker.clone();
        let local_id = record.local_id.clone();
        async move { tracker.follow(&local_id).await }
    });
    tokio::time::timeout(Duration::from_secs(20), async {
        while *online.borrow_and_update() {
            online.changed().await.unwrap();
        }
    })
    .await
    .expect("the tracker noticed it is offline");
    assert!(!tracker.is_online());
    let stored = workspace.store().get(&record.local_id).unwrap().unwrap();
    assert!(!stored.state.is_terminal(), "nothing is lost while offline");

    // The network returns: the prober notices and the follower finishes without waiting out
    // its full backoff.
    server.set_faults(Vec::new());
    let done = tokio::time::timeout(Duration::from_secs(20), follow)
        .await
        .expect("tracking resumed after reconnecting")
        .unwrap()
        .unwrap();
    assert!(tracker.is_online());
    assert_eq!(done.state, RunState::Completed);
    watcher.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_run_list_the_check_says_so_once_and_the_run_can_still_be_closed() {
    let server = sandbox(10.0).await;
    server.set_minimal(true);
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path(), DeliveryMode::Auto);
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    server.set_faults(FaultRule::parse_spec("drop@POST:/v1/apps*1").unwrap());
    assert!(
        workspace
            .tracker
            .start(&hero, &prompt("a jug"), None)
            .await
            .is_err()
    );
    let record = workspace.store().list(1, 0).unwrap().pop().unwrap();
    assert_eq!(record.state, RunState::Unknown);
    for _ in 0..3 {
        let Err(CoreError::Api(error)) =
            workspace.tracker.unknown_candidates(&record.local_id).await
        else {
            panic!("a service without a run list cannot be checked")
        };
        assert_eq!(
            error.unsupported_endpoint(),
            Some(lamina_api::OptionalEndpoint::RunList)
        );
        assert!(
            error.message.contains("doesn't offer a list of your runs"),
            "{}",
            error.message
        );
    }
    assert_eq!(
        server.stats().by_route.get("GET /v1/runs"),
        Some(&1),
        "asked once"
    );
    let closed = workspace
        .tracker
        .mark_not_started(&record.local_id)
        .unwrap();
    assert_eq!(closed.state, RunState::Failed);
    assert!(closed.error.unwrap().detail.contains("no run list"));
}
