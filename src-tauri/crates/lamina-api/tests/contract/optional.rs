//! Optional endpoints against the sandbox in its minimal and full configurations: each missing
//! one is asked once per detection (even by ten callers at once), remembered, and asked again
//! once the memory has expired.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::Utc;
use lamina_api::{
    ApiError, ApiErrorKind, ApiGeneration, EndpointMemory, LaminaClient, OptionalEndpoint,
    RunFilter,
};
use lamina_sandbox::catalog::HERO_IMAGE;
use lamina_sandbox::{SandboxConfig, SandboxHandle};

use crate::common::*;

fn minimal() -> SandboxConfig {
    SandboxConfig {
        minimal: true,
        ..fast()
    }
}

/// The sandbox's route key of each optional endpoint, per generation.
fn route_key(endpoint: OptionalEndpoint, generation: ApiGeneration) -> String {
    let p = prefix(generation);
    let runs = runs_noun(generation);
    match endpoint {
        OptionalEndpoint::RunList => format!("GET {p}/{runs}"),
        OptionalEndpoint::Wait => format!("GET {p}/{runs}/{{id}}/wait"),
        OptionalEndpoint::Stream => format!("GET {p}/{runs}/{{id}}/stream"),
        OptionalEndpoint::Usage => "GET /v1/account/usage".to_owned(),
        OptionalEndpoint::SigningKey => format!("GET {p}/webhooks/signing-key"),
        OptionalEndpoint::Workflow => unreachable!("no client call yet"),
        OptionalEndpoint::Content => "POST /v1/content/create".to_owned(),
        OptionalEndpoint::ContentBatch => "POST /v1/content/batch".to_owned(),
        OptionalEndpoint::Score => "POST /v1/content/score".to_owned(),
        OptionalEndpoint::Assets => "GET /v1/assets".to_owned(),
        OptionalEndpoint::Templates => "GET /v1/templates".to_owned(),
        OptionalEndpoint::BrandContext => "GET /v1/intelligence/brand-context".to_owned(),
        OptionalEndpoint::PublishingChannels => "GET /v1/publishing/channels".to_owned(),
        OptionalEndpoint::Publish => "POST /v1/publishing/publish".to_owned(),
        OptionalEndpoint::PublishingHistory => "GET /v1/publishing/history".to_owned(),
        OptionalEndpoint::TransferAsset => "POST /v1/publishing/transfer-asset".to_owned(),
    }
}

const CALLED: [OptionalEndpoint; 5] = [
    OptionalEndpoint::RunList,
    OptionalEndpoint::Wait,
    OptionalEndpoint::Stream,
    OptionalEndpoint::Usage,
    OptionalEndpoint::SigningKey,
];

/// One call of `endpoint`, reduced to "worked" or its error.
async fn call(
    client: &LaminaClient,
    endpoint: OptionalEndpoint,
    run_id: &str,
) -> Result<(), ApiError> {
    match endpoint {
        OptionalEndpoint::RunList => client.list_runs(&RunFilter::default()).await.map(drop),
        OptionalEndpoint::Wait => client.wait_run(run_id, 5).await.map(drop),
        OptionalEndpoint::Stream => client.stream_run(run_id).await.map(drop),
        OptionalEndpoint::Usage => client.usage().await.map(drop),
        OptionalEndpoint::SigningKey => client.signing_keys().await.map(drop),
        OptionalEndpoint::Workflow => unreachable!(),
        other => crate::content::call(client, other).await,
    }
}

async fn a_run(sandbox: &SandboxHandle, generation: ApiGeneration) -> String {
    let run = client(sandbox, generation)
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    run.run_id
}

fn assert_unsupported(result: Result<(), ApiError>, endpoint: OptionalEndpoint) {
    let error = result.expect_err("a missing endpoint is an error");
    assert_eq!(
        error.kind,
        ApiErrorKind::Unsupported { endpoint },
        "{error:?}"
    );
    assert!(
        error
            .message
            .starts_with("This Lamina service doesn't offer")
    );
}

#[tokio::test]
async fn a_minimal_service_is_asked_once_per_missing_endpoint() {
    let sandbox = start(minimal()).await;
    for generation in GENERATIONS {
        let run_id = a_run(&sandbox, generation).await;
        let client = client(&sandbox, generation);
        for endpoint in CALLED {
            let key = route_key(endpoint, generation);
            let before = route(&sandbox.stats(), &key);
            assert_unsupported(call(&client, endpoint, &run_id).await, endpoint);
            assert_unsupported(call(&client, endpoint, &run_id).await, endpoint);
            let asked = route(&sandbox.stats(), &key) - before;
            println!("{generation:?} {endpoint}: {asked} request(s) for two calls");
            assert_eq!(asked, 1, "{key}");
            assert!(client.endpoints().is_missing(endpoint));
        }
    }
}

