//! Publishing (`lamina-api.md` §2.9): `GET /v1/publishing/channels`, `POST
//! /v1/publishing/publish`, `GET /v1/publishing/history`, `POST
//! /v1/publishing/transfer-asset`.
//!
//! Idempotency: the docs define no idempotency field, and an unknown body field might be
//! refused by a strict service, so a publish's client reference travels in an
//! `Idempotency-Key` header (ignored by a service that does not know it). The sandbox honours
//! it (the same key never posts twice) and echoes it as `clientReference` in the history. A
//! publish is never re-sent by this client anyway: a lost answer comes back with
//! `outcome_unknown == true`, to be settled from the history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::client::{Ask, LaminaClient, decode_value, list_from_value};
use crate::content::{non_blank, to_body};
use crate::error::{ApiError, FieldError};
use crate::models::{Page, lenient_text, lenient_time, null_as_default};
use crate::optional::OptionalEndpoint;
use crate::validate::check_url;

/// The most history entries one call may ask for (the documented maximum).
pub const MAX_HISTORY_PAGE: u32 = 100;

/// A connected social account or shop. The channels page of the docs was not captured, so the
/// usual names are accepted.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// What `accountIds` of a publish takes.
    #[serde(alias = "accountId", alias = "channelId")]
    pub id: String,
    #[serde(
        default,
        alias = "displayName",
        alias = "accountName",
        alias = "username",
        alias = "handle",
        deserialize_with = "null_as_default"
    )]
    pub name: String,
    /// `instagram`, `shopify`, ...
    #[serde(default, alias = "provider", deserialize_with = "lenient_text")]
    pub platform: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub status: Option<String>,
    /// The account's own page, when sent.
    #[serde(
        default,
        alias = "url",
        alias = "profileUrl",
        deserialize_with = "lenient_text"
    )]
    pub account_url: Option<String>,
}

/// What to publish where. At least one channel and at least one of image, video, caption.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishRequest {
    pub account_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The caller's own reference of this publish (a journal id), sent as `Idempotency-Key`;
    /// not part of the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference: Option<String>,
}

/// The wire body: exactly the documented fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublishBody {
    account_ids: Vec<String>,
    image_url: Option<String>,
    video_url: Option<String>,
    caption: Option<String>,
}

impl PublishRequest {
    /// Refuses, in words, what the docs refuse; nothing is sent when this fails.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut problems = Vec::new();
        let mut message = None;
        if self.account_ids.iter().all(|id| id.trim().is_empty()) {
            problems.push(FieldError {
                field: Some("accountIds".into()),
                reason: "needs at least one channel".into(),
            });
            message = Some("Choose at least one channel to publish to.");
        }
        let image = non_blank(&self.image_url);
        let video = non_blank(&self.video_url);
        if image.is_none() && video.is_none() && non_blank(&self.caption).is_none() {
            problems.push(FieldError {
                field: None,
                reason: "needs at least one of imageUrl, videoUrl, caption".into(),
            });
            message.get_or_insert("Add an image, a video or a caption to publish.");
        }
        for (field, value) in [("imageUrl", image), ("videoUrl", video)] {
            if let Some(Err(reason)) = value.as_deref().map(check_url) {
                problems.push(FieldError {
                    field: Some(field.into()),
                    reason,
                });
                message.get_or_insert("The file to publish needs a web address Lamina can reach.");
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        let mut error = ApiError::invalid_input(problems);
        if let Some(message) = message {
            error.message = message.into();
        }
        Err(error)
    }

    fn body(&self) -> PublishBody {
        let mut ids: Vec<String> = Vec::new();
        for id in self.account_ids.iter().map(|id| id.trim()) {
            if !id.is_empty() && !ids.iter().any(|seen| seen == id) {
                ids.push(id.to_owned());
            }
        }
        PublishBody {
            account_ids: ids,
            image_url: non_blank(&self.image_url),
            video_url: non_blank(&self.video_url),
            caption: non_blank(&self.caption),
        }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishStatus {
    Published,
    Failed,
    Pending,
    #[default]
    #[serde(other)]
    Unknown,
}

impl PublishStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Failed => "failed",
            Self::Pending => "pending",
            Self::Unknown => "unknown",
        }
    }
}

