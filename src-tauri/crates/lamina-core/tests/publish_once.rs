//! A publish is never sent twice. Against lamina-sandbox:
//! - its answer lost on the way (`lost` fault: the post is made, the answer breaks off): exactly
//!   one publish request, the publish "unconfirmed", then settled from the publishing history
//!   to "confirmed" with the post's address;
//! - the process killed between the request and its answer: on restart it is not sent again and
//!   is settled from the history;
//! - a service without publishing: "not offered", nothing kept in the journal.
//!
//! Its own harness: the same binary is re-executed as the process that gets killed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::time::{Duration, Instant};

use lamina_api::ApiKey;
use lamina_core::publishing::{ChannelOutcome, PublishRequest, PublishState, PublishView};
use lamina_core::{Offered, RunState, Workspace};
use lamina_sandbox::{DEMO_KEY, FaultRule, SandboxHandle, catalog};

#[path = "common/demo_workspace.rs"]
mod demo_workspace;
#[path = "common/killed_child.rs"]
mod killed_child;

use demo_workspace::{sandbox, workspace};

const PUBLISH_ROUTE: &str = "POST /v1/publishing/publish";
const INSTAGRAM: &str = "ch-demo-instagram";
const CAPTION: &str = "Our new linen shirt, out today";
const PUBLISHING: &str = "publishing";
const SPEED: f64 = 50.0;

fn main() {
    killed_child::main_of_cases(
        &[
            ("lost_answer_is_settled_from_history", Case::LostAnswer),
            ("killed_mid_publish_is_not_resent", Case::Killed),
            ("service_without_publishing", Case::Minimal),
        ],
        |url, dir| async move { child(&url, &dir).await },
        |case| async move {
            match case {
                Case::LostAnswer => lost_answer_is_settled_from_history().await,
                Case::Killed => killed_mid_publish_is_not_resent().await,
                Case::Minimal => service_without_publishing().await,
            }
        },
    );
}

#[derive(Clone, Copy)]
enum Case {
    LostAnswer,
    Killed,
    Minimal,
}

/// A finished Hero Image run in `workspace`: what gets published.
async fn finished_run(workspace: &Workspace) -> String {
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs = [(
        "Prompt".to_owned(),
        "a linen shirt on a sunny terrace".to_owned(),
    )]
    .into();
    let record = workspace.tracker.run(&hero, &inputs, None).await.unwrap();
    assert_eq!(record.state, RunState::Completed);
    record.local_id
}

fn to_instagram(run: &str) -> PublishRequest {
    PublishRequest {
        run_id: run.to_owned(),
        output_indexes: vec![0],
        channel_ids: vec![INSTAGRAM.to_owned()],
        caption: Some(CAPTION.to_owned()),
    }
}

fn publish_requests(server: &SandboxHandle) -> u64 {
    demo_workspace::requests_to(server, PUBLISH_ROUTE)
}

/// Confirmed to Demo Instagram, with a post page on the sandbox showing the caption.
async fn assert_confirmed(server: &SandboxHandle, publish: &PublishView) {
    assert_eq!(publish.state, PublishState::Confirmed, "{publish:?}");
    let channel = &publish.channels[0];
    assert_eq!(channel.outcome, ChannelOutcome::Published);
    assert_eq!(channel.channel_name, "Demo Instagram");
    let post_url = channel.post_url.as_deref().expect("a post address");
    assert!(post_url.starts_with(&server.base_url()), "{post_url}");
    let page = reqwest::get(post_url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains(CAPTION));
}

