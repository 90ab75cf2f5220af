//! What the receiver remembers in SQLite: signatures already accepted (replay protection, kept
//! [`REPLAY_MEMORY`]) and a log of the last deliveries for Settings and `lamina-cli`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, from_millis, millis};

/// How long an accepted signature is remembered. Deliveries are only accepted within ±5 min of
/// their timestamp, so after 10 min a replay is stale anyway; 15 min leaves room for clock skew.
pub const REPLAY_MEMORY: Duration = Duration::from_secs(15 * 60);

/// How many deliveries the log keeps.
pub const LOG_LENGTH: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryOutcome {
    /// Verified and applied to a run.
    Accepted,
    /// Verified, but it changed nothing (a retry after a lost 2xx, a settled run).
    Duplicate,
    /// Verified, for a run this history does not know.
    Ignored,
    /// Refused (see the reason).
    Rejected,
}

impl DeliveryOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Duplicate => "duplicate",
            Self::Ignored => "ignored",
            Self::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "accepted" => Self::Accepted,
            "duplicate" => Self::Duplicate,
            "ignored" => Self::Ignored,
            _ => Self::Rejected,
        }
    }
}

/// One delivery as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryLogEntry {
    pub id: u32,
    pub received_at: DateTime<Utc>,
    /// `X-Lamina-Webhook-Request-Id` as sent (unverified on rejected deliveries).
    pub request_id: Option<String>,
    /// The run the body names (verified deliveries only).
    pub run_id: Option<String>,
    /// What the receiver answered.
    pub http_status: u16,
    pub outcome: DeliveryOutcome,
    /// Why it was refused, or what it did, in plain words.
    pub reason: Option<String>,
}

/// Records a delivery's signature; `false` if it was seen before (a replay).
pub(crate) fn remember_signature(
    store: &Store,
    signature: &str,
    request_id: &str,
    timestamp: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let conn = store.lock();
    let forget_before = now - chrono::Duration::from_std(REPLAY_MEMORY).unwrap_or_default();
    conn.execute(
        "DELETE FROM webhook_seen WHERE seen_at < ?1",
        [millis(forget_before)],
    )?;
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO webhook_seen (signature, request_id, timestamp, seen_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            signature.to_ascii_lowercase(),
            request_id,
            timestamp,
            millis(now)
        ],
    )?;
    Ok(inserted == 1)
}

pub(crate) struct NewLogEntry<'a> {
    pub request_id: Option<&'a str>,
    pub run_id: Option<&'a str>,
    pub http_status: u16,
    pub outcome: DeliveryOutcome,
    pub reason: Option<&'a str>,
    pub at: DateTime<Utc>,
}

pub(crate) fn log_delivery(
    store: &Store,
    entry: &NewLogEntry<'_>,
) -> Result<DeliveryLogEntry, StoreError> {
    let conn = store.lock();
    // Header values are attacker-chosen: keep what is logged short.
    let request_id = entry.request_id.map(|r| truncate(r, 120));
    let reason = entry.reason.map(|r| truncate(r, 300));
    conn.execute(
        "INSERT INTO webhook_deliveries (received_at, request_id, run_id, http_status, outcome, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            millis(entry.at),
            request_id,
            entry.run_id,
            entry.http_status,
            entry.outcome.as_str(),
            reason
        ],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "DELETE FROM webhook_deliveries WHERE id <= ?1",
        [id - LOG_LENGTH as i64],
    )?;
    let row = conn
        .query_row(&format!("{SELECT_LOG} WHERE id = ?1"), [id], read_entry)
        .optional()?;
    row.ok_or_else(|| StoreError::other("a logged delivery vanished"))
}

/// The last `limit` deliveries, newest first.
pub fn recent_deliveries(store: &Store, limit: usize) -> Result<Vec<DeliveryLogEntry>, StoreError> {
    let conn = store.lock();
    let mut statement = conn.prepare(&format!("{SELECT_LOG} ORDER BY id DESC LIMIT ?1"))?;
    let rows = statement.query_map([limit.min(LOG_LENGTH) as i64], read_entry)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

const SELECT_LOG: &str = "SELECT id, received_at, request_id, run_id, http_status, outcome, reason FROM webhook_deliveries";

fn read_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<DeliveryLogEntry> {
    let outcome: String = row.get(5)?;
    Ok(DeliveryLogEntry {
        id: u32::try_from(row.get::<_, i64>(0)?).unwrap_or(u32::MAX),
        received_at: from_millis(row.get(1)?),
        request_id: row.get(2)?,
        run_id: row.get(3)?,
        http_status: row.get(4)?,
        outcome: DeliveryOutcome::parse(&outcome),
        reason: row.get(6)?,
    })
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_accepted_once_and_forgotten_after_the_memory() {
        let store = Store::open_in_memory().unwrap();
        let now = Utc::now();
        assert!(remember_signature(&store, "AB", "r1", 1, now).unwrap());
        assert!(!remember_signature(&store, "ab", "r1", 1, now).unwrap());
        let later = now + chrono::Duration::minutes(16);
        assert!(remember_signature(&store, "ab", "r1", 1, later).unwrap());
    }

    #[test]
    fn the_log_keeps_the_last_entries_newest_first() {
        let store = Store::open_in_memory().unwrap();
        for i in 0..(LOG_LENGTH + 5) {
            let reason = format!("n{i}");
            log_delivery(
                &store,
                &NewLogEntry {
                    request_id: Some("r"),
                    run_id: None,
                    http_status: 401,
                    outcome: DeliveryOutcome::Rejected,
                    reason: Some(&reason),
                    at: Utc::now(),
                },
            )
            .unwrap();
        }
        let all = recent_deliveries(&store, 1000).unwrap();
        assert_eq!(all.len(), LOG_LENGTH);
        assert_eq!(all[0].reason.as_deref(), Some("n204"));
        assert_eq!(all[0].outcome, DeliveryOutcome::Rejected);
        assert_eq!(all[0].http_status, 401);
        let count: i64 = store
            .lock()
            .query_row("SELECT COUNT(*) FROM webhook_deliveries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count as usize, LOG_LENGTH);
    }
}
