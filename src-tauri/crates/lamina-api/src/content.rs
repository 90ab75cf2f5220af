//! Brief-driven creation (`lamina-api.md` §2.5): `POST /v1/content/create`, `/v1/content/batch`
//! and `/v1/content/score`. A content run is an ordinary run: its id is followed with
//! `GET /v1/runs/{id}` like any other.
//!
//! The docs show only `runId, workflowId, workflowName, status` in the create answer. A service
//! may also say which app it chose and why (`selectionReason`) and which inputs it filled
//! (`inputs`); both are read when present (the sandbox sends them) and are `None` otherwise.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::client::{Ask, LaminaClient, list_from_value};
use crate::error::{ApiError, FieldError};
use crate::models::{
    Inputs, Output, Run, RunStatus, lenient_f64, lenient_inputs, lenient_text, lenient_time,
    null_as_default, number_of,
};
use crate::optional::OptionalEndpoint;

/// Briefs accepted by one `POST /v1/content/batch`.
pub const MAX_BATCH_ITEMS: usize = 10;

/// The body of `POST /v1/content/create` (and one item of a batch).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentRequest {
    /// What the merchant needs, in their own words. Required.
    pub brief: String,
    /// `instagram`, `tiktok`, `facebook`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `image`, `video`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
    /// Forces an app instead of letting the service choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Overrides of the chosen app's inputs, keyed by parameter name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Inputs>,
    /// From `GET /v1/templates` (slugs like `tmpl-product-launch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Only in a concepts example of the docs (`product_image`); sent when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl ContentRequest {
    pub fn new(brief: impl Into<String>) -> Self {
        Self {
            brief: brief.into(),
            ..Self::default()
        }
    }

    /// Refuses what the docs refuse, before anything is sent: the brief is required.
    pub fn validate(&self) -> Result<(), ApiError> {
        check_brief(&self.brief, "brief")
    }

    /// What is sent: text trimmed, blank optional values left out (the service's defaults
    /// apply), blank input overrides dropped.
    pub fn normalized(&self) -> Self {
        Self {
            brief: self.brief.trim().to_owned(),
            platform: non_blank(&self.platform),
            modality: non_blank(&self.modality),
            brand_profile_id: non_blank(&self.brand_profile_id),
            campaign_id: non_blank(&self.campaign_id),
            app_id: non_blank(&self.app_id),
            inputs: self.inputs.as_ref().and_then(|inputs| {
                let kept: Inputs = inputs
                    .iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                (!kept.is_empty()).then_some(kept)
            }),
            template_id: non_blank(&self.template_id),
            content_type: non_blank(&self.content_type),
        }
    }
}

/// The body of `POST /v1/content/batch`: 1–10 items; the brand profile and campaign apply to
/// every item that does not name its own.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchContentRequest {
    pub items: Vec<ContentRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
}

impl BatchContentRequest {
    /// 1 to [`MAX_BATCH_ITEMS`] items, each with a brief. Every problem is reported at once.
    pub fn validate(&self) -> Result<(), ApiError> {
        let count = self.items.len();
        if count == 0 || count > MAX_BATCH_ITEMS {
            let mut error = ApiError::invalid_input(vec![FieldError {
                field: Some("items".into()),
                reason: format!("must hold 1 to {MAX_BATCH_ITEMS} briefs (got {count})"),
            }]);
            error.message = if count == 0 {
                "Describe at least one thing you need.".into()
            } else {
                format!(
                    "Lamina takes up to {MAX_BATCH_ITEMS} descriptions at a time; you have {count}."
                )
            };
            return Err(error);
        }
        let problems: Vec<FieldError> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                check_brief(&item.brief, &format!("items[{i}].brief"))
                    .err()
                    .map(|_| FieldError {
                        field: Some(format!("items[{i}].brief")),
                        reason: "is required: describe what you need".into(),
                    })
            })
            .collect();
        if problems.is_empty() {
            return Ok(());
        }
        let mut error = ApiError::invalid_input(problems);
        error.message = "Every line needs a description of what you need.".into();
        Err(error)
    }

    fn normalized(&self) -> Self {
        Self {
            items: self.items.iter().map(ContentRequest::normalized).collect(),
            brand_profile_id: non_blank(&self.brand_profile_id),
            campaign_id: non_blank(&self.campaign_id),
        }
    }
}

