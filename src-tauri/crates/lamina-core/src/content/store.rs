//! `content_runs`: what a brief adds to its run, in SQLite beside `runs`. The run's row and its
//! content row are written in one transaction before the request leaves, so a content run is in
//! history (and never sent twice) exactly like any run.

use chrono::{DateTime, Utc};
use lamina_api::{Inputs, Run};
use rusqlite::{OptionalExtension, params};

use super::{ContentBrief, ContentInfo, ContentRunView, ContentScores};
use crate::record::{RunRecord, RunState};
use crate::store::{Store, StoreError, millis};

/// Appended to `store::MIGRATIONS`.
pub(crate) const MIGRATION: &str = "CREATE TABLE content_runs (
        local_id      TEXT PRIMARY KEY REFERENCES runs(local_id) ON DELETE CASCADE,
        brief         TEXT NOT NULL,
        platform      TEXT,
        modality      TEXT,
        template_id   TEXT,
        brand_id      TEXT,
        requested     TEXT NOT NULL,
        reason        TEXT,
        mapped_inputs TEXT,
        scores        TEXT,
        scored_at     INTEGER
    );";

/// The app a content run will use is the service's choice: until it answers, the run has none.
const APP_NOT_CHOSEN: &str = "";

impl Store {
    /// The intent of a content run: its run row (state `starting`, no app yet) and its brief, in
    /// one transaction, before the request leaves.
    pub fn insert_content_intent(
        &self,
        local_id: &str,
        request: &ContentBrief,
        base_url: &str,
        webhook_url: Option<&str>,
        created_at: DateTime<Utc>,
    ) -> Result<RunRecord, StoreError> {
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            let now = millis(created_at);
            tx.execute(
                "INSERT INTO runs (local_id, app_id, app_name, app_snapshot, inputs, base_url,
                                   webhook_url, state, created_at, updated_at)
                 VALUES (?1, ?2, ?2, '{}', ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    local_id,
                    APP_NOT_CHOSEN,
                    serde_json::to_string(&request.inputs)?,
                    base_url,
                    webhook_url,
                    RunState::Starting.as_str(),
                    now,
                ],
            )?;
            tx.execute(
                "INSERT INTO content_runs (local_id, brief, platform, modality, template_id,
                                           brand_id, requested)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    local_id,
                    request.brief,
                    request.platform,
                    request.modality,
                    request.template_id,
                    request.brand_id,
                    serde_json::to_string(request)?,
                ],
            )?;
            tx.commit()?;
        }
        self.get(local_id)?
            .ok_or_else(|| StoreError::missing(local_id))
    }

    /// The service accepted the brief: the app it chose, why, the inputs it filled, then the
    /// run's id and first state as for any run.
    pub fn record_content_started(
        &self,
        local_id: &str,
        run: &Run,
        reason: Option<&str>,
        mapped_inputs: Option<&Inputs>,
    ) -> Result<RunRecord, StoreError> {
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            tx.execute(
                "UPDATE runs SET app_id = COALESCE(?2, app_id), app_name = COALESCE(?3, app_name),
                    inputs = COALESCE(?4, inputs)
                 WHERE local_id = ?1",
                params![
                    local_id,
                    run.workflow_id,
                    run.workflow_name,
                    mapped_inputs.map(serde_json::to_string).transpose()?,
                ],
            )?;
            tx.execute(
                "UPDATE content_runs SET reason = ?2, mapped_inputs = ?3 WHERE local_id = ?1",
                params![
                    local_id,
                    reason,
                    mapped_inputs.map(serde_json::to_string).transpose()?,
                ],
            )?;
            tx.commit()?;
        }
        self.record_started(local_id, run)
    }

    pub fn set_content_scores(
        &self,
        local_id: &str,
        scores: &ContentScores,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE content_runs SET scores = ?2, scored_at = ?3 WHERE local_id = ?1",
            params![local_id, serde_json::to_string(scores)?, millis(Utc::now())],
        )?;
        Ok(())
    }

    /// What the brief added to run `local_id`; `None` for an ordinary run.
    pub fn content_info(&self, local_id: &str) -> Result<Option<ContentInfo>, StoreError> {
        let row = self
            .lock()
            .query_row(
                "SELECT requested, reason, mapped_inputs, scores FROM content_runs
                 WHERE local_id = ?1",
                [local_id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((requested, reason, mapped, scores)) = row else {
            return Ok(None);
        };
        Ok(Some(ContentInfo {
            request: serde_json::from_str(&requested)?,
            reason,
            mapped_inputs: mapped.map(|m| serde_json::from_str(&m)).transpose()?,
            scores: scores.map(|s| serde_json::from_str(&s)).transpose()?,
        }))
    }

    /// Run `id` (local or service id) with its brief, if it is a content run.
    pub fn content_run(&self, id: &str) -> Result<Option<ContentRunView>, StoreError> {
        let Some(run) = self.find(id)? else {
            return Ok(None);
        };
        Ok(self
            .content_info(&run.local_id)?
            .map(|content| ContentRunView { run, content }))
    }
}

impl Store {
    /// Forgets a content run whose request was refused before anything went out (the service
    /// has no content creation): it never existed anywhere but here.
    pub fn forget_unsent_run(&self, local_id: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "DELETE FROM runs WHERE local_id = ?1 AND run_id IS NULL",
            [local_id],
        )?;
        Ok(())
    }
}
