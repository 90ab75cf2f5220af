//! The error taxonomy of the client: one kind a program can switch on, a friendly message a
//! merchant can read, and the raw detail (status, code, body, request id) for support.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::optional::OptionalEndpoint;

/// One field's problem, from local validation or from the service's `details`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// Parameter name, when known (the service's older `details` are free text).
    pub field: Option<String>,
    pub reason: String,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ApiErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidInput {
        fields: Vec<FieldError>,
    },
    RateLimited {
        retry_after_ms: Option<u64>,
    },
    Server,
    Network,
    Timeout,
    Decode,
    /// The service does not offer this optional endpoint (detected once and remembered; see
    /// [`crate::optional`]). Callers degrade instead of failing.
    Unsupported {
        endpoint: OptionalEndpoint,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    #[serde(flatten)]
    pub kind: ApiErrorKind,
    /// Words for a shop owner.
    pub message: String,
    /// The raw text behind "Details": never contains the API key.
    pub detail: String,
    pub http_status: Option<u16>,
    /// The service's machine code (`VALIDATION_ERROR`, `RATE_LIMITED`, ...), when it sent one.
    pub code: Option<String>,
    pub request_id: Option<String>,
    /// True when a request may have reached the service but no answer came back (timeout, dropped
    /// connection). For a run start this means "unknown — check history", never "retry".
    pub outcome_unknown: bool,
}

impl ApiError {
    pub fn new(kind: ApiErrorKind, detail: impl Into<String>) -> Self {
        let message = match &kind {
            ApiErrorKind::Unsupported { endpoint } => {
                format!("This Lamina service doesn't offer {}.", endpoint.describe())
            }
            other => friendly_message(other).to_owned(),
        };
        Self {
            kind,
            message,
            detail: detail.into(),
            http_status: None,
            code: None,
            request_id: None,
            outcome_unknown: false,
        }
    }

    pub fn invalid_input(fields: Vec<FieldError>) -> Self {
        let detail = fields
            .iter()
            .map(|f| match &f.field {
                Some(name) => format!("\"{name}\": {}", f.reason),
                None => f.reason.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut error = Self::new(ApiErrorKind::InvalidInput { fields }, detail);
        if let ApiErrorKind::InvalidInput { fields } = &error.kind
            && let Some(first) = fields.iter().find_map(|f| f.field.as_deref())
        {
            error.message = format!("Please check \"{first}\" and try again.");
        }
        error
    }

    /// The service does not offer `endpoint`; `detail` says how that was found out.
    pub fn unsupported(endpoint: OptionalEndpoint, detail: impl Into<String>) -> Self {
        Self::new(ApiErrorKind::Unsupported { endpoint }, detail)
    }

    /// The endpoint this error says is missing, if it says so.
    pub fn unsupported_endpoint(&self) -> Option<OptionalEndpoint> {
        match self.kind {
            ApiErrorKind::Unsupported { endpoint } => Some(endpoint),
            _ => None,
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    pub(crate) fn with_status_opt(mut self, status: Option<u16>) -> Self {
        self.http_status = status;
        self
    }

    pub fn with_code(mut self, code: Option<String>) -> Self {
        self.code = code;
        self
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    pub fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.outcome_unknown = unknown;
        self
    }

    /// Worth trying again later (by a person or a scheduler), as opposed to needing a fix.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::RateLimited { .. }
                | ApiErrorKind::Server
                | ApiErrorKind::Network
                | ApiErrorKind::Timeout
        )
    }

    /// The service could not be reached at all (as opposed to answering with an error): the
    /// app is offline, or the service is down for everyone.
    pub fn is_unreachable(&self) -> bool {
        matches!(self.kind, ApiErrorKind::Network | ApiErrorKind::Timeout)
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self.kind {
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(ms),
            } => Some(Duration::from_millis(ms)),
            _ => None,
        }
    }
}

/// Plain words per kind; the UI and CLI may refine them (e.g. naming the field).
pub fn friendly_message(kind: &ApiErrorKind) -> &'static str {
    match kind {
        ApiErrorKind::Unauthorized => {
            "Your Lamina key was not accepted. Check it in Settings or connect your account again."
        }
        ApiErrorKind::Forbidden => "Your Lamina workspace does not have access to this.",
        ApiErrorKind::NotFound => "This app or run could not be found in your workspace.",
        ApiErrorKind::InvalidInput { .. } => "Some of the details need another look.",
        ApiErrorKind::RateLimited { .. } => {
            "Lamina is busy with your other requests. Wait a moment and try again."
        }
        ApiErrorKind::Server => "Lamina had a problem on its side. Please try again shortly.",
        ApiErrorKind::Network => "Can't reach Lamina. Check your internet connection.",
        ApiErrorKind::Timeout => "Lamina took too long to answer. Please try again.",
        ApiErrorKind::Decode => "Lamina sent an answer this app could not read.",
        ApiErrorKind::Unsupported { .. } => "This Lamina service doesn't offer this.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_a_kind_tag_for_the_ui() {
        let error = ApiError::new(
            ApiErrorKind::RateLimited {
                retry_after_ms: Some(1500),
            },
            "raw",
        )
        .with_status(429);
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "rateLimited");
        assert_eq!(json["retryAfterMs"], 1500);
        assert_eq!(json["httpStatus"], 429);
        assert_eq!(error.retry_after(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn unsupported_names_the_endpoint_in_plain_words() {
        let error = ApiError::unsupported(OptionalEndpoint::RunList, "GET /v1/runs: HTTP 404");
        assert_eq!(
            error.message,
            "This Lamina service doesn't offer a list of your runs."
        );
        assert!(!error.is_transient());
        assert_eq!(
            error.unsupported_endpoint(),
            Some(OptionalEndpoint::RunList)
        );
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "unsupported");
        assert_eq!(json["endpoint"], "runList");
    }

    #[test]
    fn invalid_input_names_the_first_field() {
        let error = ApiError::invalid_input(vec![FieldError {
            field: Some("Prompt".into()),
            reason: "is required".into(),
        }]);
        assert!(error.message.contains("Prompt"));
        assert_eq!(error.detail, "\"Prompt\": is required");
    }
}
