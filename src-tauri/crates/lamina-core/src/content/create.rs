//! Starting content runs: one brief (`content/create`) or up to [`BATCH_LIMIT`] per request
//! (`content/batch`, more split), each its own run, each written before its request leaves and
//! never sent twice (the same rule as run starts: the client does not retry a request that may
//! have reached the service). Following them is the ordinary tracker's job.

use chrono::Utc;
use lamina_api::{
    ApiError, ApiErrorKind, AssetFilter, BatchContentRequest, ContentRequest, ContentScore, Inputs,
    ScoreRequest,
};

use super::{ContentBrief, ContentRunView, ContentScores, ScoreDimension, dimension_label};
use crate::offer::{Offered, offered};
use crate::record::{RunError, RunRecord, RunState};
use crate::tracker::{CoreError, Tracker};

/// Briefs per `content/batch` request (the service takes 1–10).
pub const BATCH_LIMIT: usize = 10;

#[derive(Debug, Clone)]
pub struct ContentRunner {
    tracker: Tracker,
}

fn request_of(brief: &ContentBrief) -> ContentRequest {
    let mut request = ContentRequest::new(brief.brief.clone());
    request.platform = brief.platform.clone();
    request.modality = brief.modality.clone();
    request.template_id = brief.template_id.clone();
    request.brand_profile_id = brief.brand_id.clone();
    request.inputs = (!brief.inputs.is_empty()).then(|| brief.inputs.clone());
    request.normalized()
}

