//! Every endpoint in both generations, validation, wait, stream, lists and a wrong key. What
//! needs only the four required endpoints runs against the full and the minimal service.

use std::time::Duration;

use futures_util::StreamExt;
use lamina_api::webhook::WebhookVerifier;
use lamina_api::{
    ApiErrorKind, ApiGeneration, ApiKey, ClientConfig, LaminaClient, OutputKind, OutputStatus,
    RunFilter, RunStatus, StreamEvent, validate_inputs,
};
use lamina_sandbox::catalog::{
    FULL_SET_CATALOG, HERO_IMAGE, LIFESTYLE_SCENE, PRODUCT_COPY, SOCIAL_AD_PACK, VIRTUAL_TRY_ON,
};
use lamina_sandbox::{SandboxConfig, catalog};

use crate::common::*;

for_both_services!(
    required_endpoints_answer_in_both_generations,
    invalid_inputs_are_caught_before_sending_and_mapped_from_the_service,
    a_wrong_key_is_unauthorized_and_never_shown,
);

/// List apps, get an app, start a run and get a run: all a client may count on, in both
/// generations, and on a minimal service nothing else is asked.
async fn required_endpoints_answer_in_both_generations(service: Service) {
    let sandbox = service.start(fast()).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        assert_eq!(client.generation(), generation);
        assert_eq!(client.base_url(), sandbox.base_url());

        // Apps: list, search, details.
        let apps = client.list_apps(None).await.unwrap();
        assert_eq!(apps.len(), catalog::ALL.len());
        assert!(
            apps.iter()
                .any(|a| a.app_id == HERO_IMAGE && a.name == "Hero Image")
        );
        assert!(
            apps.iter()
                .all(|a| !a.description.is_empty() && a.is_public.is_some())
        );
        let found = client.list_apps(Some("catalog")).await.unwrap();
        assert!(
            found.iter().any(|a| a.app_id == FULL_SET_CATALOG),
            "{found:?}"
        );
        assert!(found.len() < apps.len());

        let app = client.get_app(HERO_IMAGE).await.unwrap();
        assert_eq!(app.app_id, HERO_IMAGE);
        let names: Vec<_> = app.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Prompt", "Aspect Ratio", "Reference Image"]);
        assert!(app.parameter("Prompt").unwrap().is_mandatory());
        let ratio = app.parameter("Aspect Ratio").unwrap();
        assert_eq!(ratio.options, ["1:1", "4:3", "3:4", "16:9", "9:16"]);
        assert_eq!(ratio.default.as_deref(), Some("1:1"));
        let reference = app.parameter("Reference Image").unwrap();
        assert!(!reference.is_mandatory() && reference.accepts_images());

        // Start (validated first), then get: a minimal service's 429 on the first read is
        // ridden out by the client (it waits the Retry-After second and asks again).
        let to_send = validate_inputs(
            &app,
            &inputs(&[("Prompt", "a red sneaker"), ("Aspect Ratio", "16:9")]),
        )
        .unwrap();
        let run = client.start_run(HERO_IMAGE, &to_send, None).await.unwrap();
        assert!(!run.run_id.is_empty());
        assert_eq!(run.status, RunStatus::Queued);
        assert_eq!(run.workflow_id.as_deref(), Some(HERO_IMAGE));
        assert!(!run.outputs.is_empty());
        assert!(
            run.outputs
                .iter()
                .all(|o| o.status == OutputStatus::Pending && o.value.is_none())
        );
        let got = client.get_run(&run.run_id).await.unwrap();
        assert_eq!(got.run_id, run.run_id);
        assert_eq!(
            client.budget().stats().rate_limited_seen,
            service.first_read_429s(1)
        );

        // Read until terminal; the output is a real image on the shared client.
        let done = until_settled(&client, &run.run_id).await;
        assert_eq!(done.status, RunStatus::Completed);
        let (started, completed) = (done.started_at.unwrap(), done.completed_at.unwrap());
        match service {
            Service::Full => assert!(started < completed, "{started} {completed}"),
            Service::Minimal => assert_eq!(started, completed),
        }
        let output = &done.outputs[0];
        assert_eq!(
            (output.kind, output.status),
            (OutputKind::Image, OutputStatus::Completed)
        );
        let url = output.value.as_deref().unwrap();
        assert!(url.starts_with(&sandbox.base_url()), "{url}");
        let download = client.http().get(url).send().await.unwrap();
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers()["content-type"], "image/png");
        assert!(download.bytes().await.unwrap().starts_with(b"\x89PNG"));

        // A failing app, read the same way: failed, with the service's message per output.
        let run = client
            .start_run(VIRTUAL_TRY_ON, &inputs(&[]), None)
            .await
            .unwrap();
        let failed = until_settled(&client, &run.run_id).await;
        assert_eq!(failed.status, RunStatus::Failed);
        assert_eq!(
            failed.error_message.as_deref(),
            Some("Model capacity exceeded, please retry later")
        );
        assert!(
            failed
                .outputs
                .iter()
                .all(|o| o.status == OutputStatus::Error && o.error.is_some())
        );

        // Unknown ids.
        for error in [
            client.get_app("no-such-app").await.unwrap_err(),
            client.get_run("no-such-run").await.unwrap_err(),
            client
                .start_run("no-such-app", &hero_inputs(), None)
                .await
                .unwrap_err(),
        ] {
            assert_eq!(error.kind, ApiErrorKind::NotFound, "{error:?}");
            assert_eq!(error.http_status, Some(404));
        }
        assert_eq!(
            client.budget().stats().rate_limited_seen,
            service.first_read_429s(2)
        );
    }

    // Both path families were really used, and only the four required endpoints.
    let stats = sandbox.stats();
    for generation in GENERATIONS {
        let (p, noun) = (prefix(generation), runs_noun(generation));
        for key in [
            format!("GET {p}/apps"),
            format!("GET {p}/apps/{{appId}}"),
            format!("POST {p}/apps/{{appId}}/{noun}"),
            format!("GET {p}/{noun}/{{id}}"),
        ] {
            assert!(
                route(&stats, &key) >= 1,
                "{key} never called: {:?}",
                stats.by_route
            );
        }
    }
    let required = ["/apps", "/apps/{appId}", "/runs/{id}", "/executions/{id}"];
    for (key, count) in &stats.by_route {
        let (method, path) = key.split_once(' ').unwrap();
        let path = path.trim_start_matches("/v1").trim_start_matches("/api");
        let is_required = match method {
            "GET" => required.contains(&path),
            "POST" => path.starts_with("/apps/{appId}/"),
            _ => false,
        };
        assert!(is_required, "{key} asked {count} times");
    }
    assert_eq!(stats.runs_created, 4);
    assert_eq!(stats.rate_limited, service.first_read_429s(4));
    sandbox.shutdown().await;
}

