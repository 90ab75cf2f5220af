//! Sending a publish once: intent, optional transfer to Lamina's storage, `sent`, one request,
//! outcome. Settling what the answer did not tell comes from [`super::settle`].

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use lamina_api::{
    ApiError, FieldError, HistoryFilter, LaminaClient, MediaType, OutputKind, PublishStatus,
    TransferRequest,
};
use tokio::sync::broadcast;

use super::settle::{HistoryEntry, settle_one};
use super::{
    ChannelOutcome, ChannelResult, ChannelView, PublishProblem, PublishState, PublishView,
    PublishingHistory,
};
use crate::offer::{Offered, offered};
use crate::record::{OutputRecord, RunRecord};
use crate::store::Store;
use crate::tracker::CoreError;

/// What the person asked to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    /// The run (local or service id).
    pub run_id: String,
    /// Which outputs (by index); empty: the run's first image or video.
    pub output_indexes: Vec<u32>,
    pub channel_ids: Vec<String>,
    pub caption: Option<String>,
}

/// Publishes and settles; every change of a publish is committed, then broadcast.
#[derive(Clone)]
pub struct Publisher {
    client: LaminaClient,
    store: Store,
    events: broadcast::Sender<PublishView>,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Publisher")
    }
}

/// One post to send: at most one image and one video, as the service takes them.
struct Piece {
    indexes: Vec<u32>,
    image: Option<String>,
    video: Option<String>,
}

