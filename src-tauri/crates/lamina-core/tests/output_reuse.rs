//! Outputs as inputs against the real sandbox over HTTP: where the service offers
//! `transfer-asset`, one copy to Lamina's CDN, remembered in SQLite so the next reuse (even after
//! a restart) sends nothing; on a minimal service, or when the copy fails, the hosted link with
//! no error and no second attempt; an expired hosted link is not transferred but the archived
//! copy is uploaded.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::sync::atomic::Ordering;
use std::time::Duration;

use lamina_api::OptionalEndpoint;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::reuse::remembered_cdn_link;
use lamina_core::storage::uploads::UPLOAD_REF_PREFIX;
use lamina_core::storage::{PrepareOptions, UploadState, Uploader, input_from_output};
use lamina_core::{RunRecord, RunState, Workspace};
use lamina_sandbox::{FaultRule, SandboxHandle, catalog};
use tempfile::TempDir;

#[path = "common/demo_workspace.rs"]
mod demo_workspace;

use demo_workspace::{requests_to, sandbox, workspace};

const TRANSFER: &str = "POST /v1/publishing/transfer-asset";
const SPEED: f64 = 20.0;

fn uploader(workspace: &Workspace) -> Uploader {
    Uploader::new(
        workspace.store().clone(),
        Some(Backend::built_in(
            workspace.client().base_url(),
            workspace.client().http().clone(),
        )),
        Uploader::staging_dir_of(workspace.data_dir()),
        PrepareOptions::default(),
    )
}

