//! Settling publishes whose answer was lost, from the service's publishing history. Matching
//! prefers the reference we sent (`Idempotency-Key`, echoed by services that keep it); without
//! it, a history entry matches a channel of ours when it went to that channel (or platform),
//! carries the same image, video or caption, and was created around the time we sent ours.
//! Each history entry settles at most one channel of one publish.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{ChannelOutcome, ChannelResult, PublishProblem, PublishState, PublishView};

/// How long after sending a publish may take to show in the service's history. Past it, an
/// unconfirmed channel the history does not show is settled as not published.
pub const SETTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How much earlier than our send a history entry's time may be (clocks differ).
const CLOCK_SLACK: Duration = Duration::from_secs(120);

/// One entry of the service's publishing history, as matching needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: String,
    /// The reference the publish was sent with, when the service echoes it.
    pub reference: Option<String>,
    pub account_id: Option<String>,
    pub platform: Option<String>,
    pub content_url: Option<String>,
    pub caption: Option<String>,
    pub post_url: Option<String>,
    /// `published`, `failed`, `pending`.
    pub status: String,
    pub error: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl HistoryEntry {
    fn outcome(&self) -> ChannelOutcome {
        match self.status.as_str() {
            "published" | "success" | "completed" | "posted" => ChannelOutcome::Published,
            "failed" | "error" => ChannelOutcome::Failed,
            _ => ChannelOutcome::Pending,
        }
    }

    fn goes_to(&self, channel: &ChannelResult) -> bool {
        match (&self.account_id, &self.platform) {
            (Some(account), _) => account == &channel.channel_id,
            (None, Some(platform)) => channel
                .platform
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case(platform)),
            (None, None) => true,
        }
    }

    fn carries(&self, publish: &PublishView) -> bool {
        let same_media = self.content_url.is_some()
            && (self.content_url == publish.image_url || self.content_url == publish.video_url);
        let same_caption = self.caption.is_some() && self.caption == publish.caption;
        let no_media = publish.image_url.is_none() && publish.video_url.is_none();
        same_media || (same_caption && (no_media || self.content_url.is_none()))
    }

    fn around(&self, publish: &PublishView) -> bool {
        let Some(sent) = publish.sent_at else {
            return false;
        };
        let Some(at) = self.created_at.or(self.published_at) else {
            // Without a time, content and channel must do.
            return true;
        };
        let earliest = sent - chrono::Duration::from_std(CLOCK_SLACK).unwrap_or_default();
        let latest = sent + chrono::Duration::from_std(SETTLE_WINDOW).unwrap_or_default();
        at >= earliest && at <= latest
    }
}

/// The state a publish's channels add up to.
pub fn overall_state(channels: &[ChannelResult]) -> PublishState {
    if channels.iter().any(|c| {
        matches!(
            c.outcome,
            ChannelOutcome::Unconfirmed | ChannelOutcome::Pending
        )
    }) {
        PublishState::Unconfirmed
    } else if channels.iter().all(|c| c.outcome == ChannelOutcome::Failed) {
        PublishState::Failed
    } else {
        PublishState::Confirmed
    }
}

/// What the history says of one unsettled publish: its channels updated, or `None` when
/// nothing changed. `used` holds the history entries already given to some channel.
pub fn settle_one(
    publish: &PublishView,
    history: &[HistoryEntry],
    used: &mut HashSet<String>,
    now: DateTime<Utc>,
) -> Option<(PublishState, Vec<ChannelResult>, Option<PublishProblem>)> {
    let mut channels = publish.channels.clone();
    let mut changed = false;
    for channel in &mut channels {
        if !matches!(
            channel.outcome,
            ChannelOutcome::Unconfirmed | ChannelOutcome::Pending
        ) {
            continue;
        }
        let by_reference = history.iter().find(|e| {
            !used.contains(&e.id)
                && e.reference.as_deref() == Some(&publish.id)
                && e.goes_to(channel)
        });
        let found = by_reference.or_else(|| {
            history.iter().find(|e| {
                !used.contains(&e.id)
                    && e.reference.as_deref().is_none_or(|r| r == publish.id)
                    && e.goes_to(channel)
                    && e.carries(publish)
                    && e.around(publish)
            })
        });
        match found {
            Some(entry) => {
                used.insert(entry.id.clone());
                let outcome = entry.outcome();
                if outcome != channel.outcome || entry.post_url != channel.post_url {
                    channel.outcome = outcome;
                    channel.post_url = entry.post_url.clone();
                    channel.error = entry.error.clone();
                    changed = true;
                }
            }
            None if window_passed(publish, now) => {
                channel.outcome = ChannelOutcome::Failed;
                channel.error = Some("Lamina's publishing history does not show this post.".into());
                changed = true;
            }
            None => {}
        }
    }
    if !changed {
        return None;
    }
    let state = overall_state(&channels);
    let problem = match state {
        PublishState::Confirmed => None,
        PublishState::Failed => Some(PublishProblem {
            message: "This was not published.".into(),
            detail: channels
                .iter()
                .filter_map(|c| c.error.as_deref())
                .collect::<Vec<_>>()
                .join("; "),
        }),
        _ => publish.problem.clone(),
    };
    Some((state, channels, problem))
}

