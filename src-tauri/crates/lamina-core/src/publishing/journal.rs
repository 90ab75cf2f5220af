//! The `publishes` table: every publish from its intent on, so a lost answer or a killed process
//! can never turn into a second post.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{ChannelOutcome, ChannelResult, PublishProblem, PublishState, PublishView};
use crate::store::{Store, StoreError, from_millis, millis};

/// Appended to `store::MIGRATIONS`.
pub(crate) const MIGRATION: &str = "CREATE TABLE publishes (
        id             TEXT PRIMARY KEY,
        run_local_id   TEXT,
        run_id         TEXT,
        output_indexes TEXT NOT NULL,
        image_url      TEXT,
        video_url      TEXT,
        caption        TEXT,
        channels       TEXT NOT NULL,
        state          TEXT NOT NULL,
        problem        TEXT,
        created_at     INTEGER NOT NULL,
        sent_at        INTEGER,
        updated_at     INTEGER NOT NULL
    );
    CREATE INDEX publishes_state ON publishes(state);
    CREATE INDEX publishes_created ON publishes(created_at DESC);";

const SELECT_PUBLISH: &str = "SELECT id, run_local_id, run_id, output_indexes, image_url,
    video_url, caption, channels, state, problem, created_at, sent_at, updated_at FROM publishes";

impl Store {
    /// Step 1: the intent, before anything is copied or sent.
    pub fn insert_publish_intent(&self, publish: &PublishView) -> Result<PublishView, StoreError> {
        self.lock().execute(
            "INSERT INTO publishes (id, run_local_id, run_id, output_indexes, image_url,
                video_url, caption, channels, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                publish.id,
                publish.run_local_id,
                publish.run_id,
                serde_json::to_string(&publish.output_indexes)?,
                publish.image_url,
                publish.video_url,
                publish.caption,
                serde_json::to_string(&publish.channels)?,
                PublishState::Intent.as_str(),
                millis(publish.created_at),
            ],
        )?;
        self.require_publish(&publish.id)
    }

    /// Step 2: committed just before the request leaves, with the addresses it carries.
    pub fn mark_publish_sent(
        &self,
        id: &str,
        image_url: Option<&str>,
        video_url: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<PublishView, StoreError> {
        self.lock().execute(
            "UPDATE publishes SET state = ?2, image_url = ?3, video_url = ?4, sent_at = ?5,
                updated_at = ?5
             WHERE id = ?1 AND state = 'intent'",
            params![
                id,
                PublishState::Sent.as_str(),
                image_url,
                video_url,
                millis(at)
            ],
        )?;
        self.require_publish(id)
    }

    /// Records an outcome: per-channel results and the state they add up to.
    pub fn record_publish_outcome(
        &self,
        id: &str,
        state: PublishState,
        channels: &[ChannelResult],
        problem: Option<&PublishProblem>,
    ) -> Result<PublishView, StoreError> {
        self.lock().execute(
            "UPDATE publishes SET state = ?2, channels = ?3, problem = ?4, updated_at = ?5
             WHERE id = ?1",
            params![
                id,
                state.as_str(),
                serde_json::to_string(channels)?,
                problem.map(serde_json::to_string).transpose()?,
                millis(Utc::now())
            ],
        )?;
        self.require_publish(id)
    }

    /// After a restart: a publish that was on its way when the process stopped is unconfirmed
    /// (it may have gone out); one that never left failed, plainly not sent. Neither is sent
    /// again. Returns how many changed.
    pub fn close_interrupted_publishes(&self) -> Result<usize, StoreError> {
        let mut changed = 0;
        for publish in self.publishes_in(&[PublishState::Intent, PublishState::Sent])? {
            let (state, outcome, problem) = if publish.state == PublishState::Sent {
                (
                    PublishState::Unconfirmed,
                    ChannelOutcome::Unconfirmed,
                    PublishProblem {
                        message: "We couldn't confirm this went out. Checking with Lamina.".into(),
                        detail: "The app stopped before the service answered the publish request."
                            .into(),
                    },
                )
            } else {
                (
                    PublishState::Failed,
                    ChannelOutcome::Failed,
                    PublishProblem {
                        message: "This was not published: the app stopped before sending it."
                            .into(),
                        detail: "The publish was recorded but never sent.".into(),
                    },
                )
            };
            let channels: Vec<ChannelResult> = publish
                .channels
                .iter()
                .cloned()
                .map(|mut c| {
                    c.outcome = outcome;
                    c
                })
                .collect();
            self.record_publish_outcome(&publish.id, state, &channels, Some(&problem))?;
            changed += 1;
        }
        Ok(changed)
    }

    /// Forgets a publish that was refused before anything went out (the service has no
    /// publishing at all).
    pub fn delete_publish(&self, id: &str) -> Result<(), StoreError> {
        self.lock()
            .execute("DELETE FROM publishes WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn publish_entry(&self, id: &str) -> Result<Option<PublishView>, StoreError> {
        let row = self
            .lock()
            .query_row(
                &format!("{SELECT_PUBLISH} WHERE id = ?1"),
                [id],
                read_publish,
            )
            .optional()?;
        row.transpose()
    }

    fn require_publish(&self, id: &str) -> Result<PublishView, StoreError> {
        self.publish_entry(id)?
            .ok_or_else(|| StoreError::other(format!("publish {id} is not in the journal")))
    }

    pub fn publishes_in(&self, states: &[PublishState]) -> Result<Vec<PublishView>, StoreError> {
        let wanted: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        Ok(self
            .list_publishes(10_000)?
            .into_iter()
            .filter(|p| wanted.contains(&p.state.as_str()))
            .collect())
    }

    /// Newest first.
    pub fn list_publishes(&self, limit: usize) -> Result<Vec<PublishView>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(&format!(
            "{SELECT_PUBLISH} ORDER BY created_at DESC, rowid DESC LIMIT ?1"
        ))?;
        let rows = statement
            .query_map([limit as i64], read_publish)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().collect()
    }
}

fn read_publish(row: &Row<'_>) -> rusqlite::Result<Result<PublishView, StoreError>> {
    let indexes: String = row.get(3)?;
    let channels: String = row.get(7)?;
    let state: String = row.get(8)?;
    let problem: Option<String> = row.get(9)?;
    Ok((|| {
        Ok(PublishView {
            id: row.get(0)?,
            run_local_id: row.get(1)?,
            run_id: row.get(2)?,
            output_indexes: serde_json::from_str(&indexes)?,
            image_url: row.get(4)?,
            video_url: row.get(5)?,
            caption: row.get(6)?,
            channels: serde_json::from_str(&channels)?,
            state: PublishState::parse(&state),
            problem: problem.map(|p| serde_json::from_str(&p)).transpose()?,
            created_at: from_millis(row.get(10)?),
            sent_at: row.get::<_, Option<i64>>(11)?.map(from_millis),
            updated_at: from_millis(row.get(12)?),
            from_service: false,
        })
    })())
}
