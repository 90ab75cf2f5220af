//! The "minimal service" configuration over real HTTP: only the four required endpoints answer,
//! the rest are plain 404 pages; the first status read of a run is a 429; timestamps are equal.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{client, get, sandbox, start_run};
use lamina_sandbox::{SandboxConfig, catalog};
use serde_json::{Value, json};

async fn started_run(base: &str) -> String {
    let started = start_run(
        base,
        &format!(
            "/v1/apps/{}/runs?webhook=http://127.0.0.1:9/none",
            catalog::HERO_IMAGE
        ),
        json!({"Prompt": "A mug"}),
    )
    .await;
    assert_eq!(started.status(), 202);
    let body: Value = started.json().await.unwrap();
    assert!(body["data"]["webhookUrl"].is_null(), "{body}");
    body["data"]["runId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_the_four_required_endpoints_answer() {
    let sb = sandbox(SandboxConfig {
        minimal: true,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();

    assert_eq!(get(format!("{base}/v1/apps")).await.status(), 200);
    assert_eq!(get(format!("{base}/api/apps")).await.status(), 200);
    let app = get(format!("{base}/v1/apps/{}", catalog::HERO_IMAGE)).await;
    assert_eq!(app.status(), 200);
    let run_id = started_run(&base).await;

    for path in [
        "/v1/runs".to_owned(),
        format!("/v1/runs/{run_id}/wait"),
        format!("/v1/runs/{run_id}/stream"),
        "/v1/account/usage".to_owned(),
        "/v1/webhooks/signing-key".to_owned(),
        format!("/v1/apps/{}/workflow", catalog::HERO_IMAGE),
        "/v1/content/create".to_owned(),
        "/api/executions".to_owned(),
    ] {
        let response = get(format!("{base}{path}")).await;
        assert_eq!(response.status(), 404, "{path}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let text = response.text().await.unwrap();
        assert!(text.contains(&format!("Cannot GET {path}")), "{text}");
    }
    let stats = sb.stats();
    assert_eq!(stats.by_route["GET /v1/runs"], 1);
    assert_eq!(stats.by_route["GET /v1/account/usage"], 1);
}

#[tokio::test]
async fn first_status_read_is_a_429_and_timestamps_are_equal() {
    let sb = sandbox(SandboxConfig {
        minimal: true,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let run_id = started_run(&base).await;

    let first = get(format!("{base}/v1/runs/{run_id}")).await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");

    tokio::time::sleep(Duration::from_millis(500)).await;
    let done: Value = get(format!("{base}/v1/runs/{run_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["data"]["status"], "completed", "{done}");
    assert!(done["data"]["completedAt"].is_string());
    assert_eq!(done["data"]["startedAt"], done["data"]["completedAt"]);
    // Only the first read of each run is refused.
    assert_eq!(get(format!("{base}/v1/runs/{run_id}")).await.status(), 200);
    assert_eq!(sb.stats().webhook_attempts, 0);
}

#[tokio::test]
async fn the_mode_switches_at_run_time() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    assert_eq!(get(format!("{base}/v1/account/usage")).await.status(), 200);

    let switched = client()
        .put(format!("{base}/_sandbox/mode"))
        .json(&json!({"minimal": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    assert_eq!(get(format!("{base}/v1/account/usage")).await.status(), 404);

    let bad = client()
        .put(format!("{base}/_sandbox/mode"))
        .body("on")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    sb.set_minimal(false);
    assert_eq!(get(format!("{base}/v1/account/usage")).await.status(), 200);
}
