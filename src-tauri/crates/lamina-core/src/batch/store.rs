//! Batches in SQLite: a batch, its rows (cells, what is sent, and the run each row started),
//! and the views the UI and the CLI show. A row is linked to its run *before* the run's intent
//! is committed, and the intent before the POST, so after a crash every row is either plainly
//! not sent, or has a run the tracker knows how to reconcile.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use lamina_api::{App, Inputs};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::plan::PlannedRow;
use crate::record::{RunError, RunRecord, RunState};
use crate::store::{Store, StoreError, from_millis, millis};

/// Appended to `store::MIGRATIONS`.
pub(crate) const MIGRATION: &str = "CREATE TABLE batches (
        batch_id     TEXT PRIMARY KEY,
        app_id       TEXT NOT NULL,
        app_name     TEXT NOT NULL,
        app_snapshot TEXT NOT NULL,
        name         TEXT NOT NULL,
        columns      TEXT NOT NULL,
        state        TEXT NOT NULL,
        reason       TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    );
    CREATE TABLE batch_rows (
        batch_id  TEXT NOT NULL REFERENCES batches(batch_id) ON DELETE CASCADE,
        idx       INTEGER NOT NULL,
        line      INTEGER NOT NULL,
        cells     TEXT NOT NULL,
        inputs    TEXT NOT NULL,
        state     TEXT NOT NULL,
        local_id  TEXT,
        attempts  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (batch_id, idx)
    );
    CREATE INDEX batch_rows_local ON batch_rows(local_id);
    CREATE INDEX batches_state ON batches(state);";

/// What the person asked of the batch as a whole.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchState {
    /// Rows are being started.
    Active,
    /// No new rows start; runs already started are followed to the end.
    Paused,
    /// Rows not yet started were cancelled; runs already started are followed to the end.
    Cancelled,
    /// Every row is settled.
    Finished,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
            Self::Finished => "finished",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "paused" => Self::Paused,
            "cancelled" => Self::Cancelled,
            "finished" => Self::Finished,
            _ => Self::Active,
        }
    }
}

/// A row as a person sees it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchRowState {
    /// Not sent yet.
    Waiting,
    /// Sent; the service has not answered yet.
    Starting,
    /// Sent, but whether the service started it could not be confirmed (never re-sent).
    Unknown,
    Queued,
    Running,
    Completed,
    Failed,
    /// Cancelled before it was sent, or cancelled by the service.
    Cancelled,
}

impl BatchRowState {
    fn from_run(state: RunState) -> Self {
        match state {
            RunState::Starting => Self::Starting,
            RunState::Unknown => Self::Unknown,
            RunState::Queued => Self::Queued,
            RunState::Running => Self::Running,
            RunState::Completed => Self::Completed,
            RunState::Failed => Self::Failed,
            RunState::Cancelled => Self::Cancelled,
        }
    }

    pub fn is_in_flight(self) -> bool {
        matches!(self, Self::Starting | Self::Queued | Self::Running)
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    pub index: u32,
    pub line: u32,
    pub cells: BTreeMap<String, String>,
    pub inputs: Inputs,
    pub state: BatchRowState,
    pub attempts: u32,
    /// The row's current run (the latest attempt), with its outputs.
    pub run: Option<RunRecord>,
}

impl BatchRow {
    pub fn error(&self) -> Option<&RunError> {
        self.run.as_ref().and_then(|r| r.error.as_ref())
    }

    /// Terminal with its outputs downloaded (or cancelled before sending).
    pub fn is_settled(&self) -> bool {
        match self.state {
            BatchRowState::Waiting => false,
            BatchRowState::Cancelled if self.run.is_none() => true,
            _ => self.run.as_ref().is_some_and(RunRecord::is_settled),
        }
    }
}

/// Totals for progress bars and the CLI.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BatchProgress {
    pub batch_id: String,
    pub state: Option<BatchState>,
    pub total: u32,
    pub waiting: u32,
    pub in_flight: u32,
    pub completed: u32,
    pub failed: u32,
    pub cancelled: u32,
    pub unknown: u32,
    /// Estimated seconds to the end, from the request budget and what is left.
    pub eta_s: Option<u32>,
    /// Why the batch paused by itself (e.g. out of credits).
    pub reason: Option<String>,
}

