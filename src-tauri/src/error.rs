//! The one error type that crosses IPC: a machine-readable kind the UI switches on, words for a
//! shop owner, and the raw detail for "Details". Never carries the API key.

use lamina_api::{ApiError, ApiErrorKind, FieldError};
use lamina_core::CoreError;
use lamina_core::credentials::KeychainError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AppErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidInput,
    RateLimited,
    Server,
    Network,
    Timeout,
    Decode,
    /// The service does not offer an optional endpoint (the caller degrades; rarely shown).
    Unsupported,
    Keychain,
    Storage,
    /// The request does not fit the run as it is now (e.g. checking a run already confirmed).
    Conflict,
    Internal,
}

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct AppError {
    pub kind: AppErrorKind,
    pub message: String,
    pub detail: String,
    /// Per-field problems, for invalid input.
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn new(kind: AppErrorKind, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: detail.into(),
            fields: Vec::new(),
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(
            AppErrorKind::Internal,
            "Something unexpected happened. Please try again.",
            detail,
        )
    }
}

impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        let (kind, fields) = match error.kind {
            ApiErrorKind::Unauthorized => (AppErrorKind::Unauthorized, Vec::new()),
            ApiErrorKind::Forbidden => (AppErrorKind::Forbidden, Vec::new()),
            ApiErrorKind::NotFound => (AppErrorKind::NotFound, Vec::new()),
            ApiErrorKind::InvalidInput { fields } => (AppErrorKind::InvalidInput, fields),
            ApiErrorKind::RateLimited { .. } => (AppErrorKind::RateLimited, Vec::new()),
            ApiErrorKind::Server => (AppErrorKind::Server, Vec::new()),
            ApiErrorKind::Network => (AppErrorKind::Network, Vec::new()),
            ApiErrorKind::Timeout => (AppErrorKind::Timeout, Vec::new()),
            ApiErrorKind::Decode => (AppErrorKind::Decode, Vec::new()),
            ApiErrorKind::Unsupported { .. } => (AppErrorKind::Unsupported, Vec::new()),
        };
        let mut detail = error.detail;
        if let Some(request_id) = error.request_id {
            detail = format!("{detail} [request {request_id}]");
        }
        Self {
            kind,
            message: error.message,
            detail,
            fields,
        }
    }
}

impl From<CoreError> for AppError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Api(error) => (*error).into(),
            CoreError::Store(error) => Self::new(
                AppErrorKind::Storage,
                "Your run history could not be saved or read on this computer.",
                error.to_string(),
            ),
            CoreError::UnknownRun(id) => Self::new(
                AppErrorKind::NotFound,
                "That run is not in your history.",
                format!("no run {id}"),
            ),
            CoreError::Conflict(message) => {
                Self::new(AppErrorKind::Conflict, message.clone(), message)
            }
        }
    }
}

impl From<KeychainError> for AppError {
    fn from(error: KeychainError) -> Self {
        Self::new(
            AppErrorKind::Keychain,
            error.to_string(),
            error.detail().to_owned(),
        )
    }
}
