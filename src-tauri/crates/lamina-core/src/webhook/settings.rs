//! Settings → Delivery: whether this workspace receives results by webhook, on which port, at
//! which public address; kept in the workspace's SQLite `kv` table, validated before anything is
//! saved, and applied to a running [`WebhookReceiver`] by [`DeliveryControl`]. A change that
//! cannot be applied (a port already in use) is refused and leaves the previous receiver and
//! the saved settings as they were.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, broadcast};

use super::{DeliveryLogEntry, KeySource, ReceiverConfig, WebhookReceiver, public_url};
use crate::store::{Store, StoreError};
use crate::tracker::Tracker;

/// The `kv` key the settings are kept under.
const SETTINGS_KEY: &str = "delivery-settings";
/// Ports below this need administrator rights on most systems.
pub const LOWEST_PORT: u16 = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeliverySettings {
    /// Receive results by webhook (polling goes on slowly as a fallback).
    pub enabled: bool,
    /// Port to listen on (on 127.0.0.1); `None`: any free port (the demo workspace).
    pub port: Option<u16>,
    /// The address the service must post to: a tunnel or relay in front of the port. `None`:
    /// the local address (only reachable from this computer, e.g. the demo workspace).
    pub public_url: Option<String>,
}

impl DeliverySettings {
    /// A real account: off until the user turns it on, on Lamina CLI's port.
    pub fn account_default() -> Self {
        Self {
            enabled: false,
            port: Some(super::DEFAULT_PORT),
            public_url: None,
        }
    }

    /// The demo workspace: the in-process sandbox posts to a free local port.
    pub fn demo_default() -> Self {
        Self {
            enabled: true,
            port: None,
            public_url: None,
        }
    }

    /// Checks every field; blank public URLs become `None`, URLs are trimmed.
    pub fn validated(mut self) -> Result<Self, SettingsError> {
        let mut problems = Vec::new();
        if let Some(port) = self.port
            && port < LOWEST_PORT
        {
            problems.push(FieldProblem {
                field: "port",
                reason: format!("Use a port between {LOWEST_PORT} and 65535."),
            });
        }
        self.public_url = self
            .public_url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        if let Some(url) = &self.public_url
            && public_url(url).is_err()
        {
            problems.push(FieldProblem {
                field: "publicUrl",
                reason: "Enter a full address starting with http:// or https://.".into(),
            });
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(SettingsError::Invalid(problems))
        }
    }
}

/// One field that does not pass, in words for the settings form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the delivery settings are not valid")]
    Invalid(Vec<FieldProblem>),
    #[error("port {port} is already in use by another program: {reason}")]
    PortInUse { port: u16, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The saved settings, or `default` when none were saved (or they no longer parse).
pub fn load(store: &Store, default: DeliverySettings) -> Result<DeliverySettings, StoreError> {
    Ok(store
        .kv_get(SETTINGS_KEY)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or(default))
}

fn save(store: &Store, settings: &DeliverySettings) -> Result<(), StoreError> {
    let json = serde_json::to_string(settings).map_err(|e| StoreError::other(e.to_string()))?;
    store.kv_set(SETTINGS_KEY, &json)
}

/// What Settings → Delivery shows: the saved settings and what is running now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryStatus {
    pub settings: DeliverySettings,
    /// `127.0.0.1:<port>` while the receiver listens.
    pub listening: Option<String>,
    /// The address run starts carry as `?webhook=` while the receiver listens.
    // Also `None` when the service offers no signing key to verify deliveries with.
    pub webhook_url: Option<String>,
}

/// Owns a workspace's receiver: starts, restarts and stops it as the settings change, and
/// relays every logged delivery (whichever receiver took it) to one channel.
#[derive(Debug, Clone)]
pub struct DeliveryControl {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tracker: Tracker,
    keys: KeySource,
    default: DeliverySettings,
    running: Mutex<Option<Running>>,
    events: broadcast::Sender<DeliveryLogEntry>,
}

#[derive(Debug)]
struct Running {
    settings: DeliverySettings,
    receiver: WebhookReceiver,
    relay: tokio::task::JoinHandle<()>,
}

