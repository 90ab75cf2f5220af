//! Outputs as inputs: an output's own hosted address while it is still valid, otherwise its
//! archived local copy uploaded through the same pipeline as a dropped photo.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::uploads::{UploadError, UploadTicket, Uploader};
use crate::store::Store;

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

/// The input value for output `output_index` of run `local_id`.
///
/// Hook for Lamina's CDN: where the account offers `POST /v1/publishing/transfer-asset`
/// (optional endpoint), the caller tries it before this function's upload branch and uses the
/// permanent link it returns; see `commands/storage.rs::input_from_output`.
pub async fn input_from_output(
    store: &Store,
    uploader: &Uploader,
    current_base_url: &str,
    local_id: &str,
    output_index: usize,
) -> Result<InputFromOutput, UploadError> {
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
    if let Some(link) = output.value.as_deref()
        && hosted_link_usable(link, current_base_url)
    {
        return Ok(InputFromOutput {
            value: link.to_string(),
            upload: None,
        });
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
