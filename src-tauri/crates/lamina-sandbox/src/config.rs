//! Server configuration.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::DEMO_KEY;
use crate::faults::FaultRule;

/// Everything [`crate::start`] needs. `Default` is the demo workspace at real-world pace.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to bind; port 0 picks a free one. Default `127.0.0.1:0`.
    pub bind: SocketAddr,
    /// Accepted API keys (each must start with `lma_`). Default `[DEMO_KEY]`.
    pub keys: Vec<String>,
    /// Run durations are divided by this (tests use 50+). Default 1.0.
    pub speed: f64,
    /// Requests per window and API key. Default 100.
    pub rate_limit: u32,
    /// Fixed rate-limit window. Default 60 s.
    pub rate_window: Duration,
    /// Initial fault rules. Default none.
    pub faults: Vec<FaultRule>,
    /// Pauses before webhook retries (not divided by `speed`). Default 5 s, 30 s, 120 s.
    pub webhook_retry_delays: Vec<Duration>,
    /// Timeout of one webhook delivery attempt. Default 15 s.
    pub webhook_timeout: Duration,
    /// Treats the first N 2xx answers to webhook attempts as lost (as if they timed out), so the
    /// delivery is retried: tests of receiver idempotency. Default 0.
    pub webhook_lost_answers: u32,
    /// `false` makes `/wait` and `/stream` answer 404 so clients exercise their polling fallback.
    pub long_poll: bool,
    /// Behave like a minimal Lamina-compatible server written from the public docs alone: only
    /// the four required endpoints (list apps, get an app, start a run, get a run) answer, every
    /// other API path is a plain 404 page, `startedAt` equals `completedAt`, the first status
    /// read of every run is a 429 with `Retry-After: 1`, and no webhooks are sent. Switchable at
    /// run time with `PUT /_sandbox/mode`. Default `false`.
    pub minimal: bool,
    /// Seconds added to the `Date` header of every answer (negative: behind): a service whose
    /// clock differs from this computer's, for the connection check. Default 0.
    pub clock_offset_s: i64,
    /// Where the built-in storage (`PUT /_sandbox/files/{name}`) keeps its files; `None` keeps
    /// them in memory. The app's demo workspace points it into its data folder so links survive
    /// a restart. Default `None`.
    pub storage_dir: Option<PathBuf>,
    /// Time limit of the sandbox's fetch of one `url` input of a run. Default 15 s.
    pub input_fetch_timeout: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: vec![DEMO_KEY.to_owned()],
            speed: 1.0,
            rate_limit: 100,
            rate_window: Duration::from_secs(60),
            faults: Vec::new(),
            webhook_retry_delays: vec![
                Duration::from_secs(5),
                Duration::from_secs(30),
                Duration::from_secs(120),
            ],
            webhook_timeout: Duration::from_secs(15),
            webhook_lost_answers: 0,
            long_poll: true,
            minimal: false,
            clock_offset_s: 0,
            storage_dir: None,
            input_fetch_timeout: Duration::from_secs(15),
        }
    }
}

/// Bounds on `speed`: beyond them durations stop being meaningful (or overflow time arithmetic).
const MIN_SPEED: f64 = 0.001;
const MAX_SPEED: f64 = 1_000_000.0;
/// A year either way: further than that no test needs, and dates stay far from overflow.
const MAX_CLOCK_OFFSET_S: u64 = 366 * 24 * 3600;

impl SandboxConfig {
    /// Rejects configurations the server could not honour, with a message for a human.
    pub fn validate(&self) -> Result<(), String> {
        if self.keys.is_empty() {
            return Err("at least one API key is required".into());
        }
        if let Some(bad) = self
            .keys
            .iter()
            .find(|k| !k.starts_with("lma_") || k.len() < 5)
        {
            return Err(format!("API key {bad:?} must start with \"lma_\""));
        }
        if !(MIN_SPEED..=MAX_SPEED).contains(&self.speed) {
            return Err(format!("speed must be between {MIN_SPEED} and {MAX_SPEED}"));
        }
        if self.rate_limit == 0 {
            return Err("rate limit must be at least 1".into());
        }
        if self.rate_window.is_zero() {
            return Err("rate window must be longer than zero".into());
        }
        if self.clock_offset_s.unsigned_abs() > MAX_CLOCK_OFFSET_S {
            return Err(format!(
                "clock offset must be within ±{MAX_CLOCK_OFFSET_S} seconds"
            ));
        }
        if self.input_fetch_timeout.is_zero() {
            return Err("input fetch timeout must be longer than zero".into());
        }
        if self.webhook_timeout.is_zero() {
            return Err("webhook timeout must be longer than zero".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_rejects_bad_values() {
        assert!(SandboxConfig::default().validate().is_ok());
        let bad_key = SandboxConfig {
            keys: vec!["sk_123".into()],
            ..Default::default()
        };
        assert!(bad_key.validate().unwrap_err().contains("lma_"));
        let bad_speed = SandboxConfig {
            speed: 0.0,
            ..Default::default()
        };
        assert!(bad_speed.validate().is_err());
        let nan_speed = SandboxConfig {
            speed: f64::NAN,
            ..Default::default()
        };
        assert!(nan_speed.validate().is_err());
    }
}
