//! Signing keys and signed deliveries from the sandbox, verified by `WebhookVerifier`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use lamina_api::webhook::{
    REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, USER_ID_HEADER, WebhookError,
    WebhookVerifier,
};
use lamina_api::{Run, RunStatus};
use lamina_sandbox::catalog::{HERO_IMAGE, VIRTUAL_TRY_ON};
use tokio::sync::mpsc;

use crate::common::*;

struct Delivery {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct Receiver {
    tx: mpsc::UnboundedSender<Delivery>,
    /// Answer 503 to this many deliveries before accepting.
    refuse_first: usize,
    seen: Arc<AtomicUsize>,
}

async fn hook(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = receiver.seen.fetch_add(1, Ordering::SeqCst);
    let _ = receiver.tx.send(Delivery { headers, body });
    if n < receiver.refuse_first {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

/// A tiny webhook receiver on loopback: its URL and the deliveries it saw.
async fn receiver(refuse_first: usize) -> (String, mpsc::UnboundedReceiver<Delivery>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Receiver {
        tx,
        refuse_first,
        seen: Arc::new(AtomicUsize::new(0)),
    };
    let app = Router::new()
        .route("/lamina/webhook", post(hook))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/lamina/webhook"), rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery within 10 s")
        .expect("the receiver is running")
}

/// The sandbox counts an attempt once it has read the receiver's answer, just after the receiver
/// has seen the delivery: wait a moment for the counters to catch up.
async fn webhook_counts(sandbox: &lamina_sandbox::SandboxHandle, want: (u64, u64)) -> (u64, u64) {
    let mut seen = (0, 0);
    for _ in 0..100 {
        let stats = sandbox.stats();
        seen = (stats.webhook_attempts, stats.webhook_delivered);
        if seen == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen
}

fn header<'a>(delivery: &'a Delivery, name: &str) -> Option<&'a str> {
    delivery.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn signed_deliveries_verify_and_tampering_is_rejected() {
    let sandbox = start(fast()).await;
    let (url, mut rx) = receiver(0).await;
    for generation in GENERATIONS {
        let client = client(&sandbox, generation);
        let verifier = WebhookVerifier::from_jwks(&client.signing_keys().await.unwrap()).unwrap();

        let run = client
            .start_run(HERO_IMAGE, &hero_inputs(), Some(&url))
            .await
            .unwrap();
        assert_eq!(run.webhook_url.as_deref(), Some(url.as_str()));
        let delivery = next(&mut rx).await;
        let now = chrono::Utc::now().timestamp();

        assert_eq!(
            verifier.verify_headers(&delivery.headers, &delivery.body, now),
            Ok(())
        );
        assert_eq!(
            header(&delivery, REQUEST_ID_HEADER),
            Some(run.run_id.as_str())
        );
        assert_eq!(
            header(&delivery, USER_ID_HEADER),
            Some(lamina_sandbox::DEMO_USER_ID)
        );
        assert_eq!(header(&delivery, SIGNATURE_HEADER).unwrap().len(), 128);

        // The body is the polling answer: `{data: run}` under this generation's id name.
        let value: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        let delivered: Run = serde_json::from_value(value["data"].clone()).unwrap();
        assert_eq!(delivered.run_id, run.run_id);
        assert_eq!(delivered.status, RunStatus::Completed);

        // Tampered body, replayed later, or headers missing: rejected.
        let text = String::from_utf8(delivery.body.to_vec()).unwrap();
        let tampered = text.replace("\"completed\"", "\"failed\"");
        assert_ne!(tampered, text);
        let (sig, ts) = (
            header(&delivery, SIGNATURE_HEADER),
            header(&delivery, TIMESTAMP_HEADER),
        );
        assert_eq!(
            verifier.verify(sig, ts, tampered.as_bytes(), now),
            Err(WebhookError::BadSignature)
        );
        assert!(matches!(
            verifier.verify(sig, ts, &delivery.body, now + 301),
            Err(WebhookError::Stale { .. })
        ));
        assert_eq!(
            verifier.verify(None, ts, &delivery.body, now),
            Err(WebhookError::MissingHeader(SIGNATURE_HEADER))
        );
    }
    assert_eq!(webhook_counts(&sandbox, (2, 2)).await, (2, 2));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_refused_delivery_is_retried_with_a_fresh_valid_signature() {
    let sandbox = start(fast()).await;
    let (url, mut rx) = receiver(1).await;
    let client = client(&sandbox, lamina_api::ApiGeneration::V1);
    let verifier = WebhookVerifier::from_jwks(&client.signing_keys().await.unwrap()).unwrap();
    // A failing run delivers too.
    let run = client
        .start_run(VIRTUAL_TRY_ON, &inputs(&[]), Some(&url))
        .await
        .unwrap();
    let first = next(&mut rx).await;
    let second = next(&mut rx).await;
    let now = chrono::Utc::now().timestamp();
    for delivery in [&first, &second] {
        assert_eq!(
            verifier.verify_headers(&delivery.headers, &delivery.body, now),
            Ok(())
        );
        assert_eq!(
            header(delivery, REQUEST_ID_HEADER),
            Some(run.run_id.as_str())
        );
        let value: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(value["data"]["status"], "failed");
    }
    assert_eq!(webhook_counts(&sandbox, (2, 1)).await, (2, 1));
    sandbox.shutdown().await;
}
