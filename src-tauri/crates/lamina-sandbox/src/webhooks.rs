//! Signed webhook deliveries, implemented independently of `lamina-api`'s verifier so a contract
//! test exercises both sides.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use lamina_api::{Jwk, JwkSet};

use crate::runs::RunRecord;
use crate::state::AppState;
use crate::{DEMO_USER_ID, SIGNING_KEY_ID};

#[derive(Debug)]
pub(crate) struct WebhookSigner {
    key: SigningKey,
}

impl WebhookSigner {
    /// A fresh key per server: 32 random bytes (via `rand` directly, so no `rand_core` coupling).
    pub(crate) fn generate() -> Self {
        let secret: [u8; 32] = rand::random();
        Self {
            key: SigningKey::from_bytes(&secret),
        }
    }

    /// The raw public key, base64url without padding (the JWK `x`).
    pub(crate) fn public_x(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.verifying_key().to_bytes())
    }

    pub(crate) fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![Jwk {
                kty: "OKP".into(),
                crv: "Ed25519".into(),
                x: self.public_x(),
                kid: Some(SIGNING_KEY_ID.into()),
                use_: Some("sig".into()),
                alg: Some("EdDSA".into()),
            }],
        }
    }

    /// Hex of the Ed25519 signature over the UTF-8 bytes of `<timestamp>.<body>`.
    pub(crate) fn sign(&self, timestamp: i64, body: &str) -> String {
        let message = format!("{timestamp}.{body}");
        hex::encode(self.key.sign(message.as_bytes()).to_bytes())
    }
}

/// Delivers the run's terminal state to its webhook URL, retrying per the config.
pub(crate) fn schedule(state: Arc<AppState>, record: Arc<RunRecord>) {
    let Some(url) = record.webhook_url.clone() else {
        return;
    };
    tokio::spawn(async move {
        tokio::select! {
            () = record.inputs_gate.settled() => {}
            () = state.shutdown_requested() => return,
        }
        let wait = record
            .timeline()
            .ends_after()
            .saturating_sub(record.elapsed());
        if !state.sleep(wait).await {
            return;
        }
        let run = record.view(&state.base_url, record.elapsed());
        let body = serde_json::json!({ "data": record.flavor.shape_run(&run) }).to_string();
        let delays = state.config.webhook_retry_delays.clone();
        for attempt in 0..=delays.len() {
            let delivered = attempt_once(&state, &url, &record.id, &body).await;
            state.stats.webhook_attempt(delivered);
            if delivered {
                return;
            }
            match delays.get(attempt) {
                Some(delay) if state.sleep(*delay).await => {}
                _ => return,
            }
        }
    });
}

async fn attempt_once(state: &AppState, url: &str, run_id: &str, body: &str) -> bool {
    // Re-signed on every attempt so the receiver's replay window sees a fresh timestamp.
    let timestamp = chrono::Utc::now().timestamp();
    let signature = state.signer.sign(timestamp, body);
    let request = state
        .http
        .post(url)
        .timeout(state.config.webhook_timeout)
        .header("content-type", "application/json")
        .header("x-lamina-webhook-signature", signature)
        .header("x-lamina-webhook-timestamp", timestamp.to_string())
        .header("x-lamina-webhook-request-id", run_id)
        .header("x-lamina-webhook-user-id", DEMO_USER_ID)
        .body(body.to_owned());
    let outcome = tokio::select! {
        result = request.send() => result,
        () = state.shutdown_requested() => return false,
    };
    match outcome {
        Ok(response) => {
            let ok = response.status().is_success();
            tracing::debug!(%url, status = %response.status(), "webhook attempt answered");
            ok && !lose_answer(state)
        }
        Err(err) => {
            tracing::debug!(%url, error = %err, "webhook attempt failed");
            false
        }
    }
}

/// Whether this 2xx answer is to be treated as lost (the receiver got the delivery, the sender
/// never learnt it did).
fn lose_answer(state: &AppState) -> bool {
    use std::sync::atomic::Ordering;
    state
        .webhook_answers_to_lose
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    #[test]
    fn signature_verifies_over_timestamp_dot_body() {
        let signer = WebhookSigner::generate();
        let body = r#"{"data":{"runId":"r1","status":"completed"}}"#;
        let sig_hex = signer.sign(1_700_000_000, body);
        assert_eq!(sig_hex.len(), 128);

        let jwks = signer.jwks();
        assert_eq!(jwks.keys[0].kid.as_deref(), Some("lamina-webhook-v1"));
        let x = URL_SAFE_NO_PAD.decode(&jwks.keys[0].x).unwrap();
        let key = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        let sig_bytes: [u8; 64] = hex::decode(&sig_hex).unwrap().try_into().unwrap();
        let sig = Signature::from_bytes(&sig_bytes);
        let message = format!("1700000000.{body}");
        assert!(key.verify(message.as_bytes(), &sig).is_ok());
        // Another timestamp or body must not verify.
        assert!(
            key.verify(format!("1700000001.{body}").as_bytes(), &sig)
                .is_err()
        );
        assert!(key.verify(b"1700000000.{}", &sig).is_err());
    }

    #[test]
    fn each_server_has_its_own_key() {
        assert_ne!(
            WebhookSigner::generate().public_x(),
            WebhookSigner::generate().public_x()
        );
        assert_eq!(WebhookSigner::generate().public_x().len(), 43);
    }
}