#[tokio::test]
async fn ten_concurrent_callers_send_one_request() {
    let sandbox = start(minimal()).await;
    let generation = ApiGeneration::V1;
    let run_id = a_run(&sandbox, generation).await;
    let client = client(&sandbox, generation);
    for endpoint in CALLED {
        let calls = (0..10).map(|_| call(&client, endpoint, &run_id));
        for result in futures_util::future::join_all(calls).await {
            assert_unsupported(result, endpoint);
        }
        let asked = route(&sandbox.stats(), &route_key(endpoint, generation));
        assert_eq!(asked, 1, "{endpoint}: ten callers at once");
    }
}

#[tokio::test]
async fn restored_memory_asks_nothing_and_expired_memory_asks_again() {
    let sandbox = start(minimal()).await;
    let generation = ApiGeneration::V1;
    let run_id = a_run(&sandbox, generation).await;
    let first = client(&sandbox, generation);
    for endpoint in CALLED {
        let _ = call(&first, endpoint, &run_id).await;
    }
    let saved = first.endpoints().snapshot();
    let counted = sandbox.stats();

    // A new process with the memory restored: nothing is asked.
    let hours = Arc::new(AtomicI64::new(0));
    let clock_hours = Arc::clone(&hours);
    let memory = Arc::new(EndpointMemory::with_clock(Arc::new(move || {
        Utc::now() + chrono::Duration::hours(clock_hours.load(Ordering::SeqCst))
    })));
    memory.restore(&saved).unwrap();
    let second = client_with(&sandbox, generation, |c| {
        c.endpoints = Some(Arc::clone(&memory));
    });
    for endpoint in CALLED {
        assert_unsupported(call(&second, endpoint, &run_id).await, endpoint);
        let key = route_key(endpoint, generation);
        assert_eq!(
            route(&sandbox.stats(), &key),
            route(&counted, &key),
            "{key}"
        );
    }

    // A day later each is looked at again, once.
    hours.store(25, Ordering::SeqCst);
    for endpoint in CALLED {
        let key = route_key(endpoint, generation);
        assert_unsupported(call(&second, endpoint, &run_id).await, endpoint);
        assert_unsupported(call(&second, endpoint, &run_id).await, endpoint);
        assert_eq!(
            route(&sandbox.stats(), &key),
            route(&counted, &key) + 1,
            "{key}"
        );
    }
}

#[tokio::test]
async fn a_full_service_offers_every_endpoint_and_a_dropped_one_is_found_once() {
    let sandbox = start(fast()).await;
    for generation in GENERATIONS {
        let run_id = a_run(&sandbox, generation).await;
        let client = client(&sandbox, generation);
        for endpoint in CALLED {
            if generation == ApiGeneration::Legacy && endpoint == OptionalEndpoint::Usage {
                continue; // asked under /v1 by both; counted once above
            }
            call(&client, endpoint, &run_id)
                .await
                .unwrap_or_else(|e| panic!("{generation:?} {endpoint}: {e:?}"));
            assert!(client.endpoints().is_offered(endpoint), "{endpoint}");
            // Offered endpoints are used, not skipped.
            let key = route_key(endpoint, generation);
            let before = route(&sandbox.stats(), &key);
            call(&client, endpoint, &run_id).await.unwrap();
            assert_eq!(route(&sandbox.stats(), &key), before + 1, "{key}");
        }
    }
    // The service drops its optional endpoints: the first call finds out, later ones skip.
    sandbox.set_minimal(true);
    let client = client(&sandbox, ApiGeneration::V1);
    client.endpoints().mark_offered(OptionalEndpoint::RunList);
    let key = route_key(OptionalEndpoint::RunList, ApiGeneration::V1);
    let before = route(&sandbox.stats(), &key);
    for _ in 0..3 {
        assert_unsupported(
            call(&client, OptionalEndpoint::RunList, "-").await,
            OptionalEndpoint::RunList,
        );
    }
    assert_eq!(route(&sandbox.stats(), &key), before + 1);
}

#[tokio::test]
async fn a_json_not_found_from_wait_is_a_missing_run_not_a_missing_endpoint() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let error = client.wait_run("no-such-run", 1).await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::NotFound, "{error:?}");
    assert!(!client.endpoints().is_missing(OptionalEndpoint::Wait));
    let error = client.list_runs(&RunFilter::default()).await;
    assert!(error.is_ok());
}
