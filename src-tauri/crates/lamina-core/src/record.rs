//! A run as this app knows it: the service's view plus what only we know (the local id given
//! before the POST, the local files, the friendly error). This is what the CLI prints, the UI
//! shows and events carry.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use lamina_api::{
    ApiError, ApiErrorKind, FieldError, Inputs, Output, OutputKind, OutputStatus, RunStatus,
};
use serde::{Deserialize, Serialize};

/// The local lifecycle. `Starting` and `Unknown` exist only here: the first is an intent whose
/// POST has not been answered yet, the second one whose answer never came.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Starting,
    Unknown,
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Unknown => "unknown",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "starting" => Self::Starting,
            "queued" => Self::Queued,
            "running" => Self::Running,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => Self::Unknown,
        }
    }

    pub fn from_status(status: RunStatus) -> Self {
        match status {
            RunStatus::Queued => Self::Queued,
            RunStatus::Running => Self::Running,
            RunStatus::Completed => Self::Completed,
            RunStatus::Failed => Self::Failed,
            RunStatus::Cancelled => Self::Cancelled,
            // A status this build does not know is still "in progress" for tracking purposes.
            RunStatus::Unknown => Self::Running,
        }
    }

    /// Nothing more will happen to the run by itself.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Cancelled | Self::Unknown
        )
    }
}

/// A failure in words for people (`message`) with the raw text for support (`detail`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    /// Machine-readable kind (`unauthorized`, `outOfCredits`, `invalidInput`, `network`,
    /// `unknown`, `notStarted`, ...).
    pub kind: String,
    pub message: String,
    pub detail: String,
    /// The inputs the service refused, for "Please check …" (invalid input only).
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl RunError {
    pub fn from_api(error: &ApiError) -> Self {
        let kind = if error.message == lamina_api::OUT_OF_CREDITS {
            "outOfCredits".to_owned()
        } else {
            serde_json::to_value(&error.kind)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_owned)))
                .unwrap_or_else(|| "unknown".into())
        };
        let fields = match &error.kind {
            ApiErrorKind::InvalidInput { fields } => fields.clone(),
            _ => Vec::new(),
        };
        let message = if error.outcome_unknown {
            "We couldn't confirm this run started. Check it before trying again.".to_owned()
        } else {
            error.message.clone()
        };
        let mut detail = error.detail.clone();
        if let Some(status) = error.http_status {
            detail = format!("{detail} (HTTP {status})");
        }
        if let Some(request_id) = &error.request_id {
            detail = format!("{detail} [request {request_id}]");
        }
        Self {
            kind,
            message,
            detail,
            fields,
        }
    }
}

/// An output downloaded into the local folder.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFile {
    pub path: PathBuf,
    pub content_type: String,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// A small WebP beside the file for galleries; `None` for videos, older rows, or when it
    /// could not be made (the file itself is still good).
    #[serde(default)]
    pub thumbnail: Option<PathBuf>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputRecord {
    pub index: usize,
    pub output_id: String,
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: OutputKind,
    pub status: OutputStatus,
    /// The service's URL (image/video) or the text itself (text outputs).
    pub value: Option<String>,
    pub error: Option<String>,
    /// Where the downloaded file lives, once it does.
    pub file: Option<StoredFile>,
    /// Why the file could not be kept (refused, damaged, download failed).
    pub file_error: Option<String>,
    /// Kept as a favourite by the user.
    #[serde(default)]
    pub starred: bool,
}

impl OutputRecord {
    pub fn same_as(&self, output: &Output) -> bool {
        self.output_id == output.id
            && self.kind == output.kind
            && self.status == output.status
            && self.value == output.value
            && self.error == output.error
    }

    /// Has a remote file that should be fetched into the local folder.
    pub fn needs_download(&self) -> bool {
        self.status == OutputStatus::Completed
            && self.file.is_none()
            && self.file_error.is_none()
            && matches!(
                self.kind,
                OutputKind::Image | OutputKind::Video | OutputKind::Audio
            )
            && self.value.as_deref().is_some_and(|v| v.starts_with("http"))
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// Our id, given before the POST so a run exists even if the POST never returns.
    pub local_id: String,
    /// The service's id (`runId` / `executionId`), once it answered.
    pub run_id: Option<String>,
    pub app_id: String,
    pub app_name: String,
    pub inputs: Inputs,
    pub base_url: String,
    pub webhook_url: Option<String>,
    #[serde(rename = "status")]
    pub state: RunState,
    /// The service's top-level `errorMessage`, verbatim.
    pub error_message: Option<String>,
    /// Our own failure (start refused, outcome unknown), in friendly and raw words.
    pub error: Option<RunError>,
    pub outputs: Vec<OutputRecord>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl RunRecord {
    /// Terminal, and every output that could be downloaded has been (or has failed to).
    pub fn is_settled(&self) -> bool {
        self.state.is_terminal() && !self.outputs.iter().any(OutputRecord::needs_download)
    }

    /// The friendliest one-line explanation of a failure, if there is one.
    pub fn failure_summary(&self) -> Option<String> {
        if let Some(error) = &self.error {
            return Some(error.message.clone());
        }
        match self.state {
            RunState::Failed => Some(
                "Something went wrong with this run. Try again, or open Details for the reason."
                    .into(),
            ),
            RunState::Cancelled => Some("This run was cancelled.".into()),
            _ => None,
        }
    }
}
