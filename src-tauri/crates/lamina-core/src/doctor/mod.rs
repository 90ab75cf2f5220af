//! The connection check ("doctor"), shared by `lamina-cli doctor` and Settings → Connection:
//! one line per check, each with a status, a sentence in plain words saying what is fine or what
//! to do, and the raw detail behind it. Every request goes through the workspace's own client
//! (one shared HTTP client, one request budget); the key is never part of any line.

mod checks;
mod keychain;
mod webhook;

use chrono::{DateTime, Utc};
pub use lamina_api::OptionalEndpoint;
use lamina_api::{ApiGeneration, LaminaClient, ProbeAnswer};
use serde::{Deserialize, Serialize};

pub use checks::{CLOCK_PROBLEM_S, CLOCK_WARNING_S};
pub use webhook::ReachTarget;

use crate::credentials::Keychain;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Warning,
    Problem,
    /// Could not be checked (an earlier check failed, or there is nothing to check).
    Skipped,
}

/// Which check a line is, for the UI's icons and for tests (never switch on the sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CheckId {
    Key,
    Tls,
    Generation,
    Endpoints,
    RateLimit,
    Clock,
    Webhook,
    Keychain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CheckLine {
    pub check: CheckId,
    pub status: CheckStatus,
    /// What is fine, or what to do, in a shop owner's words.
    pub message: String,
    /// The raw facts behind it (status codes, headers, paths), for "Details".
    pub detail: String,
}

impl CheckLine {
    fn new(
        check: CheckId,
        status: CheckStatus,
        message: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            check,
            status,
            message: message.into(),
            detail: detail.into(),
        }
    }
}

/// What one optional endpoint's probe found; `offered: None` when the answer said neither
/// (busy, a server error, or the key was refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EndpointFinding {
    pub endpoint: OptionalEndpoint,
    pub offered: Option<bool>,
    pub detail: String,
}

/// The whole check's outcome, which decides the CLI's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Every check is fine (or skipped for lack of anything to check).
    Healthy,
    /// Everything works; some lines suggest an improvement.
    Warnings,
    /// Some line needs fixing (the clock, the webhook address, the keychain).
    Problems,
    /// The service refused the key.
    KeyRefused,
    /// The service could not be reached, or did not answer as Lamina.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    /// The address checked (no key in it).
    pub service: String,
    pub verdict: Verdict,
    pub lines: Vec<CheckLine>,
    pub endpoints: Vec<EndpointFinding>,
}

impl DoctorReport {
    pub fn line(&self, check: CheckId) -> Option<&CheckLine> {
        self.lines.iter().find(|l| l.check == check)
    }
}

/// Where the key in use came from, for the keychain line.
#[derive(Debug, Clone)]
pub enum KeyOrigin {
    /// An environment variable (the CLI's `LAMINA_API_KEY`).
    Environment { variable: String },
    /// The OS keychain entry.
    Keychain(Keychain),
    /// The demo workspace's built-in key.
    Demo,
}

/// What the check needs; the clock is passed in so tests can set it.
#[derive(Debug, Clone)]
pub struct DoctorInput {
    pub client: LaminaClient,
    pub key_origin: KeyOrigin,
    /// The webhook receiver's public address, when one is set.
    pub webhook: Option<ReachTarget>,
    pub now: fn() -> DateTime<Utc>,
}

impl DoctorInput {
    pub fn new(client: LaminaClient, key_origin: KeyOrigin) -> Self {
        Self {
            client,
            key_origin,
            webhook: None,
            now: Utc::now,
        }
    }
}

/// The apps list of one generation, as asked by the key and generation checks.
pub(crate) struct AppsAnswer {
    pub generation: ApiGeneration,
    pub answer: Result<ProbeAnswer, lamina_api::ApiError>,
    /// Local time halfway between sending and the answer's headers.
    pub local_midpoint: DateTime<Utc>,
}

/// Runs every check, in the order the lines are shown. Never fails: whatever goes wrong is a
/// line.
pub async fn check_connection(input: &DoctorInput) -> DoctorReport {
    let client = &input.client;
    let configured = client.generation();
    let other = match configured {
        ApiGeneration::V1 => ApiGeneration::Legacy,
        ApiGeneration::Legacy => ApiGeneration::V1,
    };
    let first = probe_apps(client, configured, input.now).await;
    // Only worth asking when the first answered: a dead address stays dead.
    let second = match &first.answer {
        Ok(_) => Some(probe_apps(client, other, input.now).await),
        Err(_) => None,
    };
    let speaks = checks::generation_in_use(&first, second.as_ref());
    let main = match (&speaks, &second) {
        (Some(g), Some(second)) if *g == second.generation => second,
        _ => &first,
    };

    let mut lines = Vec::new();
    // The demo workspace's built-in key is no one's: it is not named.
    let last_four = match input.key_origin {
        KeyOrigin::Demo => None,
        _ => Some(client.key_last_four()),
    };
    let key = checks::key_line(main, last_four.as_deref());
    lines.push(key.line);
    lines.push(checks::tls_line(client.base_url(), &main.answer));
    lines.push(checks::generation_line(configured, &first, second.as_ref()));

    let endpoints = match (key.accepted, speaks) {
        (true, Some(generation)) => {
            let first_app = main.answer.as_ref().ok().and_then(checks::first_app_id);
            checks::probe_endpoints(client, generation, first_app.as_deref()).await
        }
        _ => Vec::new(),
    };
    lines.push(checks::endpoints_line(&endpoints, key.accepted));
    lines.push(checks::rate_limit_line(
        main.answer.as_ref().ok(),
        &endpoints,
        &client.budget().config(),
    ));
    lines.push(checks::clock_line(
        main.answer.as_ref().ok(),
        main.local_midpoint,
    ));
    lines.push(webhook::reach_line(client.http(), input.webhook.as_ref()).await);
    lines.push(keychain::keychain_line(&input.key_origin).await);

    let verdict = checks::verdict(&lines, key.outcome);
    DoctorReport {
        service: client.base_url().to_owned(),
        verdict,
        lines,
        endpoints: endpoints.into_iter().map(|(finding, _)| finding).collect(),
    }
}

async fn probe_apps(
    client: &LaminaClient,
    generation: ApiGeneration,
    now: fn() -> DateTime<Utc>,
) -> AppsAnswer {
    let path = match generation {
        ApiGeneration::V1 => "/v1/apps?limit=1",
        ApiGeneration::Legacy => "/api/apps?limit=1",
    };
    let before = now();
    let answer = client.probe(path).await;
    let after = now();
    AppsAnswer {
        generation,
        answer,
        local_midpoint: before + (after - before) / 2,
    }
}
