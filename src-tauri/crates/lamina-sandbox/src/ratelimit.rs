//! Fixed-window rate limiting per API key, the way express-rate-limit counts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The verdict for one request, with the numbers for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets, rounded up (also the `Retry-After` of a 429).
    pub reset_secs: u64,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    count: u32,
}

#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, Window>>,
}

/// Above this many tracked keys, expired windows are dropped so random keys cannot grow the map.
const PRUNE_ABOVE: usize = 4096;

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key` at `now`.
    pub(crate) fn check(&self, key: &str, now: Instant) -> Decision {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > PRUNE_ABOVE {
            let span = self.window;
            windows.retain(|_, w| now.saturating_duration_since(w.start) < span);
        }
        let entry = windows.entry(key.to_owned()).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.saturating_duration_since(entry.start) >= self.window {
            *entry = Window {
                start: now,
                count: 0,
            };
        }
        entry.count = entry.count.saturating_add(1);
        let left = self
            .window
            .saturating_sub(now.saturating_duration_since(entry.start));
        Decision {
            allowed: entry.count <= self.limit,
            limit: self.limit,
            remaining: self.limit.saturating_sub(entry.count),
            reset_secs: ceil_secs(left),
        }
    }
}

/// Whole seconds, rounded up, at least 1 (a `Retry-After: 0` would invite a hot loop).
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    whole.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_allows_limit_then_blocks_then_resets() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            let d = limiter.check("k", t0 + Duration::from_secs(i));
            assert!(d.allowed);
            assert_eq!(d.remaining, 2 - i as u32);
        }
        let blocked = limiter.check("k", t0 + Duration::from_millis(10_500));
        assert!(!blocked.allowed);
        assert_eq!(blocked.remaining, 0);
        // 49.5 s left in the window, rounded up.
        assert_eq!(blocked.reset_secs, 50);
        // Another key has its own window.
        assert!(limiter.check("other", t0).allowed);
        // After the window, a fresh one starts.
        let fresh = limiter.check("k", t0 + Duration::from_secs(60));
        assert!(fresh.allowed);
        assert_eq!(fresh.remaining, 2);
        assert_eq!(fresh.reset_secs, 60);
    }

    #[test]
    fn ceil_secs_rounds_up_and_never_returns_zero() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::ZERO), 1);
        assert_eq!(ceil_secs(Duration::from_millis(2000)), 2);
        assert_eq!(ceil_secs(Duration::from_millis(2001)), 3);
    }
}
