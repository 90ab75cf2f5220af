//! Counters the tests and the demo UI read back.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A snapshot of what the sandbox has seen (also `GET /_sandbox/stats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SandboxStats {
    /// Every request to API routes (not `/files`, not `/_sandbox`).
    pub requests_total: u64,
    /// POSTs to any generation's start route, counted before faults, rate limit and validation.
    pub run_start_requests: u64,
    /// Runs actually created.
    pub runs_created: u64,
    /// 429 answers, real and injected.
    pub rate_limited: u64,
    /// Requests per `"METHOD /route/{template}"`; unmatched paths count as `"METHOD (unmatched)"`.
    pub by_route: BTreeMap<String, u64>,
    pub webhook_attempts: u64,
    /// Attempts answered 2xx.
    pub webhook_delivered: u64,
    /// App id (as sent) -> start requests received.
    pub run_starts_by_app: BTreeMap<String, u64>,
    /// `PUT /_sandbox/files/…` that stored a new file (built-in storage).
    pub files_stored: u64,
    /// Body bytes received by every `PUT /_sandbox/files/…`, new or repeated.
    pub stored_bytes_received: u64,
    /// `GET`/`HEAD /_sandbox/files/…` answered with a file.
    pub stored_files_served: u64,
    /// Every `url` input the sandbox fetched for a run, in order (as given, one per fetch; the
    /// last 1000 are kept).
    pub fetched_inputs: Vec<String>,
    /// Those fetches that failed (the run then fails naming the field).
    pub input_fetch_failures: u64,
}

/// How many fetched input addresses the stats remember (a demo runs for days).
const FETCHED_INPUTS_KEPT: usize = 1000;

#[derive(Debug, Default)]
pub(crate) struct StatsCell(Mutex<SandboxStats>);

impl StatsCell {
    fn with(&self, f: impl FnOnce(&mut SandboxStats)) {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(crate) fn snapshot(&self) -> SandboxStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn record_request(&self, route_key: &str, start_of_app: Option<&str>) {
        self.with(|s| {
            s.requests_total += 1;
            *s.by_route.entry(route_key.to_owned()).or_default() += 1;
            if let Some(app) = start_of_app {
                s.run_start_requests += 1;
                *s.run_starts_by_app.entry(app.to_owned()).or_default() += 1;
            }
        });
    }

    pub(crate) fn run_created(&self) {
        self.with(|s| s.runs_created += 1);
    }

    pub(crate) fn rate_limited(&self) {
        self.with(|s| s.rate_limited += 1);
    }

    pub(crate) fn file_stored(&self, bytes: u64, new: bool) {
        self.with(|s| {
            s.stored_bytes_received += bytes;
            s.files_stored += u64::from(new);
        });
    }

    pub(crate) fn stored_file_served(&self) {
        self.with(|s| s.stored_files_served += 1);
    }

    pub(crate) fn input_fetched(&self, url: &str, ok: bool) {
        self.with(|s| {
            if s.fetched_inputs.len() >= FETCHED_INPUTS_KEPT {
                s.fetched_inputs.remove(0);
            }
            s.fetched_inputs.push(url.to_owned());
            s.input_fetch_failures += u64::from(!ok);
        });
    }

    pub(crate) fn webhook_attempt(&self, delivered: bool) {
        self.with(|s| {
            s.webhook_attempts += 1;
            s.webhook_delivered += u64::from(delivered);
        });
    }
}