/// The optional endpoints of the full service: wait, stream, the run list, signing keys, usage.
#[tokio::test]
async fn optional_endpoints_answer_in_both_generations() {
    let sandbox = start(fast()).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        let run = client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap();

        // Wait until terminal.
        let done = client.wait_run(&run.run_id, 30).await.unwrap();
        assert!(!done.timed_out);
        assert_eq!(done.run.status, RunStatus::Completed);
        assert!(done.run.started_at.is_some() && done.run.completed_at.is_some());

        // A stream on a finished run: one `complete`, then the end.
        let events: Vec<_> = client
            .stream_run(&run.run_id)
            .await
            .unwrap()
            .collect()
            .await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(matches!(&events[0], Ok(StreamEvent::Complete(r)) if r.run_id == run.run_id));

        // List, filtered by app.
        let filter = RunFilter {
            app_id: Some(HERO_IMAGE.into()),
            ..RunFilter::default()
        };
        let page = client.list_runs(&filter).await.unwrap();
        assert!(page.items.iter().any(|r| r.run_id == run.run_id));
        assert!(page.pagination.unwrap().total.unwrap() >= 1);

        // Signing keys and usage.
        let keys = client.signing_keys().await.unwrap();
        assert_eq!(keys.keys.len(), 1);
        assert_eq!(keys.keys[0].x, sandbox.signing_public_key_x());
        assert_eq!(WebhookVerifier::from_jwks(&keys).unwrap().key_count(), 1);
        let usage = client.usage().await.unwrap();
        let limit = usage.rate_limit.unwrap();
        assert_eq!((limit.limit, limit.window_ms), (100, 60_000));
        let credits = usage.credits.unwrap();
        assert!(credits.balance < credits.total_earned.unwrap());

        // Unknown ids.
        for error in [
            client.wait_run("no-such-run", 1).await.unwrap_err(),
            client.stream_run("no-such-run").await.err().unwrap(),
        ] {
            assert_eq!(error.kind, ApiErrorKind::NotFound, "{error:?}");
            assert_eq!(error.http_status, Some(404));
        }
    }

    let stats = sandbox.stats();
    for generation in GENERATIONS {
        let (p, noun) = (prefix(generation), runs_noun(generation));
        for key in [
            format!("GET {p}/{noun}"),
            format!("GET {p}/{noun}/{{id}}/wait"),
            format!("GET {p}/{noun}/{{id}}/stream"),
            format!("GET {p}/webhooks/signing-key"),
        ] {
            assert!(
                route(&stats, &key) >= 1,
                "{key} never called: {:?}",
                stats.by_route
            );
        }
    }
    assert_eq!(route(&stats, "GET /v1/account/usage"), 2);
    assert_eq!(stats.rate_limited, 0);
    sandbox.shutdown().await;
}

