//! Wire models of the Lamina API.
//!
//! Tolerant readers: every struct ignores unknown fields, every optional field may be missing, and
//! both id spellings (`runId` / `executionId`, `appId` / `id`) are accepted. Enums carry an
//! `Unknown` variant so a new status from the service never breaks decoding.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// Inputs of a run, keyed by parameter *name* (case-sensitive), values always strings.
pub type Inputs = BTreeMap<String, String>;

/// One entry of `GET /v1/apps`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSummary {
    #[serde(alias = "id")]
    pub app_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
}

/// `GET /v1/apps/{appId}`: an app and its input contract.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    #[serde(alias = "id")]
    pub app_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "specta", specta(type = Vec<Parameter>))]
    pub parameters: Vec<Parameter>,
}

impl App {
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    pub fn summary(&self) -> AppSummary {
        AppSummary {
            app_id: self.app_id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            is_public: None,
        }
    }
}

/// The three public parameter kinds; anything newer decodes as `Unknown` (sent as free text).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterKind {
    Text,
    Options,
    Url,
    #[serde(other)]
    Unknown,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The input key: sent verbatim, never normalised.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParameterKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub accept: Vec<String>,
}

impl Parameter {
    /// The docs disagree on `required` (older pages: `false` may be omitted; newer pages: every
    /// parameter is `required: true` and a default makes it safe to omit). Both agree on this rule.
    pub fn is_mandatory(&self) -> bool {
        self.default.is_none() && self.required != Some(false)
    }

    pub fn accepts_images(&self) -> bool {
        self.accept.iter().any(|a| a.starts_with("image"))
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    #[serde(other)]
    Unknown,
}

impl RunStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => Self::Unknown,
        }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    #[default]
    Pending,
    Image,
    Video,
    Text,
    Audio,
    #[serde(other)]
    Unknown,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputStatus {
    #[default]
    Pending,
    Completed,
    Error,
    Cancelled,
    #[serde(other)]
    Unknown,
}

impl OutputStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Error | Self::Cancelled)
    }
}

/// One output slot of a run. Completion is decided by `status`, not `kind`: a failed output keeps
/// `kind: pending` and only its status turns to `error`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type", default = "pending_kind")]
    pub kind: OutputKind,
    /// A URL for image/video/audio, the text itself for text, null while pending.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default = "pending_status")]
    pub status: OutputStatus,
    #[serde(default)]
    pub error: Option<String>,
}

fn pending_kind() -> OutputKind {
    OutputKind::Pending
}

fn pending_status() -> OutputStatus {
    OutputStatus::Pending
}

