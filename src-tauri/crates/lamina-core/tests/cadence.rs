//! The polling cadence against a minimal service (no list, no `/wait`, no `/stream`, a 429 on
//! each run's first status read): a recording proxy between the tracker and the sandbox times
//! every status read, and no two reads of one run come closer than the documented interval,
//! except a retry after exactly the service's `Retry-After`; and the times a run shows when the
//! service's start and end are one instant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lamina_api::{ApiKey, Inputs, OptionalEndpoint};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{PollCadence, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, catalog};
use tokio::time::Instant;

fn prompt(text: &str) -> Inputs {
    [("Prompt".to_owned(), text.to_owned())]
        .into_iter()
        .collect()
}

/// One request seen by the proxy: `METHOD path`, when it arrived, the status it got.
#[derive(Debug, Clone)]
struct Seen {
    route: String,
    at: Instant,
    status: u16,
    retry_after: Option<Duration>,
}

#[derive(Clone)]
struct Proxy {
    target: String,
    http: reqwest::Client,
    log: Arc<Mutex<Vec<Seen>>>,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let at = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_owned());
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut outgoing = proxy
        .http
        .request(method.clone(), format!("{}{path_and_query}", proxy.target))
        .body(body);
    for name in ["x-api-key", "content-type", "accept"] {
        if let Some(value) = headers.get(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = outgoing.send().await.unwrap();
    let status = answer.status().as_u16();
    let mut out_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            out_headers.insert(name.clone(), value.clone());
        }
    }
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .map(Duration::from_secs);
    let bytes: Bytes = answer.bytes().await.unwrap();
    proxy.log.lock().unwrap().push(Seen {
        route: format!("{method} {path}"),
        at,
        status,
        retry_after,
    });
    (StatusCode::from_u16(status).unwrap(), out_headers, bytes).into_response()
}

async fn start_proxy(target: String) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let proxy = Proxy {
        target,
        http: reqwest::Client::new(),
        log: Arc::clone(&log),
    };
    let router = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), log)
}

#[tokio::test(flavor = "multi_thread")]
async fn no_two_status_reads_of_a_run_come_closer_than_the_interval() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 4.0,
        minimal: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (proxy_url, log) = start_proxy(server.base_url()).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = WorkspaceConfig::new(proxy_url, ApiKey::new(DEMO_KEY), data.path().to_owned());
    config.tracker.delivery = DeliveryMode::Auto;
    let interval = Duration::from_millis(400);
    config.tracker.cadence = PollCadence {
        image: interval,
        multi_step: interval,
        video: interval,
        floor: Duration::from_millis(100),
    };
    let workspace = Workspace::open(config).unwrap();
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();

    let runs = 4;
    let mut started = Vec::new();
    for n in 0..runs {
        let record = workspace
            .tracker
            .start(&hero, &prompt(&format!("a lamp {n}")), None)
            .await
            .unwrap();
        started.push(record);
    }
    let follows = started
        .iter()
        .map(|r| workspace.tracker.follow(&r.local_id));
    for result in futures_util::future::join_all(follows).await {
        let record = result.unwrap();
        assert_eq!(record.state, RunState::Completed);
        // The service stamps one instant for start and end: the run shows what this computer
        // saw instead (sent -> first found finished), never "0 s".
        assert_eq!(record.started_at, Some(record.created_at));
        let shown = record.completed_at.unwrap() - record.started_at.unwrap();
        assert!(shown >= chrono::Duration::milliseconds(400), "{shown:?}");
    }
    for endpoint in [OptionalEndpoint::Stream, OptionalEndpoint::Wait] {
        assert!(
            workspace.client().endpoints().is_missing(endpoint),
            "{endpoint}"
        );
    }

    let log = log.lock().unwrap().clone();
    let mut asked: BTreeMap<String, u64> = BTreeMap::new();
    for seen in &log {
        let key = seen
            .route
            .rsplit_once('/')
            .map_or(seen.route.clone(), |(head, tail)| {
                if tail == "wait" || tail == "stream" {
                    format!("{}/{{id}}/{tail}", head.rsplit_once('/').unwrap().0)
                } else {
                    seen.route.clone()
                }
            });
        *asked.entry(key).or_default() += 1;
    }
    println!("requests per missing endpoint: {asked:?}");
    assert_eq!(asked.get("GET /v1/runs/{id}/stream"), Some(&1), "{asked:?}");
    assert_eq!(asked.get("GET /v1/runs/{id}/wait"), Some(&1), "{asked:?}");
    assert_eq!(asked.get("GET /v1/runs"), Some(&1), "{asked:?}");

    let mut shortest = Duration::MAX;
    for record in &started {
        let run_id = record.run_id.clone().unwrap();
        let reads: Vec<&Seen> = log
            .iter()
            .filter(|s| s.route == format!("GET /v1/runs/{run_id}"))
            .collect();
        assert!(reads.len() >= 2, "{run_id}: {reads:?}");
        for pair in reads.windows(2) {
            let gap = pair[1].at - pair[0].at;
            // After a 429 the retry waits exactly the service's Retry-After.
            let least = match (pair[0].status, pair[0].retry_after) {
                (429, Some(after)) => after,
                _ => interval,
            };
            // A few ms of scheduling slack between the proxy's clock and the tracker's.
            assert!(
                gap + Duration::from_millis(15) >= least,
                "{run_id}: reads {gap:?} apart after a {} (least {least:?})",
                pair[0].status
            );
            shortest = shortest.min(gap);
        }
    }
    println!(
        "shortest gap between two status reads of one run: {shortest:?} (interval {interval:?})"
    );
}
