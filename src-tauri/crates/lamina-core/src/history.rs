//! Reading history the way people look for things: newest first, filtered by app, words in the
//! inputs, status, date and favourites, one page at a time (the UI virtualizes 10,000+ rows).

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::record::{RunRecord, RunState, StoredFile};
use crate::store::{SELECT_RUN, Store, StoreError, from_millis, millis};

/// Largest page the UI may ask for at once.
pub const MAX_PAGE: u32 = 500;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryQuery {
    /// Words found in the app's name, the inputs, or the run id (case-insensitive).
    pub text: Option<String>,
    pub app_id: Option<String>,
    /// Empty: every state.
    pub states: Vec<RunState>,
    /// Runs created at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Runs created before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only runs with at least one starred output.
    pub starred_only: bool,
    pub limit: u32,
    pub offset: u32,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub runs: Vec<RunRecord>,
    /// How many runs match the query in all (for the scroll height).
    pub total: u32,
}

/// One kept image, for the gallery grid.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GalleryItem {
    pub local_id: String,
    pub index: u32,
    pub app_id: String,
    pub app_name: String,
    pub label: Option<String>,
    pub file: StoredFile,
    pub starred: bool,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GalleryPage {
    pub items: Vec<GalleryItem>,
    pub total: u32,
}

/// An app that appears in history, for the filter menu.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryApp {
    pub app_id: String,
    pub app_name: String,
    pub runs: u32,
}

/// The conditions of a query over `runs r`, and their arguments.
fn run_filter(query: &HistoryQuery) -> (Vec<String>, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // Every word must appear somewhere; LIKE is case-insensitive for ASCII.
        for word in text.split_whitespace() {
            args.push(Value::Text(format!("%{}%", escape_like(word))));
            let n = args.len();
            clauses.push(format!(
                "(r.app_name LIKE ?{n} ESCAPE '\\' OR r.inputs LIKE ?{n} ESCAPE '\\'
                  OR r.run_id LIKE ?{n} ESCAPE '\\' OR r.local_id LIKE ?{n} ESCAPE '\\')"
            ));
        }
    }
    if let Some(app_id) = &query.app_id {
        args.push(Value::Text(app_id.clone()));
        clauses.push(format!("r.app_id = ?{}", args.len()));
    }
    if !query.states.is_empty() {
        let mut marks = Vec::new();
        for state in &query.states {
            args.push(Value::Text(state.as_str().to_owned()));
            marks.push(format!("?{}", args.len()));
        }
        clauses.push(format!("r.state IN ({})", marks.join(", ")));
    }
    if let Some(from) = query.from {
        args.push(Value::Integer(millis(from)));
        clauses.push(format!("r.created_at >= ?{}", args.len()));
    }
    if let Some(to) = query.to {
        args.push(Value::Integer(millis(to)));
        clauses.push(format!("r.created_at < ?{}", args.len()));
    }
    if query.starred_only {
        clauses.push(
            "EXISTS (SELECT 1 FROM outputs s WHERE s.local_id = r.local_id AND s.starred = 1)"
                .into(),
        );
    }
    (clauses, args)
}

fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn page_size(limit: u32) -> i64 {
    i64::from(limit.clamp(1, MAX_PAGE))
}

impl Store {
    /// One page of history, newest first, and how many runs match in all.
    pub fn search(&self, query: &HistoryQuery) -> Result<HistoryPage, StoreError> {
        let (clauses, mut args) = run_filter(query);
        let filter = where_clause(&clauses);
        let total: i64 = self.lock().query_row(
            &format!("SELECT COUNT(*) FROM runs r{filter}"),
            rusqlite::params_from_iter(args.iter()),
            |row| row.get(0),
        )?;
        args.push(Value::Integer(page_size(query.limit)));
        args.push(Value::Integer(i64::from(query.offset)));
        let n = args.len();
        let runs = self.query_runs(
            &format!(
                "{SELECT_RUN}{filter} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?{} OFFSET ?{n}",
                n - 1
            ),
            rusqlite::params_from_iter(args.iter()),
        )?;
        Ok(HistoryPage {
            runs,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// Kept images, newest run first. The text, app and starred filters of `query` apply.
    pub fn gallery(&self, query: &HistoryQuery) -> Result<GalleryPage, StoreError> {
        let (mut clauses, mut args) = run_filter(query);
        clauses.push("o.file IS NOT NULL AND o.kind = 'image'".into());
        if query.starred_only {
            clauses.push("o.starred = 1".into());
        }
        let from_where = format!(
            " FROM outputs o JOIN runs r ON r.local_id = o.local_id{}",
            where_clause(&clauses)
        );
        let conn = self.lock();
        let total: i64 = conn.query_row(
            &format!("SELECT COUNT(*){from_where}"),
            rusqlite::params_from_iter(args.iter()),
            |row| row.get(0),
        )?;
        args.push(Value::Integer(page_size(query.limit)));
        args.push(Value::Integer(i64::from(query.offset)));
        let n = args.len();
        let mut statement = conn.prepare(&format!(
            "SELECT o.local_id, o.idx, r.app_id, r.app_name, o.label, o.file, o.starred,
                    r.created_at{from_where}
             ORDER BY r.created_at DESC, r.rowid DESC, o.idx LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let rows = statement.query_map(rusqlite::params_from_iter(args.iter()), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, bool>(6)?,
                row.get::<_, i64>(7)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (local_id, index, app_id, app_name, label, file, starred, created) = row?;
            items.push(GalleryItem {
                local_id,
                index: u32::try_from(index).unwrap_or_default(),
                app_id,
                app_name,
                label,
                file: serde_json::from_str(&file)?,
                starred,
                created_at: from_millis(created),
            });
        }
        Ok(GalleryPage {
            items,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// Apps that appear in history, most used first.
    pub fn history_apps(&self) -> Result<Vec<HistoryApp>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(
            "SELECT app_id, MAX(app_name), COUNT(*) AS n FROM runs GROUP BY app_id
             ORDER BY n DESC, MAX(app_name)",
        )?;
        let apps = statement
            .query_map([], |row| {
                Ok(HistoryApp {
                    app_id: row.get(0)?,
                    app_name: row.get(1)?,
                    runs: u32::try_from(row.get::<_, i64>(2)?).unwrap_or(u32::MAX),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(apps)
    }

    /// Stars or unstars one output.
    pub fn set_starred(
        &self,
        local_id: &str,
        index: usize,
        starred: bool,
    ) -> Result<RunRecord, StoreError> {
        let changed = self.lock().execute(
            "UPDATE outputs SET starred = ?3 WHERE local_id = ?1 AND idx = ?2",
            params![local_id, index as i64, starred],
        )?;
        if changed == 0 {
            return Err(StoreError::missing(&format!("{local_id} output {index}")));
        }
        self.get(local_id)?
            .ok_or_else(|| StoreError::missing(local_id))
    }

    /// Service run ids already tied to a local run (never offered again as a match).
    pub fn is_known_run_id(&self, run_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .lock()
            .query_row("SELECT 1 FROM runs WHERE run_id = ?1", [run_id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
