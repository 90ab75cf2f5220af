//! SQLite history: every run ever started, written before anything is shown.
//!
//! One file, numbered forward-only migrations (never drop a column an older build reads), WAL so
//! the desktop app and the CLI can share it, `synchronous=FULL` because a committed intent is the
//! promise that a paid run is never lost.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use lamina_api::{ApiError, App, Inputs, Output, Run};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::record::{OutputRecord, RunError, RunRecord, RunState, StoredFile};

#[derive(Debug, thiserror::Error)]
#[error("run history: {0}")]
pub struct StoreError(String);

impl StoreError {
    pub fn missing(id: &str) -> Self {
        Self(format!("run {id} is not in history"))
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self(error.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self(format!("corrupt record: {error}"))
    }
}

/// The start and end a run shows. The service's own, unless it gives none or gives one instant
/// for both (a service may stamp both at the end): then what this computer saw, the start being
/// the moment the run was sent and the end the first answer that found it finished, so a 5 s
/// run never shows "0 s".
fn shown_times(
    before: &RunRecord,
    run: &Run,
    state: RunState,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let service_usable = run.started_at.is_none() || run.started_at != run.completed_at;
    let started = match run.started_at {
        Some(at) if service_usable => Some(at),
        _ if state != RunState::Queued && before.started_at.is_none() => Some(before.created_at),
        _ => None,
    };
    let completed = match run.completed_at {
        Some(at) if service_usable => Some(at),
        _ if state.is_terminal() && before.completed_at.is_none() => Some(now),
        _ => None,
    };
    (started, completed)
}

const MIGRATIONS: &[&str] = &[
    // 1: runs and their outputs.
    "CREATE TABLE runs (
        local_id      TEXT PRIMARY KEY,
        run_id        TEXT UNIQUE,
        app_id        TEXT NOT NULL,
        app_name      TEXT NOT NULL,
        app_snapshot  TEXT NOT NULL,
        inputs        TEXT NOT NULL,
        base_url      TEXT NOT NULL,
        webhook_url   TEXT,
        state         TEXT NOT NULL,
        error_message TEXT,
        error         TEXT,
        created_at    INTEGER NOT NULL,
        started_at    INTEGER,
        completed_at  INTEGER,
        updated_at    INTEGER NOT NULL
    );
    CREATE INDEX runs_created ON runs(created_at DESC);
    CREATE INDEX runs_state ON runs(state);
    CREATE TABLE outputs (
        local_id   TEXT NOT NULL REFERENCES runs(local_id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL,
        output_id  TEXT NOT NULL,
        label      TEXT,
        kind       TEXT NOT NULL,
        status     TEXT NOT NULL,
        value      TEXT,
        error      TEXT,
        file       TEXT,
        file_error TEXT,
        PRIMARY KEY (local_id, idx)
    );
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: favourites, and the gallery's newest-first walk over kept images.
    "ALTER TABLE outputs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX outputs_starred ON outputs(starred) WHERE starred = 1;
    CREATE INDEX runs_app_created ON runs(app_id, created_at DESC);",
    // 3: webhook deliveries: signatures already accepted (replay protection) and a log of the
    // last deliveries (crate::webhook).
    "CREATE TABLE webhook_seen (
        signature  TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        timestamp  INTEGER NOT NULL,
        seen_at    INTEGER NOT NULL
    );
    CREATE INDEX webhook_seen_at ON webhook_seen(seen_at);
    CREATE TABLE webhook_deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        request_id  TEXT,
        run_id      TEXT,
        http_status INTEGER NOT NULL,
        outcome     TEXT NOT NULL,
        reason      TEXT
    );",
    // 4: batches and their rows, each row linked to the run it started.
    crate::batch::store::MIGRATION,
    // 5: presets (saved forms, per app).
    crate::presets::MIGRATION,
    // 6: content runs (what a brief adds to its run).
    crate::content::store::MIGRATION,
    // 7: the publishing journal.
    crate::publishing::journal::MIGRATION,
    // 8: uploads of the user's own photos (crate::storage::uploads).
    crate::storage::uploads::MIGRATION,
    // 9: outputs' permanent copies on Lamina's CDN (crate::storage::reuse).
    crate::storage::reuse::MIGRATION,
];