impl BatchProgress {
    pub fn done(&self) -> u32 {
        self.completed + self.failed + self.cancelled + self.unknown
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub batch_id: String,
    pub app_id: String,
    pub app_name: String,
    pub name: String,
    pub columns: Vec<String>,
    pub state: BatchState,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Commits a batch and all its rows (waiting) in one transaction.
    pub fn insert_batch(
        &self,
        batch_id: &str,
        app: &App,
        name: &str,
        columns: &[String],
        rows: &[PlannedRow],
    ) -> Result<BatchSummary, StoreError> {
        let now = millis(Utc::now());
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO batches (batch_id, app_id, app_name, app_snapshot, name, columns,
                                      state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?7)",
                params![
                    batch_id,
                    app.app_id,
                    app.name,
                    serde_json::to_string(app)?,
                    name,
                    serde_json::to_string(columns)?,
                    now
                ],
            )?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO batch_rows (batch_id, idx, line, cells, inputs, state)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'waiting')",
                )?;
                for (i, row) in rows.iter().enumerate() {
                    insert.execute(params![
                        batch_id,
                        i as i64,
                        row.line,
                        serde_json::to_string(&row.cells)?,
                        serde_json::to_string(&row.inputs)?
                    ])?;
                }
            }
            tx.commit()?;
        }
        self.batch(batch_id)?
            .ok_or_else(|| StoreError::missing(batch_id))
    }

    pub fn batch(&self, batch_id: &str) -> Result<Option<BatchSummary>, StoreError> {
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT batch_id, app_id, app_name, name, columns, state, reason, created_at
                 FROM batches WHERE batch_id = ?1",
                [batch_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(batch_id, app_id, app_name, name, columns, state, reason, created)| {
                Ok(BatchSummary {
                    batch_id,
                    app_id,
                    app_name,
                    name,
                    columns: serde_json::from_str(&columns)?,
                    state: BatchState::parse(&state),
                    reason,
                    created_at: from_millis(created),
                })
            },
        )
        .transpose()
    }

    /// The app as it was when the batch was made (rows were validated against it).
    pub fn batch_app(&self, batch_id: &str) -> Result<App, StoreError> {
        let text: String = self
            .lock()
            .query_row(
                "SELECT app_snapshot FROM batches WHERE batch_id = ?1",
                [batch_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::missing(batch_id))?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Newest first.
    pub fn batches(&self, limit: usize) -> Result<Vec<BatchSummary>, StoreError> {
        let ids: Vec<String> = {
            let conn = self.lock();
            let mut statement =
                conn.prepare("SELECT batch_id FROM batches ORDER BY created_at DESC LIMIT ?1")?;
            statement
                .query_map([limit as i64], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        ids.iter()
            .filter_map(|id| self.batch(id).transpose())
            .collect()
    }

    /// Batches with rows still to start or follow (resumed on start-up).
    pub fn unfinished_batches(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(
            "SELECT batch_id FROM batches WHERE state != 'finished' ORDER BY created_at",
        )?;
        let ids = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The runs of batches with work left: their drivers follow them (see `Tracker::resume`).
    pub fn runs_of_unfinished_batches(&self) -> Result<HashSet<String>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(
            "SELECT r.local_id FROM batch_rows r JOIN batches b ON b.batch_id = r.batch_id
             WHERE b.state != 'finished' AND r.local_id IS NOT NULL",
        )?;
        let ids = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    pub fn set_batch_state(
        &self,
        batch_id: &str,
        state: BatchState,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let changed = self.lock().execute(
            "UPDATE batches SET state = ?2, reason = ?3, updated_at = ?4 WHERE batch_id = ?1",
            params![batch_id, state.as_str(), reason, millis(Utc::now())],
        )?;
        if changed == 0 {
            return Err(StoreError::missing(batch_id));
        }
        Ok(())
    }

    pub fn batch_rows(&self, batch_id: &str) -> Result<Vec<BatchRow>, StoreError> {
        type Raw = (u32, u32, String, String, String, Option<String>, u32);
        let raw: Vec<Raw> = {
            let conn = self.lock();
            let mut statement = conn.prepare_cached(
                "SELECT idx, line, cells, inputs, state, local_id, attempts FROM batch_rows
                 WHERE batch_id = ?1 ORDER BY idx",
            )?;
            statement
                .query_map([batch_id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?
                .collect::<Result<_, _>>()?
        };
        raw.into_iter()
            .map(|(index, line, cells, inputs, state, local_id, attempts)| {
                let run = match &local_id {
                    Some(id) => self.get(id)?,
                    None => None,
                };
                let state = match (state.as_str(), &run) {
                    ("cancelled", None) => BatchRowState::Cancelled,
                    (_, Some(run)) => BatchRowState::from_run(run.state),
                    // Claimed but its intent never committed: nothing was sent.
                    _ => BatchRowState::Waiting,
                };
                Ok(BatchRow {
                    index,
                    line,
                    cells: serde_json::from_str(&cells)?,
                    inputs: serde_json::from_str(&inputs)?,
                    state,
                    attempts,
                    run,
                })
            })
            .collect()
    }

    /// Ties the row to the run about to be started (before the run's intent is committed).
    pub(crate) fn claim_batch_row(
        &self,
        batch_id: &str,
        index: u32,
        local_id: &str,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE batch_rows SET state = 'started', local_id = ?3, attempts = attempts + 1
             WHERE batch_id = ?1 AND idx = ?2",
            params![batch_id, index, local_id],
        )?;
        Ok(())
    }

    /// Puts rows back in the queue: the row was never sent (its intent is missing, or the
    /// service confirmed it has no such run).
    pub(crate) fn release_batch_row(&self, batch_id: &str, index: u32) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE batch_rows SET state = 'waiting', local_id = NULL
             WHERE batch_id = ?1 AND idx = ?2",
            params![batch_id, index],
        )?;
        Ok(())
    }

    /// Cancels every row not yet sent; returns how many.
    pub(crate) fn cancel_waiting_rows(&self, batch_id: &str) -> Result<usize, StoreError> {
        Ok(self.lock().execute(
            "UPDATE batch_rows SET state = 'cancelled'
             WHERE batch_id = ?1 AND state = 'waiting'",
            [batch_id],
        )?)
    }

    /// Queues the given rows again (their old runs stay in history).
    pub(crate) fn requeue_rows(&self, batch_id: &str, indexes: &[u32]) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for index in indexes {
            tx.execute(
                "UPDATE batch_rows SET state = 'waiting', local_id = NULL
                 WHERE batch_id = ?1 AND idx = ?2",
                params![batch_id, index],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a state learned from the service's run list (no outputs in a list), returning
    /// the new record if it changed.
    pub(crate) fn record_listed_state(
        &self,
        local_id: &str,
        state: RunState,
        started_at: Option<DateTime<Utc>>,
    ) -> Result<Option<RunRecord>, StoreError> {
        let changed = self.lock().execute(
            "UPDATE runs SET state = ?2, started_at = COALESCE(started_at, ?3), updated_at = ?4
             WHERE local_id = ?1 AND state != ?2",
            params![
                local_id,
                state.as_str(),
                started_at.map(millis),
                millis(Utc::now())
            ],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.get(local_id)
    }
}

impl Store {
    /// A row's start whose answer never came because the process that sent it died: `unknown`
    /// (it may have started a paid run), like `mark_unanswered_starts_unknown` but for one run.
    pub(crate) fn mark_start_unanswered(&self, local_id: &str) -> Result<(), StoreError> {
        let error = RunError {
            kind: "unknown".into(),
            message: "We couldn't confirm this run started. Check it before trying again.".into(),
            detail: "The app stopped before the service answered the start request.".into(),
            fields: Vec::new(),
        };
        self.lock().execute(
            "UPDATE runs SET state = 'unknown', error = ?2, updated_at = ?3
             WHERE local_id = ?1 AND state = 'starting'",
            params![local_id, serde_json::to_string(&error)?, millis(Utc::now())],
        )?;
        Ok(())
    }
}

/// A row's scheduling state in one query (no outputs loaded): what the scheduler looks at on
/// every step.
#[derive(Debug, Clone)]
pub(crate) struct RowLite {
    pub index: u32,
    pub state: BatchRowState,
    pub local_id: Option<String>,
    pub run_id: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub terminal: bool,
    /// A finished output still waiting to be downloaded.
    pub pending_files: bool,
}

impl Store {
    pub(crate) fn batch_row_states(&self, batch_id: &str) -> Result<Vec<RowLite>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT b.idx, b.state, r.local_id, r.state, r.run_id, r.created_at,
                EXISTS (SELECT 1 FROM outputs o WHERE o.local_id = r.local_id
                        AND o.status = 'completed' AND o.file IS NULL AND o.file_error IS NULL
                        AND o.kind IN ('image', 'video', 'audio') AND o.value LIKE 'http%')
             FROM batch_rows b LEFT JOIN runs r ON r.local_id = b.local_id
             WHERE b.batch_id = ?1 ORDER BY b.idx",
        )?;
        let rows = statement
            .query_map([batch_id], |r| {
                let row_state: String = r.get(1)?;
                let local_id: Option<String> = r.get(2)?;
                let run_state: Option<String> = r.get(3)?;
                let run_state = run_state.as_deref().map(RunState::parse);
                let state = match (row_state.as_str(), run_state) {
                    (_, Some(run)) => BatchRowState::from_run(run),
                    ("cancelled", None) => BatchRowState::Cancelled,
                    _ => BatchRowState::Waiting,
                };
                Ok(RowLite {
                    index: r.get(0)?,
                    state,
                    local_id,
                    run_id: r.get(4)?,
                    created_at: r.get::<_, Option<i64>>(5)?.map(from_millis),
                    terminal: run_state.is_some_and(RunState::is_terminal),
                    pending_files: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub(crate) fn batch_row_inputs(
        &self,
        batch_id: &str,
        index: u32,
    ) -> Result<Inputs, StoreError> {
        let text: String = self.lock().query_row(
            "SELECT inputs FROM batch_rows WHERE batch_id = ?1 AND idx = ?2",
            params![batch_id, index],
            |r| r.get(0),
        )?;
        Ok(serde_json::from_str(&text)?)
    }
}