/// The answer of a publish: one result per channel.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishOutcome {
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<ChannelResult>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelResult {
    #[serde(alias = "channelId", alias = "id")]
    pub account_id: String,
    #[serde(default)]
    pub status: PublishStatus,
    #[serde(default, alias = "url", deserialize_with = "lenient_text")]
    pub post_url: Option<String>,
    #[serde(default, alias = "errorMessage", deserialize_with = "lenient_text")]
    pub error: Option<String>,
    /// The history entry of this post, when the service says.
    #[serde(default, alias = "historyId", deserialize_with = "lenient_text")]
    pub post_id: Option<String>,
}

/// Filters of `GET /v1/publishing/history`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryFilter {
    /// 1–100 (larger is lowered to 100); the service's default is 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PublishStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// One past publish.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishRecord {
    #[serde(alias = "postId")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub platform: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub content_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub content_url: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub caption: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub post_url: Option<String>,
    #[serde(default)]
    pub status: PublishStatus,
    #[serde(default, deserialize_with = "lenient_text")]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
    /// The channel, when the service says (not in the docs' field list).
    #[serde(default, alias = "channelId", deserialize_with = "lenient_text")]
    pub account_id: Option<String>,
    /// The publish's `Idempotency-Key`, when the service echoes it (the sandbox does).
    #[serde(default, alias = "idempotencyKey", deserialize_with = "lenient_text")]
    pub client_reference: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    #[default]
    Image,
    Video,
    Audio,
}

/// The body of `POST /v1/publishing/transfer-asset`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    /// A public address of the file (a provider's expiring URL, say).
    pub source_url: String,
    pub media_type: MediaType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

impl TransferRequest {
    pub fn validate(&self) -> Result<(), ApiError> {
        match check_url(self.source_url.trim()) {
            Ok(()) => Ok(()),
            Err(reason) => {
                let mut error = ApiError::invalid_input(vec![FieldError {
                    field: Some("sourceUrl".into()),
                    reason,
                }]);
                error.message = "The file to keep needs a web address Lamina can reach.".into();
                Err(error)
            }
        }
    }
}

/// The permanent address of a transferred file.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferredAsset {
    #[serde(alias = "cdnUrl")]
    pub url: String,
}

impl LaminaClient {
    /// `GET /v1/publishing/channels` (`{data: [...]}`, or the list under `channels`/`accounts`).
    pub async fn list_channels(&self) -> Result<Vec<Channel>, ApiError> {
        let url = self.v1_url(&["publishing", "channels"]);
        self.ask_optional(
            OptionalEndpoint::PublishingChannels,
            url,
            Ask::Get,
            |value| {
                list_from_value::<Channel>(value, &["channels", "accounts"]).map(|page| page.items)
            },
        )
        .await
    }

    /// `POST /v1/publishing/publish`, validated first. Sent at most once: a lost answer comes
    /// back with `outcome_unknown == true` (the posts may exist: settle from
    /// [`Self::publishing_history`]).
    pub async fn publish(&self, request: &PublishRequest) -> Result<PublishOutcome, ApiError> {
        request.validate()?;
        let body = to_body(&request.body())?;
        let url = self.v1_url(&["publishing", "publish"]);
        self.ask_optional(
            OptionalEndpoint::Publish,
            url,
            Ask::Write {
                body,
                idempotency_key: non_blank(&request.client_reference),
            },
            |value| {
                // `{data: {results}}` per the docs; a bare list of results is accepted too.
                decode_value::<PublishOutcome>(value).or_else(|e| {
                    list_from_value::<ChannelResult>(value, &["results"])
                        .map(|page| PublishOutcome {
                            results: page.items,
                        })
                        .map_err(|_| e)
                })
            },
        )
        .await
    }

