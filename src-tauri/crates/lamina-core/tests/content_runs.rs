//! Content runs are ordinary runs: a brief's run is in history before the request leaves,
//! followed by the same tracker to the end (outputs kept, History and Gallery show it), scored
//! once finished; an answer lost on the way leaves it "unknown", never sent again; briefs go ten
//! per `content/batch` request, each its own run. Against lamina-sandbox over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use lamina_api::ApiKey;
use lamina_core::content::{ContentBrief, ContentRunner};
use lamina_core::{HistoryQuery, Offered, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, FaultRule, SandboxConfig, SandboxHandle};

async fn sandbox() -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: 50.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn workspace(server: &SandboxHandle, data: &std::path::Path) -> Workspace {
    Workspace::open(WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.to_owned(),
    ))
    .unwrap()
}

fn brief(text: &str) -> ContentBrief {
    ContentBrief {
        brief: text.to_owned(),
        platform: Some("instagram".into()),
        modality: Some("image".into()),
        ..ContentBrief::default()
    }
}

fn requests(server: &SandboxHandle, route: &str) -> u64 {
    server.stats().by_route.get(route).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brief_becomes_an_ordinary_run_written_before_it_is_shown() {
    let server = sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path());
    let runner = ContentRunner::new(workspace.tracker.clone());
    let mut events = workspace.tracker.subscribe();

    let Offered::Offered { value: view } = runner
        .create(&brief("A launch post for our new linen shirt"))
        .await
        .unwrap()
    else {
        panic!("the sandbox offers content creation");
    };
    // The first event is the intent: in history, not yet sent, no app chosen yet.
    let first = events.recv().await.unwrap();
    assert_eq!(first.state, RunState::Starting);
    assert!(first.run_id.is_none());
    assert!(first.app_name.is_empty());
    assert!(view.run.run_id.is_some());
    assert!(view.chosen_app().is_some());
    assert!(
        view.content
            .reason
            .as_deref()
            .is_some_and(|r| !r.is_empty())
    );
    let mapped = view.content.mapped_inputs.clone().unwrap();
    assert_eq!(
        view.run.inputs, mapped,
        "the run keeps the inputs Lamina filled"
    );

    let finished = workspace.tracker.follow(&view.run.local_id).await.unwrap();
    assert_eq!(finished.state, RunState::Completed);
    assert!(
        finished.outputs[0]
            .file
            .as_ref()
            .is_some_and(|f| f.path.is_file())
    );

    let Offered::Offered { value: scores } = runner.scores(&view.run.local_id).await.unwrap()
    else {
        panic!("the sandbox scores content");
    };
    let scores = scores.expect("a finished run is scored");
    assert!(!scores.dimensions.is_empty());
    assert!(scores.dimensions.iter().all(|d| !d.label.is_empty()));
    let kept = workspace
        .store()
        .content_run(&view.run.local_id)
        .unwrap()
        .unwrap();
    assert_eq!(kept.content.scores, Some(scores));
    assert_eq!(
        kept.content.request.brief,
        "A launch post for our new linen shirt"
    );

    // History and Gallery show it like any run.
    let history = workspace.store().search(&HistoryQuery::default()).unwrap();
    assert_eq!(history.total, 1);
    assert_eq!(history.runs[0].local_id, view.run.local_id);
    assert_eq!(history.runs[0].app_name, finished.app_name);
    assert_eq!(requests(&server, "POST /v1/content/create"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_leaves_the_run_unknown_and_is_not_resent() {
    let server = sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path());
    let runner = ContentRunner::new(workspace.tracker.clone());
    server.set_faults(FaultRule::parse_spec("lost@POST:/v1/content/create*1").unwrap());

    let error = runner.create(&brief("A linen tote bag")).await.unwrap_err();
    assert!(
        matches!(error, lamina_core::CoreError::Api(ref e) if e.outcome_unknown),
        "{error:?}"
    );
    assert_eq!(requests(&server, "POST /v1/content/create"), 1, "sent once");
    let runs = workspace.store().list(10, 0).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].state, RunState::Unknown);
    let resumed = workspace.tracker.resume().await.unwrap();
    assert!(resumed.is_empty());
    assert_eq!(
        requests(&server, "POST /v1/content/create"),
        1,
        "not re-sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn twelve_briefs_go_ten_per_request_each_its_own_run() {
    let server = sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path());
    let runner = ContentRunner::new(workspace.tracker.clone());
    let briefs: Vec<ContentBrief> = (1..=12)
        .map(|n| brief(&format!("A product photo of linen shirt number {n}")))
        .collect();
    let Offered::Offered { value: views } = runner.create_batch(&briefs).await.unwrap() else {
        panic!("the sandbox offers batches");
    };
    assert_eq!(views.len(), 12);
    assert_eq!(requests(&server, "POST /v1/content/batch"), 2);
    for (view, brief) in views.iter().zip(&briefs) {
        assert_eq!(view.content.request.brief, brief.brief);
    }
    let follows = views
        .iter()
        .map(|v| workspace.tracker.follow(&v.run.local_id));
    for record in futures_util::future::join_all(follows).await {
        assert_eq!(record.unwrap().state, RunState::Completed);
    }
    let mut run_ids: Vec<_> = views.iter().filter_map(|v| v.run.run_id.clone()).collect();
    run_ids.sort();
    run_ids.dedup();
    assert_eq!(run_ids.len(), 12);
}
