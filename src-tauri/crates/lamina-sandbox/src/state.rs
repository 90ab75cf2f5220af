//! State shared by every request handler.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;

use crate::catalog::{self, AppDef};
use crate::config::SandboxConfig;
use crate::faults::FaultSet;
use crate::minimal::MinimalMode;
use crate::ratelimit::RateLimiter;
use crate::runs::RunStore;
use crate::stats::StatsCell;
use crate::storage::BuiltInStorage;
use crate::webhooks::WebhookSigner;

#[derive(Debug)]
pub(crate) struct AppState {
    pub config: SandboxConfig,
    /// `http://HOST:PORT`, used in output URLs and sample defaults.
    pub base_url: String,
    pub catalog: Vec<Arc<AppDef>>,
    pub runs: RunStore,
    pub faults: FaultSet,
    pub limiter: RateLimiter,
    pub stats: StatsCell,
    pub signer: WebhookSigner,
    /// Generated files by `runId/index` (or `samples/name`), made on first download.
    pub files: Mutex<HashMap<String, Bytes>>,
    pub http: reqwest::Client,
    /// 2xx webhook answers still to be "lost" (`SandboxConfig::webhook_lost_answers`).
    pub webhook_answers_to_lose: std::sync::atomic::AtomicU32,
    /// The "minimal service" switch (`SandboxConfig::minimal`, `PUT /_sandbox/mode`).
    pub minimal: MinimalMode,
    /// Files put with `PUT /_sandbox/files/{name}` (`SandboxConfig::storage_dir`).
    pub storage: BuiltInStorage,
    shutdown: watch::Receiver<bool>,
}

impl AppState {
    pub(crate) fn new(
        config: SandboxConfig,
        base_url: String,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            // Webhook targets are local test receivers; a system proxy must not intercept them.
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot build the webhook HTTP client: {e}"))?;
        Ok(Self {
            catalog: catalog::build(&base_url)
                .into_iter()
                .map(Arc::new)
                .collect(),
            faults: FaultSet::new(config.faults.clone()),
            limiter: RateLimiter::new(config.rate_limit, config.rate_window),
            runs: RunStore::default(),
            stats: StatsCell::default(),
            signer: WebhookSigner::generate(),
            files: Mutex::new(HashMap::new()),
            http,
            webhook_answers_to_lose: std::sync::atomic::AtomicU32::new(config.webhook_lost_answers),
            minimal: MinimalMode::new(config.minimal),
            storage: BuiltInStorage::new(config.storage_dir.clone()),
            shutdown,
            base_url,
            config,
        })
    }

    pub(crate) fn app(&self, id: &str) -> Option<&Arc<AppDef>> {
        self.catalog.iter().find(|a| a.id() == id)
    }

    /// Resolves once the server is stopping (or its handle was dropped).
    pub(crate) async fn shutdown_requested(&self) {
        let mut rx = self.shutdown.clone();
        // An error means the sender (the handle) is gone: treat it as a stop too.
        let _ = rx.wait_for(|stopping| *stopping).await;
    }

    /// Sleeps unless the server stops first; `true` if the full time passed.
    pub(crate) async fn sleep(&self, duration: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(duration) => true,
            () = self.shutdown_requested() => false,
        }
    }

    pub(crate) fn cached_file(&self, key: &str) -> Option<Bytes> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.get(key).cloned()
    }

    pub(crate) fn cache_file(&self, key: String, bytes: Bytes) {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(key, bytes);
    }
}