/// The answer of `POST /v1/content/create`: a run was started.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentStarted {
    #[serde(alias = "executionId", alias = "id")]
    pub run_id: String,
    /// The chosen app's id.
    #[serde(default, alias = "appId", skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// The chosen app's name.
    #[serde(default, alias = "appName", skip_serializing_if = "Option::is_none")]
    pub workflow_name: Option<String>,
    #[serde(default = "queued")]
    pub status: RunStatus,
    /// Why this app was chosen, when the service says.
    #[serde(
        default,
        alias = "reason",
        alias = "rationale",
        alias = "selectionRationale",
        deserialize_with = "lenient_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub selection_reason: Option<String>,
    /// The inputs the brief was mapped to, when the service says.
    #[serde(
        default,
        alias = "mappedInputs",
        alias = "resolvedInputs",
        deserialize_with = "lenient_inputs",
        skip_serializing_if = "Option::is_none"
    )]
    pub inputs: Option<Inputs>,
    /// Output placeholders, when sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub outputs: Vec<Output>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}

impl ContentStarted {
    /// The run as the rest of the app knows runs (followed with `GET /v1/runs/{id}`).
    pub fn to_run(&self) -> Run {
        Run {
            run_id: self.run_id.clone(),
            workflow_id: self.workflow_id.clone(),
            workflow_name: self.workflow_name.clone(),
            status: self.status,
            webhook_url: None,
            outputs: self.outputs.clone(),
            error_message: None,
            started_at: None,
            completed_at: None,
            created_at: self.created_at,
            source: None,
        }
    }
}

/// The answer of `POST /v1/content/batch`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchContentStarted {
    #[serde(default, deserialize_with = "lenient_text")]
    pub batch_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub total: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub queued: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub failed: Option<u32>,
    /// One per brief, by `index` (the order of the request), started or not.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<BatchContentItem>,
}

/// One brief of a batch: started (`run_id`) or refused (`error`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchContentItem {
    /// Position of the brief in the request.
    pub index: u32,
    #[serde(default = "queued")]
    pub status: RunStatus,
    #[serde(
        default,
        alias = "executionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub run_id: Option<String>,
    #[serde(default, alias = "appId", skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    #[serde(default, alias = "appName", skip_serializing_if = "Option::is_none")]
    pub workflow_name: Option<String>,
    #[serde(
        default,
        alias = "reason",
        deserialize_with = "lenient_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub selection_reason: Option<String>,
    #[serde(
        default,
        alias = "mappedInputs",
        deserialize_with = "lenient_inputs",
        skip_serializing_if = "Option::is_none"
    )]
    pub inputs: Option<Inputs>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub error: Option<String>,
}

