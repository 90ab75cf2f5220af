//! Webhook signature verification (`lamina-api.md` §5).
//!
//! A delivery carries `X-Lamina-Webhook-Signature` (hex of a 64-byte Ed25519 signature) and
//! `X-Lamina-Webhook-Timestamp` (Unix seconds); the signed message is `"<timestamp>.<raw body>"`.
//! The public keys come from `GET /v1/webhooks/signing-key` (a JWK Set); deliveries name no key,
//! so every key of the set is tried. Replay memory and body caps belong to the receiver.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;

use crate::models::JwkSet;

pub const SIGNATURE_HEADER: &str = "x-lamina-webhook-signature";
pub const TIMESTAMP_HEADER: &str = "x-lamina-webhook-timestamp";
pub const REQUEST_ID_HEADER: &str = "x-lamina-webhook-request-id";
pub const USER_ID_HEADER: &str = "x-lamina-webhook-user-id";

/// Deliveries older or newer than this (seconds) are rejected.
pub const MAX_SKEW_S: i64 = 300;

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (an older docs page published keys that way).
const SPKI_ED25519_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum WebhookError {
    #[error("the delivery has no {0} header")]
    MissingHeader(&'static str),
    #[error("the signature is not hexadecimal")]
    BadHex,
    #[error("the signature has {0} bytes instead of 64")]
    WrongSignatureLength(usize),
    #[error("the timestamp is not a Unix time in seconds")]
    BadTimestamp,
    #[error(
        "the delivery's timestamp is {skew_s} s away from now (at most {MAX_SKEW_S} s allowed)"
    )]
    Stale { skew_s: i64 },
    #[error("the signature does not match the body")]
    BadSignature,
    #[error("the signing-key set has no usable Ed25519 key")]
    NoUsableKey,
}

#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    keys: Vec<VerifyingKey>,
}

