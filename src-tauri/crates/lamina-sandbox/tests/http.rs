//! End-to-end checks over real HTTP on loopback: auth, apps, runs, generations, streams.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{client, get, sandbox, start_run};
use futures_util::StreamExt;
use lamina_sandbox::{DEMO_KEY, SandboxConfig, catalog, start};
use serde_json::{Value, json};

#[tokio::test]
async fn auth_errors_use_the_envelope_and_echo_the_request_id() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();

    let missing = client()
        .get(format!("{base}/v1/apps"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let rid = missing.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["code"], "AUTH_MISSING_KEY");
    assert_eq!(body["retryable"], false);
    assert_eq!(body["requestId"], rid);

    let wrong = client()
        .get(format!("{base}/v1/apps"))
        .bearer_auth("lma_not_a_real_key")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["code"],
        "AUTH_INVALID_KEY"
    );

    let other_ws = client()
        .get(format!("{base}/v1/apps"))
        .bearer_auth(DEMO_KEY)
        .header("x-workspace-id", "ws_other")
        .send()
        .await
        .unwrap();
    assert_eq!(other_ws.status(), 403);
    assert_eq!(other_ws.json::<Value>().await.unwrap()["code"], "FORBIDDEN");

    let legacy = client()
        .get(format!("{base}/api/apps"))
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.status(), 401);
    assert_eq!(
        legacy.json::<Value>().await.unwrap(),
        json!({"error": "Missing API key"})
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn apps_list_get_and_workflow_have_the_documented_shape() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();

    let list = get(format!("{base}/v1/apps")).await;
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["ratelimit-limit"], "100");
    assert_eq!(list.headers()["ratelimit-remaining"], "99");
    let body: Value = list.json().await.unwrap();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), catalog::ALL.len());
    for item in data {
        assert!(item["appId"].is_string() && item["name"].is_string());
        assert!(item["description"].is_string() && item["isPublic"].is_boolean());
        assert!(item.get("parameters").is_none());
    }
    assert_eq!(
        body["pagination"],
        json!({"total": 8, "limit": 25, "offset": 0})
    );

    let found: Value = get(format!("{base}/v1/apps?search=CATALOG&limit=5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["data"][0]["appId"], catalog::FULL_SET_CATALOG);
    assert_eq!(found["pagination"]["total"], 1);

    let app: Value = get(format!("{base}/v1/apps/{}", catalog::HERO_IMAGE))
        .await
        .json()
        .await
        .unwrap();
    let params = app["data"]["parameters"].as_array().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Prompt", "Aspect Ratio", "Reference Image"]);
    assert_eq!(
        params[1]["options"],
        json!(["1:1", "4:3", "3:4", "16:9", "9:16"])
    );

    let workflow: Value = get(format!(
        "{base}/api/apps/{}/workflow",
        catalog::FULL_SET_CATALOG
    ))
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(workflow["data"]["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(workflow["data"]["edges"].as_array().unwrap().len(), 3);

    let missing = get(format!(
        "{base}/v1/apps/00000000-0000-4000-8000-000000000000"
    ))
    .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["error"],
        "App not found"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_run_completes_and_its_image_downloads() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();

    let started = start_run(
        &base,
        &format!("/v1/apps/{}/runs", catalog::HERO_IMAGE),
        json!({"Prompt": "a ceramic mug on a plinth", "Aspect Ratio": "16:9"}),
    )
    .await;
    assert_eq!(started.status(), 202);
    let body: Value = started.json().await.unwrap();
    let run = &body["data"];
    assert_eq!(run["status"], "queued");
    assert_eq!(run["workflowId"], catalog::HERO_IMAGE);
    assert_eq!(run["workflowName"], "Hero Image");
    assert!(run.get("webhookUrl").is_none() && run.get("executionId").is_none());
    assert_eq!(run["outputs"][0]["type"], "pending");
    assert_eq!(run["outputs"][0]["status"], "pending");
    assert!(run["outputs"][0]["value"].is_null() && run["outputs"][0]["error"].is_null());
    let run_id = run["runId"].as_str().unwrap().to_owned();

    let waited: Value = get(format!("{base}/v1/runs/{run_id}/wait?timeout=10"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waited["timeout"], false);
    let done = &waited["data"];
    assert_eq!(done["status"], "completed");
    assert!(done["startedAt"].as_str().unwrap().ends_with('Z'));
    assert!(done["completedAt"].is_string());
    assert_eq!(done["outputs"][0]["type"], "image");
    let url = done["outputs"][0]["value"].as_str().unwrap();
    assert_eq!(url, format!("{base}/files/{run_id}/0.png"));

    let file = client().get(url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    let bytes = file.bytes().await.unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (1024, 576));

    let listed: Value = get(format!("{base}/v1/runs?status=completed"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["runId"], run_id.as_str());
    assert_eq!(listed["data"][0]["source"], "api_app");
    assert!(listed["data"][0].get("outputs").is_none());

    let usage: Value = get(format!("{base}/v1/account/usage"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(usage["data"]["credits"]["totalSpent"], 1.0);
    assert_eq!(
        usage["data"]["rateLimit"],
        json!({"limit": 100, "windowMs": 60000})
    );

    let stats = sb.stats();
    assert_eq!((stats.run_start_requests, stats.runs_created), (1, 1));
    assert_eq!(stats.by_route["GET /v1/runs/{id}/wait"], 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn invalid_inputs_are_rejected_with_details() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    let path = format!("/v1/apps/{}/runs", catalog::FULL_SET_CATALOG);
    let bad = start_run(&base, &path, json!({"Background": "Mars"})).await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["code"], "VALIDATION_ERROR");
    assert_eq!(
        body["details"],
        json!(["\"Background\": invalid option \"Mars\". Must be one of: Studio, Urban, Park"])
    );
    let hero = format!("/v1/apps/{}/runs", catalog::HERO_IMAGE);
    let missing: Value = start_run(&base, &hero, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        missing["details"],
        json!(["\"Prompt\": missing_no_default"])
    );

    let hook = client()
        .post(format!("{base}{hero}?webhook=ftp://example.com/x"))
        .header("x-api-key", DEMO_KEY)
        .json(&json!({"inputs": {"Prompt": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), 400);
    assert_eq!(
        hook.json::<Value>().await.unwrap()["code"],
        "WEBHOOK_INVALID_URL"
    );
    let stats = sb.stats();
    assert_eq!((stats.run_start_requests, stats.runs_created), (3, 0));
    sb.shutdown().await;
}

#[tokio::test]
async fn legacy_paths_use_execution_id_and_plain_text_429() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 3,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let path = format!("/api/apps/{}/executions", catalog::PRODUCT_COPY);
    let started: Value = start_run(&base, &path, json!({"Product Name": "Trail Bottle"}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["data"]["executionId"].as_str().unwrap().to_owned();
    assert!(started["data"].get("runId").is_none());

    let got: Value = get(format!("{base}/api/executions/{id}/wait?timeout=5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["data"]["executionId"], id.as_str());
    assert_eq!(got["data"]["outputs"][0]["type"], "text");
    assert!(
        got["data"]["outputs"][0]["value"]
            .as_str()
            .unwrap()
            .contains("Trail Bottle")
    );

    // The intermediate generation carries both names.
    let both: Value = get(format!("{base}/v1/executions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    // That was request 3 of 3; the next one is over the limit.
    assert_eq!(
        (
            both["data"]["runId"].as_str(),
            both["data"]["executionId"].as_str()
        ),
        (Some(id.as_str()), Some(id.as_str()))
    );
    let limited = get(format!("{base}/api/executions/{id}")).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert!(
        limited.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        limited.text().await.unwrap(),
        "Too many requests from this IP, please try again in a minute"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn stream_reports_progress_then_complete() {
    // Slower than the other tests so every step is seen (steps ~250 ms apart).
    let sb = start(SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let base = sb.base_url();
    let started: Value = start_run(
        &base,
        &format!("/v1/apps/{}/runs", catalog::FULL_SET_CATALOG),
        json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = started["data"]["runId"].as_str().unwrap();
    let response = get(format!("{base}/v1/runs/{id}/stream")).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(10), body.next())
        .await
        .unwrap()
    {
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    let events: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    // queued (unless already over), running, one per finished output but the last, complete.
    let (last, progress) = events.split_last().unwrap();
    assert_eq!(*last, "complete");
    assert!(progress.iter().all(|e| *e == "progress"), "{events:?}");
    assert!((4..=5).contains(&progress.len()), "{events:?}");
    let last_data = text.lines().rfind(|l| l.starts_with("data: ")).unwrap();
    let run: Value = serde_json::from_str(&last_data[6..]).unwrap();
    assert_eq!(run["status"], "completed");
    assert_eq!(run["outputs"].as_array().unwrap().len(), 4);
    sb.shutdown().await;
}

#[tokio::test]
async fn failing_app_fails_and_long_poll_can_be_disabled() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    let path = format!("/v1/apps/{}/runs", catalog::VIRTUAL_TRY_ON);
    let started: Value = start_run(&base, &path, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["data"]["runId"].as_str().unwrap();
    let waited: Value = get(format!("{base}/v1/runs/{id}/wait?timeout=5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waited["data"]["status"], "failed");
    assert!(
        waited["data"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("capacity")
    );
    assert_eq!(waited["data"]["outputs"][0]["status"], "error");
    assert_eq!(waited["data"]["outputs"][0]["type"], "pending");
    let bad_timeout = get(format!("{base}/v1/runs/{id}/wait?timeout=121")).await;
    assert_eq!(bad_timeout.status(), 400);
    sb.shutdown().await;

    let polling_only = sandbox(SandboxConfig {
        long_poll: false,
        ..SandboxConfig::default()
    })
    .await;
    let base = polling_only.base_url();
    let started: Value = start_run(&base, &path, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = started["data"]["runId"].as_str().unwrap();
    assert_eq!(get(format!("{base}/v1/runs/{id}/wait")).await.status(), 404);
    assert_eq!(
        get(format!("{base}/v1/runs/{id}/stream")).await.status(),
        404
    );
    assert_eq!(get(format!("{base}/v1/runs/{id}")).await.status(), 200);
    polling_only.shutdown().await;
}

/// `clock_offset_s` shifts the `Date` of every answer (API routes, errors, control routes alike).
#[tokio::test]
async fn the_date_header_follows_the_clock_offset() {
    let date_of = |response: &reqwest::Response| {
        let text = response.headers()["date"].to_str().unwrap().to_owned();
        chrono::DateTime::parse_from_rfc2822(&text.replace("GMT", "+0000"))
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    for offset in [0_i64, 600, -600] {
        let sb = sandbox(SandboxConfig {
            clock_offset_s: offset,
            ..SandboxConfig::default()
        })
        .await;
        let base = sb.base_url();
        for url in [format!("{base}/v1/apps"), format!("{base}/_sandbox/stats")] {
            let response = client()
                .get(&url)
                .bearer_auth(DEMO_KEY)
                .send()
                .await
                .unwrap();
            let shift = (date_of(&response) - chrono::Utc::now()).num_seconds();
            assert!(
                (shift - offset).abs() <= 2,
                "{url}: Date is {shift} s from now, expected {offset}"
            );
        }
    }
    let too_far = SandboxConfig {
        clock_offset_s: 400 * 24 * 3600,
        ..SandboxConfig::default()
    };
    assert!(too_far.validate().unwrap_err().contains("clock offset"));
}
