//! Outputs as inputs: a permanent copy on Lamina's CDN where the service offers
//! `transfer-asset`, else the output's own hosted address while it is still valid, otherwise its
//! archived local copy uploaded through the same pipeline as a dropped photo.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, NaiveDateTime, Utc};
use lamina_api::{LaminaClient, MediaType, OptionalEndpoint, OutputKind, TransferRequest};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::uploads::{UploadError, UploadTicket, Uploader};
use crate::record::OutputRecord;
use crate::store::{Store, StoreError, millis};

/// An output's address is not reused when it expires sooner than this.
const MIN_REMAINING: chrono::Duration = chrono::Duration::hours(1);

/// What to put in the `url` field.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputFromOutput {
    /// The field's value: the hosted link, or `lamina-upload:<id>` while the copy uploads.
    pub value: String,
    /// Set when the archived copy is being uploaded (follow it like a dropped photo).
    pub upload: Option<UploadTicket>,
}

/// When a hosted link stops working, if the link says (S3 presigned `X-Amz-Date` +
/// `X-Amz-Expires`, CloudFront/GCS `Expires`).
pub fn link_expiry(link: &str) -> Option<DateTime<Utc>> {
    let url = url::Url::parse(link).ok()?;
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    if let (Some(date), Some(seconds)) = (query.get("X-Amz-Date"), query.get("X-Amz-Expires")) {
        let start = NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ")
            .ok()?
            .and_utc();
        return Some(start + chrono::Duration::seconds(seconds.parse().ok()?));
    }
    let unix: i64 = query.get("Expires")?.parse().ok()?;
    DateTime::from_timestamp(unix, 0)
}

/// Whether the service can still fetch `link`: http(s), not about to expire, and, for a
/// loopback address (the demo workspace), served by the sandbox running now.
pub fn hosted_link_usable(link: &str, current_base_url: &str) -> bool {
    let Ok(url) = url::Url::parse(link) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if loopback && !link.starts_with(current_base_url.trim_end_matches('/')) {
        return false;
    }
    link_expiry(link).is_none_or(|expiry| expiry > Utc::now() + MIN_REMAINING)
}

/// Appended to `store::MIGRATIONS`: the permanent copy on Lamina's CDN of an output, made
/// once by `transfer-asset` and reused without asking again.
pub(crate) const MIGRATION: &str = "CREATE TABLE output_cdn_links (
    local_id   TEXT NOT NULL REFERENCES runs(local_id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    source_url TEXT NOT NULL,
    cdn_url    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (local_id, idx)
);";

/// The permanent link remembered for an output, if one was made.
pub fn remembered_cdn_link(
    store: &Store,
    local_id: &str,
    output_index: usize,
) -> Result<Option<String>, StoreError> {
    Ok(store
        .lock()
        .query_row(
            "SELECT cdn_url FROM output_cdn_links WHERE local_id = ?1 AND idx = ?2",
            params![local_id, output_index as i64],
            |row| row.get(0),
        )
        .optional()?)
}

fn remember_cdn_link(
    store: &Store,
    local_id: &str,
    output_index: usize,
    source_url: &str,
    cdn_url: &str,
) -> Result<(), StoreError> {
    store.lock().execute(
        "INSERT OR REPLACE INTO output_cdn_links (local_id, idx, source_url, cdn_url, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            local_id,
            output_index as i64,
            source_url,
            cdn_url,
            millis(Utc::now())
        ],
    )?;
    Ok(())
}