/// A finished Hero Image run whose picture was kept on this computer.
async fn finished_run(workspace: &Workspace) -> RunRecord {
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs = [("Prompt".to_owned(), "a linen shirt on a chair".to_owned())].into();
    let started = workspace.tracker.start(&hero, &inputs, None).await.unwrap();
    let done = tokio::time::timeout(
        Duration::from_secs(60),
        workspace.tracker.follow(&started.local_id),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(done.state, RunState::Completed, "{done:?}");
    assert!(done.outputs[0].file.is_some(), "the picture is kept");
    done
}

/// What every test starts from, from a sandbox (`minimal` or full): the sandbox, a fresh data
/// folder, the workspace on it, a finished run, the run's hosted link and an uploader to the
/// sandbox's built-in storage.
async fn reuse_on(
    minimal: bool,
) -> (
    SandboxHandle,
    TempDir,
    Workspace,
    RunRecord,
    String,
    Uploader,
) {
    let sb = sandbox(SPEED, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workspace(&sb.base_url(), data.path());
    let run = finished_run(&ws).await;
    let hosted = run.outputs[0].value.clone().unwrap();
    let up = uploader(&ws);
    (sb, data, ws, run, hosted, up)
}

fn transfers(sb: &SandboxHandle) -> u64 {
    requests_to(sb, TRANSFER)
}

async fn fetch_status(url: &str) -> u16 {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_reuses_at_the_same_moment_make_one_copy() {
    let (sb, _data, ws, run, hosted, up) = reuse_on(false).await;
    let (first, second) = tokio::join!(
        input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0),
        input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(transfers(&sb), 1, "one copy to the CDN, not one per reuse");
    assert_eq!(first.value, second.value, "both get the same copy");
    assert_ne!(first.value, hosted);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_cdn_copy_then_none_even_after_a_restart() {
    let (sb, data, ws, run, hosted, up) = reuse_on(false).await;

    let before = sb.stats();
    let first = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    let after = sb.stats();
    assert_eq!(transfers(&sb), 1, "one copy to the CDN");
    assert_eq!(after.files_stored, before.files_stored + 1);
    assert!(first.upload.is_none());
    assert_ne!(
        first.value, hosted,
        "the permanent copy, not the hosted link"
    );
    assert!(
        first
            .value
            .starts_with(&format!("{}/_sandbox/files/", sb.base_url())),
        "{}",
        first.value
    );
    assert_eq!(fetch_status(&first.value).await, 200);
    assert_eq!(
        remembered_cdn_link(ws.store(), &run.local_id, 0).unwrap(),
        Some(first.value.clone()),
        "remembered in SQLite"
    );

    // Reused again: 0 requests of any kind.
    let total = sb.stats().requests_total;
    let second = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(second.value, first.value);
    assert_eq!(sb.stats().requests_total, total, "nothing sent");

    // After a restart too: the link is in the history file.
    drop((up, ws));
    let ws = workspace(&sb.base_url(), data.path());
    let up = uploader(&ws);
    let third = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(third.value, first.value);
    assert_eq!(
        sb.stats().requests_total,
        total,
        "nothing sent after a restart"
    );
    assert_eq!(transfers(&sb), 1);
    assert_eq!(up.counters().puts.load(Ordering::SeqCst), 0, "no upload");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_copy_falls_back_to_the_hosted_link_without_asking_twice() {
    let (sb, _data, ws, run, hosted, up) = reuse_on(false).await;

    sb.set_faults(FaultRule::parse_spec("500@POST:/v1/publishing/transfer-asset*1").unwrap());
    let reused = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(reused.value, hosted, "the hosted link, no error");
    assert!(reused.upload.is_none());
    assert_eq!(transfers(&sb), 1, "a write is not repeated");
    assert_eq!(
        remembered_cdn_link(ws.store(), &run.local_id, 0).unwrap(),
        None
    );

    // An answer lost after the copy was made: not repeated either, hosted link used.
    sb.set_faults(FaultRule::parse_spec("drop@POST:/v1/publishing/transfer-asset*1").unwrap());
    let reused = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(reused.value, hosted);
    assert_eq!(
        transfers(&sb),
        2,
        "one more attempt for one more reuse, no retry"
    );
    assert!(
        !ws.client()
            .endpoints()
            .is_missing(OptionalEndpoint::TransferAsset),
        "a failure is not taken for a missing endpoint"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_minimal_service_gets_the_hosted_link_and_no_copy() {
    let (sb, _data, ws, run, hosted, up) = reuse_on(true).await;

    let stored = sb.stats().files_stored;
    let first = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(first.value, hosted, "falls back with no error");
    assert!(first.upload.is_none());
    assert_eq!(sb.stats().files_stored, stored, "no copy was made");
    // The first use is the probe: one POST answered with the framework's 404 page.
    assert_eq!(transfers(&sb), 1, "{:?}", sb.stats().by_route);
    assert!(
        ws.client()
            .endpoints()
            .is_missing(OptionalEndpoint::TransferAsset)
    );

    let seen = transfers(&sb);
    let second = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert_eq!(second.value, hosted);
    assert_eq!(
        transfers(&sb),
        seen,
        "0 transfer requests once known missing"
    );
    assert_eq!(up.counters().puts.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_hosted_link_is_not_transferred_the_archived_copy_is_uploaded() {
    // (The uploader holds the store and nothing read from it: made before the edit below.)
    let (sb, data, ws, run, hosted, up) = reuse_on(false).await;
    // The service's link was a presigned one that expired in 2020.
    let expired = format!("{hosted}?X-Amz-Date=20200101T000000Z&X-Amz-Expires=3600");
    let history = rusqlite::Connection::open(data.path().join("history.sqlite3")).unwrap();
    history
        .execute(
            "UPDATE outputs SET value = ?1 WHERE local_id = ?2 AND idx = 0",
            rusqlite::params![expired, run.local_id],
        )
        .unwrap();
    drop(history);

    let reused = input_from_output(ws.store(), &up, ws.client(), &run.local_id, 0)
        .await
        .unwrap();
    assert!(
        reused.value.starts_with(UPLOAD_REF_PREFIX),
        "{}",
        reused.value
    );
    let ticket = reused.upload.expect("the archived copy is uploaded");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let done = loop {
        let status = up.status(&ticket.id).unwrap();
        if matches!(status.state, UploadState::Done | UploadState::Failed) {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "upload stuck: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done.state, UploadState::Done, "{done:?}");
    let link = done.link.unwrap().url;
    assert!(link.starts_with(&format!("{}/_sandbox/files/", sb.base_url())));
    assert_eq!(fetch_status(&link).await, 200);
    assert_eq!(
        transfers(&sb),
        0,
        "an expired link is never sent to transfer-asset"
    );
    assert_eq!(up.counters().puts.load(Ordering::SeqCst), 1);
}