/// The body of `POST /v1/content/score`: which content to score (all recent content when no
/// ids are given).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_item_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// The service's default is 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One content item's scores (0–100).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentScore {
    #[serde(alias = "id", alias = "assetId")]
    pub content_item_id: String,
    #[serde(default, alias = "score", deserialize_with = "lenient_f64")]
    pub overall_score: Option<f64>,
    /// `brandAlignment`, `predictedEngagement`, `visualQuality`, `platformFitness`, ... (names
    /// as the service sends them; values that are not numbers are left out).
    #[serde(default, deserialize_with = "lenient_dimensions")]
    pub dimensions: BTreeMap<String, f64>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub feedback: Option<String>,
    /// The run the item came from, when the service says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl LaminaClient {
    /// `POST /v1/content/create`: brief → app selection → input mapping → run. Validated first
    /// (nothing is sent when the brief is blank). Never sent twice: an answer lost in transit
    /// comes back with `outcome_unknown == true` (a run may have started).
    pub async fn create_content(
        &self,
        request: &ContentRequest,
    ) -> Result<ContentStarted, ApiError> {
        request.validate()?;
        let body = to_body(&request.normalized())?;
        let url = self.v1_url(&["content", "create"]);
        self.ask_optional(
            OptionalEndpoint::Content,
            url,
            Ask::Write {
                body,
                idempotency_key: None,
            },
            crate::client::decode_value,
        )
        .await
    }

    /// `POST /v1/content/batch` with 1–10 briefs (validated first). Like
    /// [`Self::create_content`], never sent twice.
    pub async fn create_content_batch(
        &self,
        request: &BatchContentRequest,
    ) -> Result<BatchContentStarted, ApiError> {
        request.validate()?;
        let body = to_body(&request.normalized())?;
        let url = self.v1_url(&["content", "batch"]);
        self.ask_optional(
            OptionalEndpoint::ContentBatch,
            url,
            Ask::Write {
                body,
                idempotency_key: None,
            },
            crate::client::decode_value,
        )
        .await
    }

    /// `POST /v1/content/score`. Reads only, so it is retried like a read. Accepts
    /// `{data: {scores: [...]}}` (the docs) and `{data: [...]}`.
    pub async fn score_content(
        &self,
        request: &ScoreRequest,
    ) -> Result<Vec<ContentScore>, ApiError> {
        let cleaned = ScoreRequest {
            content_item_ids: request.content_item_ids.as_ref().map(|ids| {
                ids.iter()
                    .map(|id| id.trim().to_owned())
                    .filter(|id| !id.is_empty())
                    .collect()
            }),
            platform: non_blank(&request.platform),
            modality: non_blank(&request.modality),
            limit: request.limit.map(|l| l.clamp(1, 100)),
        };
        let body = to_body(&cleaned)?;
        let url = self.v1_url(&["content", "score"]);
        self.ask_optional(OptionalEndpoint::Score, url, Ask::PostRead(body), |value| {
            list_from_value::<ContentScore>(value, &["scores"]).map(|page| page.items)
        })
        .await
    }
}

fn check_brief(brief: &str, field: &str) -> Result<(), ApiError> {
    if !brief.trim().is_empty() {
        return Ok(());
    }
    let mut error = ApiError::invalid_input(vec![FieldError {
        field: Some(field.to_owned()),
        reason: "is required: describe what you need".into(),
    }]);
    error.message = "Describe what you need first.".into();
    Err(error)
}

pub(crate) fn non_blank(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

pub(crate) fn to_body(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| {
        ApiError::invalid_input(vec![FieldError {
            field: None,
            reason: e.to_string(),
        }])
    })
}

fn queued() -> RunStatus {
    RunStatus::Queued
}

fn lenient_count<'de, D>(deserializer: D) -> Result<Option<u32>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(lenient_f64(deserializer)?
        .filter(|n| *n >= 0.0)
        .map(|n| n.min(f64::from(u32::MAX)) as u32))
}

