//! The signing-key set, fetched once and cached; fetched again (at most once per
//! `refetch_after`) when a delivery does not verify, so a key rotation heals itself without
//! letting forged deliveries spend the request budget.

use std::sync::Mutex;
use std::time::Duration;

use lamina_api::webhook::{WebhookError, WebhookVerifier};
use lamina_api::{JwkSet, LaminaClient};
use tokio::time::Instant;

/// Where the public keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `GET /v1/webhooks/signing-key` (or the legacy path) of the service.
    Service(LaminaClient),
    /// A fixed set (tests, or a key pinned by the user).
    Fixed(JwkSet),
}

#[derive(Debug)]
pub(crate) struct KeyCache {
    source: KeySource,
    refetch_after: Duration,
    state: tokio::sync::Mutex<Option<WebhookVerifier>>,
    fetched_at: Mutex<Option<Instant>>,
}

/// Why no verifier is available.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("the signing key could not be fetched: {0}")]
    Fetch(String),
    #[error(transparent)]
    Unusable(#[from] WebhookError),
}

impl KeyCache {
    pub(crate) fn new(source: KeySource, refetch_after: Duration) -> Self {
        Self {
            source,
            refetch_after,
            state: tokio::sync::Mutex::new(None),
            fetched_at: Mutex::new(None),
        }
    }

    /// The cached verifier, fetching the set the first time.
    pub(crate) async fn current(&self) -> Result<WebhookVerifier, KeyError> {
        let mut state = self.state.lock().await;
        if let Some(verifier) = state.as_ref() {
            return Ok(verifier.clone());
        }
        let verifier = self.fetch().await?;
        *state = Some(verifier.clone());
        Ok(verifier)
    }

    /// A freshly fetched verifier if the cached one is old enough to be replaced, else `None`.
    pub(crate) async fn refetch(&self) -> Option<WebhookVerifier> {
        if matches!(self.source, KeySource::Fixed(_)) {
            return None;
        }
        let mut state = self.state.lock().await;
        let recent = self
            .fetched_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < self.refetch_after);
        if recent {
            return None;
        }
        match self.fetch().await {
            Ok(verifier) => {
                *state = Some(verifier.clone());
                Some(verifier)
            }
            Err(error) => {
                tracing::warn!(%error, "webhook signing key refetch failed");
                None
            }
        }
    }

    async fn fetch(&self) -> Result<WebhookVerifier, KeyError> {
        let set = match &self.source {
            KeySource::Fixed(set) => set.clone(),
            KeySource::Service(client) => {
                *self.fetched_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
                client
                    .signing_keys()
                    .await
                    .map_err(|e| KeyError::Fetch(e.to_string()))?
            }
        };
        Ok(WebhookVerifier::from_jwks(&set)?)
    }
}
