//! Everything one needs to talk to a Lamina service and keep history: the shared client, the
//! store and the tracker, opened from one configuration.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lamina_api::{ApiGeneration, ApiKey, BudgetConfig, ClientConfig, LaminaClient};

use crate::outputs::{OutputCache, OutputLimits};
use crate::publishing::Publisher;
use crate::store::Store;
use crate::tracker::{CoreError, Tracker, TrackerConfig};

#[derive(Debug, Clone)]
pub struct WorkspaceConfig {
    pub base_url: String,
    pub api_key: ApiKey,
    pub generation: ApiGeneration,
    pub data_dir: PathBuf,
    pub budget: BudgetConfig,
    pub tracker: TrackerConfig,
    /// Where outputs are downloaded; default `<data dir>/outputs`.
    pub outputs_dir: Option<PathBuf>,
    /// Silence allowed while waiting for an answer; `None` keeps the client's default.
    pub read_timeout: Option<Duration>,
}

impl WorkspaceConfig {
    pub fn new(base_url: impl Into<String>, api_key: ApiKey, data_dir: PathBuf) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            generation: ApiGeneration::V1,
            data_dir,
            budget: BudgetConfig::default(),
            tracker: TrackerConfig::default(),
            outputs_dir: None,
            read_timeout: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub tracker: Tracker,
    pub publisher: Publisher,
    data_dir: PathBuf,
    outputs_dir: PathBuf,
}

impl Workspace {
    pub fn open(config: WorkspaceConfig) -> Result<Self, CoreError> {
        let mut client_config = ClientConfig::new(config.base_url, config.api_key);
        client_config.generation = config.generation;
        client_config.budget = config.budget;
        if let Some(read_timeout) = config.read_timeout {
            client_config.read_timeout = read_timeout;
        }
        let client = LaminaClient::new(client_config)?;
        let store = Store::open(&history_path(&config.data_dir))?;
        let outputs_dir = config
            .outputs_dir
            .unwrap_or_else(|| config.data_dir.join("outputs"));
        let outputs = OutputCache::new(
            outputs_dir.clone(),
            client.http().clone(),
            OutputLimits::default(),
        );
        let publisher = Publisher::new(client.clone(), store.clone());
        let tracker = Tracker::new(client, store, outputs, config.tracker);
        Ok(Self {
            tracker,
            publisher,
            data_dir: config.data_dir,
            outputs_dir,
        })
    }

    pub fn client(&self) -> &LaminaClient {
        self.tracker.client()
    }

    pub fn store(&self) -> &Store {
        self.tracker.store()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The only folder whose files may be shown to the UI.
    pub fn outputs_dir(&self) -> &Path {
        &self.outputs_dir
    }
}

pub fn history_path(data_dir: &Path) -> PathBuf {
    data_dir.join("history.sqlite3")
}

/// The OS app-data folder the desktop app uses (Tauri's `app_data_dir`: the platform data
/// directory joined with the bundle identifier).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.data_dir().join(crate::APP_IDENTIFIER))
}