    /// `GET /v1/publishing/history?limit=&status=&platform=`, newest first.
    pub async fn publishing_history(
        &self,
        filter: &HistoryFilter,
    ) -> Result<Page<PublishRecord>, ApiError> {
        let mut url = self.v1_url(&["publishing", "history"]);
        {
            let mut query = url.query_pairs_mut();
            if let Some(limit) = filter.limit {
                query.append_pair("limit", &limit.clamp(1, MAX_HISTORY_PAGE).to_string());
            }
            if let Some(status) = filter.status.filter(|s| *s != PublishStatus::Unknown) {
                query.append_pair("status", status.as_str());
            }
            if let Some(platform) = non_blank(&filter.platform) {
                query.append_pair("platform", &platform);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.ask_optional(
            OptionalEndpoint::PublishingHistory,
            url,
            Ask::Get,
            |value| list_from_value::<PublishRecord>(value, &["history", "posts"]),
        )
        .await
    }

    /// `POST /v1/publishing/transfer-asset`: copies a public file to Lamina's storage and
    /// returns its permanent address. Not repeated on a lost answer (`outcome_unknown`);
    /// asking again only makes a second copy.
    pub async fn transfer_asset(
        &self,
        request: &TransferRequest,
    ) -> Result<TransferredAsset, ApiError> {
        request.validate()?;
        let body = to_body(&TransferRequest {
            source_url: request.source_url.trim().to_owned(),
            media_type: request.media_type,
            filename: non_blank(&request.filename),
        })?;
        let url = self.v1_url(&["publishing", "transfer-asset"]);
        self.ask_optional(
            OptionalEndpoint::TransferAsset,
            url,
            Ask::Write {
                body,
                idempotency_key: None,
            },
            decode_value,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorKind;

    #[test]
    fn the_documented_answers_parse() {
        let outcome: PublishOutcome = decode_value(&serde_json::json!({"data": {"results": [
            {"accountId": "ch-001", "status": "published", "postUrl": "https://facebook.com/..."},
            {"accountId": "ch-002", "status": "failed", "error": "token expired", "extra": 1},
            {"accountId": "ch-003", "status": "scheduled"}]}}))
        .unwrap();
        assert_eq!(outcome.results[0].status, PublishStatus::Published);
        assert_eq!(
            outcome.results[0].post_url.as_deref(),
            Some("https://facebook.com/...")
        );
        assert_eq!(outcome.results[1].error.as_deref(), Some("token expired"));
        assert_eq!(outcome.results[2].status, PublishStatus::Unknown);

        let history = list_from_value::<PublishRecord>(
            &serde_json::json!({"data": [
                {"id": "pub-1", "platform": "instagram", "contentType": "image",
                 "contentUrl": "https://cdn/x.png", "caption": "New linen", "postUrl": null,
                 "status": "failed", "error": "rejected", "publishedAt": null,
                 "createdAt": "2026-04-15T10:32:10.000Z"}]}),
            &["history"],
        )
        .unwrap();
        let record = &history.items[0];
        assert_eq!(record.status, PublishStatus::Failed);
        assert!(record.published_at.is_none() && record.created_at.is_some());
        assert!(history.pagination.is_none());

        let moved: TransferredAsset = decode_value(&serde_json::json!({"data": {
            "url": "https://media.getmason.io/api/assetlib/abc123-campaign-hero-image.png"}}))
        .unwrap();
        assert!(moved.url.ends_with("hero-image.png"));

        let channels = list_from_value::<Channel>(
            &serde_json::json!({"data": {"channels": [
                {"accountId": "ch-001", "displayName": "Demo Instagram", "platform": "instagram"}]}}),
            &["channels", "accounts"],
        )
        .unwrap();
        assert_eq!(channels.items[0].id, "ch-001");
        assert_eq!(channels.items[0].name, "Demo Instagram");
    }

    #[test]
    fn publish_needs_a_channel_and_something_to_post() {
        let ok = PublishRequest {
            account_ids: vec!["ch-001".into()],
            caption: Some("Hello".into()),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());

        let no_channel = PublishRequest {
            account_ids: vec![" ".into()],
            ..ok.clone()
        };
        let error = no_channel.validate().unwrap_err();
        assert_eq!(error.message, "Choose at least one channel to publish to.");

        let nothing = PublishRequest {
            caption: Some("  ".into()),
            ..ok.clone()
        };
        let error = nothing.validate().unwrap_err();
        assert_eq!(
            error.message,
            "Add an image, a video or a caption to publish."
        );

        let bad_image = PublishRequest {
            image_url: Some("file:///tmp/x.png".into()),
            ..ok.clone()
        };
        let ApiErrorKind::InvalidInput { fields } = bad_image.validate().unwrap_err().kind else {
            panic!()
        };
        assert_eq!(fields[0].field.as_deref(), Some("imageUrl"));

        let body = serde_json::to_value(
            PublishRequest {
                account_ids: vec!["a".into(), " a ".into(), "b".into()],
                client_reference: Some("journal-1".into()),
                ..ok
            }
            .body(),
        )
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"accountIds": ["a", "b"], "imageUrl": null, "videoUrl": null,
                               "caption": "Hello"})
        );
    }

    #[test]
    fn transfer_needs_a_web_address() {
        let request = TransferRequest {
            source_url: "not a url".into(),
            ..Default::default()
        };
        assert!(request.validate().is_err());
        let request = TransferRequest {
            source_url: "https://fal.media/x.png".into(),
            ..Default::default()
        };
        assert!(request.validate().is_ok());
    }
}