/// A run (an "execution" in the older docs). Used for start, get, wait, stream, list and webhook
/// bodies alike; list summaries simply have no outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    #[serde(alias = "executionId", alias = "id")]
    pub run_id: String,
    /// The app id, under the service's own name for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_name: Option<String>,
    pub status: RunStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub outputs: Vec<Output>,
    #[serde(default)]
    pub error_message: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Filters of `GET /v1/runs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Runs created after this instant (ISO-8601 on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub limit: Option<u64>,
    #[serde(default)]
    pub offset: Option<u64>,
}

/// A page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub pagination: Option<Pagination>,
}

/// `GET /v1/runs/{id}/wait`: `timed_out` means the run is still going (not an error).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOutcome {
    pub run: Run,
    pub timed_out: bool,
}

/// One named event of `GET /v1/runs/{id}/stream`.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    Progress(Run),
    Complete(Run),
    /// The run failed or was cancelled (the SSE event named `error`, not a transport error).
    Failed(Run),
    /// The server closed the stream after its 10-minute cap; reconnect or poll.
    Timeout(String),
    Ping,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[serde(default)]
    pub credits: Option<Credits>,
    #[serde(default)]
    pub rate_limit: Option<RateLimitInfo>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credits {
    #[serde(default)]
    pub balance: f64,
    #[serde(default)]
    pub total_earned: Option<f64>,
    #[serde(default)]
    pub total_spent: Option<f64>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitInfo {
    pub limit: u32,
    pub window_ms: u64,
}

/// `GET /v1/webhooks/signing-key`: a bare JWK Set (no `data` envelope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JwkSet {
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jwk {
    #[serde(default)]
    pub kty: String,
    #[serde(default)]
    pub crv: String,
    /// Raw 32-byte Ed25519 public key, base64url without padding.
    pub x: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
}

/// `null` where a collection or string is expected reads as empty.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A timestamp the service formats oddly is dropped rather than failing the whole run.
pub(crate) fn lenient_time<'de, D>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(match raw {
        Some(serde_json::Value::String(text)) => DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        Some(serde_json::Value::Number(n)) => n.as_i64().and_then(|v| {
            // Milliseconds if it looks like them, else seconds.
            if v > 100_000_000_000 {
                DateTime::from_timestamp_millis(v)
            } else {
                DateTime::from_timestamp(v, 0)
            }
        }),
        _ => None,
    })
}

/// A number, or a string holding one; anything else (null, odd text) reads as `None`.
pub(crate) fn lenient_f64<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(number_of(&serde_json::Value::deserialize(deserializer)?))
}

pub(crate) fn number_of(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// Text of any JSON value: a string as is, null as `None`, anything else as its JSON.
pub(crate) fn text_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Optional text that tolerates numbers, arrays or objects (kept as their JSON text).
pub(crate) fn lenient_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(text_of(&serde_json::Value::deserialize(deserializer)?))
}

/// A list of strings that tolerates null, a single string, and non-string items (as JSON text).
pub(crate) fn lenient_strings<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Array(items) => items.iter().filter_map(text_of).collect(),
        serde_json::Value::String(s) if !s.trim().is_empty() => vec![s],
        _ => Vec::new(),
    })
}

/// Inputs as the service echoes them: values of any JSON type become strings, null is dropped.
pub(crate) fn lenient_inputs<'de, D>(deserializer: D) -> Result<Option<Inputs>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Object(map) => Some(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), text_of(v)?)))
                .collect(),
        ),
        _ => None,
    })
}

/// Formats a timestamp the way the service does: ISO-8601, milliseconds, `Z`.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_accepts_execution_id_and_unknown_fields() {
        let run: Run = serde_json::from_value(serde_json::json!({
            "executionId": "e1", "status": "queued", "brandNew": {"x": 1},
            "outputs": [{"id": "n1", "type": "pending", "value": null, "status": "pending"}],
            "createdAt": "2026-03-23T12:22:40.552Z", "startedAt": null
        }))
        .unwrap();
        assert_eq!(run.run_id, "e1");
        assert_eq!(run.outputs[0].kind, OutputKind::Pending);
        assert!(run.created_at.is_some());
        assert!(run.started_at.is_none());
    }

    #[test]
    fn unknown_status_and_odd_timestamps_do_not_fail_decoding() {
        let run: Run = serde_json::from_value(serde_json::json!({
            "runId": "r1", "status": "paused", "outputs": null, "createdAt": "yesterday"
        }))
        .unwrap();
        assert_eq!(run.status, RunStatus::Unknown);
        assert!(run.outputs.is_empty());
        assert!(run.created_at.is_none());
    }

    #[test]
    fn mandatory_rule_follows_both_doc_generations() {
        let param = |required: Option<bool>, default: Option<&str>| Parameter {
            id: None,
            name: "p".into(),
            kind: ParameterKind::Text,
            required,
            options: vec![],
            default: default.map(str::to_owned),
            accept: vec![],
        };
        assert!(param(Some(true), None).is_mandatory());
        assert!(param(None, None).is_mandatory());
        assert!(!param(Some(false), None).is_mandatory());
        assert!(!param(Some(true), Some("x")).is_mandatory());
    }
}
