//! End-to-end checks of the rate limit, injected faults and webhook deliveries.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{client, get, sandbox, start_run};
use lamina_sandbox::{FaultRule, SandboxConfig, catalog};
use serde_json::{Value, json};

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 2,
        rate_window: Duration::from_secs(30),
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    for remaining in ["1", "0"] {
        let ok = get(format!("{base}/v1/apps")).await;
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.headers()["ratelimit-remaining"], remaining);
    }
    let limited = get(format!("{base}/v1/apps")).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry));
    assert_eq!(limited.headers()["ratelimit-remaining"], "0");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "RATE_LIMITED");
    assert_eq!(body["retryable"], true);
    assert_eq!(body["retryAfter"], retry);
    // Control routes and downloads are exempt.
    let stats: Value = client()
        .get(format!("{base}/_sandbox/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["rateLimited"], 1);
    assert_eq!(stats["requestsTotal"], 3);
    sb.shutdown().await;
}

#[tokio::test]
async fn fault_rules_fire_the_configured_number_of_times() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    sb.set_faults(FaultRule::parse_spec("503@GET:/v1/apps*2").unwrap());
    for _ in 0..2 {
        let failed = get(format!("{base}/v1/apps")).await;
        assert_eq!(failed.status(), 503);
        let body: Value = failed.json().await.unwrap();
        assert_eq!(body["code"], "RESOURCE_UNAVAILABLE");
        assert_eq!(body["retryable"], true);
    }
    assert_eq!(get(format!("{base}/v1/apps")).await.status(), 200);

    // Via the control route: a rate-limit storm, then a dropped connection.
    let put = client()
        .put(format!("{base}/_sandbox/faults"))
        .json(&json!({"spec": "429=3@/v1/runs*1,drop@/v1/runs*1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let storm = get(format!("{base}/v1/runs")).await;
    assert_eq!(storm.status(), 429);
    assert_eq!(storm.headers()["retry-after"], "3");
    let dropped = get(format!("{base}/v1/runs")).await;
    assert!(dropped.bytes().await.is_err(), "the body must break off");
    assert_eq!(get(format!("{base}/v1/runs")).await.status(), 200);

    let bad = client()
        .put(format!("{base}/_sandbox/faults"))
        .json(&json!({"spec": "teapot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(sb.stats().requests_total, 6);
    sb.shutdown().await;
}

#[tokio::test]
async fn fault_lab_serves_a_truncated_image() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    let path = format!("/v1/apps/{}/runs", catalog::FAULT_LAB);
    let started: Value = start_run(&base, &path, json!({"Fault": "Truncated image"}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["data"]["runId"].as_str().unwrap();
    let done: Value = get(format!("{base}/v1/runs/{id}/wait?timeout=5"))
        .await
        .json()
        .await
        .unwrap();
    let url = done["data"]["outputs"][0]["value"].as_str().unwrap();
    let file = client().get(url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().await.unwrap();
    assert!(image::load_from_memory(&bytes).is_err());
    sb.shutdown().await;
}

#[tokio::test]
async fn webhook_is_signed_and_retried_until_delivered() {
    use base64::Engine;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>;
    let seen: Seen = Arc::default();
    let receiver = {
        let seen = Arc::clone(&seen);
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let seen = Arc::clone(&seen);
                async move {
                    let count = {
                        let mut seen = seen.lock().unwrap();
                        seen.push((headers, body));
                        seen.len()
                    };
                    // Fail the first attempt so a retry must follow.
                    if count == 1 {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::OK
                    }
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, receiver).await });

    let sb = sandbox(SandboxConfig {
        webhook_retry_delays: vec![Duration::from_millis(50); 3],
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let path = format!(
        "/v1/apps/{}/executions?webhook={hook_url}",
        catalog::HERO_IMAGE
    );
    let started: Value = start_run(&base, &path, json!({"Prompt": "hook"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(started["data"]["webhookUrl"], hook_url.as_str());
    let run_id = started["data"]["runId"].as_str().unwrap().to_owned();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while sb.stats().webhook_delivered == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhook never delivered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stats = sb.stats();
    assert_eq!((stats.webhook_attempts, stats.webhook_delivered), (2, 1));

    let jwks: Value = get(format!("{base}/v1/webhooks/signing-key"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["x"], sb.signing_public_key_x().as_str());
    assert_eq!(jwks["keys"][0]["kid"], "lamina-webhook-v1");
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sb.signing_public_key_x())
        .unwrap();
    let key = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for (headers, body) in &seen {
        let header = |name: &str| headers[name].to_str().unwrap().to_owned();
        assert_eq!(header("x-lamina-webhook-request-id"), run_id);
        assert_eq!(header("x-lamina-webhook-user-id"), "user_demo");
        assert_eq!(header("content-type"), "application/json");
        let sig: [u8; 64] = hex::decode(header("x-lamina-webhook-signature"))
            .unwrap()
            .try_into()
            .unwrap();
        let message = format!("{}.{body}", header("x-lamina-webhook-timestamp"));
        assert!(
            key.verify(message.as_bytes(), &Signature::from_bytes(&sig))
                .is_ok()
        );
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["data"]["status"], "completed");
        // Started on the intermediate generation: both id names.
        assert_eq!(payload["data"]["executionId"], run_id.as_str());
        assert_eq!(payload["data"]["runId"], run_id.as_str());
    }
    sb.shutdown().await;
    server.abort();
}
