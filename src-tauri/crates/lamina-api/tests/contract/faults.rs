//! Every injected fault kind mapped to its typed error; the run-start POST is never repeated
//! once it may have reached the service. Faults on the four required endpoints are checked on
//! the full and the minimal service alike.

use std::time::{Duration, Instant};

use lamina_api::{ApiErrorKind, ApiGeneration, RunStatus};
use lamina_sandbox::catalog::HERO_IMAGE;

use crate::common::*;

for_both_services!(
    server_errors_on_reads_are_retried_then_typed,
    a_rate_limit_storm_on_reads_is_absorbed,
    a_rate_limit_on_run_start_is_waited_out_or_returned_when_too_long,
    server_errors_on_run_start_are_returned_and_never_repeated,
    a_dropped_hung_or_garbled_run_start_is_outcome_unknown_and_sent_once,
    hung_and_slow_reads_time_out_and_retry,
    dropped_reads_are_network_errors_or_recovered,
    malformed_answers_are_decode_errors_without_retry,
    file_faults_do_not_touch_api_calls,
);

async fn server_errors_on_reads_are_retried_then_typed(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client_with(&sandbox, ApiGeneration::V1, |c| c.max_read_attempts = 3);
    for (status, code) in [
        (500, "INTERNAL_ERROR"),
        (502, "BAD_GATEWAY"),
        (503, "RESOURCE_UNAVAILABLE"),
    ] {
        faults(&sandbox, &format!("{status}@GET:/v1/apps*10"));
        let before = sandbox.stats().requests_total;
        let error = client.list_apps(None).await.unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Server, "{error:?}");
        assert_eq!(error.http_status, Some(status));
        assert_eq!(error.code.as_deref(), Some(code));
        assert!(error.request_id.is_some());
        assert!(error.is_transient());
        assert!(
            error.detail.contains(&format!("HTTP {status}")),
            "{}",
            error.detail
        );
        assert_eq!(sandbox.stats().requests_total - before, 3, "three attempts");
    }

    // Fewer faults than attempts: the read recovers.
    faults(&sandbox, "");
    let run = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    // A minimal service refuses the first read of each run with a 429: get that behind us.
    client.get_run(&run.run_id).await.unwrap();
    let before = route(&sandbox.stats(), "GET /v1/runs/{id}");
    faults(&sandbox, "503@GET:/v1/runs*2");
    assert_eq!(
        client.get_run(&run.run_id).await.unwrap().run_id,
        run.run_id
    );
    assert_eq!(route(&sandbox.stats(), "GET /v1/runs/{id}") - before, 3);

    // The legacy `{error}` shape maps the same way.
    let legacy = client_with(&sandbox, ApiGeneration::Legacy, |c| c.max_read_attempts = 2);
    faults(&sandbox, "500@GET:/api/apps*10");
    let error = legacy.list_apps(None).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Server);
    assert_eq!(error.code, None);
    assert!(
        error.detail.contains("Internal server error"),
        "{}",
        error.detail
    );
    sandbox.shutdown().await;
}

async fn a_rate_limit_storm_on_reads_is_absorbed(service: Service) {
    let sandbox = service.start(fast()).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        faults(
            &sandbox,
            &format!("429=1@GET:{}/apps*2", prefix(generation)),
        );
        let before = sandbox.stats().rate_limited;
        let started = Instant::now();
        let apps = client.list_apps(None).await.unwrap();
        assert!(!apps.is_empty());
        // Retry-After: 1 was honoured twice.
        assert!(
            started.elapsed() >= Duration::from_millis(1900),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(sandbox.stats().rate_limited - before, 2);
        assert_eq!(client.budget().stats().rate_limited_seen, 2);
    }
    sandbox.shutdown().await;
}

/// A 429 says the service did not act, so a start is asked again after `Retry-After`; a wait
/// longer than a minute is handed back to the person instead.
async fn a_rate_limit_on_run_start_is_waited_out_or_returned_when_too_long(service: Service) {
    let sandbox = service.start(fast()).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        faults(
            &sandbox,
            &format!("429=1@POST:{}/apps*2", prefix(generation)),
        );
        let before = sandbox.stats();
        let run = client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap();
        assert!(!run.run_id.is_empty());
        let after = sandbox.stats();
        assert_eq!(after.run_start_requests - before.run_start_requests, 3);
        assert_eq!(after.runs_created - before.runs_created, 1, "one run");

        faults(
            &sandbox,
            &format!("429=120@POST:{}/apps*5", prefix(generation)),
        );
        let before = sandbox.stats();
        let error = client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap_err();
        assert_eq!(
            error.kind,
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(120_000)
            },
            "{error:?}"
        );
        assert_eq!(error.http_status, Some(429));
        assert!(!error.outcome_unknown);
        let after = sandbox.stats();
        assert_eq!(
            after.run_start_requests - before.run_start_requests,
            1,
            "not asked again"
        );
        assert_eq!(after.runs_created, before.runs_created);
        match generation {
            ApiGeneration::V1 => assert_eq!(error.code.as_deref(), Some("RATE_LIMITED")),
            // The legacy 429 is plain text.
            ApiGeneration::Legacy => {
                assert!(
                    error.detail.contains("Too many requests from this IP"),
                    "{}",
                    error.detail
                )
            }
        }
    }
    sandbox.shutdown().await;
}