async fn invalid_inputs_are_caught_before_sending_and_mapped_from_the_service(service: Service) {
    let sandbox = service.start(fast()).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        let app = client.get_app(HERO_IMAGE).await.unwrap();
        let before = sandbox.stats().run_start_requests;

        // Locally: every problem named, nothing sent.
        let error = validate_inputs(&app, &inputs(&[("Aspect Ratio", "2:1")])).unwrap_err();
        let ApiErrorKind::InvalidInput { fields } = &error.kind else {
            panic!("{error:?}")
        };
        let named: Vec<_> = fields.iter().filter_map(|f| f.field.as_deref()).collect();
        assert!(
            named.contains(&"Prompt") && named.contains(&"Aspect Ratio"),
            "{named:?}"
        );
        assert!(error.message.contains("Prompt") || error.message.contains("Aspect Ratio"));
        assert_eq!(
            sandbox.stats().run_start_requests,
            before,
            "nothing may be sent"
        );

        // The service's own validation (inputs sent unvalidated) maps to the same kind.
        let bad = inputs(&[("Aspect Ratio", "2:1"), ("Colour", "red")]);
        let error = client.start_run(HERO_IMAGE, &bad, None).await.unwrap_err();
        assert_eq!(error.http_status, Some(400));
        assert!(!error.outcome_unknown);
        let ApiErrorKind::InvalidInput { fields } = &error.kind else {
            panic!("{error:?}")
        };
        let reason = |name: &str| {
            fields
                .iter()
                .find(|f| f.field.as_deref() == Some(name))
                .map(|f| f.reason.clone())
        };
        assert!(
            reason("Aspect Ratio")
                .unwrap()
                .contains("invalid option \"2:1\""),
            "{fields:?}"
        );
        assert_eq!(reason("Prompt").unwrap(), "missing_no_default");
        assert!(reason("Colour").is_some(), "{fields:?}");
        match generation {
            ApiGeneration::V1 => {
                assert_eq!(error.code.as_deref(), Some("VALIDATION_ERROR"));
                assert!(error.request_id.is_some());
            }
            ApiGeneration::Legacy => assert_eq!(error.code, None),
        }
        assert!(error.detail.contains("HTTP 400"), "{}", error.detail);
        assert_eq!(sandbox.stats().run_start_requests, before + 1);
    }

    // A webhook URL the service refuses; a minimal service takes the parameter and ignores it.
    let client = client(&sandbox, ApiGeneration::V1);
    let started = client
        .start_run(HERO_IMAGE, &hero_inputs(), Some("ftp://example.com/hook"))
        .await;
    match service {
        Service::Full => {
            let error = started.unwrap_err();
            assert!(
                matches!(error.kind, ApiErrorKind::InvalidInput { .. }),
                "{error:?}"
            );
            assert_eq!(error.code.as_deref(), Some("WEBHOOK_INVALID_URL"));
            assert_eq!(sandbox.stats().runs_created, 0);
        }
        Service::Minimal => {
            assert!(!started.unwrap().run_id.is_empty());
            assert_eq!(sandbox.stats().runs_created, 1);
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn wait_times_out_then_completes() {
    // Lifestyle Scene runs ~45 s at speed 1: about 2 s here.
    let sandbox = start(SandboxConfig {
        speed: 20.0,
        ..fast()
    })
    .await;
    let runs = GENERATIONS.map(|generation| {
        let client = client(&sandbox, generation);
        async move {
            let inputs = inputs(&[("Prompt", "a mug on a kitchen table")]);
            let run = client
                .start_run(LIFESTYLE_SCENE, &inputs, None)
                .await
                .unwrap();
            // 0 is clamped to 1 s; the run is still going, which is not an error.
            let first = client.wait_run(&run.run_id, 0).await.unwrap();
            assert!(first.timed_out);
            assert!(!first.run.status.is_terminal());
            let mut calls = 1;
            let done = loop {
                let outcome = client.wait_run(&run.run_id, 5).await.unwrap();
                calls += 1;
                if !outcome.timed_out {
                    break outcome.run;
                }
                assert!(calls < 6, "the run never finished");
            };
            assert_eq!(done.status, RunStatus::Completed);
            assert_eq!(done.outputs.len(), 3);
            assert!(
                done.outputs
                    .iter()
                    .all(|o| o.status == OutputStatus::Completed)
            );
        }
    });
    futures_util::future::join_all(runs).await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn stream_reports_progress_then_complete_or_failed() {
    let sandbox = start(SandboxConfig {
        speed: 20.0,
        ..fast()
    })
    .await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);

        // Four sequential outputs: several progress events, then complete, then the end.
        let run = client
            .start_run(FULL_SET_CATALOG, &inputs(&[]), None)
            .await
            .unwrap();
        let events: Vec<_> = client
            .stream_run(&run.run_id)
            .await
            .unwrap()
            .collect()
            .await;
        let (last, progress) = events.split_last().unwrap();
        assert!(progress.len() >= 2, "{events:?}");
        let mut completed_outputs = 0;
        for event in progress {
            match event {
                Ok(StreamEvent::Progress(r)) => {
                    assert_eq!(r.run_id, run.run_id);
                    assert!(!r.status.is_terminal());
                    let done = r.outputs.iter().filter(|o| o.status.is_terminal()).count();
                    assert!(done >= completed_outputs, "outputs never go back");
                    completed_outputs = done;
                }
                Ok(StreamEvent::Ping) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let Ok(StreamEvent::Complete(done)) = last else {
            panic!("{last:?}")
        };
        assert_eq!(done.status, RunStatus::Completed);
        assert_eq!(done.outputs.len(), 4);
        assert!(
            done.outputs
                .iter()
                .all(|o| o.status == OutputStatus::Completed)
        );

        // A failing app: the SSE event named `error` is a failed run, not a transport error.
        let run = client
            .start_run(VIRTUAL_TRY_ON, &inputs(&[]), None)
            .await
            .unwrap();
        let events: Vec<_> = client
            .stream_run(&run.run_id)
            .await
            .unwrap()
            .collect()
            .await;
        let Some(Ok(StreamEvent::Failed(failed))) = events.last() else {
            panic!("{events:?}")
        };
        assert_eq!(failed.status, RunStatus::Failed);
        assert_eq!(
            failed.error_message.as_deref(),
            Some("Model capacity exceeded, please retry later")
        );
        for output in &failed.outputs {
            assert_eq!(output.status, OutputStatus::Error);
            assert_eq!(
                output.kind,
                OutputKind::Pending,
                "a failed output keeps type pending"
            );
            assert!(output.error.is_some());
        }

        // A run that completes with one failed output.
        let inputs = inputs(&[("Product Description", "linen shirt")]);
        let run = client
            .start_run(SOCIAL_AD_PACK, &inputs, None)
            .await
            .unwrap();
        let events: Vec<_> = client
            .stream_run(&run.run_id)
            .await
            .unwrap()
            .collect()
            .await;
        let Some(Ok(StreamEvent::Complete(done))) = events.last() else {
            panic!("{events:?}")
        };
        let statuses: Vec<_> = done.outputs.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            [
                OutputStatus::Completed,
                OutputStatus::Error,
                OutputStatus::Completed
            ]
        );
        assert!(
            done.outputs[1]
                .error
                .as_deref()
                .unwrap()
                .contains("Safety filter")
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn without_long_poll_support_wait_and_stream_are_not_found() {
    let sandbox = start(SandboxConfig {
        long_poll: false,
        ..fast()
    })
    .await;
    let client = client(&sandbox, ApiGeneration::V1);
    let run = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    let error = client.stream_run(&run.run_id).await.err().unwrap();
    assert_eq!(error.kind, ApiErrorKind::NotFound);
    let error = client.wait_run(&run.run_id, 1).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::NotFound);
    // Polling still works.
    assert_eq!(
        client.get_run(&run.run_id).await.unwrap().run_id,
        run.run_id
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn list_runs_filters_and_paginates() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let t0 = chrono::Utc::now() - chrono::Duration::seconds(1);
    let copy = inputs(&[("Product Name", "Trail Runner 2")]);
    let mut ids = vec![
        client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap()
            .run_id,
        client
            .start_run(PRODUCT_COPY, &copy, None)
            .await
            .unwrap()
            .run_id,
    ];
    tokio::time::sleep(Duration::from_millis(20)).await;
    let middle = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    ids.push(
        client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap()
            .run_id,
    );
    ids.push(
        client
            .start_run(VIRTUAL_TRY_ON, &inputs(&[]), None)
            .await
            .unwrap()
            .run_id,
    );
    for id in &ids {
        assert!(!client.wait_run(id, 30).await.unwrap().timed_out);
    }

    let all = client.list_runs(&RunFilter::default()).await.unwrap();
    let listed: Vec<_> = all.items.iter().map(|r| r.run_id.clone()).collect();
    let newest_first: Vec<_> = ids.iter().rev().cloned().collect();
    assert_eq!(listed, newest_first);
    assert_eq!(all.pagination.as_ref().unwrap().total, Some(4));
    assert!(
        all.items
            .iter()
            .all(|r| r.outputs.is_empty() && r.created_at.is_some())
    );

    let filter = |f: RunFilter| {
        let client = client.clone();
        async move { client.list_runs(&f).await.unwrap() }
    };
    let heroes = filter(RunFilter {
        app_id: Some(HERO_IMAGE.into()),
        ..Default::default()
    })
    .await;
    assert_eq!(heroes.items.len(), 2);
    assert!(
        heroes
            .items
            .iter()
            .all(|r| r.workflow_id.as_deref() == Some(HERO_IMAGE))
    );

    let failed = filter(RunFilter {
        status: Some(RunStatus::Failed),
        ..Default::default()
    })
    .await;
    assert_eq!(failed.items.len(), 1);
    assert_eq!(failed.items[0].run_id, ids[3]);
    assert!(failed.items[0].error_message.is_some());

    let copy_done = filter(RunFilter {
        status: Some(RunStatus::Completed),
        app_id: Some(PRODUCT_COPY.into()),
        ..Default::default()
    })
    .await;
    assert_eq!(copy_done.items.len(), 1);

    let page = filter(RunFilter {
        limit: Some(2),
        offset: Some(1),
        ..Default::default()
    })
    .await;
    let page_ids: Vec<_> = page.items.iter().map(|r| r.run_id.clone()).collect();
    assert_eq!(page_ids, newest_first[1..3]);
    let pagination = page.pagination.unwrap();
    assert_eq!(
        (pagination.total, pagination.limit, pagination.offset),
        (Some(4), Some(2), Some(1))
    );

    let recent = filter(RunFilter {
        since: Some(middle),
        ..Default::default()
    })
    .await;
    assert_eq!(recent.items.len(), 2);
    let everything = filter(RunFilter {
        since: Some(t0),
        ..Default::default()
    })
    .await;
    assert_eq!(everything.items.len(), 4);
    let future = chrono::Utc::now() + chrono::Duration::seconds(60);
    assert!(
        filter(RunFilter {
            since: Some(future),
            ..Default::default()
        })
        .await
        .items
        .is_empty()
    );

    // The legacy listing reads the same runs under `executionId`.
    let legacy = crate::common::client(&sandbox, ApiGeneration::Legacy);
    let heroes = legacy
        .list_runs(&RunFilter {
            app_id: Some(HERO_IMAGE.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut legacy_ids: Vec<_> = heroes.items.iter().map(|r| r.run_id.clone()).collect();
    legacy_ids.sort();
    let mut expected = vec![ids[0].clone(), ids[2].clone()];
    expected.sort();
    assert_eq!(legacy_ids, expected);
    sandbox.shutdown().await;
}

async fn a_wrong_key_is_unauthorized_and_never_shown(service: Service) {
    let sandbox = service.start(fast()).await;
    let secret = "lma_wrong_secret_0123456789abcdef";
    for generation in GENERATIONS {
        let mut config = ClientConfig::new(sandbox.base_url(), ApiKey::new(secret));
        config.generation = generation;
        let client = LaminaClient::new(config).unwrap();
        assert!(!format!("{client:?}").contains(secret));
        let errors = [
            client.list_apps(None).await.unwrap_err(),
            client
                .start_run(HERO_IMAGE, &hero_inputs(), None)
                .await
                .unwrap_err(),
        ];
        for error in errors {
            assert_eq!(error.kind, ApiErrorKind::Unauthorized, "{error:?}");
            assert_eq!(error.http_status, Some(401));
            assert!(!error.outcome_unknown);
            let shown = [
                error.to_string(),
                format!("{error:?}"),
                error.detail.clone(),
                error.message.clone(),
                serde_json::to_string(&error).unwrap(),
            ];
            for text in shown {
                assert!(
                    !text.contains(secret) && !text.contains("0123456789abcdef"),
                    "{text}"
                );
            }
        }
    }
    // 401s are not retried: exactly one request per call.
    assert_eq!(sandbox.stats().requests_total, 4);

    let empty = LaminaClient::new(ClientConfig::new(sandbox.base_url(), ApiKey::new(""))).unwrap();
    let error = empty.list_apps(None).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Unauthorized);
    assert_eq!(error.code.as_deref(), Some("AUTH_MISSING_KEY"));
    sandbox.shutdown().await;
}