/// What is known before the POST: enough to show, replay and reconcile the run.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub local_id: String,
    pub app: &'a App,
    pub inputs: &'a Inputs,
    pub base_url: &'a str,
    pub webhook_url: Option<&'a str>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// Switching a fresh file to WAL needs an exclusive lock, and SQLite may answer `SQLITE_BUSY` at
/// once, without the busy handler, while another process holds a lock (the app and CLI runs
/// creating the history together): ask again for up to the busy timeout.
fn switch_to_wal(conn: &Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(error, _))
                if matches!(
                    error.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError(format!("cannot create {}: {e}", parent.display())))?;
        }
        Self::init(Connection::open(path)?)
    }

    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        switch_to_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Several processes (the app, CLI runs) may open a fresh file at once: migrate under an
        // immediate (write-locked) transaction and read the version inside it.
        let mut conn = conn;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError(format!(
                "history was written by a newer version (schema {version}); please update the app"
            )));
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
        }
        tx.commit()?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions), so a
        // poisoned lock is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Step 2 of the lifecycle: the intent is committed before the POST leaves.
    pub fn insert_intent(&self, run: &NewRun<'_>) -> Result<RunRecord, StoreError> {
        let now = millis(run.created_at);
        self.lock().execute(
            "INSERT INTO runs (local_id, app_id, app_name, app_snapshot, inputs, base_url,
                               webhook_url, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                run.local_id,
                run.app.app_id,
                run.app.name,
                serde_json::to_string(run.app)?,
                serde_json::to_string(run.inputs)?,
                run.base_url,
                run.webhook_url,
                RunState::Starting.as_str(),
                now,
            ],
        )?;
        self.require(&run.local_id)
    }

    /// The service accepted the run: remember its id and first state.
    pub fn record_started(&self, local_id: &str, run: &Run) -> Result<RunRecord, StoreError> {
        {
            let conn = self.lock();
            conn.execute(
                "UPDATE runs SET run_id = ?2, updated_at = ?3 WHERE local_id = ?1",
                params![local_id, run.run_id, millis(Utc::now())],
            )?;
        }
        self.apply_run(local_id, run)?;
        self.require(local_id)
    }

    /// The POST failed. A definite refusal fails the run; an unanswered POST becomes `unknown`
    /// (it may have started a paid run, so it is never re-sent blindly).
    pub fn record_start_error(
        &self,
        local_id: &str,
        error: &ApiError,
    ) -> Result<RunRecord, StoreError> {
        let state = if error.outcome_unknown {
            RunState::Unknown
        } else {
            RunState::Failed
        };
        let run_error = RunError::from_api(error);
        self.lock().execute(
            "UPDATE runs SET state = ?2, error = ?3, updated_at = ?4 WHERE local_id = ?1",
            params![
                local_id,
                state.as_str(),
                serde_json::to_string(&run_error)?,
                millis(Utc::now())
            ],
        )?;
        self.require(local_id)
    }

    /// Marks runs whose POST never got an answer (e.g. the process died mid-request).
    pub fn mark_unanswered_starts_unknown(&self) -> Result<usize, StoreError> {
        let error = RunError {
            kind: "unknown".into(),
            message: "We couldn't confirm this run started. Check it before trying again.".into(),
            detail: "The app stopped before the service answered the start request.".into(),
            fields: Vec::new(),
        };
        Ok(self.lock().execute(
            "UPDATE runs SET state = ?1, error = ?2, updated_at = ?3 WHERE state = ?4",
            params![
                RunState::Unknown.as_str(),
                serde_json::to_string(&error)?,
                millis(Utc::now()),
                RunState::Starting.as_str()
            ],
        )?)
    }

    /// Ties an unconfirmed intent to the service's run the person picked, clearing the
    /// "unknown" error, then records the run's state.
    pub fn link_run(&self, local_id: &str, run: &Run) -> Result<RunRecord, StoreError> {
        self.lock().execute(
            "UPDATE runs SET run_id = ?2, error = NULL, state = ?3, updated_at = ?4
             WHERE local_id = ?1 AND run_id IS NULL",
            params![
                local_id,
                run.run_id,
                RunState::Queued.as_str(),
                millis(Utc::now())
            ],
        )?;
        self.apply_run(local_id, run)?;
        self.require(local_id)
    }

    /// Ends a run locally with our own explanation (e.g. "never started").
    pub fn close_with_error(
        &self,
        local_id: &str,
        state: RunState,
        error: &RunError,
    ) -> Result<RunRecord, StoreError> {
        self.lock().execute(
            "UPDATE runs SET state = ?2, error = ?3, updated_at = ?4 WHERE local_id = ?1",
            params![
                local_id,
                state.as_str(),
                serde_json::to_string(error)?,
                millis(Utc::now())
            ],
        )?;
        self.require(local_id)
    }

    /// Applies the service's view of a run. Returns the new record only if something changed, so
    /// callers emit an event exactly when there is news.
    pub fn apply_run(&self, local_id: &str, run: &Run) -> Result<Option<RunRecord>, StoreError> {
        let before = self.require(local_id)?;
        let state = RunState::from_status(run.status);
        let (started_at, completed_at) = shown_times(&before, run, state, Utc::now());
        let outputs_changed = run.outputs.len() != before.outputs.len()
            || run
                .outputs
                .iter()
                .zip(&before.outputs)
                .any(|(new, old)| !old.same_as(new));
        let changed = state != before.state
            || outputs_changed
            || run.error_message != before.error_message
            || (started_at.is_some() && before.started_at.is_none())
            || (completed_at.is_some() && before.completed_at.is_none());
        if !changed {
            return Ok(None);
        }
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE runs SET state = ?2, error_message = ?3,
                started_at = COALESCE(?4, started_at), completed_at = COALESCE(?5, completed_at),
                updated_at = ?6
             WHERE local_id = ?1",
            params![
                local_id,
                state.as_str(),
                run.error_message,
                started_at.map(millis),
                completed_at.map(millis),
                millis(Utc::now())
            ],
        )?;
        for (index, output) in run.outputs.iter().enumerate() {
            upsert_output(&tx, local_id, index, output)?;
        }
        tx.commit()?;
        drop(conn);
        self.get(local_id)
    }

    /// Records where an output's file was kept, or why it could not be.
    pub fn record_output_file(
        &self,
        local_id: &str,
        index: usize,
        file: Result<&StoredFile, &str>,
    ) -> Result<RunRecord, StoreError> {
        let (file, file_error) = match file {
            Ok(file) => (Some(serde_json::to_string(file)?), None),
            Err(reason) => (None, Some(reason)),
        };
        self.lock().execute(
            "UPDATE outputs SET file = ?3, file_error = ?4 WHERE local_id = ?1 AND idx = ?2",
            params![local_id, index as i64, file, file_error],
        )?;
        self.touch(local_id)?;
        self.require(local_id)
    }

    fn touch(&self, local_id: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE runs SET updated_at = ?2 WHERE local_id = ?1",
            params![local_id, millis(Utc::now())],
        )?;
        Ok(())
    }

    pub fn get(&self, local_id: &str) -> Result<Option<RunRecord>, StoreError> {
        let conn = self.lock();
        let run = conn
            .query_row(
                &format!("{SELECT_RUN} WHERE local_id = ?1"),
                [local_id],
                read_run,
            )
            .optional()?;
        match run {
            Some(run) => Ok(Some(with_outputs(&conn, run?)?)),
            None => Ok(None),
        }
    }

    fn require(&self, local_id: &str) -> Result<RunRecord, StoreError> {
        self.get(local_id)?
            .ok_or_else(|| StoreError::missing(local_id))
    }

    /// Looks a run up by the service's id or by the local id.
    pub fn find(&self, id: &str) -> Result<Option<RunRecord>, StoreError> {
        let local_id: Option<String> = self
            .lock()
            .query_row(
                "SELECT local_id FROM runs WHERE run_id = ?1 OR local_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match local_id {
            Some(local_id) => self.get(&local_id),
            None => Ok(None),
        }
    }

    /// Newest first.
    pub fn list(&self, limit: usize, offset: usize) -> Result<Vec<RunRecord>, StoreError> {
        self.query_runs(
            &format!("{SELECT_RUN} ORDER BY created_at DESC, rowid DESC LIMIT ?1 OFFSET ?2"),
            params![limit as i64, offset as i64],
        )
    }

    /// Runs the service has accepted but that have not reached a terminal state.
    pub fn unfinished(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.query_runs(
            &format!(
                "{SELECT_RUN} WHERE state IN ('queued', 'running') AND run_id IS NOT NULL
                 ORDER BY created_at"
            ),
            params![],
        )
    }

    /// Finished runs with an output whose file was never kept (the process stopped mid-download).
    pub fn terminal_with_missing_files(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.query_runs(
            &format!(
                "{SELECT_RUN} WHERE state IN ('completed', 'failed', 'cancelled') AND local_id IN (
                    SELECT local_id FROM outputs WHERE status = 'completed'
                      AND kind IN ('image', 'video', 'audio') AND file IS NULL AND file_error IS NULL)
                 ORDER BY created_at"
            ),
            params![],
        )
    }

    pub(crate) fn query_runs(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<RunRecord>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(sql)?;
        let rows = statement
            .query_map(args, read_run)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|run| with_outputs(&conn, run?))
            .collect()
    }

    pub fn kv_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .lock()
            .query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn kv_set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO kv (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

pub(crate) const SELECT_RUN: &str =
    "SELECT local_id, run_id, app_id, app_name, inputs, base_url, webhook_url,
    state, error_message, error, created_at, started_at, completed_at, updated_at FROM runs r";

fn read_run(row: &Row<'_>) -> rusqlite::Result<Result<RunRecord, StoreError>> {
    let inputs: String = row.get(4)?;
    let error: Option<String> = row.get(9)?;
    let state: String = row.get(7)?;
    Ok((|| {
        Ok(RunRecord {
            local_id: row.get(0)?,
            run_id: row.get(1)?,
            app_id: row.get(2)?,
            app_name: row.get(3)?,
            inputs: serde_json::from_str(&inputs)?,
            base_url: row.get(5)?,
            webhook_url: row.get(6)?,
            state: RunState::parse(&state),
            error_message: row.get(8)?,
            error: error.map(|e| serde_json::from_str(&e)).transpose()?,
            created_at: from_millis(row.get(10)?),
            started_at: row.get::<_, Option<i64>>(11)?.map(from_millis),
            completed_at: row.get::<_, Option<i64>>(12)?.map(from_millis),
            updated_at: from_millis(row.get(13)?),
            outputs: Vec::new(),
        })
    })())
}

fn with_outputs(conn: &Connection, mut run: RunRecord) -> Result<RunRecord, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT idx, output_id, label, kind, status, value, error, file, file_error, starred
         FROM outputs WHERE local_id = ?1 ORDER BY idx",
    )?;
    let rows = statement.query_map([&run.local_id], |row| {
        let kind: String = row.get(3)?;
        let status: String = row.get(4)?;
        let file: Option<String> = row.get(7)?;
        Ok((
            OutputRecord {
                index: row.get::<_, i64>(0)? as usize,
                output_id: row.get(1)?,
                label: row.get(2)?,
                kind: parse_enum(&kind),
                status: parse_enum(&status),
                value: row.get(5)?,
                error: row.get(6)?,
                file: None,
                file_error: row.get(8)?,
                starred: row.get(9)?,
            },
            file,
        ))
    })?;
    for row in rows {
        let (mut output, file) = row?;
        output.file = file.map(|f| serde_json::from_str(&f)).transpose()?;
        run.outputs.push(output);
    }
    Ok(run)
}

fn upsert_output(
    tx: &rusqlite::Transaction<'_>,
    local_id: &str,
    index: usize,
    output: &Output,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO outputs (local_id, idx, output_id, label, kind, status, value, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(local_id, idx) DO UPDATE SET output_id = excluded.output_id,
            label = excluded.label, kind = excluded.kind, status = excluded.status,
            value = excluded.value, error = excluded.error",
        params![
            local_id,
            index as i64,
            output.id,
            output.label,
            enum_text(&output.kind)?,
            enum_text(&output.status)?,
            output.value,
            output.error
        ],
    )?;
    Ok(())
}

fn enum_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(text) => Ok(text),
        other => Ok(other.to_string()),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).unwrap_or_default()
}

pub(crate) fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
