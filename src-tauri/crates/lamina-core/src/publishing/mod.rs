//! Publishing a run's outputs to the merchant's connected channels, never twice.
//!
//! A publish is a promise to post something in public, so it follows the run-start rule
//! strictly: the intent is written first (`publishes`, state `intent`), marked `sent` just
//! before the one request leaves, and that request is never retried once it may have reached
//! the service. An answer lost on the way (timeout, dropped connection, 5xx after sending, the
//! process killed) leaves it `unconfirmed`; only the service's publishing history settles it
//! (`confirmed` with the post's address, or `failed`). Nothing here ever sends a publish again
//! by itself: a person may, after seeing it failed.
//!
//! - [`journal`]: the `publishes` table;
//! - [`send`]: the publish itself (transfer to Lamina's storage first when offered);
//! - [`settle`]: matching unconfirmed publishes against the service's history.

pub mod journal;
pub mod send;
pub mod settle;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use send::{PublishRequest, Publisher};
pub use settle::SETTLE_WINDOW;

/// Where a publish is in its life.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PublishState {
    /// Written, not yet on its way (e.g. the image is being copied to Lamina's storage).
    Intent,
    /// On its way: the answer has not come yet.
    Sent,
    /// The service answered (or its history shows) that it went out.
    Confirmed,
    /// It did not go out.
    Failed,
    /// The answer was lost; the publishing history will tell.
    Unconfirmed,
}

impl PublishState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intent => "intent",
            Self::Sent => "sent",
            Self::Confirmed => "confirmed",
            Self::Failed => "failed",
            Self::Unconfirmed => "unconfirmed",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "intent" => Self::Intent,
            "sent" => Self::Sent,
            "confirmed" => Self::Confirmed,
            "failed" => Self::Failed,
            _ => Self::Unconfirmed,
        }
    }

    pub fn is_settled(self) -> bool {
        matches!(self, Self::Confirmed | Self::Failed)
    }
}

/// One channel's part of a publish.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChannelOutcome {
    /// Not answered yet (or the service said it is still going out).
    Pending,
    Published,
    Failed,
    /// The answer was lost; waiting for the publishing history.
    Unconfirmed,
}

/// A connected channel (`GET /v1/publishing/channels`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelView {
    /// The id publishing takes (`accountIds`).
    pub id: String,
    /// "Demo Instagram".
    pub name: String,
    /// `instagram`, `shopify`, ...
    pub platform: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelResult {
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Option<String>,
    pub outcome: ChannelOutcome,
    /// Where the post can be seen, once known.
    pub post_url: Option<String>,
    /// Why this channel did not take it (the service's words).
    pub error: Option<String>,
}

/// A failure of the publish as a whole, in plain words with the raw detail.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishProblem {
    pub message: String,
    pub detail: String,
}

/// A publish as the UI and the CLI show it: one entry of the journal, or of the service's
/// history that this computer did not send.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishView {
    /// Our id, also sent as the publish's reference so the history can be matched.
    pub id: String,
    /// The run whose outputs went out (local id); `None` for a service-only entry.
    pub run_local_id: Option<String>,
    pub run_id: Option<String>,
    pub output_indexes: Vec<u32>,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub caption: Option<String>,
    pub channels: Vec<ChannelResult>,
    pub state: PublishState,
    pub problem: Option<PublishProblem>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Found only in the service's history (published from elsewhere).
    pub from_service: bool,
}

/// The Publishing screen's list: this computer's journal merged with the service's history.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishingHistory {
    /// Newest first.
    pub entries: Vec<PublishView>,
    /// Whether the service's own history was read (false: only what this computer sent).
    pub service_history: bool,
    /// Why it was not, in plain words.
    pub service_message: Option<String>,
}
