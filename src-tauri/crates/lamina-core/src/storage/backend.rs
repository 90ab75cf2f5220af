//! The place objects go: an S3-compatible bucket (requests signed by `rusty-s3` as presigned
//! URLs and sent on the app's one shared `reqwest` client, so its timeouts and TLS apply) or the
//! demo workspace's built-in storage (`PUT /_sandbox/files/{name}` on the sandbox).
//!
//! Error details never carry a signed URL (they are built with `reqwest::Error::without_url`)
//! nor the secret (which `rusty-s3` keeps out of its `Debug`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde::{Deserialize, Serialize};

use super::settings::S3Settings;

/// How long a request signature itself stays valid (not the link handed to Lamina).
const REQUEST_SIGNATURE_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Upload body chunk: one progress report each.
const CHUNK: usize = 256 * 1024;

/// A link the service can fetch, and when it stops working (`None`: never).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub url: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What went wrong talking to storage. `detail` is safe to show (no signed URL, no secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// Nothing answered (DNS, refused connection, TLS, timeout).
    #[error("storage could not be reached: {detail}")]
    Unreachable { detail: String },
    /// Storage answered with an error status; `code` is S3's `<Code>` when it gave one.
    #[error("storage answered {status}{}: {detail}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Refused {
        status: u16,
        code: Option<String>,
        detail: String,
        /// How far the server's clock (its `Date` header) is from ours, in seconds.
        clock_offset_secs: Option<i64>,
    },
    #[error("storage settings are not usable: {detail}")]
    Misconfigured { detail: String },
}

impl BackendError {
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub enum Backend {
    BuiltIn {
        /// The sandbox's base URL, e.g. `http://127.0.0.1:8787`.
        base_url: String,
        http: reqwest::Client,
    },
    S3(Box<S3Bucket>),
}

/// A bucket with what signs its requests.
#[derive(Clone)]
pub struct S3Bucket {
    pub bucket: Bucket,
    pub credentials: Credentials,
    pub settings: S3Settings,
    pub http: reqwest::Client,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BuiltIn { base_url, .. } => write!(f, "Backend::BuiltIn({base_url})"),
            Self::S3(s3) => {
                write!(
                    f,
                    "Backend::S3({}/{})",
                    s3.settings.endpoint, s3.settings.bucket
                )
            }
        }
    }
}

impl Backend {
    pub fn built_in(base_url: &str, http: reqwest::Client) -> Self {
        Self::BuiltIn {
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
        }
    }

    pub fn s3(
        settings: S3Settings,
        secret: &str,
        http: reqwest::Client,
    ) -> Result<Self, BackendError> {
        let endpoint =
            url::Url::parse(&settings.endpoint).map_err(|e| BackendError::Misconfigured {
                detail: format!("endpoint: {e}"),
            })?;
        let style = if settings.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint,
            style,
            settings.bucket.clone(),
            settings.region.clone(),
        )
        .map_err(|e| BackendError::Misconfigured {
            detail: format!("bucket: {e}"),
        })?;
        let credentials = Credentials::new(settings.access_key_id.clone(), secret.to_string());
        Ok(Self::S3(Box::new(S3Bucket {
            bucket,
            credentials,
            settings,
            http,
        })))
    }

    /// Names where an object lives, so the uploads journal can tell buckets apart.
    pub fn identity(&self) -> String {
        match self {
            Self::BuiltIn { base_url, .. } => format!("builtin:{base_url}"),
            Self::S3(s3) => {
                let settings = &s3.settings;
                format!(
                    "s3:{}/{}/{}",
                    settings.endpoint, settings.bucket, settings.prefix
                )
            }
        }
    }

    /// The object key of a file name (`<prefix>/<sha256>.<ext>`).
    pub fn object_key(&self, file_name: &str) -> String {
        match self {
            Self::S3(s3) if !s3.settings.prefix.is_empty() => {
                format!("{}/{file_name}", s3.settings.prefix)
            }
            _ => file_name.to_string(),
        }
    }

    fn http(&self) -> &reqwest::Client {
        match self {
            Self::BuiltIn { http, .. } => http,
            Self::S3(s3) => &s3.http,
        }
    }

    fn built_in_url(base_url: &str, key: &str) -> String {
        format!("{base_url}/_sandbox/files/{key}")
    }

    /// Whether the object is already there (dedup: then nothing is sent).
    pub async fn exists(&self, key: &str) -> Result<bool, BackendError> {
        let url = match self {
            Self::BuiltIn { base_url, .. } => Self::built_in_url(base_url, key),
            Self::S3(s3) => s3
                .bucket
                .head_object(Some(&s3.credentials), key)
                .sign(REQUEST_SIGNATURE_LIFETIME)
                .to_string(),
        };
        let response = self.http().head(url).send().await.map_err(unreachable)?;
        match response.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(refused(response).await),
        }
    }

    /// Checks that the bucket exists (HEAD bucket). Some servers create a bucket on first PUT,
    /// so "Test storage" asks first. The built-in storage always exists.
    pub async fn check_bucket(&self) -> Result<(), BackendError> {
        let Self::S3(s3) = self else {
            return Ok(());
        };
        let url = s3
            .bucket
            .head_bucket(Some(&s3.credentials))
            .sign(REQUEST_SIGNATURE_LIFETIME);
        let response = s3.http.head(url).send().await.map_err(unreachable)?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            404 => Err(BackendError::Refused {
                status: 404,
                code: Some("NoSuchBucket".into()),
                detail: "HTTP 404 on HEAD bucket".into(),
                clock_offset_secs: None,
            }),
            _ => Err(refused(response).await),
        }
    }

    /// Sends the bytes, reporting `(sent, total)` after each chunk.
    pub async fn put(
        &self,
        key: &str,
        bytes: bytes::Bytes,
        content_type: &str,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<(), BackendError> {
        self.put_pieces(key, vec![bytes], content_type, progress)
            .await
    }

    /// Sends the pieces one after the other as one object (a stripped photo is slices of its
    /// source: nothing is copied into one buffer first).
    pub async fn put_pieces(
        &self,
        key: &str,
        pieces: Vec<bytes::Bytes>,
        content_type: &str,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<(), BackendError> {
        let total: u64 = pieces.iter().map(|p| p.len() as u64).sum();
        let url = match self {
            Self::BuiltIn { base_url, .. } => Self::built_in_url(base_url, key),
            Self::S3(s3) => {
                let mut action = s3.bucket.put_object(Some(&s3.credentials), key);
                action
                    .headers_mut()
                    .insert("content-type", content_type.to_string());
                action.sign(REQUEST_SIGNATURE_LIFETIME).to_string()
            }
        };
        let chunks = body_chunks(pieces);
        let mut sent = 0u64;
        let stream = futures_util::stream::iter(chunks).map(move |chunk| {
            sent += chunk.len() as u64;
            progress(sent, total);
            Ok::<_, std::io::Error>(chunk)
        });
        let response = self
            .http()
            .put(url)
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, total)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map_err(unreachable)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(refused(response).await)
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), BackendError> {
        let url = match self {
            Self::BuiltIn { base_url, .. } => Self::built_in_url(base_url, key),
            Self::S3(s3) => s3
                .bucket
                .delete_object(Some(&s3.credentials), key)
                .sign(REQUEST_SIGNATURE_LIFETIME)
                .to_string(),
        };
        let response = self.http().delete(url).send().await.map_err(unreachable)?;
        match response.status().as_u16() {
            200..=299 | 404 => Ok(()),
            _ => Err(refused(response).await),
        }
    }

    /// The link handed to Lamina: public base URL + key, or a presigned GET valid for the
    /// configured lifetime from now (so re-signing an expired link is calling this again).
    pub fn link(&self, key: &str) -> Link {
        match self {
            Self::BuiltIn { base_url, .. } => Link {
                url: Self::built_in_url(base_url, key),
                expires_at: None,
            },
            Self::S3(s3) => match &s3.settings.public_base_url {
                Some(base) => Link {
                    url: format!("{base}/{key}"),
                    expires_at: None,
                },
                None => {
                    let lifetime =
                        Duration::from_secs(u64::from(s3.settings.link_lifetime_secs.max(1)));
                    let url = s3
                        .bucket
                        .get_object(Some(&s3.credentials), key)
                        .sign(lifetime)
                        .to_string();
                    let expires_at = Utc::now()
                        + chrono::Duration::seconds(i64::from(s3.settings.link_lifetime_secs));
                    Link {
                        url,
                        expires_at: Some(expires_at),
                    }
                }
            },
        }
    }
}