impl Publisher {
    pub fn new(client: LaminaClient, store: Store) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            client,
            store,
            events,
        }
    }

    /// Every committed change of every publish.
    pub fn subscribe(&self) -> broadcast::Receiver<PublishView> {
        self.events.subscribe()
    }

    fn emit(&self, publish: &PublishView) {
        // No subscribers is fine: the journal is the truth.
        let _ = self.events.send(publish.clone());
    }

    /// The connected channels.
    pub async fn channels(&self) -> Result<Offered<Vec<ChannelView>>, CoreError> {
        offered(self.fetch_channels().await)
    }

    async fn fetch_channels(&self) -> Result<Vec<ChannelView>, CoreError> {
        let channels = self.client.list_channels().await?;
        Ok(channels
            .into_iter()
            .map(|c| ChannelView {
                name: if c.name.trim().is_empty() {
                    c.id.clone()
                } else {
                    c.name
                },
                platform: c.platform,
                id: c.id,
            })
            .collect())
    }

    /// The caption a run suggests: its first finished text output.
    pub fn caption_for_run(&self, run_id: &str) -> Result<Option<String>, CoreError> {
        let run = self.require_run(run_id)?;
        Ok(run
            .outputs
            .iter()
            .find(|o| {
                o.kind == OutputKind::Text
                    && o.value.as_deref().is_some_and(|t| !t.trim().is_empty())
            })
            .and_then(|o| o.value.clone()))
    }

    fn require_run(&self, run_id: &str) -> Result<RunRecord, CoreError> {
        self.store
            .find(run_id)?
            .ok_or_else(|| CoreError::UnknownRun(run_id.to_owned()))
    }

    /// Publishes the chosen outputs of a run to the chosen channels: one post per image or
    /// video (the service takes one of each), each written first and sent once.
    pub async fn publish(
        &self,
        request: &PublishRequest,
    ) -> Result<Offered<Vec<PublishView>>, CoreError> {
        let run = self.require_run(&request.run_id)?;
        let caption = request
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let pieces = pieces_of(&run, &request.output_indexes)?;
        let channel_ids: Vec<&str> = request
            .channel_ids
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if channel_ids.is_empty() {
            return Err(invalid(
                "channel",
                "Choose at least one channel to publish to.",
            ));
        }
        if pieces.is_empty() && caption.is_none() {
            return Err(invalid(
                "output",
                "Choose an image or a video to publish, or write a caption.",
            ));
        }
        // Names for the confirmation and the journal; a service without the list still
        // publishes by id.
        let known = offered(self.fetch_channels().await)?
            .offered()
            .unwrap_or_default();
        let channels: Vec<ChannelResult> = channel_ids
            .iter()
            .map(|id| {
                let found = known.iter().find(|c| c.id == *id);
                ChannelResult {
                    channel_id: (*id).to_owned(),
                    channel_name: found.map_or_else(|| (*id).to_owned(), |c| c.name.clone()),
                    platform: found.and_then(|c| c.platform.clone()),
                    outcome: ChannelOutcome::Pending,
                    post_url: None,
                    error: None,
                }
            })
            .collect();
        let pieces = if pieces.is_empty() {
            vec![Piece {
                indexes: Vec::new(),
                image: None,
                video: None,
            }]
        } else {
            pieces
        };
        let mut published = Vec::new();
        for piece in pieces {
            match self
                .publish_piece(&run, piece, &channels, caption.clone())
                .await?
            {
                Offered::Offered { value } => published.push(value),
                Offered::NotOffered { endpoint, message } => {
                    return Ok(Offered::NotOffered { endpoint, message });
                }
            }
        }
        Ok(Offered::Offered { value: published })
    }

    async fn publish_piece(
        &self,
        run: &RunRecord,
        piece: Piece,
        channels: &[ChannelResult],
        caption: Option<String>,
    ) -> Result<Offered<PublishView>, CoreError> {
        let now = Utc::now();
        let intent = self.store.insert_publish_intent(&PublishView {
            id: uuid::Uuid::new_v4().to_string(),
            run_local_id: Some(run.local_id.clone()),
            run_id: run.run_id.clone(),
            output_indexes: piece.indexes.clone(),
            image_url: piece.image.clone(),
            video_url: piece.video.clone(),
            caption: caption.clone(),
            channels: channels.to_vec(),
            state: PublishState::Intent,
            problem: None,
            created_at: now,
            sent_at: None,
            updated_at: now,
            from_service: false,
        })?;
        self.emit(&intent);
        // Generated files may sit on addresses that expire: Lamina's own storage keeps them.
        let image = match &piece.image {
            Some(url) => Some(self.lasting_url(url, MediaType::Image).await),
            None => None,
        };
        let video = match &piece.video {
            Some(url) => Some(self.lasting_url(url, MediaType::Video).await),
            None => None,
        };
        let sent = self.store.mark_publish_sent(
            &intent.id,
            image.as_deref(),
            video.as_deref(),
            Utc::now(),
        )?;
        self.emit(&sent);
        let account_ids: Vec<String> = channels.iter().map(|c| c.channel_id.clone()).collect();
        let answer = self
            .client
            .publish(&lamina_api::PublishRequest {
                account_ids,
                image_url: image,
                video_url: video,
                caption,
                client_reference: Some(intent.id.clone()),
            })
            .await;
        let outcome = match answer {
            Ok(answer) => {
                let results = answer.results;
                let channels: Vec<ChannelResult> = channels
                    .iter()
                    .cloned()
                    .map(|mut channel| {
                        match results.iter().find(|r| r.account_id == channel.channel_id) {
                            Some(result) => {
                                channel.outcome = outcome_of(result.status);
                                channel.post_url = result.post_url.clone();
                                channel.error = result.error.clone();
                            }
                            // Not mentioned in the answer: the history will tell.
                            None => channel.outcome = ChannelOutcome::Unconfirmed,
                        }
                        channel
                    })
                    .collect();
                let state = super::settle::overall_state(&channels);
                let problem = (state == PublishState::Failed).then(|| PublishProblem {
                    message: "This was not published.".into(),
                    detail: channels
                        .iter()
                        .filter_map(|c| c.error.as_deref())
                        .collect::<Vec<_>>()
                        .join("; "),
                });
                self.store
                    .record_publish_outcome(&intent.id, state, &channels, problem.as_ref())?
            }
            Err(error) if error.unsupported_endpoint().is_some() => {
                // Refused before anything went out: nothing to keep in the journal.
                self.store.delete_publish(&intent.id)?;
                return offered::<PublishView>(Err(error.into()));
            }
            Err(error) => {
                let (state, outcome) = if error.outcome_unknown {
                    (PublishState::Unconfirmed, ChannelOutcome::Unconfirmed)
                } else {
                    (PublishState::Failed, ChannelOutcome::Failed)
                };
                let channels: Vec<ChannelResult> = channels
                    .iter()
                    .cloned()
                    .map(|mut c| {
                        c.outcome = outcome;
                        c
                    })
                    .collect();
                self.store.record_publish_outcome(
                    &intent.id,
                    state,
                    &channels,
                    Some(&problem_of(&error)),
                )?
            }
        };
        self.emit(&outcome);
        Ok(Offered::Offered { value: outcome })
    }

    /// `url` copied to Lamina's storage when the service offers it; otherwise `url` itself.
    async fn lasting_url(&self, url: &str, media_type: MediaType) -> String {
        let request = TransferRequest {
            source_url: url.to_owned(),
            media_type,
            filename: None,
        };
        match self.client.transfer_asset(&request).await {
            Ok(lasting) => lasting.url,
            Err(error) => {
                if error.unsupported_endpoint().is_none() {
                    tracing::info!(%error, "could not copy the file to Lamina's storage; publishing its own address");
                }
                url.to_owned()
            }
        }
    }

    /// After a restart: publishes cut off mid-way are closed (never re-sent), then settled.
    pub async fn resume(&self) -> Result<Vec<PublishView>, CoreError> {
        if self.store.close_interrupted_publishes()? > 0 {
            for publish in self
                .store
                .publishes_in(&[PublishState::Unconfirmed, PublishState::Failed])?
            {
                self.emit(&publish);
            }
        }
        Ok(self.settle_now().await?.offered().unwrap_or_default())
    }

    /// [`Self::settle`] as of now.
    pub async fn settle_now(&self) -> Result<Offered<Vec<PublishView>>, CoreError> {
        self.settle(Utc::now()).await
    }

    /// Settles unconfirmed publishes from the service's publishing history; returns those that
    /// changed. Asks nothing when there is nothing to settle.
    pub async fn settle(&self, now: DateTime<Utc>) -> Result<Offered<Vec<PublishView>>, CoreError> {
        let open = self.store.publishes_in(&[PublishState::Unconfirmed])?;
        if open.is_empty() {
            return Ok(Offered::Offered { value: Vec::new() });
        }
        let history = match offered(self.service_history().await)? {
            Offered::Offered { value } => value,
            Offered::NotOffered { endpoint, message } => {
                return Ok(Offered::NotOffered { endpoint, message });
            }
        };
        Ok(Offered::Offered {
            value: self.apply_history(&open, &history, now)?,
        })
    }

    fn apply_history(
        &self,
        open: &[PublishView],
        history: &[HistoryEntry],
        now: DateTime<Utc>,
    ) -> Result<Vec<PublishView>, CoreError> {
        let mut used = HashSet::new();
        let mut changed = Vec::new();
        // Oldest first, so an older publish takes the older matching entry.
        for publish in open.iter().rev() {
            if let Some((state, channels, problem)) = settle_one(publish, history, &mut used, now) {
                let updated = self.store.record_publish_outcome(
                    &publish.id,
                    state,
                    &channels,
                    problem.as_ref(),
                )?;
                self.emit(&updated);
                changed.push(updated);
            }
        }
        Ok(changed)
    }

    async fn service_history(&self) -> Result<Vec<HistoryEntry>, CoreError> {
        Ok(self
            .client
            .publishing_history(&HistoryFilter {
                limit: Some(lamina_api::publishing::MAX_HISTORY_PAGE),
                ..HistoryFilter::default()
            })
            .await?
            .items
            .into_iter()
            .map(|item| HistoryEntry {
                id: item.id,
                reference: item.client_reference,
                account_id: item.account_id,
                platform: item.platform,
                content_url: item.content_url,
                caption: item.caption,
                post_url: item.post_url,
                status: item.status.as_str().to_owned(),
                error: item.error,
                created_at: item.created_at,
                published_at: item.published_at,
            })
            .collect())
    }

    /// The Publishing screen: unconfirmed publishes settled first, then this computer's journal
    /// with the service's entries it did not send.
    pub async fn history(&self, limit: usize) -> Result<PublishingHistory, CoreError> {
        let mut service_message = None;
        let mut service = Vec::new();
        match offered(self.service_history().await)? {
            Offered::Offered { value } => service = value,
            Offered::NotOffered { message, .. } => service_message = Some(message),
        }
        if service_message.is_none() {
            let open = self.store.publishes_in(&[PublishState::Unconfirmed])?;
            self.apply_history(&open, &service, Utc::now())?;
        }
        let mut entries = self.store.list_publishes(limit)?;
        let ours: HashSet<String> = entries
            .iter()
            .flat_map(|p| p.channels.iter().filter_map(|c| c.post_url.clone()))
            .collect();
        let our_ids: HashSet<String> = entries.iter().map(|p| p.id.clone()).collect();
        let theirs: Vec<HistoryEntry> = service
            .into_iter()
            .filter(|entry| {
                !(entry.post_url.as_ref().is_some_and(|u| ours.contains(u))
                    || entry
                        .reference
                        .as_ref()
                        .is_some_and(|r| our_ids.contains(r)))
            })
            .collect();
        if !theirs.is_empty() {
            // Channel names for posts sent from elsewhere (the history gives only ids).
            let channels = offered(self.fetch_channels().await)?
                .offered()
                .unwrap_or_default();
            for entry in theirs {
                let mut view = from_service(entry);
                for channel in &mut view.channels {
                    if let Some(known) = channels.iter().find(|c| c.id == channel.channel_id) {
                        channel.channel_name = known.name.clone();
                    }
                }
                entries.push(view);
            }
        }
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.created_at));
        entries.truncate(limit);
        Ok(PublishingHistory {
            entries,
            service_history: service_message.is_none(),
            service_message,
        })
    }
}

