//! The API key in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
//! Service on Linux), shared by the desktop app and `lamina-cli`. There is no file fallback: if the
//! keychain is unavailable the caller says so.

use lamina_api::ApiKey;

/// Entry name shared by the desktop app and the CLI.
pub const KEYCHAIN_SERVICE: &str = crate::APP_IDENTIFIER;
pub const KEYCHAIN_ACCOUNT: &str = "lamina-api-key";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error(
        "This computer's keychain is not available, so your Lamina key can't be stored safely. {hint}"
    )]
    Unavailable { hint: &'static str, detail: String },
    #[error("The keychain is locked. Unlock it and try again.")]
    Locked { detail: String },
    #[error("The keychain refused the request.")]
    Failed { detail: String },
}

impl KeychainError {
    /// The raw text for "Details" (never contains the key).
    pub fn detail(&self) -> &str {
        match self {
            Self::Unavailable { detail, .. }
            | Self::Locked { detail }
            | Self::Failed { detail } => detail,
        }
    }

    fn from_keyring(error: keyring::Error) -> Self {
        let detail = error.to_string();
        match error {
            keyring::Error::NoDefaultStore => Self::Unavailable {
                hint: UNAVAILABLE_HINT,
                detail,
            },
            keyring::Error::NoStorageAccess(_) => Self::Locked { detail },
            _ => Self::Failed { detail },
        }
    }
}

#[cfg(target_os = "linux")]
const UNAVAILABLE_HINT: &str = "Install and start a Secret Service keyring (such as GNOME Keyring or KWallet), then try again.";
#[cfg(not(target_os = "linux"))]
const UNAVAILABLE_HINT: &str = "Check that you are signed in to your computer's account.";

/// One keychain entry. Calls block (they talk to an OS service): call them off async workers.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    account: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Self::new(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT)
    }
}

impl Keychain {
    pub fn new(service: &str, account: &str) -> Self {
        Self {
            service: service.into(),
            account: account.into(),
        }
    }

    /// Another entry of the same service (e.g. the storage secret beside the API key).
    pub fn sibling(&self, account: &str) -> Self {
        Self::new(&self.service, account)
    }

    fn entry(&self) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, &self.account).map_err(KeychainError::from_keyring)
    }

    /// Whether a keychain can be used at all (checked once per process by `keyring`).
    pub fn status() -> Result<(), KeychainError> {
        keyring::Entry::store_status()
            .as_ref()
            .map(|_| ())
            .map_err(|error| KeychainError::Unavailable {
                hint: UNAVAILABLE_HINT,
                detail: error.to_string(),
            })
    }

    pub fn save(&self, key: &ApiKey) -> Result<(), KeychainError> {
        self.entry()?
            .set_password(key.expose())
            .map_err(KeychainError::from_keyring)
    }

    /// `Ok(None)` when no key was ever saved (or it was forgotten).
    pub fn load(&self) -> Result<Option<ApiKey>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(secret) => Ok(Some(ApiKey::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(KeychainError::from_keyring(error)),
        }
    }

    /// Stores any other secret (e.g. the storage secret key) under this entry.
    pub fn save_secret(&self, secret: &str) -> Result<(), KeychainError> {
        self.entry()?
            .set_password(secret)
            .map_err(KeychainError::from_keyring)
    }

    /// `Ok(None)` when nothing is saved under this entry.
    pub fn load_secret(&self) -> Result<Option<String>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(KeychainError::from_keyring(error)),
        }
    }

    /// Removes the key; forgetting a key that is not there is not an error.
    pub fn forget(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(KeychainError::from_keyring(error)),
        }
    }
}
