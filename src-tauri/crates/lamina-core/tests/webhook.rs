//! The webhook receiver over real HTTP: the sandbox's signed deliveries for completed and failed
//! runs, every kind of bad delivery refused with its own status and logged reason (the run left
//! untouched), a retry after a lost 2xx applied once, and key rotation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use lamina_api::{ApiKey, ClientConfig, Inputs, Jwk, JwkSet, LaminaClient};
use lamina_core::webhook::{
    DeliveryLogEntry, DeliveryOutcome, KeySource, ReceiverConfig, WebhookReceiver,
    recent_deliveries,
};
use lamina_core::{RunRecord, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};

#[path = "common/webhook_workspace.rs"]
mod webhook_workspace;
use webhook_workspace::workspace;

const DEADLINE: Duration = Duration::from_secs(30);

/// Retries come 1.1 s apart: Ed25519 signatures are deterministic, so a retry re-signed within
/// the same second is byte-for-byte the first delivery, which the receiver refuses as a replay
/// (Lamina retries after 5 s, 30 s and 2 min).
async fn sandbox(lost_answers: u32) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: 20.0,
        webhook_retry_delays: vec![Duration::from_millis(1100); 3],
        webhook_lost_answers: lost_answers,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn receiver(workspace: &Workspace, keys: KeySource) -> WebhookReceiver {
    WebhookReceiver::start(
        workspace.tracker.clone(),
        keys,
        ReceiverConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            max_body_bytes: 4096,
            key_refetch_after: Duration::ZERO,
            ..ReceiverConfig::default()
        },
    )
    .await
    .unwrap()
}

fn log_for(workspace: &Workspace, run_id: &str) -> Vec<DeliveryLogEntry> {
    recent_deliveries(workspace.store(), 200)
        .unwrap()
        .into_iter()
        .filter(|e| e.run_id.as_deref() == Some(run_id))
        .collect()
}

