//! Finding our footing again: the connection coming back after the network dropped, and a run
//! whose start was never confirmed being matched against the service's own run list (instead of
//! being sent again and paid twice).

use std::time::Duration;

use chrono::{DateTime, Utc};
use lamina_api::{OptionalEndpoint, RunFilter, RunStatus};
use serde::{Deserialize, Serialize};

use super::{CoreError, Tracker};
use crate::record::{RunError, RunRecord, RunState};

/// How far around the intent's time a service run may have been created to count as a match
/// (clocks differ, and a POST can sit in a queue for a while).
const MATCH_BEFORE: chrono::Duration = chrono::Duration::minutes(2);
const MATCH_AFTER: chrono::Duration = chrono::Duration::minutes(10);
const MAX_LIST_PAGES: u32 = 5;
/// The app id asked for when a service without a run list is probed for reachability.
const CONNECTION_CHECK_APP: &str = "lamina-desktop-connection-check";

/// A run in the service's list that could be the one whose start was never confirmed.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunCandidate {
    pub run_id: String,
    pub status: RunStatus,
    pub created_at: Option<DateTime<Utc>>,
}

impl Tracker {
    /// Changes of "can we reach the service", newest value first.
    pub fn online(&self) -> tokio::sync::watch::Receiver<bool> {
        self.inner.online.subscribe()
    }

    pub fn is_online(&self) -> bool {
        *self.inner.online.borrow()
    }

    /// Records what a request outside the tracker learned about the connection.
    pub fn set_online(&self, online: bool) {
        let changed = self.inner.online.send_if_modified(|current| {
            let changed = *current != online;
            *current = online;
            changed
        });
        if changed {
            tracing::info!(online, "connection to the service changed");
            if online {
                self.inner.reconnected.notify_waiters();
            }
        }
    }

    /// One cheap request to learn whether the service is reachable. Any answer, even an error
    /// status, means the network is back.
    pub async fn probe(&self) -> bool {
        let filter = RunFilter {
            limit: Some(1),
            ..RunFilter::default()
        };
        let client = &self.inner.client;
        let answer = match client.list_runs(&filter).await {
            // Known missing, so nothing was sent: ask a required endpoint instead (an app that
            // does not exist: the "not found" answer is enough).
            Err(error) if error.unsupported_endpoint().is_some() => {
                client.get_app(CONNECTION_CHECK_APP).await.map(drop)
            }
            other => other.map(drop),
        };
        let online = match answer {
            Ok(()) => true,
            Err(error) => !error.is_unreachable(),
        };
        self.set_online(online);
        online
    }

    /// While offline, probes every `every` until the service answers; then followers waiting
    /// out a backoff wake at once. Runs until the tracker is dropped.
    pub async fn watch_connection(&self, every: Duration) {
        let mut online = self.online();
        loop {
            while *online.borrow_and_update() {
                if online.changed().await.is_err() {
                    return;
                }
            }
            tokio::time::sleep(every).await;
            self.probe().await;
        }
    }

    /// Runs of the same app that the service created around the time of an unconfirmed start
    /// and that no other local run claims, closest in time first. On a service without a run
    /// list this is `ApiErrorKind::Unsupported` (asked once; the UI then says it cannot check
    /// and offers "mark as not started").
    pub async fn unknown_candidates(&self, local_id: &str) -> Result<Vec<RunCandidate>, CoreError> {
        let record = self.require_unknown(local_id)?;
        let earliest = record.created_at - MATCH_BEFORE;
        let latest = record.created_at + MATCH_AFTER;
        let mut candidates = Vec::new();
        for page in 0..MAX_LIST_PAGES {
            let listed = self
                .inner
                .client
                .list_runs(&RunFilter {
                    app_id: Some(record.app_id.clone()),
                    since: Some(earliest),
                    limit: Some(100),
                    offset: Some(page * 100),
                    ..RunFilter::default()
                })
                .await?;
            let count = listed.items.len();
            for run in listed.items {
                let in_window = run
                    .created_at
                    .is_none_or(|created| created >= earliest && created <= latest);
                let same_app = run
                    .workflow_id
                    .as_deref()
                    .is_none_or(|app| app == record.app_id);
                if in_window && same_app && !self.inner.store.is_known_run_id(&run.run_id)? {
                    candidates.push(RunCandidate {
                        run_id: run.run_id,
                        status: run.status,
                        created_at: run.created_at,
                    });
                }
            }
            if count < 100 {
                break;
            }
        }
        candidates.sort_by_key(|c| {
            c.created_at.map_or(i64::MAX, |t| {
                (t - record.created_at).num_milliseconds().abs()
            })
        });
        Ok(candidates)
    }

    /// The person confirmed that `run_id` is this run: tie them together and record its state.
    /// Following it further is the caller's choice ([`Tracker::follow`]).
    pub async fn link_unknown(&self, local_id: &str, run_id: &str) -> Result<RunRecord, CoreError> {
        let record = self.require_unknown(local_id)?;
        if self.inner.store.is_known_run_id(run_id)? {
            return Err(CoreError::Conflict(format!(
                "Run {run_id} already belongs to another run in your history."
            )));
        }
        let run = self.inner.client.get_run(run_id).await?;
        if run
            .workflow_id
            .as_deref()
            .is_some_and(|app| app != record.app_id)
        {
            return Err(CoreError::Conflict(format!(
                "Run {run_id} was made with another app, so it cannot be this one."
            )));
        }
        let linked = self.inner.store.link_run(local_id, &run)?;
        self.emit(&linked);
        Ok(linked)
    }

    /// The person checked and the service has no such run: nothing was charged, and the run is
    /// closed as "never started" (its inputs stay, for starting it again on purpose).
    pub fn mark_not_started(&self, local_id: &str) -> Result<RunRecord, CoreError> {
        self.require_unknown(local_id)?;
        let error = RunError {
            kind: "notStarted".into(),
            message: "This run never started on the service, so nothing was charged. You can \
                      start it again."
                .into(),
            detail: if self
                .inner
                .client
                .endpoints()
                .is_missing(OptionalEndpoint::RunList)
            {
                "The service offers no run list to check against; closed as never started by hand."
                    .into()
            } else {
                "No run of this app in the service's run list matched the time it was sent.".into()
            },
            fields: Vec::new(),
        };
        let record = self
            .inner
            .store
            .close_with_error(local_id, RunState::Failed, &error)?;
        self.emit(&record);
        Ok(record)
    }

    fn require_unknown(&self, local_id: &str) -> Result<RunRecord, CoreError> {
        let record = self
            .inner
            .store
            .get(local_id)?
            .ok_or_else(|| CoreError::UnknownRun(local_id.to_owned()))?;
        if record.state != RunState::Unknown || record.run_id.is_some() {
            return Err(CoreError::Conflict(
                "This run's start is already confirmed; there is nothing to check.".into(),
            ));
        }
        Ok(record)
    }
}
