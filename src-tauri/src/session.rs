//! Which Lamina service the window talks to: the built-in demo workspace (an in-process sandbox
//! on a random loopback port), the user's account (key from the OS keychain), or neither yet.

use std::path::{Path, PathBuf};

use lamina_api::{ApiKey, ClientConfig, LaminaClient};
use lamina_core::batch::{BatchProgress, BatchRunner, SchedulerConfig};
use lamina_core::credentials::Keychain;
use lamina_core::webhook::{DeliveryControl, DeliveryLogEntry, DeliverySettings, KeySource};
use lamina_core::{CoreError, RunRecord, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};
use serde::{Deserialize, Serialize};
use tauri::async_runtime::JoinHandle;
use tokio::sync::RwLock;

use crate::error::{AppError, AppErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    Demo,
    Account,
    None,
}

/// What the UI may know about the account: never the key, only its last four characters.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    pub mode: Mode,
    pub has_key: bool,
    pub key_last_four: Option<String>,
    pub keychain_available: bool,
    pub keychain_message: Option<String>,
    pub base_url: String,
}

/// A run changed (committed to history first).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct RunUpdated(pub RunRecord);

/// The service became reachable or unreachable ("offline — runs will update when the
/// connection returns").
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionChanged {
    pub online: bool,
}

/// Where connection changes go: the window in the app; nowhere by default.
pub type ConnectionSink = std::sync::Arc<dyn Fn(ConnectionChanged) + Send + Sync>;

/// Where logged webhook deliveries go: the window in the app; nowhere by default.
pub type DeliverySink = std::sync::Arc<dyn Fn(DeliveryLogEntry) + Send + Sync>;

/// While offline, how often the service is asked whether it is back.
const RECONNECT_PROBE: std::time::Duration = std::time::Duration::from_secs(5);

struct Active {
    mode: Mode,
    workspace: Workspace,
    /// Starts, follows and steers this workspace's batches.
    batches: BatchRunner,
    key_last_four: Option<String>,
    sandbox: Option<SandboxHandle>,
    /// The webhook receiver of this workspace (Settings → Delivery).
    delivery: DeliveryControl,
    /// Relays run events and connection changes; probes while offline.
    tasks: Vec<JoinHandle<()>>,
}

/// Where committed run changes go: the window (a Tauri event) in the app, a recorder in tests.
pub type RunSink = std::sync::Arc<dyn Fn(RunRecord) + Send + Sync>;

/// Where batch progress goes (committed first): the window in the app; nowhere by default.
pub type BatchSink = std::sync::Arc<dyn Fn(BatchProgress) + Send + Sync>;

pub struct Session {
    app_data: PathBuf,
    sink: RunSink,
    connection_sink: ConnectionSink,
    delivery_sink: DeliverySink,
    batch_sink: BatchSink,
    /// Where batches turn their uploaded photos into links (the app's current uploader).
    batch_uploaders: Option<lamina_core::batch::UploaderSource>,
    publish_sink: crate::commands::publishing::PublishSink,
    service_url: String,
    demo_speed: f64,
    keychain: Keychain,
    active: RwLock<Option<Active>>,
    /// Held while the last workspace is being reopened at start-up, so the window's first
    /// questions wait for the answer instead of seeing "no workspace" for a moment.
    restoring: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// The keychain's last answer. Asking it can take a while (a Secret Service being started, or
    /// a D-Bus session being launched), so it is asked once in the background at start-up and
    /// the first paint of the demo workspace never waits for it.
    keychain_probe: tokio::sync::Mutex<Option<KeychainProbe>>,
}

#[derive(Debug, Clone)]
struct KeychainProbe {
    available: bool,
    message: Option<String>,
    has_key: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Preferences {
    last_mode: Option<Mode>,
}

impl Session {
    pub fn new(app_data: PathBuf, sink: RunSink) -> Self {
        Self::with_keychain(app_data, sink, Keychain::default())
    }