async fn server_errors_on_run_start_are_returned_and_never_repeated(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    for (status, unknown) in [(500, false), (503, false), (502, true)] {
        faults(&sandbox, &format!("{status}@POST:/v1/apps*5"));
        let before = sandbox.stats().run_start_requests;
        let error = client
            .start_run(HERO_IMAGE, &hero_inputs(), None)
            .await
            .unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Server);
        assert_eq!(error.http_status, Some(status));
        // A gateway error may hide a run that was started behind it.
        assert_eq!(error.outcome_unknown, unknown, "{status}");
        assert_eq!(sandbox.stats().run_start_requests - before, 1);
    }
    assert_eq!(sandbox.stats().runs_created, 0);
    sandbox.shutdown().await;
}

async fn a_dropped_hung_or_garbled_run_start_is_outcome_unknown_and_sent_once(service: Service) {
    let sandbox = service.start(fast()).await;
    for generation in GENERATIONS {
        let client = client_with(&sandbox, generation, |c| {
            c.read_timeout = Duration::from_millis(400);
            c.request_timeout = Duration::from_secs(2);
        });
        let p = prefix(generation);
        for (spec, kind) in [
            ("drop", ApiErrorKind::Network),
            ("hang", ApiErrorKind::Timeout),
            ("malformed", ApiErrorKind::Decode),
        ] {
            faults(&sandbox, &format!("{spec}@POST:{p}/apps*5"));
            let before = sandbox.stats().run_start_requests;
            let started = Instant::now();
            let error = client
                .start_run(HERO_IMAGE, &hero_inputs(), None)
                .await
                .unwrap_err();
            assert_eq!(error.kind, kind, "{spec}: {error:?}");
            assert!(error.outcome_unknown, "{spec}: the run may exist");
            assert_eq!(
                sandbox.stats().run_start_requests - before,
                1,
                "{spec}: sent once"
            );
            assert!(started.elapsed() < Duration::from_secs(3), "{spec}");
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_run_start_that_cannot_connect_is_retried_because_nothing_was_sent() {
    // A port that nothing listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = lamina_api::ClientConfig::new(
        format!("http://127.0.0.1:{port}"),
        lamina_api::ApiKey::new(lamina_sandbox::DEMO_KEY),
    );
    config.max_read_attempts = 3;
    let client = lamina_api::LaminaClient::new(config).unwrap();
    let error = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Network, "{error:?}");
    assert!(!error.outcome_unknown, "nothing reached the service");
    assert_eq!(client.budget().stats().requests_sent, 3);
    let error = client.list_apps(None).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Network);
}

async fn hung_and_slow_reads_time_out_and_retry(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client_with(&sandbox, ApiGeneration::V1, |c| {
        c.read_timeout = Duration::from_millis(300);
        c.max_read_attempts = 2;
    });
    faults(&sandbox, "hang@GET:/v1/apps*5");
    let started = Instant::now();
    let error = client.list_apps(None).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Timeout, "{error:?}");
    assert!(error.is_transient());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(route(&sandbox.stats(), "GET /v1/apps"), 2);

    // Slow once, then fine: the retry gets through.
    faults(&sandbox, "slow=1500@GET:/v1/apps*1");
    assert!(!client.list_apps(None).await.unwrap().is_empty());

    // Slow but within the timeout: just slow.
    faults(&sandbox, "slow=100@GET:/v1/apps*1");
    assert!(!client.list_apps(None).await.unwrap().is_empty());
    sandbox.shutdown().await;
}

async fn dropped_reads_are_network_errors_or_recovered(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client_with(&sandbox, ApiGeneration::V1, |c| c.max_read_attempts = 2);
    faults(&sandbox, "drop@GET:/v1/apps*5");
    let error = client.list_apps(None).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Network, "{error:?}");
    assert!(!error.detail.is_empty());
    assert_eq!(route(&sandbox.stats(), "GET /v1/apps"), 2);

    faults(&sandbox, "drop@GET:/v1/apps*1");
    assert!(!client.list_apps(None).await.unwrap().is_empty());
    sandbox.shutdown().await;
}

async fn malformed_answers_are_decode_errors_without_retry(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let run = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    faults(&sandbox, "malformed@GET:/v1/runs*1");
    let error = client.get_run(&run.run_id).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Decode, "{error:?}");
    assert!(error.request_id.is_some());
    assert!(!error.is_transient());
    assert_eq!(
        route(&sandbox.stats(), "GET /v1/runs/{id}"),
        1,
        "not retried"
    );
    let again = client.get_run(&run.run_id).await.unwrap();
    assert_ne!(again.status, RunStatus::Unknown);

    let legacy = crate::common::client(&sandbox, ApiGeneration::Legacy);
    faults(&sandbox, "malformed@GET:/api/apps*1");
    assert_eq!(
        legacy.list_apps(None).await.unwrap_err().kind,
        ApiErrorKind::Decode
    );
    sandbox.shutdown().await;
}

async fn file_faults_do_not_touch_api_calls(service: Service) {
    // The four download-only kinds never hit API routes, so API calls stay clean under them.
    let sandbox = service.start(fast()).await;
    faults(
        &sandbox,
        "truncated-image,huge-image,wrong-content-type,svg",
    );
    let client = client(&sandbox, ApiGeneration::V1);
    let run = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    let done = until_settled(&client, &run.run_id).await;
    assert_eq!(done.status, RunStatus::Completed);
    // The download through the shared client is the one affected (truncated image first).
    let url = done.outputs[0].value.clone().unwrap();
    let response = client.http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    sandbox.shutdown().await;
}