impl ContentRunner {
    pub fn new(tracker: Tracker) -> Self {
        Self { tracker }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    fn view(&self, record: RunRecord) -> Result<ContentRunView, CoreError> {
        let content = self
            .tracker
            .store()
            .content_info(&record.local_id)?
            .ok_or_else(|| CoreError::UnknownRun(record.local_id.clone()))?;
        Ok(ContentRunView {
            run: record,
            content,
        })
    }

    /// The intent, committed and announced before any request.
    fn intent(&self, brief: &ContentBrief) -> Result<RunRecord, CoreError> {
        let local_id = uuid::Uuid::new_v4().to_string();
        let record = self.tracker.store().insert_content_intent(
            &local_id,
            brief,
            self.tracker.client().base_url(),
            None,
            Utc::now(),
        )?;
        self.tracker.announce(&record);
        Ok(record)
    }

    fn started(
        &self,
        local_id: &str,
        run: &lamina_api::Run,
        reason: Option<&str>,
        inputs: Option<&Inputs>,
    ) -> Result<ContentRunView, CoreError> {
        let record = self
            .tracker
            .store()
            .record_content_started(local_id, run, reason, inputs)?;
        self.tracker.announce(&record);
        self.view(record)
    }

    fn start_failed(&self, local_id: &str, error: &ApiError) -> Result<(), CoreError> {
        let record = self.tracker.store().record_start_error(local_id, error)?;
        self.tracker.announce(&record);
        Ok(())
    }

    /// One brief: the service picks the app and fills its inputs, the run starts. Returns once
    /// the service has answered; follow it with [`Tracker::follow`].
    pub async fn create(&self, brief: &ContentBrief) -> Result<Offered<ContentRunView>, CoreError> {
        let request = request_of(brief);
        request.validate()?;
        let intent = self.intent(brief)?;
        match self.tracker.client().create_content(&request).await {
            Ok(started) => Ok(Offered::Offered {
                value: self.started(
                    &intent.local_id,
                    &started.to_run(),
                    started.selection_reason.as_deref(),
                    started.inputs.as_ref(),
                )?,
            }),
            Err(error) => self.refused(&intent.local_id, error),
        }
    }

    /// A refusal: a service without content creation sent nothing, so the intent is forgotten
    /// and the answer is "not offered"; anything else is recorded like a refused run start.
    fn refused<T>(&self, local_id: &str, error: ApiError) -> Result<Offered<T>, CoreError> {
        if matches!(error.kind, ApiErrorKind::Unsupported { .. }) {
            self.tracker.store().forget_unsent_run(local_id)?;
            return offered(Err(error.into()));
        }
        self.start_failed(local_id, &error)?;
        Err(error.into())
    }

    /// Many briefs, [`BATCH_LIMIT`] per request, each its own run. A service without
    /// `content/batch` gets them one by one through `content/create`.
    pub async fn create_batch(
        &self,
        briefs: &[ContentBrief],
    ) -> Result<Offered<Vec<ContentRunView>>, CoreError> {
        let requests: Vec<ContentRequest> = briefs.iter().map(request_of).collect();
        if requests.is_empty() {
            return Err(ApiError::invalid_input(vec![lamina_api::FieldError {
                field: Some("brief".into()),
                reason: "Write at least one brief.".into(),
            }])
            .into());
        }
        for request in &requests {
            request.validate()?;
        }
        let mut views = Vec::new();
        for (chunk, briefs) in requests.chunks(BATCH_LIMIT).zip(briefs.chunks(BATCH_LIMIT)) {
            match self.create_chunk(chunk, briefs).await? {
                Offered::Offered { value } => views.extend(value),
                Offered::NotOffered { .. } => {
                    // One by one instead (content/create may be offered without batches).
                    for brief in briefs {
                        match self.create(brief).await? {
                            Offered::Offered { value } => views.push(value),
                            not_offered @ Offered::NotOffered { .. } => {
                                return Ok(not_offered.map(|_| Vec::new()));
                            }
                        }
                    }
                }
            }
        }
        Ok(Offered::Offered { value: views })
    }

    async fn create_chunk(
        &self,
        requests: &[ContentRequest],
        briefs: &[ContentBrief],
    ) -> Result<Offered<Vec<ContentRunView>>, CoreError> {
        let intents = briefs
            .iter()
            .map(|brief| self.intent(brief))
            .collect::<Result<Vec<_>, _>>()?;
        let request = BatchContentRequest {
            items: requests.to_vec(),
            brand_profile_id: None,
            campaign_id: None,
        };
        let answer = match self.tracker.client().create_content_batch(&request).await {
            Ok(answer) => answer,
            Err(error) if matches!(error.kind, ApiErrorKind::Unsupported { .. }) => {
                for intent in &intents {
                    self.tracker.store().forget_unsent_run(&intent.local_id)?;
                }
                return offered(Err(error.into()));
            }
            Err(error) => {
                for intent in &intents {
                    self.start_failed(&intent.local_id, &error)?;
                }
                return Err(error.into());
            }
        };
        let mut views = Vec::new();
        for (index, intent) in intents.iter().enumerate() {
            let item = answer.items.iter().find(|i| i.index as usize == index);
            let record = match item {
                Some(item) if item.run_id.is_some() => {
                    let run = lamina_api::Run {
                        run_id: item.run_id.clone().unwrap_or_default(),
                        workflow_id: item.workflow_id.clone(),
                        workflow_name: item.workflow_name.clone(),
                        status: item.status,
                        webhook_url: None,
                        outputs: Vec::new(),
                        error_message: None,
                        started_at: None,
                        completed_at: None,
                        created_at: None,
                        source: None,
                    };
                    views.push(self.started(
                        &intent.local_id,
                        &run,
                        item.selection_reason.as_deref(),
                        item.inputs.as_ref(),
                    )?);
                    continue;
                }
                Some(item) => {
                    let reason = item
                        .error
                        .clone()
                        .unwrap_or_else(|| "The service did not start this brief.".into());
                    self.tracker.store().close_with_error(
                        &intent.local_id,
                        RunState::Failed,
                        &RunError {
                            kind: "notStarted".into(),
                            message: reason.clone(),
                            detail: format!("content/batch item {index}: {reason}"),
                            fields: Vec::new(),
                        },
                    )?
                }
                // The answer does not mention it: it may or may not have started.
                None => self.tracker.store().record_start_error(
                    &intent.local_id,
                    &ApiError::new(
                        ApiErrorKind::Decode,
                        format!("content/batch answer has no item {index}"),
                    )
                    .with_outcome_unknown(true),
                )?,
            };
            self.tracker.announce(&record);
            views.push(self.view(record)?);
        }
        Ok(Offered::Offered { value: views })
    }

    /// Scores of a finished run's content (`content/score`), kept with a content run. `None`
    /// while the run has no finished outputs, or when the service scores none of them.
    pub async fn scores(&self, id: &str) -> Result<Offered<Option<ContentScores>>, CoreError> {
        let store = self.tracker.store();
        let record = store
            .find(id)?
            .ok_or_else(|| CoreError::UnknownRun(id.to_owned()))?;
        let Some(run_id) = record.run_id.clone() else {
            return Ok(Offered::Offered { value: None });
        };
        if record.state != RunState::Completed {
            return Ok(Offered::Offered { value: None });
        }
        let content = store.content_info(&record.local_id)?;
        // The service scores content items: the run's assets when it lists them, else the run.
        let filter = AssetFilter {
            run_id: Some(run_id.clone()),
            ..AssetFilter::default()
        };
        let mut item_ids = match self.tracker.client().list_assets(&filter).await {
            Ok(page) => page.items.into_iter().map(|a| a.id).collect(),
            Err(_) => Vec::new(),
        };
        item_ids.push(run_id.clone());
        let request = ScoreRequest {
            content_item_ids: Some(item_ids.clone()),
            platform: content.as_ref().and_then(|c| c.request.platform.clone()),
            modality: content.as_ref().and_then(|c| c.request.modality.clone()),
            limit: Some(25),
        };
        let scores = match offered(
            self.tracker
                .client()
                .score_content(&request)
                .await
                .map_err(CoreError::from),
        )? {
            Offered::Offered { value } => value,
            Offered::NotOffered { endpoint, message } => {
                return Ok(Offered::NotOffered { endpoint, message });
            }
        };
        let mine = scores.into_iter().find(|s| {
            item_ids.contains(&s.content_item_id) || s.run_id.as_deref() == Some(&run_id)
        });
        let scores = mine.map(scores_view);
        if let (Some(scores), Some(_)) = (&scores, &content) {
            store.set_content_scores(&record.local_id, scores)?;
        }
        Ok(Offered::Offered { value: scores })
    }
}

fn scores_view(score: ContentScore) -> ContentScores {
    ContentScores {
        overall: score.overall_score,
        dimensions: score
            .dimensions
            .into_iter()
            .map(|(key, value)| ScoreDimension {
                label: dimension_label(&key),
                key,
                value,
            })
            .collect(),
        feedback: score.feedback,
    }
}