    /// Tests use a keychain entry of their own so a developer's real key is never touched.
    pub fn with_keychain(app_data: PathBuf, sink: RunSink, keychain: Keychain) -> Self {
        let service_url = std::env::var("LAMINA_BASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| lamina_api::DEFAULT_BASE_URL.to_owned());
        let demo_speed = std::env::var("LAMINA_DEMO_SPEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|v: &f64| *v > 0.0)
            .unwrap_or(1.0);
        Self {
            app_data,
            sink,
            connection_sink: std::sync::Arc::new(|_| {}),
            delivery_sink: std::sync::Arc::new(|_| {}),
            batch_sink: std::sync::Arc::new(|_| {}),
            batch_uploaders: None,
            publish_sink: std::sync::Arc::new(|_| {}),
            service_url: service_url.trim_end_matches('/').to_owned(),
            demo_speed,
            keychain,
            active: RwLock::new(None),
            restoring: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            keychain_probe: tokio::sync::Mutex::new(None),
        }
    }

    /// Sends connection changes somewhere (the window).
    pub fn with_connection_sink(mut self, sink: ConnectionSink) -> Self {
        self.connection_sink = sink;
        self
    }

    /// Sends logged webhook deliveries somewhere (the window).
    pub fn with_delivery_sink(mut self, sink: DeliverySink) -> Self {
        self.delivery_sink = sink;
        self
    }

    /// Sends batch progress somewhere (the window).
    pub fn with_batch_sink(mut self, sink: BatchSink) -> Self {
        self.batch_sink = sink;
        self
    }

    /// Lets batches upload local photos (see `BatchRunner::set_uploaders`).
    pub fn with_batch_uploaders(mut self, source: lamina_core::batch::UploaderSource) -> Self {
        self.batch_uploaders = Some(source);
        self
    }

    /// Sends publish changes somewhere (the window).
    pub fn with_publish_sink(mut self, sink: crate::commands::publishing::PublishSink) -> Self {
        self.publish_sink = sink;
        self
    }

    /// Points "Connect your account" at another Lamina service (tests use the sandbox).
    pub fn with_service_url(mut self, url: impl Into<String>) -> Self {
        self.service_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Taken synchronously in `setup`, before the window exists, and released when
    /// [`Session::restore`] is done.
    pub fn restore_guard(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.restoring.clone().try_lock_owned().ok()
    }

    async fn restored(&self) {
        drop(self.restoring.lock().await);
    }

    /// Opens what the user had last time: `LAMINA_DEMO=1` forces the demo; a saved key opens the
    /// account; a previous demo session reopens the demo; otherwise the UI shows onboarding.
    pub async fn restore(&self) -> Result<(), AppError> {
        if std::env::var("LAMINA_DEMO").is_ok_and(|v| v == "1") {
            self.start_demo().await?;
            return Ok(());
        }
        match self.load_key().await {
            Ok(Some(key)) => {
                self.open(Mode::Account, key, self.service_url.clone(), None)
                    .await?;
                return Ok(());
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "keychain unavailable at start-up"),
        }
        if self.preferences().last_mode == Some(Mode::Demo) {
            self.start_demo().await?;
        }
        Ok(())
    }

    pub async fn status(&self) -> AccountStatus {
        self.restored().await;
        self.current_status().await
    }

    async fn current_status(&self) -> AccountStatus {
        let active = self.active.read().await;
        let mode = active.as_ref().map_or(Mode::None, |a| a.mode);
        let probe = match mode {
            // The key was just read from (or saved to) the keychain: it works and holds it.
            Mode::Account => KeychainProbe {
                available: true,
                message: None,
                has_key: true,
            },
            // Only Settings shows these in the demo, and it asks again when it opens.
            Mode::Demo => self.cached_keychain_probe().unwrap_or(KeychainProbe {
                available: true,
                message: None,
                has_key: false,
            }),
            // Onboarding must know whether a key can be kept at all.
            Mode::None => self.probe_keychain().await,
        };
        AccountStatus {
            mode,
            has_key: probe.has_key,
            key_last_four: active
                .as_ref()
                .filter(|a| a.mode == Mode::Account)
                .and_then(|a| a.key_last_four.clone()),
            keychain_available: probe.available,
            keychain_message: probe.message,
            base_url: active.as_ref().map_or_else(
                || self.service_url.clone(),
                |a| a.workspace.client().base_url().to_owned(),
            ),
        }
    }

    /// Asks the keychain whether it works and holds a key (once; the answer is kept until the
    /// key is saved or forgotten). Called in the background at start-up.
    pub async fn probe_keychain_now(&self) {
        self.probe_keychain().await;
    }

    async fn probe_keychain(&self) -> KeychainProbe {
        let mut cached = self.keychain_probe.lock().await;
        if let Some(probe) = cached.as_ref() {
            return probe.clone();
        }
        let probe = match blocking(Keychain::status).await {
            Ok(()) => KeychainProbe {
                available: true,
                message: None,
                has_key: matches!(self.load_key().await, Ok(Some(_))),
            },
            Err(error) => KeychainProbe {
                available: false,
                message: Some(error.message),
                has_key: false,
            },
        };
        *cached = Some(probe.clone());
        probe
    }

    /// The keychain's answer if it has already given one; never waits.
    fn cached_keychain_probe(&self) -> Option<KeychainProbe> {
        self.keychain_probe
            .try_lock()
            .ok()
            .and_then(|probe| probe.clone())
    }

    async fn keychain_changed(&self) {
        *self.keychain_probe.lock().await = None;
    }

    pub async fn start_demo(&self) -> Result<AccountStatus, AppError> {
        if self
            .active
            .read()
            .await
            .as_ref()
            .is_some_and(|a| a.mode == Mode::Demo)
        {
            return Ok(self.current_status().await);
        }
        let sandbox = start_demo_sandbox(&self.app_data.join("demo"), self.demo_speed)
            .await
            .map_err(|e| AppError::internal(format!("demo workspace could not start: {e}")))?;
        let base_url = sandbox.base_url();
        self.open(Mode::Demo, ApiKey::new(DEMO_KEY), base_url, Some(sandbox))
            .await?;
        Ok(self.current_status().await)
    }

    /// Checks the key with a real request before saving it: a key is only kept if it works.
    pub async fn connect(&self, key: ApiKey) -> Result<AccountStatus, AppError> {
        if !key.looks_valid() {
            return Err(AppError::new(
                AppErrorKind::InvalidInput,
                "That doesn't look like a Lamina key. Keys start with \"lma_\".",
                "key format check failed",
            ));
        }
        let probe = LaminaClient::new(ClientConfig::new(self.service_url.clone(), key.clone()))?;
        probe.list_apps(None).await?;
        let to_save = key.clone();
        let keychain = self.keychain.clone();
        blocking(move || keychain.save(&to_save)).await?;
        self.keychain_changed().await;
        self.open(Mode::Account, key, self.service_url.clone(), None)
            .await?;
        Ok(self.current_status().await)
    }

    pub async fn forget_key(&self) -> Result<AccountStatus, AppError> {
        let keychain = self.keychain.clone();
        blocking(move || keychain.forget()).await?;
        self.keychain_changed().await;
        let mut active = self.active.write().await;
        if active.as_ref().is_some_and(|a| a.mode == Mode::Account) {
            if let Some(old) = active.take() {
                old.close().await;
            }
            self.save_preferences(Mode::None);
        }
        drop(active);
        Ok(self.current_status().await)
    }

    /// The workspace the window is on with its mode and webhook receiver.
    pub async fn delivery(&self) -> Result<(Mode, Workspace, DeliveryControl), AppError> {
        let workspace = self.workspace().await?;
        match self.active.read().await.as_ref() {
            Some(active) => Ok((active.mode, workspace, active.delivery.clone())),
            None => Err(AppError::internal("the workspace closed")),
        }
    }

    /// The workspace the window is on, or a plain error if none is chosen yet.
    pub async fn workspace(&self) -> Result<Workspace, AppError> {
        self.restored().await;
        match self.active.read().await.as_ref() {
            Some(active) => Ok(active.workspace.clone()),
            None => Err(AppError::new(
                AppErrorKind::Unauthorized,
                "Connect your Lamina account or try the demo workspace first.",
                "no workspace open",
            )),
        }
    }

    /// The batch runner of the workspace the window is on.
    pub async fn batches(&self) -> Result<(Workspace, BatchRunner), AppError> {
        self.restored().await;
        match self.active.read().await.as_ref() {
            Some(active) => Ok((active.workspace.clone(), active.batches.clone())),
            None => Err(AppError::new(
                AppErrorKind::Unauthorized,
                "Connect your Lamina account or try the demo workspace first.",
                "no workspace open",
            )),
        }
    }

    /// Drives a batch in the background until every row is settled (a batch already being
    /// driven is left to its driver). Ends with the workspace.
    pub async fn drive_batch(&self, batch_id: &str) -> Result<(), AppError> {
        let mut active = self.active.write().await;
        let Some(active) = active.as_mut() else {
            return Err(AppError::new(
                AppErrorKind::Unauthorized,
                "Connect your Lamina account or try the demo workspace first.",
                "no workspace open",
            ));
        };
        active.tasks.retain(|task| !task.inner().is_finished());
        active
            .tasks
            .push(drive(active.batches.clone(), batch_id.to_owned()));
        Ok(())
    }

    async fn open(
        &self,
        mode: Mode,
        key: ApiKey,
        base_url: String,
        sandbox: Option<SandboxHandle>,
    ) -> Result<(), AppError> {
        let data_dir = match mode {
            Mode::Demo => self.app_data.join("demo"),
            _ => self.app_data.clone(),
        };
        let key_last_four = (mode == Mode::Account).then(|| key.last_four());
        let workspace = Workspace::open(WorkspaceConfig::new(base_url, key, data_dir))?;
        // Demo: the in-process sandbox posts signed webhooks to a local receiver, on by default.
        // An account: off until the user turns it on (it needs their own tunnel or relay).
        let delivery = DeliveryControl::new(
            workspace.tracker.clone(),
            KeySource::Service(workspace.client().clone()),
            match mode {
                Mode::Demo => DeliverySettings::demo_default(),
                _ => DeliverySettings::account_default(),
            },
        );
        // The old workspace's receiver may hold the port this one wants.
        if let Some(previous) = self.active.read().await.as_ref() {
            previous.delivery.shutdown().await;
        }
        // Before resuming, so runs started with a webhook keep waiting for it.
        if let Err(error) = delivery.start_saved().await {
            tracing::warn!(%error, "webhook delivery could not start; polling instead");
        }
        let batches = BatchRunner::new(workspace.tracker.clone(), SchedulerConfig::default());
        if let Some(source) = &self.batch_uploaders {
            batches.set_uploaders(source.clone());
        }
        let tasks = vec![
            forward_events(self.sink.clone(), &workspace),
            forward_connection(self.connection_sink.clone(), &workspace),
            forward_deliveries(self.delivery_sink.clone(), &delivery),
            forward_batches(self.batch_sink.clone(), &batches),
            resume_batches(batches.clone()),
            crate::commands::publishing::relay_publishes(self.publish_sink.clone(), &workspace),
        ];
        let resumed = workspace.tracker.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(error) = resumed.resume().await {
                tracing::warn!(%error, "could not resume unfinished runs");
            }
        });
        let previous = self.active.write().await.replace(Active {
            mode,
            workspace,
            batches,
            key_last_four,
            sandbox,
            delivery,
            tasks,
        });
        if let Some(previous) = previous {
            previous.close().await;
        }
        self.save_preferences(mode);
        Ok(())
    }

    async fn load_key(&self) -> Result<Option<ApiKey>, AppError> {
        let keychain = self.keychain.clone();
        blocking(move || keychain.load()).await
    }

    fn preferences_path(&self) -> PathBuf {
        self.app_data.join("preferences.json")
    }

    fn preferences(&self) -> Preferences {
        std::fs::read_to_string(self.preferences_path())
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save_preferences(&self, mode: Mode) {
        let preferences = Preferences {
            last_mode: Some(mode),
        };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.app_data)?;
            std::fs::write(self.preferences_path(), serde_json::to_vec(&preferences)?)
        };
        if let Err(error) = write() {
            tracing::warn!(%error, "could not save preferences");
        }
    }

