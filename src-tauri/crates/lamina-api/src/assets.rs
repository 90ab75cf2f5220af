//! `GET /v1/assets` (`lamina-api.md` §2.6): generated outputs across runs, with a permanent
//! `cdnUrl` next to the provider's possibly expiring `sourceUrl`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::client::{Ask, LaminaClient, list_from_value};
use crate::error::{ApiError, FieldError};
use crate::models::{OutputKind, OutputStatus, Page, lenient_text, lenient_time};
use crate::optional::OptionalEndpoint;

/// The most assets one page may hold (the documented maximum).
pub const MAX_ASSET_PAGE: u32 = 100;

/// Filters and page of `GET /v1/assets`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// `image`, `video`, `audio` or `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_type: Option<OutputKind>,
    /// 1–100 (larger is lowered to 100); the service's default is 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// One generated output.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    #[serde(alias = "assetId", alias = "outputId")]
    pub id: String,
    #[serde(
        default,
        alias = "executionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_id: Option<String>,
    #[serde(default, alias = "label", deserialize_with = "lenient_text")]
    pub node_label: Option<String>,
    #[serde(default, alias = "type")]
    pub output_type: OutputKind,
    /// Where the provider put it (may expire).
    #[serde(default, alias = "url", deserialize_with = "lenient_text")]
    pub source_url: Option<String>,
    /// Lamina's permanent copy.
    #[serde(default, deserialize_with = "lenient_text")]
    pub cdn_url: Option<String>,
    /// The text itself, for text outputs.
    #[serde(default, alias = "text", deserialize_with = "lenient_text")]
    pub text_content: Option<String>,
    #[serde(default = "completed")]
    pub status: OutputStatus,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}

impl Asset {
    /// The address to use: the permanent copy when there is one.
    pub fn url(&self) -> Option<&str> {
        self.cdn_url.as_deref().or(self.source_url.as_deref())
    }
}

fn completed() -> OutputStatus {
    OutputStatus::Completed
}

impl AssetFilter {
    fn validate(&self) -> Result<(), ApiError> {
        match self.output_type {
            None
            | Some(OutputKind::Image | OutputKind::Video | OutputKind::Audio | OutputKind::Text) => {
                Ok(())
            }
            Some(other) => Err(ApiError::invalid_input(vec![FieldError {
                field: Some("outputType".into()),
                reason: format!("must be image, video, audio or text (got {other:?})"),
            }])),
        }
    }
}

impl LaminaClient {
    /// `GET /v1/assets?runId=&outputType=&limit=&offset=`, one page.
    pub async fn list_assets(&self, filter: &AssetFilter) -> Result<Page<Asset>, ApiError> {
        filter.validate()?;
        let mut url = self.v1_url(&["assets"]);
        {
            let mut query = url.query_pairs_mut();
            if let Some(run_id) = filter
                .run_id
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
            {
                query.append_pair("runId", run_id);
            }
            if let Some(kind) = filter.output_type {
                query.append_pair("outputType", output_kind_name(kind));
            }
            if let Some(limit) = filter.limit {
                query.append_pair("limit", &limit.clamp(1, MAX_ASSET_PAGE).to_string());
            }
            if let Some(offset) = filter.offset {
                query.append_pair("offset", &offset.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.ask_optional(OptionalEndpoint::Assets, url, Ask::Get, |value| {
            list_from_value::<Asset>(value, &["assets"])
        })
        .await
    }
}

fn output_kind_name(kind: OutputKind) -> &'static str {
    match kind {
        OutputKind::Image => "image",
        OutputKind::Video => "video",
        OutputKind::Audio => "audio",
        OutputKind::Text => "text",
        OutputKind::Pending => "pending",
        OutputKind::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_page_parses_both_variants() {
        let page: Page<Asset> = list_from_value(
            &serde_json::json!({"data": [
              {"id": "out-001", "runId": "fc32ae7d-...", "nodeLabel": "AI Designer",
               "outputType": "image",
               "sourceUrl": "https://fal.media/files/generated/output-001.png",
               "cdnUrl": "https://media.getmason.io/api/assetlib/abc123.png",
               "textContent": null, "status": "completed",
               "createdAt": "2026-04-15T10:32:10.000Z", "brandNew": true},
              {"id": "out-002", "runId": "...", "nodeLabel": "Copy Writer", "outputType": "text",
               "sourceUrl": null, "cdnUrl": null,
               "textContent": "Discover our new spring collection ...",
               "status": "completed", "createdAt": "..."}],
             "pagination": {"total": 2, "limit": 25, "offset": 0}}),
            &["assets"],
        )
        .unwrap();
        assert_eq!(page.items.len(), 2);
        let image = &page.items[0];
        assert_eq!(image.output_type, OutputKind::Image);
        assert_eq!(
            image.url(),
            Some("https://media.getmason.io/api/assetlib/abc123.png")
        );
        assert!(image.created_at.is_some());
        let text = &page.items[1];
        assert_eq!(text.output_type, OutputKind::Text);
        assert_eq!(text.url(), None);
        assert!(
            text.text_content
                .as_deref()
                .unwrap()
                .starts_with("Discover")
        );
        assert!(text.created_at.is_none());
        assert_eq!(page.pagination.unwrap().total, Some(2));
    }

    #[test]
    fn a_pending_filter_is_refused() {
        let filter = AssetFilter {
            output_type: Some(OutputKind::Pending),
            ..Default::default()
        };
        assert!(filter.validate().is_err());
        assert!(AssetFilter::default().validate().is_ok());
    }
}