fn window_passed(publish: &PublishView, now: DateTime<Utc>) -> bool {
    let since = publish.sent_at.unwrap_or(publish.created_at);
    now.signed_duration_since(since)
        .to_std()
        .is_ok_and(|elapsed| elapsed > SETTLE_WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unconfirmed(id: &str, sent: DateTime<Utc>) -> PublishView {
        PublishView {
            id: id.into(),
            run_local_id: Some("r".into()),
            run_id: Some("run".into()),
            output_indexes: vec![0],
            image_url: Some("https://cdn/a.png".into()),
            video_url: None,
            caption: Some("Linen".into()),
            channels: vec![ChannelResult {
                channel_id: "ch-ig".into(),
                channel_name: "Demo Instagram".into(),
                platform: Some("instagram".into()),
                outcome: ChannelOutcome::Unconfirmed,
                post_url: None,
                error: None,
            }],
            state: PublishState::Unconfirmed,
            problem: None,
            created_at: sent,
            sent_at: Some(sent),
            updated_at: sent,
            from_service: false,
        }
    }

    fn entry(id: &str, at: DateTime<Utc>) -> HistoryEntry {
        HistoryEntry {
            id: id.into(),
            reference: None,
            account_id: None,
            platform: Some("instagram".into()),
            content_url: Some("https://cdn/a.png".into()),
            caption: Some("Linen".into()),
            post_url: Some(format!("https://posts/{id}")),
            status: "published".into(),
            error: None,
            created_at: Some(at),
            published_at: Some(at),
        }
    }

    #[test]
    fn a_matching_entry_confirms_with_its_post() {
        let sent = Utc::now();
        let publish = unconfirmed("p1", sent);
        let history = [entry("h1", sent + chrono::Duration::seconds(1))];
        let (state, channels, _) =
            settle_one(&publish, &history, &mut HashSet::new(), sent).unwrap();
        assert_eq!(state, PublishState::Confirmed);
        assert_eq!(channels[0].post_url.as_deref(), Some("https://posts/h1"));
    }

    #[test]
    fn other_content_or_time_or_reference_does_not_match() {
        let sent = Utc::now();
        let publish = unconfirmed("p1", sent);
        let mut other_image = entry("h1", sent);
        other_image.content_url = Some("https://cdn/b.png".into());
        let long_before = entry("h2", sent - chrono::Duration::hours(1));
        let mut other_reference = entry("h3", sent);
        other_reference.reference = Some("p-other".into());
        let history = [other_image, long_before, other_reference];
        assert!(settle_one(&publish, &history, &mut HashSet::new(), sent).is_none());
    }

    #[test]
    fn one_entry_settles_one_publish_only() {
        let sent = Utc::now();
        let history = [entry("h1", sent)];
        let mut used = HashSet::new();
        assert!(settle_one(&unconfirmed("p1", sent), &history, &mut used, sent).is_some());
        assert!(settle_one(&unconfirmed("p2", sent), &history, &mut used, sent).is_none());
    }

    #[test]
    fn nothing_in_history_after_the_window_is_not_published() {
        let sent = Utc::now();
        let later = sent
            + chrono::Duration::from_std(SETTLE_WINDOW).unwrap()
            + chrono::Duration::seconds(1);
        let (state, channels, problem) =
            settle_one(&unconfirmed("p1", sent), &[], &mut HashSet::new(), later).unwrap();
        assert_eq!(state, PublishState::Failed);
        assert_eq!(channels[0].outcome, ChannelOutcome::Failed);
        assert!(problem.is_some());
        assert!(settle_one(&unconfirmed("p1", sent), &[], &mut HashSet::new(), sent).is_none());
    }
}