async fn lost_answer_is_settled_from_history() {
    let server = sandbox(SPEED, false).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let run = finished_run(&workspace).await;
    server.set_faults(FaultRule::parse_spec("lost@POST:/v1/publishing/publish*1").unwrap());

    let answer = workspace.publisher.publish(&to_instagram(&run)).await;
    let Offered::Offered { value: published } = answer.unwrap() else {
        panic!("the sandbox offers publishing");
    };
    assert_eq!(published.len(), 1);
    let publish = &published[0];
    assert_eq!(publish.state, PublishState::Unconfirmed, "{publish:?}");
    assert_eq!(publish.channels[0].outcome, ChannelOutcome::Unconfirmed);
    assert!(publish.problem.is_some());
    assert_eq!(publish_requests(&server), 1, "sent once, not retried");
    let journal = workspace
        .store()
        .publish_entry(&publish.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        journal.state,
        PublishState::Unconfirmed,
        "written before shown"
    );

    let Offered::Offered { value: settled } = workspace.publisher.settle_now().await.unwrap()
    else {
        panic!("the sandbox keeps a publishing history");
    };
    assert_eq!(settled.len(), 1);
    assert_confirmed(&server, &settled[0]).await;
    let journal = workspace
        .store()
        .publish_entry(&publish.id)
        .unwrap()
        .unwrap();
    assert_eq!(journal.state, PublishState::Confirmed);

    // Settling again changes nothing and sends nothing.
    let again = workspace.publisher.settle_now().await.unwrap();
    assert_eq!(again.offered().map(|v| v.len()), Some(0));
    assert_eq!(publish_requests(&server), 1);
    // The Publishing screen: the one publish, confirmed, not repeated from the history.
    let history = workspace.publisher.history(50).await.unwrap();
    assert!(history.service_history);
    assert_eq!(history.entries.len(), 1, "{:?}", history.entries);
    assert_eq!(history.entries[0].state, PublishState::Confirmed);
}

/// The process that gets killed: publishes the newest run of its data folder to Instagram.
async fn child(base_url: &str, data: &Path) {
    let workspace = workspace(base_url, data);
    let run = workspace.store().list(1, 0).unwrap().remove(0);
    println!("{PUBLISHING}");
    let answer = workspace
        .publisher
        .publish(&to_instagram(&run.local_id))
        .await;
    // Reaching here means the parent was too slow to kill us; it notices (no "sent" row).
    println!("answered: {answer:?}");
    std::thread::sleep(Duration::from_secs(60));
}

async fn killed_mid_publish_is_not_resent() {
    let server = sandbox(SPEED, false).await;
    let data = tempfile::tempdir().unwrap();
    {
        let workspace = workspace(&server.base_url(), data.path());
        finished_run(&workspace).await;
    }
    // The post is made 1.5 s after the request arrives; the child is frozen before then, so
    // it never reads the answer, and killed once the post exists.
    server.set_faults(FaultRule::parse_spec("slow=1500@POST:/v1/publishing/publish*1").unwrap());
    let mut child = killed_child::spawn_child(&server.base_url(), data.path());
    let announced = killed_child::announced(&mut child, PUBLISHING).await;
    assert!(announced, "the child never started publishing");
    let waited = Instant::now();
    while publish_requests(&server) == 0 {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "no publish arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let frozen = std::process::Command::new("kill")
        .args(["-STOP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(frozen.success());
    let client = workspace_client(&server);
    let waited = Instant::now();
    while client
        .publishing_history(&lamina_api::HistoryFilter::default())
        .await
        .unwrap()
        .items
        .is_empty()
    {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "the post was never made"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let workspace = workspace(&server.base_url(), data.path());
    let before = workspace.store().list_publishes(10).unwrap();
    assert_eq!(before.len(), 1, "the intent was committed");
    assert_eq!(
        before[0].state,
        PublishState::Sent,
        "killed while it was on its way"
    );

    let settled = workspace.publisher.resume().await.unwrap();
    assert_eq!(settled.len(), 1);
    assert_confirmed(&server, &settled[0]).await;
    assert_eq!(publish_requests(&server), 1, "never sent again");
    let after = workspace.store().list_publishes(10).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].state, PublishState::Confirmed);
}

fn workspace_client(server: &SandboxHandle) -> lamina_api::LaminaClient {
    lamina_api::LaminaClient::new(lamina_api::ClientConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
    ))
    .unwrap()
}

async fn service_without_publishing() {
    let server = sandbox(SPEED, true).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let run = finished_run(&workspace).await;
    let before = server.stats().requests_total;
    let answer = workspace
        .publisher
        .publish(&to_instagram(&run))
        .await
        .unwrap();
    let Offered::NotOffered { message, .. } = answer else {
        panic!("a minimal service has no publishing: {answer:?}");
    };
    assert!(message.contains("doesn't offer"), "{message}");
    assert!(workspace.store().list_publishes(10).unwrap().is_empty());
    let asked = server.stats().requests_total - before;
    // The channel list, the copy to storage and the publish: each asked once, then known.
    assert!(asked <= 3, "{asked} requests");
    let again = workspace
        .publisher
        .publish(&to_instagram(&run))
        .await
        .unwrap();
    assert!(matches!(again, Offered::NotOffered { .. }));
    assert_eq!(server.stats().requests_total - before, asked, "remembered");
}