    /// The keychain entry an account's key lives in (for the connection check).
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    pub fn app_data(&self) -> &Path {
        &self.app_data
    }
}

impl Active {
    async fn close(self) {
        for task in self.tasks {
            task.abort();
        }
        self.delivery.shutdown().await;
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// Relays every committed run change to the sink.
fn forward_events(sink: RunSink, workspace: &Workspace) -> JoinHandle<()> {
    let mut events = workspace.tracker.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(record) => sink(record),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "window missed run updates; it refetches on focus");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    })
}

/// Relays every logged webhook delivery to the sink.
fn forward_deliveries(sink: DeliverySink, delivery: &DeliveryControl) -> JoinHandle<()> {
    let mut deliveries = delivery.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match deliveries.recv().await {
                Ok(entry) => sink(entry),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    })
}

/// Relays every committed batch change to the sink.
fn forward_batches(sink: BatchSink, batches: &BatchRunner) -> JoinHandle<()> {
    let mut events = batches.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(progress) => sink(progress),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(
                        missed,
                        "window missed batch updates; the next one catches up"
                    );
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    })
}

/// A batch interrupted by quitting (or a crash) goes on where it stopped: never re-sending a
/// row the service may have started.
fn resume_batches(batches: BatchRunner) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        match batches.resume_unfinished().await {
            Ok(results) => {
                for result in results {
                    match result {
                        Ok(progress) => batch_ended(&progress),
                        Err(CoreError::Conflict(_)) => {}
                        Err(error) => tracing::warn!(%error, "a resumed batch stopped"),
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "could not resume unfinished batches"),
        }
    })
}