fn outcome_of(status: PublishStatus) -> ChannelOutcome {
    match status {
        PublishStatus::Published => ChannelOutcome::Published,
        PublishStatus::Failed => ChannelOutcome::Failed,
        PublishStatus::Pending | PublishStatus::Unknown => ChannelOutcome::Pending,
    }
}

fn from_service(entry: HistoryEntry) -> PublishView {
    let at = entry
        .created_at
        .or(entry.published_at)
        .unwrap_or_else(Utc::now);
    let outcome = match entry.status.as_str() {
        "published" | "success" | "posted" => ChannelOutcome::Published,
        "failed" | "error" => ChannelOutcome::Failed,
        _ => ChannelOutcome::Pending,
    };
    let channels = vec![ChannelResult {
        channel_id: entry.account_id.clone().unwrap_or_default(),
        channel_name: entry
            .platform
            .clone()
            .or(entry.account_id.clone())
            .unwrap_or_default(),
        platform: entry.platform.clone(),
        outcome,
        post_url: entry.post_url.clone(),
        error: entry.error.clone(),
    }];
    PublishView {
        id: entry.id,
        run_local_id: None,
        run_id: None,
        output_indexes: Vec::new(),
        image_url: entry.content_url,
        video_url: None,
        caption: entry.caption,
        state: super::settle::overall_state(&channels),
        channels,
        problem: None,
        created_at: at,
        sent_at: entry.published_at,
        updated_at: at,
        from_service: true,
    }
}