fn lenient_dimensions<'de, D>(deserializer: D) -> Result<BTreeMap<String, f64>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), number_of(v)?)))
            .collect(),
        _ => BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorKind;

    /// The docs' literal examples (`lamina-api.md` §2.5), with extra fields a newer service
    /// might add.
    #[test]
    fn the_documented_create_batch_and_score_answers_parse() {
        let created: ContentStarted = crate::client::decode_value(&serde_json::json!({
            "data": {"runId": "fc32ae7d-6840-4be3-8fb1-539a60e33fc3",
                     "workflowId": "80d4d454-8844-489f-b903-2ad65a414482",
                     "workflowName": "AI Product Photography", "status": "queued",
                     "somethingNew": [1, 2]}
        }))
        .unwrap();
        assert_eq!(created.run_id, "fc32ae7d-6840-4be3-8fb1-539a60e33fc3");
        assert_eq!(
            created.workflow_name.as_deref(),
            Some("AI Product Photography")
        );
        assert_eq!(created.status, RunStatus::Queued);
        assert_eq!(created.selection_reason, None);
        assert_eq!(created.to_run().run_id, created.run_id);

        let batch: BatchContentStarted = crate::client::decode_value(&serde_json::json!({
            "data": {"batchId": "batch-001", "total": 3, "queued": 2, "failed": 1,
              "items": [{"index": 0, "status": "queued", "runId": "exec-001",
                         "workflowId": "80d4d454-...", "workflowName": "AI Product Photography"},
                        {"index": 2, "status": "failed",
                         "error": "No video-capable app found for this workspace"}]}
        }))
        .unwrap();
        assert_eq!(batch.batch_id.as_deref(), Some("batch-001"));
        assert_eq!(
            (batch.total, batch.queued, batch.failed),
            (Some(3), Some(2), Some(1))
        );
        assert_eq!(batch.items[0].run_id.as_deref(), Some("exec-001"));
        assert_eq!(batch.items[1].index, 2);
        assert_eq!(batch.items[1].status, RunStatus::Failed);
        assert!(
            batch.items[1]
                .error
                .as_deref()
                .unwrap()
                .contains("video-capable")
        );

        let documented = serde_json::json!({"data": {"scores": [{"contentItemId": "item-001",
            "overallScore": 88.5,
            "dimensions": {"brandAlignment": 92, "predictedEngagement": 85,
                           "visualQuality": 90, "platformFitness": 87},
            "feedback": "..."}]}});
        let bare = serde_json::json!({"data": [{"id": "item-002", "overallScore": "70",
            "dimensions": {"visualQuality": 70, "odd": null}, "feedback": ["a", "b"]}]});
        let scores = list_from_value::<ContentScore>(&documented, &["scores"])
            .unwrap()
            .items;
        assert_eq!(scores[0].overall_score, Some(88.5));
        assert_eq!(scores[0].dimensions["brandAlignment"], 92.0);
        assert_eq!(scores[0].dimensions.len(), 4);
        let scores = list_from_value::<ContentScore>(&bare, &["scores"])
            .unwrap()
            .items;
        assert_eq!(scores[0].content_item_id, "item-002");
        assert_eq!(scores[0].overall_score, Some(70.0));
        assert_eq!(scores[0].dimensions.len(), 1);
        assert_eq!(scores[0].feedback.as_deref(), Some(r#"["a","b"]"#));
    }

    #[test]
    fn a_selection_and_mapped_inputs_are_read_when_sent() {
        let created: ContentStarted = serde_json::from_value(serde_json::json!({
            "executionId": "e1", "appId": "a1", "reason": "Instagram wants a square photo",
            "mappedInputs": {"Prompt": "linen shirt", "Count": 2, "Gone": null}
        }))
        .unwrap();
        assert_eq!(created.run_id, "e1");
        assert_eq!(created.workflow_id.as_deref(), Some("a1"));
        assert_eq!(created.status, RunStatus::Queued);
        let inputs = created.inputs.unwrap();
        assert_eq!(inputs["Count"], "2");
        assert!(!inputs.contains_key("Gone"));
    }

    #[test]
    fn briefs_and_batch_sizes_are_checked_in_words() {
        let error = ContentRequest::new("   ").validate().unwrap_err();
        assert_eq!(error.message, "Describe what you need first.");
        let ApiErrorKind::InvalidInput { fields } = &error.kind else {
            panic!("{error:?}")
        };
        assert_eq!(fields[0].field.as_deref(), Some("brief"));
        assert!(ContentRequest::new("a launch post").validate().is_ok());

        let batch = |n: usize| BatchContentRequest {
            items: (0..n)
                .map(|i| ContentRequest::new(format!("brief {i}")))
                .collect(),
            ..Default::default()
        };
        assert!(batch(0).validate().is_err());
        assert!(batch(1).validate().is_ok());
        assert!(batch(10).validate().is_ok());
        let error = batch(11).validate().unwrap_err();
        assert!(error.message.contains("up to 10"), "{}", error.message);
        let mut blank = batch(3);
        blank.items[1].brief = "\n".into();
        let error = blank.validate().unwrap_err();
        assert!(error.detail.contains("items[1].brief"), "{}", error.detail);
    }

    #[test]
    fn blank_optional_values_are_not_sent() {
        let request = ContentRequest {
            brief: "  shirt  ".into(),
            platform: Some(" ".into()),
            template_id: Some("tmpl-product-launch".into()),
            inputs: Some(Inputs::from([("Style".into(), " ".into())])),
            ..Default::default()
        };
        let json = serde_json::to_value(request.normalized()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"brief": "shirt", "templateId": "tmpl-product-launch"})
        );
    }
}
