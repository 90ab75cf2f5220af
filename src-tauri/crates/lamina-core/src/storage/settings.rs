//! Which storage uploads go to. The settings are saved in SQLite `kv` under one key; the secret
//! access key is never there: it lives in the OS keychain beside the API key (or, for scripts,
//! in `AWS_SECRET_ACCESS_KEY`), and only `has_secret` ever reaches the web view.

use serde::{Deserialize, Serialize};

use crate::credentials::{KEYCHAIN_SERVICE, Keychain, KeychainError};
use crate::store::{Store, StoreError};

const SETTINGS_KEY: &str = "storage-settings";
/// The keychain entry of the bucket's secret access key.
pub const STORAGE_SECRET_ACCOUNT: &str = "storage-secret-access-key";
pub const DEFAULT_LINK_LIFETIME_SECS: u32 = 24 * 60 * 60;
/// S3 refuses presigned links longer than 7 days.
pub const MAX_LINK_LIFETIME_SECS: u32 = 7 * 24 * 60 * 60;
pub const DEFAULT_MAX_LONG_EDGE: u32 = 4096;

/// Where uploads go now.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageKind {
    /// No storage: a real account with no bucket set up; uploads are refused with a reason.
    None,
    /// The demo workspace: the sandbox keeps the file and serves it on loopback.
    BuiltIn,
    /// An S3-compatible bucket the user owns.
    S3,
}

/// An S3-compatible bucket (AWS S3, R2, B2, Wasabi, MinIO, GCS interoperability). No secret here.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Settings {
    /// e.g. `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`.
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// Folder inside the bucket (no leading or trailing slash); empty for the top.
    #[serde(default)]
    pub prefix: String,
    pub access_key_id: String,
    /// When the bucket is public: links are this + `/<key>` and never expire.
    #[serde(default)]
    pub public_base_url: Option<String>,
    /// Lifetime of presigned links, in seconds (default 24 h, at most 7 days).
    #[serde(default = "default_lifetime")]
    pub link_lifetime_secs: u32,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO, most
    /// self-hosted servers, and any endpoint that is an IP address).
    #[serde(default)]
    pub path_style: bool,
}

fn default_lifetime() -> u32 {
    DEFAULT_LINK_LIFETIME_SECS
}

fn default_max_long_edge() -> u32 {
    DEFAULT_MAX_LONG_EDGE
}

/// What is saved in `kv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSettings {
    pub s3: Option<S3Settings>,
    /// Photos whose long edge is larger are scaled down to it before upload.
    #[serde(default = "default_max_long_edge")]
    pub max_long_edge: u32,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            s3: None,
            max_long_edge: DEFAULT_MAX_LONG_EDGE,
        }
    }
}

/// What Settings → Storage shows. Never includes the secret.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSettingsView {
    /// Where an upload would go now (the demo workspace always uses the built-in storage).
    pub active: StorageKind,
    pub s3: Option<S3Settings>,
    /// Whether the keychain holds a secret access key for the bucket.
    pub has_secret: bool,
    pub max_long_edge: u32,
}

/// What Settings → Storage saves. `secret_access_key` absent = keep the saved one.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSettingsInput {
    pub s3: S3Settings,
    #[serde(default)]
    pub secret_access_key: Option<String>,
    #[serde(default)]
    pub max_long_edge: Option<u32>,
}

impl std::fmt::Debug for StorageSettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSettingsInput")
            .field("s3", &self.s3)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("max_long_edge", &self.max_long_edge)
            .finish()
    }
}

/// A settings value the user typed that can't work, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SettingsProblem {
    pub field: &'static str,
    pub message: String,
}

impl S3Settings {
    /// Trims what the user typed and checks what can be checked without the network.
    pub fn normalized(mut self) -> Result<Self, SettingsProblem> {
        let problem = |field, message: &str| SettingsProblem {
            field,
            message: message.into(),
        };
        self.endpoint = self.endpoint.trim().trim_end_matches('/').to_string();
        self.region = self.region.trim().to_string();
        self.bucket = self.bucket.trim().to_string();
        self.prefix = self.prefix.trim().trim_matches('/').to_string();
        self.access_key_id = self.access_key_id.trim().to_string();
        self.public_base_url = self
            .public_base_url
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty());
        match url::Url::parse(&self.endpoint) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
            _ => {
                return Err(problem(
                    "endpoint",
                    "The endpoint must be a web address such as https://s3.eu-west-1.amazonaws.com.",
                ));
            }
        }
        if let Some(base) = &self.public_base_url {
            match url::Url::parse(base) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => {
                    return Err(problem(
                        "publicBaseUrl",
                        "The public address must start with https:// (or http://).",
                    ));
                }
            }
        }
        if self.bucket.is_empty() {
            return Err(problem("bucket", "Enter the bucket's name."));
        }
        if self.access_key_id.is_empty() {
            return Err(problem("accessKeyId", "Enter the access key ID."));
        }
        if self.region.is_empty() {
            // Most S3-compatible services accept any region; AWS's default is the usual answer.
            self.region = "us-east-1".into();
        }
        self.link_lifetime_secs = self.link_lifetime_secs.clamp(60, MAX_LINK_LIFETIME_SECS);
        Ok(self)
    }
}

pub fn load_settings(store: &Store) -> Result<StorageSettings, StoreError> {
    Ok(store
        .kv_get(SETTINGS_KEY)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

pub fn save_settings(store: &Store, settings: &StorageSettings) -> Result<(), StoreError> {
    store.kv_set(SETTINGS_KEY, &serde_json::to_string(settings)?)
}

/// Where the bucket's secret access key is kept. The keychain in the app and the CLI; a fixed
/// value for scripts (`AWS_SECRET_ACCESS_KEY`) and tests.
#[derive(Clone)]
pub enum StorageSecretStore {
    Keychain(Keychain),
    Fixed(Option<String>),
}

impl std::fmt::Debug for StorageSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Keychain(k) => f.debug_tuple("Keychain").field(k).finish(),
            Self::Fixed(_) => f.write_str("Fixed(<redacted>)"),
        }
    }
}

impl Default for StorageSecretStore {
    fn default() -> Self {
        Self::Keychain(Keychain::new(KEYCHAIN_SERVICE, STORAGE_SECRET_ACCOUNT))
    }
}

impl StorageSecretStore {
    /// Blocking (the keychain is an OS service): call off async workers.
    pub fn load(&self) -> Result<Option<String>, KeychainError> {
        match self {
            Self::Keychain(k) => k.load_secret(),
            Self::Fixed(secret) => Ok(secret.clone()),
        }
    }

    pub fn save(&mut self, secret: &str) -> Result<(), KeychainError> {
        match self {
            Self::Keychain(k) => k.save_secret(secret),
            Self::Fixed(slot) => {
                *slot = Some(secret.into());
                Ok(())
            }
        }
    }

    pub fn forget(&mut self) -> Result<(), KeychainError> {
        match self {
            Self::Keychain(k) => k.forget(),
            Self::Fixed(slot) => {
                *slot = None;
                Ok(())
            }
        }
    }
}