impl WebhookVerifier {
    /// Every Ed25519 key of the set (`x` as base64url without padding; padding, the standard
    /// alphabet and a DER/SPKI wrapping are tolerated). Other key types are skipped.
    pub fn from_jwks(set: &JwkSet) -> Result<Self, WebhookError> {
        let keys: Vec<VerifyingKey> = set
            .keys
            .iter()
            .filter(|jwk| {
                let okp = jwk.kty.is_empty() || jwk.kty.eq_ignore_ascii_case("OKP");
                let ed = jwk.crv.eq_ignore_ascii_case("Ed25519")
                    || (jwk.crv.is_empty()
                        && jwk
                            .alg
                            .as_deref()
                            .is_none_or(|a| a.eq_ignore_ascii_case("EdDSA")));
                okp && ed
            })
            .filter_map(|jwk| decode_key(&jwk.x))
            .collect();
        if keys.is_empty() {
            return Err(WebhookError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    /// A verifier for known raw 32-byte public keys.
    pub fn from_keys(keys: Vec<VerifyingKey>) -> Result<Self, WebhookError> {
        if keys.is_empty() {
            return Err(WebhookError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Strict verification of one delivery: both headers present, the timestamp within
    /// [`MAX_SKEW_S`] of `now_unix` (stale and future alike), a 64-byte hex signature that
    /// `verify_strict`s over `"<timestamp>.<body>"` with one of the keys.
    pub fn verify(
        &self,
        signature_hex: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), WebhookError> {
        let signature_hex = signature_hex
            .ok_or(WebhookError::MissingHeader(SIGNATURE_HEADER))?
            .trim();
        let timestamp = timestamp
            .ok_or(WebhookError::MissingHeader(TIMESTAMP_HEADER))?
            .trim();

        if timestamp.is_empty()
            || timestamp.len() > 12
            || !timestamp.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(WebhookError::BadTimestamp);
        }
        let ts: i64 = timestamp.parse().map_err(|_| WebhookError::BadTimestamp)?;
        let skew_s = now_unix.saturating_sub(ts);
        if skew_s.abs() > MAX_SKEW_S {
            return Err(WebhookError::Stale { skew_s });
        }

        let raw = hex::decode(signature_hex).map_err(|_| WebhookError::BadHex)?;

        let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b'.');
        message.extend_from_slice(body);

        self.verify_signature(&message, &raw)
    }

    /// The cryptographic core of [`Self::verify`]: a signature of exactly 64 bytes that
    /// ed25519-dalek's `verify_strict` accepts over `message` with one of the keys (strict:
    /// canonical `S < L`, canonical `R`, no small-order keys or `R`). Exposed so the RFC 8032
    /// and Wycheproof vectors run through the very code a delivery does.
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> Result<(), WebhookError> {
        let bytes: [u8; 64] = signature
            .try_into()
            .map_err(|_| WebhookError::WrongSignatureLength(signature.len()))?;
        let signature = Signature::from_bytes(&bytes);
        if self
            .keys
            .iter()
            .any(|key| key.verify_strict(message, &signature).is_ok())
        {
            Ok(())
        } else {
            Err(WebhookError::BadSignature)
        }
    }

    /// [`Self::verify`] reading the two headers from a request's header map.
    pub fn verify_headers(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), WebhookError> {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        self.verify(get(SIGNATURE_HEADER), get(TIMESTAMP_HEADER), body, now_unix)
    }
}

fn decode_key(x: &str) -> Option<VerifyingKey> {
    let cleaned: String = x
        .trim()
        .trim_end_matches('=')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let raw = URL_SAFE_NO_PAD
        .decode(&cleaned)
        .or_else(|_| STANDARD_NO_PAD.decode(&cleaned))
        .ok()?;
    let raw: &[u8] = match raw.len() {
        32 => &raw,
        44 if raw.starts_with(&SPKI_ED25519_PREFIX) => &raw[12..],
        _ => return None,
    };
    let bytes: [u8; 32] = raw.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
#[path = "webhook_vectors.rs"]
mod vectors;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Jwk;
    use ed25519_dalek::{Signer, SigningKey};

    fn signing_key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn jwk(x: String) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x,
            kid: Some("lamina-webhook-v1".into()),
            use_: Some("sig".into()),
            alg: Some("EdDSA".into()),
        }
    }

    fn set_for(keys: &[&SigningKey]) -> JwkSet {
        JwkSet {
            keys: keys
                .iter()
                .map(|k| jwk(URL_SAFE_NO_PAD.encode(k.verifying_key().as_bytes())))
                .collect(),
        }
    }

    fn sign(key: &SigningKey, ts: &str, body: &[u8]) -> String {
        let mut message = format!("{ts}.").into_bytes();
        message.extend_from_slice(body);
        hex::encode(key.sign(&message).to_bytes())
    }

    const NOW: i64 = 1_774_000_000;
    const BODY: &[u8] = br#"{"data":{"runId":"r1","status":"completed"}}"#;

    #[test]
    fn accepts_a_good_signature_from_any_key_of_the_set() {
        let (a, b) = (signing_key(1), signing_key(2));
        let verifier = WebhookVerifier::from_jwks(&set_for(&[&a, &b])).unwrap();
        assert_eq!(verifier.key_count(), 2);
        let ts = NOW.to_string();
        assert_eq!(
            verifier.verify(Some(&sign(&b, &ts, BODY)), Some(&ts), BODY, NOW),
            Ok(())
        );
        let upper = sign(&a, &ts, BODY).to_uppercase();
        assert_eq!(
            verifier.verify(Some(&upper), Some(&ts), BODY, NOW + 299),
            Ok(())
        );
    }

    #[test]
    fn rejects_tampering_wrong_keys_and_bad_headers() {
        let key = signing_key(1);
        let verifier = WebhookVerifier::from_jwks(&set_for(&[&key])).unwrap();
        let ts = NOW.to_string();
        let sig = sign(&key, &ts, BODY);
        let tampered = br#"{"data":{"runId":"r1","status":"failed"}}"#;
        assert_eq!(
            verifier.verify(Some(&sig), Some(&ts), tampered, NOW),
            Err(WebhookError::BadSignature)
        );
        let other = sign(&signing_key(9), &ts, BODY);
        assert_eq!(
            verifier.verify(Some(&other), Some(&ts), BODY, NOW),
            Err(WebhookError::BadSignature)
        );
        // The timestamp is part of the message.
        let ts2 = (NOW + 1).to_string();
        assert_eq!(
            verifier.verify(Some(&sig), Some(&ts2), BODY, NOW),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verifier.verify(None, Some(&ts), BODY, NOW),
            Err(WebhookError::MissingHeader(SIGNATURE_HEADER))
        );
        assert_eq!(
            verifier.verify(Some(&sig), None, BODY, NOW),
            Err(WebhookError::MissingHeader(TIMESTAMP_HEADER))
        );
        assert_eq!(
            verifier.verify(Some("zz"), Some(&ts), BODY, NOW),
            Err(WebhookError::BadHex)
        );
        assert_eq!(
            verifier.verify(Some(&sig[..126]), Some(&ts), BODY, NOW),
            Err(WebhookError::WrongSignatureLength(63))
        );
        for bad in [
            "",
            "abc",
            "-5",
            "+1774000000",
            "1774000000.5",
            "99999999999999",
        ] {
            assert_eq!(
                verifier.verify(Some(&sig), Some(bad), BODY, NOW),
                Err(WebhookError::BadTimestamp),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_stale_and_future_timestamps() {
        let key = signing_key(1);
        let verifier = WebhookVerifier::from_jwks(&set_for(&[&key])).unwrap();
        let old = (NOW - 301).to_string();
        assert_eq!(
            verifier.verify(Some(&sign(&key, &old, BODY)), Some(&old), BODY, NOW),
            Err(WebhookError::Stale { skew_s: 301 })
        );
        let future = (NOW + 400).to_string();
        assert_eq!(
            verifier.verify(Some(&sign(&key, &future, BODY)), Some(&future), BODY, NOW),
            Err(WebhookError::Stale { skew_s: -400 })
        );
    }

    #[test]
    fn key_set_tolerance() {
        let key = signing_key(3);
        let raw = key.verifying_key().to_bytes();
        // Padding, standard alphabet, SPKI wrapping.
        let padded = base64::engine::general_purpose::URL_SAFE.encode(raw);
        let mut spki = SPKI_ED25519_PREFIX.to_vec();
        spki.extend_from_slice(&raw);
        let spki = base64::engine::general_purpose::STANDARD.encode(spki);
        for x in [padded, spki] {
            let verifier = WebhookVerifier::from_jwks(&JwkSet {
                keys: vec![jwk(x.clone())],
            })
            .unwrap();
            let ts = NOW.to_string();
            assert_eq!(
                verifier.verify(Some(&sign(&key, &ts, BODY)), Some(&ts), BODY, NOW),
                Ok(()),
                "{x}"
            );
        }
        // Non-Ed25519 and broken keys are skipped; nothing usable is an error.
        let mut rsa = jwk("AQAB".into());
        rsa.kty = "RSA".into();
        rsa.crv = String::new();
        let mut x25519 = jwk(URL_SAFE_NO_PAD.encode(raw));
        x25519.crv = "X25519".into();
        let broken = jwk("not-base64!!".into());
        let short = jwk(URL_SAFE_NO_PAD.encode([1u8; 16]));
        let set = JwkSet {
            keys: vec![rsa, x25519, broken, short],
        };
        assert_eq!(
            WebhookVerifier::from_jwks(&set).unwrap_err(),
            WebhookError::NoUsableKey
        );
        assert_eq!(
            WebhookVerifier::from_jwks(&JwkSet::default()).unwrap_err(),
            WebhookError::NoUsableKey
        );
    }

    #[test]
    fn the_docs_example_key_decodes() {
        let set = JwkSet {
            keys: vec![jwk("WR64jqplhAMsH7qC20Mqhm59yZjkiHfzfy6vCMAeIOk".into())],
        };
        assert_eq!(WebhookVerifier::from_jwks(&set).unwrap().key_count(), 1);
    }

    #[test]
    fn errors_serialise_for_the_ui() {
        let json = serde_json::to_value(WebhookError::Stale { skew_s: 301 }).unwrap();
        assert_eq!(json["kind"], "stale");
        assert_eq!(json["value"]["skew_s"], 301);
    }
}
