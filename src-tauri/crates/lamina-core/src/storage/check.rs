//! "Test storage": put a small picture, fetch it back through the exact link the app would hand
//! Lamina (no credentials on that request, as the service has none), delete it. Each step's
//! result is reported, and a failure is named by what to fix, not by its HTTP code.

use serde::{Deserialize, Serialize};

use super::backend::{Backend, BackendError};

/// A clock further off than this makes signed requests fail (AWS allows 15 minutes).
const CLOCK_SKEW_LIMIT_SECS: i64 = 15 * 60;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageStep {
    /// Put a small picture in the bucket.
    Put,
    /// Fetch it through the link Lamina would get.
    Fetch,
    /// Remove it again.
    Delete,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageCheckStatus {
    Passed,
    Failed,
    /// Not tried, because an earlier step failed.
    Skipped,
}

/// What to fix, for the UI to word from its own catalog (`message` is the English fallback).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageProblem {
    /// SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied on a signed request.
    WrongKey,
    NoSuchBucket,
    /// Nothing answered at the endpoint.
    Unreachable,
    /// The link the service would get does not give the picture back (public address wrong,
    /// bucket not public, a proxy in the way).
    LinkNotFetchable,
    /// This computer's clock is too far from storage's (RequestTimeTooSkewed, or its Date).
    ClockSkew,
    NotConfigured,
    Other,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageCheck {
    pub step: StorageStep,
    pub status: StorageCheckStatus,
    /// Plain words (English fallback; the UI words it from `problem`).
    pub message: String,
    pub problem: Option<StorageProblem>,
    /// Raw detail for "Details" (no secret, no signed link).
    pub detail: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageTestReport {
    pub ok: bool,
    pub steps: Vec<StorageCheck>,
    /// The first problem, when any step failed.
    pub problem: Option<StorageProblem>,
    /// Things that work here but may not for the service (a bucket at a private address).
    pub warnings: Vec<String>,
}

impl StorageTestReport {
    pub fn not_configured() -> Self {
        Self {
            ok: false,
            steps: vec![StorageCheck {
                step: StorageStep::Put,
                status: StorageCheckStatus::Failed,
                message: "Storage is not set up: enter the bucket's details and secret key first."
                    .into(),
                problem: Some(StorageProblem::NotConfigured),
                detail: None,
            }],
            problem: Some(StorageProblem::NotConfigured),
            warnings: Vec::new(),
        }
    }
}

/// The plain-words problem of a failed signed request.
pub fn classify(error: &BackendError) -> (StorageProblem, &'static str) {
    match error {
        BackendError::Unreachable { .. } => (
            StorageProblem::Unreachable,
            "Storage could not be reached at that endpoint. Check the address and your connection.",
        ),
        BackendError::Misconfigured { .. } => (
            StorageProblem::Other,
            "The storage settings are not usable. Check the endpoint and the bucket's name.",
        ),
        BackendError::Refused {
            code,
            status,
            clock_offset_secs,
            ..
        } => {
            let skewed = clock_offset_secs.is_some_and(|s| s.abs() > CLOCK_SKEW_LIMIT_SECS);
            match code.as_deref() {
                Some("RequestTimeTooSkewed") => clock_words(),
                _ if skewed => clock_words(),
                Some(
                    "SignatureDoesNotMatch"
                    | "InvalidAccessKeyId"
                    | "AccessDenied"
                    | "InvalidSignature",
                ) => (
                    StorageProblem::WrongKey,
                    "Storage refused the access key or the secret key. Check both.",
                ),
                Some("NoSuchBucket") => (
                    StorageProblem::NoSuchBucket,
                    "That bucket does not exist at this endpoint. Check its name and region.",
                ),
                _ if *status == 403 => (
                    StorageProblem::WrongKey,
                    "Storage refused the access key or the secret key. Check both.",
                ),
                _ => (StorageProblem::Other, "Storage refused the request."),
            }
        }
    }
}

fn clock_words() -> (StorageProblem, &'static str) {
    (
        StorageProblem::ClockSkew,
        "This computer's clock is too far off, so storage refused the request. Set the clock automatically and try again.",
    )
}

/// A 1×1 PNG: small, and an image, so a bucket that checks content types takes it.
const CHECK_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn passed(step: StorageStep, message: &str) -> StorageCheck {
    StorageCheck {
        step,
        status: StorageCheckStatus::Passed,
        message: message.into(),
        problem: None,
        detail: None,
    }
}

fn failed(
    step: StorageStep,
    problem: StorageProblem,
    message: &str,
    detail: String,
) -> StorageCheck {
    StorageCheck {
        step,
        status: StorageCheckStatus::Failed,
        message: message.into(),
        problem: Some(problem),
        detail: Some(detail),
    }
}

fn skipped(step: StorageStep) -> StorageCheck {
    StorageCheck {
        step,
        status: StorageCheckStatus::Skipped,
        message: "Not tried: an earlier step failed.".into(),
        problem: None,
        detail: None,
    }
}

/// Runs the three steps against `backend`; `http` fetches the link with no credentials.
pub async fn test_storage(backend: &Backend, http: &reqwest::Client) -> StorageTestReport {
    let key = backend.object_key(&format!(
        "lamina-storage-check-{}.png",
        uuid::Uuid::new_v4()
    ));
    let mut steps = Vec::new();
    let mut warnings = Vec::new();
    let finish = |steps: Vec<StorageCheck>, warnings: Vec<String>| {
        let problem = steps.iter().find_map(|s| s.problem);
        StorageTestReport {
            ok: problem.is_none(),
            steps,
            problem,
            warnings,
        }
    };
    let put = match backend.check_bucket().await {
        Ok(()) => {
            backend
                .put(
                    &key,
                    bytes::Bytes::from_static(CHECK_PNG),
                    "image/png",
                    |_, _| {},
                )
                .await
        }
        Err(error) => Err(error),
    };
    if let Err(error) = put {
        let (problem, message) = classify(&error);
        steps.push(failed(
            StorageStep::Put,
            problem,
            message,
            error.to_string(),
        ));
        steps.push(skipped(StorageStep::Fetch));
        steps.push(skipped(StorageStep::Delete));
        return finish(steps, warnings);
    }
    steps.push(passed(
        StorageStep::Put,
        "A small test picture was put in the bucket.",
    ));
    let link = backend.link(&key);
    if let Some(warning) = private_address_warning(backend, &link.url) {
        warnings.push(warning);
    }
    steps.push(fetch_step(http, &link.url, backend).await);
    steps.push(match backend.delete(&key).await {
        Ok(()) => passed(StorageStep::Delete, "The test picture was removed again."),
        Err(error) => {
            let (problem, _) = classify(&error);
            failed(
                StorageStep::Delete,
                problem,
                "The test picture could not be removed: the key may not be allowed to delete. Uploads still work.",
                error.to_string(),
            )
        }
    });
    finish(steps, warnings)
}

async fn fetch_step(http: &reqwest::Client, url: &str, backend: &Backend) -> StorageCheck {
    let public = matches!(backend, Backend::S3(s3) if s3.settings.public_base_url.is_some());
    let not_fetchable = if public {
        "The picture could not be fetched through the public address. Check the public address, or that the bucket really is public."
    } else {
        "The picture could not be fetched through its link, so Lamina could not fetch it either."
    };
    let response = match http.get(url).send().await {
        Ok(r) => r,
        Err(error) => {
            return failed(
                StorageStep::Fetch,
                StorageProblem::LinkNotFetchable,
                not_fetchable,
                error.without_url().to_string(),
            );
        }
    };
    let status = response.status();
    match response.bytes().await {
        Ok(body) if status.is_success() && body.as_ref() == CHECK_PNG => passed(
            StorageStep::Fetch,
            "The picture came back through the link Lamina would get.",
        ),
        Ok(body) => failed(
            StorageStep::Fetch,
            StorageProblem::LinkNotFetchable,
            not_fetchable,
            format!("HTTP {status}, {} bytes back", body.len()),
        ),
        Err(error) => failed(
            StorageStep::Fetch,
            StorageProblem::LinkNotFetchable,
            not_fetchable,
            error.without_url().to_string(),
        ),
    }
}

/// Lamina's servers can't fetch from this computer or a home network.
fn private_address_warning(backend: &Backend, link: &str) -> Option<String> {
    if matches!(backend, Backend::BuiltIn { .. }) {
        return None;
    }
    let host = url::Url::parse(link).ok()?.host_str()?.to_string();
    let private = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| match ip {
                std::net::IpAddr::V4(v4) => {
                    v4.is_loopback() || v4.is_private() || v4.is_link_local()
                }
                std::net::IpAddr::V6(v6) => v6.is_loopback(),
            });
    private.then(|| {
        format!("{host} is a private address: this computer can fetch the picture, but Lamina's servers can't. Use storage reachable from the internet.")
    })
}
