//! Error answers in both shapes.
//!
//! Handlers return [`ApiError`] without knowing the request id or the API generation; its
//! `IntoResponse` only parks the error in the response extensions, and the API middleware renders
//! it (see [`render`]) with the id and the shape of the path that was called.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::flavor::Flavor;

/// The legacy 429 body, verbatim from the old docs.
pub(crate) const LEGACY_TOO_MANY: &str =
    "Too many requests from this IP, please try again in a minute";

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retryable: bool,
    pub details: Vec<String>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retryable: false,
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub(crate) fn missing_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTH_MISSING_KEY",
            "Missing API key",
        )
    }

    pub(crate) fn invalid_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTH_INVALID_KEY",
            "Invalid API key",
        )
    }

    pub(crate) fn workspace_mismatch() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "Workspace header does not match API key workspace scope",
        )
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub(crate) fn validation(message: impl Into<String>, details: Vec<String>) -> Self {
        let mut err = Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message);
        err.details = details;
        err
    }

    pub(crate) fn webhook_invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "WEBHOOK_INVALID_URL", message)
    }

    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        let mut err = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Too many requests, please retry later",
        );
        err.retryable = true;
        err.retry_after = Some(retry_after);
        err
    }

    /// An injected server-side failure (fault rules).
    pub(crate) fn injected(status: u16) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (code, message) = match status.as_u16() {
            502 => ("BAD_GATEWAY", "Bad gateway (injected fault)"),
            503 => (
                "RESOURCE_UNAVAILABLE",
                "Service temporarily unavailable (injected fault)",
            ),
            504 => ("GATEWAY_TIMEOUT", "Gateway timeout (injected fault)"),
            _ => ("INTERNAL_ERROR", "Internal server error (injected fault)"),
        };
        let mut err = Self::new(status, code, message);
        err.retryable = true;
        err
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "Method not allowed",
        )
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        let mut err = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", message);
        err.retryable = true;
        err
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The final error response for a path of this flavor.
pub(crate) fn render(err: &ApiError, flavor: Flavor, request_id: &str) -> Response {
    let mut response = if flavor.legacy_errors() {
        legacy_body(err)
    } else {
        let mut body = Map::new();
        body.insert("error".into(), json!(err.message));
        body.insert("code".into(), json!(err.code));
        body.insert("retryable".into(), json!(err.retryable));
        body.insert("requestId".into(), json!(request_id));
        if let Some(secs) = err.retry_after {
            body.insert("retryAfter".into(), json!(secs));
        }
        if !err.details.is_empty() {
            body.insert("details".into(), json!(err.details));
        }
        (err.status, axum::Json(Value::Object(body))).into_response()
    };
    if let Some(secs) = err.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn legacy_body(err: &ApiError) -> Response {
    if err.status == StatusCode::TOO_MANY_REQUESTS {
        return (err.status, LEGACY_TOO_MANY).into_response();
    }
    let body = if err.details.is_empty() {
        json!({ "error": err.message })
    } else {
        json!({ "error": err.message, "details": err.details })
    };
    (err.status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn v1_envelope_carries_code_request_id_and_retry_after() {
        let response = render(&ApiError::rate_limited(7), Flavor::V1Runs, "rid-1");
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let body: Value = serde_json::from_str(&body_of(response).await).unwrap();
        assert_eq!(body["code"], "RATE_LIMITED");
        assert_eq!(body["retryable"], true);
        assert_eq!(body["retryAfter"], 7);
        assert_eq!(body["requestId"], "rid-1");
    }

    #[tokio::test]
    async fn legacy_shapes_are_the_old_ones() {
        let err = ApiError::validation("Invalid inputs", vec!["\"Prompt\": x".into()]);
        let body: Value =
            serde_json::from_str(&body_of(render(&err, Flavor::Legacy, "r")).await).unwrap();
        assert_eq!(
            body,
            json!({"error": "Invalid inputs", "details": ["\"Prompt\": x"]})
        );
        let text = body_of(render(&ApiError::rate_limited(1), Flavor::Legacy, "r")).await;
        assert_eq!(text, LEGACY_TOO_MANY);
    }
}