/// The input value for output `output_index` of run `local_id`, in this order:
/// 1. the permanent CDN link made for it earlier (0 requests);
/// 2. while its hosted link works and the service offers `POST /v1/publishing/transfer-asset`
///    (or has not said it doesn't: the first use is the probe, one write, never repeated), a
///    copy on Lamina's CDN, remembered; if that fails in any way, the hosted link itself;
/// 3. otherwise its archived copy, uploaded like a dropped photo.
///
/// An expired hosted link is not transferred: the API asks for a public `sourceUrl` the
/// service fetches, and an expired link is exactly what it can no longer fetch. Nor is the
/// uploaded archived copy: it lives in storage the user owns, whose links a rerun re-signs,
/// so a second copy on the CDN would cost a write and make the field wait for the upload to
/// finish first, for no link that lasts longer in practice.
pub async fn input_from_output(
    store: &Store,
    uploader: &Uploader,
    client: &LaminaClient,
    local_id: &str,
    output_index: usize,
) -> Result<InputFromOutput, UploadError> {
    let current_base_url = client.base_url();
    let run = store
        .get(local_id)?
        .ok_or_else(|| UploadError::UnknownUpload(format!("run {local_id}")))?;
    let output = run
        .outputs
        .iter()
        .find(|o| o.index == output_index)
        .ok_or_else(|| {
            UploadError::UnknownUpload(format!("output {output_index} of {local_id}"))
        })?;
    // One copy per output at a time: a second reuse while the first copies waits for it and
    // then finds its link remembered, instead of making a second copy.
    let copying = output_lock(local_id, output_index);
    let _copying = copying.lock().await;
    if let Some(cdn) = remembered_cdn_link(store, local_id, output_index)?
        && hosted_link_usable(&cdn, current_base_url)
    {
        return Ok(hosted(cdn));
    }
    if let Some(link) = output.value.as_deref()
        && hosted_link_usable(link, current_base_url)
    {
        if let Some(cdn) = copy_to_cdn(client, output, link).await {
            // The copy exists either way; not remembering it only costs a copy next time.
            if let Err(error) = remember_cdn_link(store, local_id, output_index, link, &cdn) {
                tracing::warn!(%error, "could not remember an output's CDN copy");
            }
            return Ok(hosted(cdn));
        }
        return Ok(hosted(link.to_string()));
    }
    let file = output
        .file
        .as_ref()
        .ok_or_else(|| UploadError::Unreadable {
            detail: "this output's link has expired and no copy was kept on this computer".into(),
        })?;
    let ticket = uploader.submit_path(&file.path)?;
    let running = uploader.clone();
    let id = ticket.id.clone();
    tokio::spawn(async move {
        let _ = running.run(&id).await;
    });
    Ok(InputFromOutput {
        value: ticket.input_value.clone(),
        upload: Some(ticket),
    })
}

/// Each output's lock, by run and output index.
type OutputLocks = HashMap<(String, usize), Arc<tokio::sync::Mutex<()>>>;

/// The lock of one output's reuse (kept while anyone holds it; outputs are few per session).
fn output_lock(local_id: &str, output_index: usize) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: LazyLock<Mutex<OutputLocks>> = LazyLock::new(Mutex::default);
    let mut locks = LOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Forget the locks nobody holds any more.
    locks.retain(|_, lock| Arc::strong_count(lock) > 1);
    locks
        .entry((local_id.to_owned(), output_index))
        .or_default()
        .clone()
}

fn hosted(value: String) -> InputFromOutput {
    InputFromOutput {
        value,
        upload: None,
    }
}

/// `transfer-asset` for a working hosted link; `None` (logged, never shown: the hosted link
/// does the job) when the service does not offer it or the copy failed. Sent at most once per
/// attempt: the client never repeats a write that may have reached the service.
async fn copy_to_cdn(client: &LaminaClient, output: &OutputRecord, link: &str) -> Option<String> {
    if client
        .endpoints()
        .is_missing(OptionalEndpoint::TransferAsset)
    {
        return None;
    }
    let media_type = match output.kind {
        OutputKind::Video => MediaType::Video,
        OutputKind::Audio => MediaType::Audio,
        _ => MediaType::Image,
    };
    let filename = url::Url::parse(link)
        .ok()
        .and_then(|u| u.path_segments()?.next_back().map(str::to_owned))
        .filter(|name| !name.is_empty());
    let request = TransferRequest {
        source_url: link.to_owned(),
        media_type,
        filename,
    };
    match client.transfer_asset(&request).await {
        Ok(asset) if url::Url::parse(&asset.url).is_ok() => Some(asset.url),
        Ok(asset) => {
            tracing::warn!(url = %asset.url, "transfer-asset answered an unusable address");
            None
        }
        Err(error) => {
            tracing::info!(kind = ?error.kind, detail = %error.detail, "no CDN copy of an output; using its hosted link");
            None
        }
    }
}