fn invalid(field: &str, reason: &str) -> CoreError {
    let mut error = ApiError::invalid_input(vec![FieldError {
        field: Some(field.to_owned()),
        reason: reason.to_owned(),
    }]);
    error.message = reason.to_owned();
    error.into()
}

fn problem_of(error: &ApiError) -> PublishProblem {
    let message = if error.outcome_unknown {
        "We couldn't confirm this went out. Checking with Lamina.".to_owned()
    } else {
        error.message.clone()
    };
    PublishProblem {
        message,
        detail: error.detail.clone(),
    }
}

/// The posts to send for the chosen outputs: each image or video its own post.
fn pieces_of(run: &RunRecord, indexes: &[u32]) -> Result<Vec<Piece>, CoreError> {
    let chosen: Vec<&OutputRecord> = if indexes.is_empty() {
        run.outputs.iter().filter(|o| is_media(o)).take(1).collect()
    } else {
        let mut chosen = Vec::new();
        for index in indexes {
            let output = run
                .outputs
                .iter()
                .find(|o| o.index == *index as usize)
                .ok_or_else(|| invalid("output", "That result is not part of this run."))?;
            chosen.push(output);
        }
        chosen
    };
    Ok(chosen
        .into_iter()
        .filter(|o| is_media(o))
        .filter_map(|o| {
            let url = o.value.clone()?;
            let index = o.index as u32;
            Some(match o.kind {
                OutputKind::Video => Piece {
                    indexes: vec![index],
                    image: None,
                    video: Some(url),
                },
                _ => Piece {
                    indexes: vec![index],
                    image: Some(url),
                    video: None,
                },
            })
        })
        .collect())
}

fn is_media(output: &OutputRecord) -> bool {
    output.status == lamina_api::OutputStatus::Completed
        && matches!(output.kind, OutputKind::Image | OutputKind::Video)
        && output
            .value
            .as_deref()
            .is_some_and(|v| v.starts_with("http"))
}