/// The receiver logs a delivery just after applying it, so a run may settle a moment before its
/// log entry is written: wait for the entry.
async fn logged_for(workspace: &Workspace, run_id: &str) -> Vec<DeliveryLogEntry> {
    let started = std::time::Instant::now();
    loop {
        let entries = log_for(workspace, run_id);
        if !entries.is_empty() || started.elapsed() > DEADLINE {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_deliveries_settle_completed_and_failed_runs_without_polling() {
    let server = sandbox(0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let receiver = receiver(&workspace, KeySource::Service(workspace.client().clone())).await;
    assert_eq!(
        workspace.tracker.webhook_url().as_deref(),
        Some(receiver.public_url())
    );
    let mut log = receiver.subscribe();

    // Every event is already in SQLite when it is seen.
    let mut events = workspace.tracker.subscribe();
    let store = workspace.store().clone();
    let watcher = tokio::spawn(async move {
        let mut seen = 0;
        while let Ok(record) = events.recv().await {
            let stored = store.get(&record.local_id).unwrap().unwrap();
            assert_eq!(stored.state, record.state);
            seen += 1;
        }
        seen
    });

    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), "a teapot".to_string())].into();
    let done = tokio::time::timeout(DEADLINE, workspace.tracker.run(&hero, &inputs, None))
        .await
        .expect("the webhook settles the run")
        .unwrap();
    assert_eq!(done.state, RunState::Completed);
    assert_eq!(done.webhook_url.as_deref(), Some(receiver.public_url()));
    assert!(done.outputs[0].file.as_ref().unwrap().path.is_file());
    let run_id = done.run_id.clone().unwrap();
    let entries = logged_for(&workspace, &run_id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].outcome, DeliveryOutcome::Accepted);
    assert_eq!(entries[0].http_status, 200);
    assert_eq!(entries[0].request_id.as_deref(), Some(run_id.as_str()));
    let live = log.recv().await.unwrap();
    assert_eq!(live, entries[0]);

    let try_on = workspace
        .client()
        .get_app(catalog::VIRTUAL_TRY_ON)
        .await
        .unwrap();
    let failed = tokio::time::timeout(
        DEADLINE,
        workspace.tracker.run(&try_on, &Inputs::new(), None),
    )
    .await
    .expect("the webhook settles the failed run")
    .unwrap();
    assert_eq!(failed.state, RunState::Failed);
    assert!(
        failed
            .error_message
            .as_deref()
            .unwrap()
            .contains("capacity")
    );
    let entries = logged_for(&workspace, failed.run_id.as_deref().unwrap()).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].outcome, DeliveryOutcome::Accepted);

    // The sandbox counts an attempt once it has read the answer, just after the receiver acted.
    tokio::time::timeout(DEADLINE, async {
        while server.stats().webhook_delivered < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    // Learnt without a single status read: no GET of a run, no /wait, no /stream.
    let stats = server.stats();
    let reads: u64 = stats
        .by_route
        .iter()
        .filter(|(route, _)| route.starts_with("GET /v1/runs"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(reads, 0, "{:?}", stats.by_route);
    assert_eq!(stats.webhook_delivered, 2);

    receiver.stop().await;
    assert_eq!(workspace.tracker.webhook_url(), None);
    drop(workspace);
    assert!(watcher.await.unwrap() >= 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_a_lost_2xx_is_applied_once() {
    let server = sandbox(1).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let receiver = receiver(&workspace, KeySource::Service(workspace.client().clone())).await;
    let mut events = workspace.tracker.subscribe();

    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), "a lamp".to_string())].into();
    let done = tokio::time::timeout(DEADLINE, workspace.tracker.run(&hero, &inputs, None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.state, RunState::Completed);
    let run_id = done.run_id.clone().unwrap();

    // The sandbox never saw the first 2xx, so it delivers again (re-signed).
    tokio::time::timeout(DEADLINE, async {
        while server.stats().webhook_attempts < 2 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stats = server.stats();
    // Both reached the receiver; the sandbox believes only the second did.
    assert_eq!(
        (stats.webhook_attempts, stats.webhook_delivered),
        (2, 1),
        "{:?}",
        recent_deliveries(workspace.store(), 10).unwrap()
    );

    let mut entries = log_for(&workspace, &run_id);
    entries.reverse();
    let outcomes: Vec<_> = entries.iter().map(|e| (e.outcome, e.http_status)).collect();
    assert_eq!(
        outcomes,
        [
            (DeliveryOutcome::Accepted, 200),
            (DeliveryOutcome::Duplicate, 200)
        ]
    );
    // Applied once: one transition to completed, and the duplicate changed nothing.
    let mut completed_events = 0;
    let mut last = RunState::Queued;
    while let Ok(record) = events.try_recv() {
        if record.state == RunState::Completed && last != RunState::Completed {
            completed_events += 1;
        }
        last = record.state;
    }
    assert_eq!(completed_events, 1);
    assert_eq!(
        workspace.store().get(&done.local_id).unwrap().unwrap(),
        done
    );
    drop(receiver);
}

/// Deliveries crafted with a key the test holds.
struct Crafter {
    key: SigningKey,
    url: String,
    http: reqwest::Client,
}

struct Delivery {
    signature: Option<String>,
    timestamp: Option<String>,
    request_id: Option<String>,
    body: Vec<u8>,
}

impl Crafter {
    fn signed(&self, key: &SigningKey, ts: i64, body: &[u8], request_id: &str) -> Delivery {
        let mut message = format!("{ts}.").into_bytes();
        message.extend_from_slice(body);
        Delivery {
            signature: Some(hex::encode(key.sign(&message).to_bytes())),
            timestamp: Some(ts.to_string()),
            request_id: Some(request_id.to_owned()),
            body: body.to_vec(),
        }
    }

    async fn send(&self, delivery: &Delivery) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(delivery.body.clone());
        if let Some(sig) = &delivery.signature {
            request = request.header("x-lamina-webhook-signature", sig);
        }
        if let Some(ts) = &delivery.timestamp {
            request = request.header("x-lamina-webhook-timestamp", ts);
        }
        if let Some(id) = &delivery.request_id {
            request = request.header("x-lamina-webhook-request-id", id);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

fn jwks(key: &SigningKey) -> JwkSet {
    JwkSet {
        keys: vec![Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
            kid: Some("lamina-webhook-v1".into()),
            use_: Some("sig".into()),
            alg: Some("EdDSA".into()),
        }],
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_deliveries_are_refused_with_their_status_and_reason_and_change_nothing() {
    let server = sandbox(0).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let key = SigningKey::from_bytes(&[7; 32]);
    let other = SigningKey::from_bytes(&[8; 32]);
    let receiver = receiver(&workspace, KeySource::Fixed(jwks(&key))).await;
    let crafter = Crafter {
        key,
        url: receiver.public_url().to_owned(),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };

    // A real run whose own webhook goes nowhere; it is never followed, so only deliveries here
    // could change it.
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), "a vase".to_string())].into();
    let started = workspace
        .tracker
        .start(&hero, &inputs, Some("http://127.0.0.1:9/nowhere"))
        .await
        .unwrap();
    let run_id = started.run_id.clone().unwrap();
    let before: RunRecord = workspace.store().get(&started.local_id).unwrap().unwrap();
    assert!(!before.state.is_terminal());

    let body = format!(
        r#"{{"data":{{"runId":"{run_id}","status":"completed","outputs":[],"completedAt":"2026-01-01T00:00:00.000Z"}}}}"#
    )
    .into_bytes();
    let k = &crafter.key;
    let t = now();
    let good = crafter.signed(k, t, &body, &run_id);

    let mut cases: Vec<(&str, Delivery, u16, &str)> = Vec::new();
    cases.push((
        "forged signature",
        Delivery {
            signature: Some(hex::encode([0x5a; 64])),
            ..crafter.signed(k, t, &body, &run_id)
        },
        401,
        "does not match",
    ));
    cases.push((
        "another key",
        crafter.signed(&other, t, &body, &run_id),
        401,
        "does not match",
    ));
    let mut modified = crafter.signed(k, t, &body, &run_id);
    modified.body = String::from_utf8(body.clone())
        .unwrap()
        .replace("completed", "failed")
        .into_bytes();
    cases.push(("modified body", modified, 401, "does not match"));
    cases.push((
        "stale timestamp",
        crafter.signed(k, t - 400, &body, &run_id),
        401,
        "away from now",
    ));
    cases.push((
        "future timestamp",
        crafter.signed(k, t + 400, &body, &run_id),
        401,
        "away from now",
    ));
    cases.push((
        "no signature",
        Delivery {
            signature: None,
            ..crafter.signed(k, t, &body, &run_id)
        },
        400,
        "x-lamina-webhook-signature",
    ));
    cases.push((
        "no timestamp",
        Delivery {
            timestamp: None,
            ..crafter.signed(k, t, &body, &run_id)
        },
        400,
        "x-lamina-webhook-timestamp",
    ));
    cases.push((
        "no request id",
        Delivery {
            request_id: None,
            ..crafter.signed(k, t, &body, &run_id)
        },
        400,
        "x-lamina-webhook-request-id",
    ));
    cases.push((
        "signature not hex",
        Delivery {
            signature: Some("zz".repeat(64)),
            ..crafter.signed(k, t, &body, &run_id)
        },
        400,
        "not hexadecimal",
    ));
    cases.push((
        "short signature",
        Delivery {
            signature: Some(good.signature.clone().unwrap()[..120].to_owned()),
            ..crafter.signed(k, t, &body, &run_id)
        },
        400,
        "60 bytes instead of 64",
    ));
    let mut huge = body.clone();
    huge.extend(std::iter::repeat_n(b' ', 5000));
    cases.push((
        "oversized body",
        crafter.signed(k, t, &huge, &run_id),
        413,
        "4096-byte cap",
    ));
    cases.push((
        "malformed JSON",
        crafter.signed(k, t, br#"{"data": {"runId": "#, &run_id),
        400,
        "not JSON",
    ));
    cases.push((
        "JSON that is not a run",
        crafter.signed(k, t, br#"{"data": {"hello": 1}}"#, &run_id),
        422,
        "not a run",
    ));

    for (name, delivery, status, reason) in &cases {
        let (got, answer) = crafter.send(delivery).await;
        assert_eq!(got, *status, "{name}: {answer}");
        assert_eq!(answer["outcome"], "rejected", "{name}");
        let last = recent_deliveries(workspace.store(), 1).unwrap().remove(0);
        assert_eq!(last.outcome, DeliveryOutcome::Rejected, "{name}");
        assert_eq!(last.http_status, *status, "{name}");
        let logged = last.reason.unwrap_or_default();
        assert!(logged.contains(reason), "{name}: {logged}");
        let now_stored = workspace.store().get(&started.local_id).unwrap().unwrap();
        assert_eq!(now_stored, before, "{name} changed the run");
    }
    assert_eq!(
        recent_deliveries(workspace.store(), 200).unwrap().len(),
        cases.len()
    );

    // The genuine delivery is accepted...
    let (status, answer) = crafter.send(&good).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("accepted"))
    );
    let applied = workspace.store().get(&started.local_id).unwrap().unwrap();
    assert_eq!(applied.state, RunState::Completed);
    // ...the very same request again is a replay...
    let (status, answer) = crafter.send(&good).await;
    assert_eq!(status, 409, "{answer}");
    let last = recent_deliveries(workspace.store(), 1).unwrap().remove(0);
    assert!(last.reason.unwrap().contains("replay"));
    assert_eq!(
        workspace.store().get(&started.local_id).unwrap().unwrap(),
        applied
    );
    // ...and a freshly signed copy (a sender's retry) is acknowledged and ignored.
    let retry = crafter.signed(k, now() + 1, &body, &run_id);
    let (status, answer) = crafter.send(&retry).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("duplicate"))
    );
    assert_eq!(
        workspace.store().get(&started.local_id).unwrap().unwrap(),
        applied
    );
    // The replay memory lives in SQLite: a receiver started again still refuses it.
    receiver.stop().await;
    let again = WebhookReceiver::start(
        workspace.tracker.clone(),
        KeySource::Fixed(jwks(k)),
        ReceiverConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ..ReceiverConfig::default()
        },
    )
    .await
    .unwrap();
    let crafter = Crafter {
        url: again.public_url().to_owned(),
        ..crafter
    };
    assert_eq!(crafter.send(&good).await.0, 409);
}

/// A stand-in key endpoint whose key set can be swapped: the receiver fetches it once, keeps it,
/// and fetches again when a delivery does not verify (rotation).
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_key_is_fetched_again_once() {
    let old = SigningKey::from_bytes(&[1; 32]);
    let new = SigningKey::from_bytes(&[2; 32]);
    let current = Arc::new(Mutex::new(jwks(&old)));
    let fetches = Arc::new(Mutex::new(0u32));
    let app = {
        let (current, fetches) = (current.clone(), fetches.clone());
        axum::Router::new().route(
            "/v1/webhooks/signing-key",
            axum::routing::get(move || {
                let (current, fetches) = (current.clone(), fetches.clone());
                async move {
                    *fetches.lock().unwrap() += 1;
                    axum::Json(current.lock().unwrap().clone())
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&base, data.path());
    let client = LaminaClient::new(ClientConfig::new(base.clone(), ApiKey::new(DEMO_KEY))).unwrap();
    let receiver = receiver(&workspace, KeySource::Service(client)).await;
    let crafter = Crafter {
        key: old.clone(),
        url: receiver.public_url().to_owned(),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    let body = br#"{"data":{"runId":"not-ours","status":"completed"}}"#;

    let (status, answer) = crafter
        .send(&crafter.signed(&old, now(), body, "not-ours"))
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ignored")));
    let (status, _) = crafter
        .send(&crafter.signed(&old, now() + 1, body, "not-ours"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(*fetches.lock().unwrap(), 1, "the key set is cached");

    *current.lock().unwrap() = jwks(&new);
    let (status, answer) = crafter
        .send(&crafter.signed(&new, now(), body, "not-ours"))
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ignored")));
    assert_eq!(
        *fetches.lock().unwrap(),
        2,
        "fetched again once on the rotation"
    );

    // The old key no longer verifies, even after one more fetch.
    let (status, _) = crafter
        .send(&crafter.signed(&old, now() + 2, body, "not-ours"))
        .await;
    assert_eq!(status, 401);
    assert_eq!(*fetches.lock().unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_delivery_is_caught_by_the_slow_fallback_poll() {
    let server = sandbox(0).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().to_owned(),
    );
    config.tracker.webhook_fallback = Duration::from_millis(500);
    let workspace = Workspace::open(config).unwrap();
    let receiver = receiver(&workspace, KeySource::Service(workspace.client().clone())).await;

    // The service is told to deliver somewhere that never answers.
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), "a kettle".to_string())].into();
    let done = tokio::time::timeout(
        DEADLINE,
        workspace
            .tracker
            .run(&hero, &inputs, Some("http://127.0.0.1:9/lost")),
    )
    .await
    .expect("the fallback poll settles the run")
    .unwrap();
    assert_eq!(done.state, RunState::Completed);
    assert!(log_for(&workspace, done.run_id.as_deref().unwrap()).is_empty());
    let reads = server.stats().by_route.get("GET /v1/runs/{id}").copied();
    assert!(
        reads.is_some_and(|n| n >= 1),
        "{:?}",
        server.stats().by_route
    );
    drop(receiver);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_signing_key_the_receiver_asks_for_no_deliveries_and_runs_are_polled() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 20.0,
        minimal: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut config = WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().to_owned(),
    );
    // Were the run followed by webhook, it would sit for this long before its first read.
    config.tracker.webhook_fallback = Duration::from_secs(600);
    let workspace = Workspace::open(config).unwrap();
    let receiver = receiver(&workspace, KeySource::Service(workspace.client().clone())).await;
    assert!(!receiver.verifies_deliveries());
    assert_eq!(workspace.tracker.webhook_url(), None);

    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let inputs: Inputs = [("Prompt".to_string(), "a teapot".to_string())].into();
    let done = tokio::time::timeout(DEADLINE, workspace.tracker.run(&hero, &inputs, None))
        .await
        .expect("polling settles the run")
        .unwrap();
    assert_eq!(done.state, RunState::Completed);
    assert_eq!(done.webhook_url, None, "no delivery was asked for");
    let asked = server
        .stats()
        .by_route
        .get("GET /v1/webhooks/signing-key")
        .copied();
    assert_eq!(asked, Some(1), "{:?}", server.stats().by_route);
    drop(receiver);
}