fn drive(batches: BatchRunner, batch_id: String) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        match batches.run(&batch_id).await {
            Ok(progress) => batch_ended(&progress),
            // Already driven (e.g. resumed at start-up): that driver sees the change.
            Err(CoreError::Conflict(_)) => {}
            Err(error) => tracing::warn!(%error, batch = %batch_id, "a batch stopped"),
        }
    })
}

/// Every row of a batch is settled.
fn batch_ended(progress: &BatchProgress) {
    tracing::info!(
        batch = %progress.batch_id,
        completed = progress.completed,
        failed = progress.failed,
        "batch finished"
    );
}

/// Relays "online/offline" to the sink, and while offline asks the service every few seconds
/// whether it is back (followers then wake at once).
fn forward_connection(sink: ConnectionSink, workspace: &Workspace) -> JoinHandle<()> {
    let tracker = workspace.tracker.clone();
    let mut online = tracker.online();
    tauri::async_runtime::spawn(async move {
        let relay = async {
            while online.changed().await.is_ok() {
                let now = *online.borrow_and_update();
                sink(ConnectionChanged { online: now });
            }
        };
        tokio::select! {
            () = tracker.watch_connection(RECONNECT_PROBE) => {}
            () = relay => {}
        }
    })
}

/// Runs a blocking keychain call off the async workers.
/// The demo sandbox keeps the files of its built-in storage in the demo folder and listens on the
/// port it had last time when it is free, so links to those files (kept in history) still work
/// after a restart.
async fn start_demo_sandbox(demo_dir: &Path, speed: f64) -> std::io::Result<SandboxHandle> {
    let port_file = demo_dir.join("sandbox-port");
    let config = |port: u16| SandboxConfig {
        bind: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port)),
        speed,
        storage_dir: Some(demo_dir.join("files")),
        ..SandboxConfig::default()
    };
    let last_port = tokio::fs::read_to_string(&port_file)
        .await
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .filter(|port| *port != 0);
    let sandbox = match last_port {
        Some(port) => match lamina_sandbox::start(config(port)).await {
            Ok(sandbox) => sandbox,
            // Taken by another program since: old links break, new ones work.
            Err(_) => lamina_sandbox::start(config(0)).await?,
        },
        None => lamina_sandbox::start(config(0)).await?,
    };
    let port = sandbox.addr().port().to_string();
    if let Err(e) = tokio::fs::create_dir_all(demo_dir).await {
        tracing::warn!(error = %e, "cannot create the demo folder");
    } else if let Err(e) = tokio::fs::write(&port_file, port).await {
        tracing::warn!(error = %e, "cannot remember the demo sandbox's port");
    }
    Ok(sandbox)
}

/// A keychain call, off the async threads (the OS keychain may block on a prompt or D-Bus).
pub(crate) async fn blocking<T: Send + 'static, E: Into<AppError> + Send + 'static>(
    call: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result.map_err(Into::into),
        Err(error) => Err(AppError::internal(format!("keychain task failed: {error}"))),
    }
}