impl DeliveryControl {
    /// Nothing runs until [`DeliveryControl::start_saved`] or [`DeliveryControl::apply`].
    pub fn new(tracker: Tracker, keys: KeySource, default: DeliverySettings) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                tracker,
                keys,
                default,
                running: Mutex::new(None),
                events,
            }),
        }
    }

    /// Every delivery as it is logged (already committed to SQLite).
    pub fn subscribe(&self) -> broadcast::Receiver<DeliveryLogEntry> {
        self.inner.events.subscribe()
    }

    /// The saved settings (or the workspace's default).
    pub fn settings(&self) -> Result<DeliverySettings, StoreError> {
        load(self.inner.tracker.store(), self.inner.default.clone())
    }

    pub async fn status(&self) -> Result<DeliveryStatus, StoreError> {
        let settings = self.settings()?;
        let running = self.inner.running.lock().await;
        Ok(DeliveryStatus {
            settings,
            listening: running
                .as_ref()
                .map(|r| r.receiver.local_addr().to_string()),
            // A service without signing keys gets no webhook address on its runs (deliveries
            // could not be verified): they are polled, and the status says so by its absence.
            webhook_url: running
                .as_ref()
                .filter(|r| r.receiver.verifies_deliveries())
                .map(|r| r.receiver.public_url().to_owned()),
        })
    }

    /// For the connection check: the public address when one is set and webhooks are on, with
    /// the running receiver's token.
    pub async fn reach_target(&self) -> Result<Option<crate::doctor::ReachTarget>, StoreError> {
        let settings = self.settings()?;
        let running = self.inner.running.lock().await;
        let token = running
            .as_ref()
            .map(|r| r.receiver.reach_token().to_owned());
        Ok(crate::doctor::ReachTarget::from_settings(&settings, token))
    }

    /// At start-up: starts the receiver if the saved settings say so.
    pub async fn start_saved(&self) -> Result<DeliveryStatus, SettingsError> {
        let settings = self.settings()?;
        self.switch_to(&settings).await?;
        Ok(self.status().await?)
    }

    /// Validates, applies (starting, restarting or stopping the receiver) and only then saves.
    /// On any error the previous receiver keeps running and nothing is saved.
    pub async fn apply(&self, settings: DeliverySettings) -> Result<DeliveryStatus, SettingsError> {
        let settings = settings.validated()?;
        self.switch_to(&settings).await?;
        save(self.inner.tracker.store(), &settings)?;
        Ok(self.status().await?)
    }

    /// Stops the receiver (closing the workspace); the saved settings stay.
    pub async fn shutdown(&self) {
        if let Some(old) = self.inner.running.lock().await.take() {
            old.stop().await;
        }
    }

    async fn switch_to(&self, settings: &DeliverySettings) -> Result<(), SettingsError> {
        let mut running = self.inner.running.lock().await;
        let same = running.as_ref().is_some_and(|r| {
            r.settings.port == settings.port && r.settings.public_url == settings.public_url
        });
        if settings.enabled && same {
            if let Some(r) = running.as_mut() {
                r.settings = settings.clone();
            }
            return Ok(());
        }
        let mut previous = None;
        if let Some(old) = running.take() {
            previous = Some(old.settings.clone());
            old.stop().await;
        }
        if !settings.enabled {
            return Ok(());
        }
        match self.start_receiver(settings).await {
            Ok(new) => {
                *running = Some(new);
                Ok(())
            }
            Err(error) => {
                // Put back what ran before, so a bad port breaks nothing.
                if let Some(previous) = previous {
                    match self.start_receiver(&previous).await {
                        Ok(old) => *running = Some(old),
                        Err(again) => {
                            tracing::warn!(%again, "could not restart the previous webhook receiver");
                        }
                    }
                }
                Err(error)
            }
        }
    }

    async fn start_receiver(&self, settings: &DeliverySettings) -> Result<Running, SettingsError> {
        let port = settings.port.unwrap_or(0);
        let receiver = WebhookReceiver::start(
            self.inner.tracker.clone(),
            self.inner.keys.clone(),
            ReceiverConfig {
                bind: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                public_url: settings.public_url.clone(),
                ..ReceiverConfig::default()
            },
        )
        .await
        .map_err(|e| match e {
            super::ReceiverError::Bind { reason, .. } => SettingsError::PortInUse { port, reason },
            super::ReceiverError::PublicUrl(_) => SettingsError::Invalid(vec![FieldProblem {
                field: "publicUrl",
                reason: "Enter a full address starting with http:// or https://.".into(),
            }]),
        })?;
        let mut deliveries = receiver.subscribe();
        let events = self.inner.events.clone();
        let relay = tokio::spawn(async move {
            loop {
                match deliveries.recv().await {
                    Ok(entry) => {
                        let _ = events.send(entry);
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(Running {
            settings: settings.clone(),
            receiver,
            relay,
        })
    }
}

impl Running {
    async fn stop(self) {
        self.relay.abort();
        self.receiver.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_below_1024_and_non_http_urls_are_refused_with_the_field_named() {
        let bad = DeliverySettings {
            enabled: true,
            port: Some(80),
            public_url: Some("ftp://relay.example".into()),
        };
        let Err(SettingsError::Invalid(problems)) = bad.validated() else {
            panic!("accepted bad settings");
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["port", "publicUrl"]);
    }

    #[test]
    fn blank_urls_are_none_and_good_settings_pass() {
        let ok = DeliverySettings {
            enabled: true,
            port: Some(8788),
            public_url: Some("   ".into()),
        }
        .validated()
        .unwrap();
        assert_eq!(ok.public_url, None);
        let ok = DeliverySettings {
            enabled: false,
            port: None,
            public_url: Some(" https://abc.trycloudflare.com ".into()),
        }
        .validated()
        .unwrap();
        assert_eq!(
            ok.public_url.as_deref(),
            Some("https://abc.trycloudflare.com")
        );
    }

    #[test]
    fn saved_settings_come_back_and_missing_ones_use_the_default() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            load(&store, DeliverySettings::demo_default()).unwrap(),
            DeliverySettings::demo_default()
        );
        let mine = DeliverySettings {
            enabled: true,
            port: Some(9000),
            public_url: Some("https://relay.example/hook".into()),
        };
        save(&store, &mine).unwrap();
        assert_eq!(
            load(&store, DeliverySettings::account_default()).unwrap(),
            mine
        );
    }
}