/// The body in `CHUNK`-sized chunks: slices of large pieces as they are, small pieces (a JPEG's
/// headers) copied together with what follows. Sent one by one, a few small chunks stall the
/// upload by ~40 ms each on loopback (Nagle's algorithm against delayed ACKs).
fn body_chunks(pieces: Vec<bytes::Bytes>) -> Vec<bytes::Bytes> {
    let mut chunks = Vec::new();
    let mut pending = bytes::BytesMut::new();
    for mut rest in pieces {
        while !rest.is_empty() {
            if pending.is_empty() && rest.len() >= CHUNK {
                chunks.push(rest.split_to(CHUNK));
                continue;
            }
            let take = (CHUNK - pending.len()).min(rest.len());
            pending.extend_from_slice(&rest.split_to(take));
            if pending.len() == CHUNK {
                chunks.push(pending.split().freeze());
            }
        }
    }
    if !pending.is_empty() {
        chunks.push(pending.freeze());
    }
    chunks
}

fn unreachable(error: reqwest::Error) -> BackendError {
    let error = error.without_url();
    // The chain holds the useful part ("connection refused", "dns error").
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        detail = format!("{detail}: {inner}");
        source = inner.source();
    }
    BackendError::Unreachable { detail }
}

async fn refused(response: reqwest::Response) -> BackendError {
    let status = response.status().as_u16();
    let clock_offset_secs = response
        .headers()
        .get(DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        .map(|server| (server.with_timezone(&Utc) - Utc::now()).num_seconds());
    let body = response.text().await.unwrap_or_default();
    let code = xml_field(&body, "Code");
    let message = xml_field(&body, "Message");
    let detail = match (&code, message) {
        (Some(code), Some(message)) => format!("HTTP {status} {code}: {message}"),
        (Some(code), None) => format!("HTTP {status} {code}"),
        _ => format!("HTTP {status}"),
    };
    BackendError::Refused {
        status,
        code,
        detail,
        clock_offset_secs,
    }
}

/// The text of `<name>…</name>` in an S3 error document (flat, no namespaces worth parsing).
fn xml_field(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(body[start..end].trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_pieces_are_joined_and_large_ones_sliced() {
        let header = bytes::Bytes::from(vec![1u8; 10]);
        let marker = bytes::Bytes::from(vec![2u8; 4]);
        let scan = bytes::Bytes::from(vec![3u8; CHUNK * 2 + 5]);
        let joined: Vec<u8> = [&header[..], &marker[..], &scan[..]].concat();
        let chunks = body_chunks(vec![header, marker, scan]);
        let sizes: Vec<usize> = chunks.iter().map(bytes::Bytes::len).collect();
        assert_eq!(sizes, [CHUNK, CHUNK, 19]);
        assert_eq!(chunks.concat(), joined);
    }
}
