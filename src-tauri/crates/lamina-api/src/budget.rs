//! The request budget shared by every caller of the service (the service allows 100 requests a
//! minute per IP/workspace).
//!
//! # Algorithm
//!
//! A sliding window over request **end** times, where a request still in flight counts too: a new
//! request may start only when fewer than `limit` requests either ended within the last `window`
//! or are still in flight.
//!
//! Why end times: a request's end (its response arrived) happens after the server received it.
//! Take any window of length `window` on the server's clock (fixed or sliding) and the requests it
//! received in it; let `k` be the one of them that *started* last, at `s_k`. Every other request
//! `j` of that set started before `s_k` and was either still in flight at `s_k` (counted), or had
//! ended before `s_k`; then the stretch from its end to `s_k` lies inside the stretch between the
//! two receive times, which is shorter than `window`, so its end lies in `(s_k - window, s_k]`
//! (counted). So when `k` was admitted at most `limit - 1` others were counted, and the server
//! sees at most `limit` requests in any window: the budget by itself never causes a 429. It is
//! conservative by at most one round trip per request.
//!
//! On top of that, the service's own word wins: a `Retry-After` on a 429, or
//! `RateLimit-Remaining: 0` with `RateLimit-Reset`, pauses *everyone* until then (the limit is
//! per IP, so other programs may share it).
//!
//! # Fairness and waiting
//!
//! Waiters queue on a FIFO `tokio::sync::Mutex` (the "turnstile"); only the head of the queue
//! inspects the window. It sleeps until the earliest moment something can change (the oldest end
//! time leaves the window, or the pause ends) or until a permit is returned (a `Notify`), then
//! checks again. No busy loop, no starvation, and `tokio::time` makes it testable with paused time.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Serialize;
use tokio::sync::{Mutex, Notify};
use tokio::time::Instant;

/// The longest pause a header may impose; anything longer is treated as this (a wrong or hostile
/// header must not freeze the app for hours).
const MAX_PAUSE: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetConfig {
    pub limit: u32,
    pub window: Duration,
}

impl Default for BudgetConfig {
    /// The service's documented limit: 100 requests a minute.
    fn default() -> Self {
        Self {
            limit: 100,
            window: Duration::from_secs(60),
        }
    }
}

/// Counters for diagnostics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetStats {
    /// Permits handed out (one per request attempt).
    pub requests_sent: u64,
    /// 429 responses observed.
    pub rate_limited_seen: u64,
    /// Total time callers spent waiting in [`RequestBudget::acquire`].
    pub waited_ms_total: u64,
}

#[derive(Debug)]
struct Window {
    limit: u32,
    window: Duration,
    /// End times of finished requests, oldest first, pruned lazily.
    ended: VecDeque<Instant>,
    in_flight: u32,
    paused_until: Option<Instant>,
}

impl Window {
    fn prune(&mut self, now: Instant) {
        while let Some(&oldest) = self.ended.front() {
            if oldest + self.window <= now {
                self.ended.pop_front();
            } else {
                break;
            }
        }
    }

    /// `Ok(())` when a request may start now, else the instant worth waking up at (`None`: only
    /// a returned permit can change anything).
    fn check(&mut self, now: Instant) -> Result<(), Option<Instant>> {
        if let Some(until) = self.paused_until {
            if until > now {
                return Err(Some(until));
            }
            self.paused_until = None;
        }
        self.prune(now);
        let used = self.ended.len() as u64 + u64::from(self.in_flight);
        if used < u64::from(self.limit.max(1)) {
            return Ok(());
        }
        // Full: the next chance is when the oldest end leaves the window, or a permit returns.
        Err(self.ended.front().map(|&oldest| oldest + self.window))
    }
}

#[derive(Debug)]
struct Shared {
    window: StdMutex<Window>,
    /// Wakes the head waiter when a permit returns or the limits change.
    changed: Notify,
    requests_sent: AtomicU64,
    rate_limited_seen: AtomicU64,
    waited_ms_total: AtomicU64,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // A panic while holding this lock cannot leave the window inconsistent (each update is
        // a single push/pop/counter change), so a poisoned lock is simply taken over.
        self.window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Shared via `Arc` by every caller of the service; see the module docs for the algorithm.
#[derive(Debug)]
pub struct RequestBudget {
    shared: Arc<Shared>,
    /// FIFO queue of waiters: only its holder inspects the window.
    turnstile: Mutex<()>,
}

impl RequestBudget {
    pub fn new(config: BudgetConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                window: StdMutex::new(Window {
                    limit: config.limit.max(1),
                    window: config.window,
                    ended: VecDeque::new(),
                    in_flight: 0,
                    paused_until: None,
                }),
                changed: Notify::new(),
                requests_sent: AtomicU64::new(0),
                rate_limited_seen: AtomicU64::new(0),
                waited_ms_total: AtomicU64::new(0),
            }),
            turnstile: Mutex::new(()),
        }
    }

    /// Waits until a request may be sent. Keep the permit until the response (its headers) has
    /// arrived; dropping it records the request's end time.
    pub async fn acquire(&self) -> BudgetPermit {
        let started = Instant::now();
        let _turn = self.turnstile.lock().await;
        loop {
            let wake_at = {
                let mut window = self.shared.lock();
                match window.check(Instant::now()) {
                    Ok(()) => {
                        window.in_flight += 1;
                        break;
                    }
                    Err(wake_at) => wake_at,
                }
            };
            // `notify_one` stores a permit when nobody waits, so a permit returned between the
            // check above and this wait is not missed; a spurious wake-up just checks again.
            match wake_at {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.shared.changed.notified() => {}
                    }
                }
                None => self.shared.changed.notified().await,
            }
        }
        let waited = started.elapsed();
        self.shared.requests_sent.fetch_add(1, Ordering::Relaxed);
        self.shared.waited_ms_total.fetch_add(
            u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        BudgetPermit {
            shared: Some(Arc::clone(&self.shared)),
        }
    }

    /// Reads the rate-limit headers of a response: a 429 pauses everyone for `Retry-After` (or
    /// until `RateLimit-Reset`), unless `RateLimit-Remaining` says the shared quota is not spent
    /// (then the 429 is about that one request, which waits on its own); `RateLimit-Remaining: 0`
    /// pauses until `RateLimit-Reset`; a `RateLimit-Limit` lower than ours lowers ours.
    /// `X-RateLimit-*` spellings are accepted.
    pub fn observe(&self, headers: &HeaderMap, status: u16) {
        let reset =
            header_text(headers, &["ratelimit-reset", "x-ratelimit-reset"]).and_then(parse_reset);
        let remaining = header_text(headers, &["ratelimit-remaining", "x-ratelimit-remaining"])
            .and_then(|v| leading_integer(&v));
        if status == 429 {
            self.shared
                .rate_limited_seen
                .fetch_add(1, Ordering::Relaxed);
            if remaining.is_none_or(|left| left == 0) {
                let retry_after =
                    header_text(headers, &["retry-after"]).and_then(parse_retry_after);
                // Without any hint, a short pause still spreads the callers out.
                self.pause_for(retry_after.or(reset).unwrap_or(Duration::from_secs(1)));
            }
        } else if let Some(reset) = reset
            && remaining == Some(0)
        {
            self.pause_for(reset);
        }
        if let Some(text) = header_text(headers, &["ratelimit-limit", "x-ratelimit-limit"])
            && let Some(limit) = leading_integer(&text).and_then(|v| u32::try_from(v).ok())
            && limit > 0
        {
            let mut window = self.shared.lock();
            if limit < window.limit {
                window.limit = limit;
                if let Some(w) = window_param(&text) {
                    window.window = w;
                }
            }
        }
    }

    /// Pauses every caller for `d` from now (never shortens a pause already in force).
    pub fn pause_for(&self, d: Duration) {
        let until = Instant::now() + d.min(MAX_PAUSE);
        {
            let mut window = self.shared.lock();
            if window.paused_until.is_none_or(|current| current < until) {
                window.paused_until = Some(until);
            }
        }
        self.shared.changed.notify_one();
    }

    /// Replaces the limit, e.g. with `rateLimit` from `/v1/account/usage`.
    pub fn set_limit(&self, limit: u32, window: Duration) {
        {
            let mut state = self.shared.lock();
            state.limit = limit.max(1);
            state.window = window;
        }
        self.shared.changed.notify_one();
    }

    pub fn config(&self) -> BudgetConfig {
        let window = self.shared.lock();
        BudgetConfig {
            limit: window.limit,
            window: window.window,
        }
    }

    pub fn stats(&self) -> BudgetStats {
        BudgetStats {
            requests_sent: self.shared.requests_sent.load(Ordering::Relaxed),
            rate_limited_seen: self.shared.rate_limited_seen.load(Ordering::Relaxed),
            waited_ms_total: self.shared.waited_ms_total.load(Ordering::Relaxed),
        }
    }
}

/// One admitted request. Dropping it (or [`BudgetPermit::finish`]) records the request's end.
#[derive(Debug)]
pub struct BudgetPermit {
    shared: Option<Arc<Shared>>,
}

impl BudgetPermit {
    /// Records the end of the request now (same as dropping the permit).
    pub fn finish(mut self) {
        self.release();
    }

    fn release(&mut self) {
        if let Some(shared) = self.shared.take() {
            {
                let mut window = shared.lock();
                window.in_flight = window.in_flight.saturating_sub(1);
                let now = Instant::now();
                // Keep the deque sorted even if the clock were to step backwards.
                let now = window.ended.back().map_or(now, |&last| last.max(now));
                window.ended.push_back(now);
            }
            shared.changed.notify_one();
        }
    }
}

impl Drop for BudgetPermit {
    fn drop(&mut self) {
        self.release();
    }
}

fn header_text(headers: &HeaderMap, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

fn leading_integer(text: &str) -> Option<u64> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The `w=<seconds>` parameter of an IETF-draft `RateLimit-Limit` such as `100, 100;w=60`.
fn window_param(text: &str) -> Option<Duration> {
    text.split([';', ','])
        .filter_map(|part| part.trim().strip_prefix("w="))
        .find_map(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
}

/// `Retry-After`: delay-seconds (fractions tolerated) or an HTTP date.
pub(crate) fn parse_retry_after(text: String) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX_PAUSE.as_secs_f64())));
    }
    let date = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let delta = date.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(u64::try_from(delta).unwrap_or(0)).min(MAX_PAUSE))
}

/// `RateLimit-Reset`: seconds until the window resets; a value that looks like a Unix time (some
/// `X-RateLimit-Reset` implementations) is converted.
pub(crate) fn parse_reset(text: String) -> Option<Duration> {
    let secs = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)?;
    let secs = if secs > 1_000_000_000.0 {
        (secs - chrono::Utc::now().timestamp() as f64).max(0.0)
    } else {
        secs
    };
    Some(Duration::from_secs_f64(secs.min(MAX_PAUSE.as_secs_f64())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn budget(limit: u32, window_s: u64) -> Arc<RequestBudget> {
        Arc::new(RequestBudget::new(BudgetConfig {
            limit,
            window: Duration::from_secs(window_s),
        }))
    }

    #[tokio::test(start_paused = true)]
    async fn admits_up_to_the_limit_then_waits_for_the_oldest_end_to_expire() {
        let budget = budget(3, 10);
        let t0 = Instant::now();
        for _ in 0..3 {
            budget.acquire().await.finish();
        }
        assert_eq!(t0.elapsed(), Duration::ZERO);
        budget.acquire().await.finish();
        assert_eq!(t0.elapsed(), Duration::from_secs(10));
        let stats = budget.stats();
        assert_eq!(stats.requests_sent, 4);
        assert_eq!(stats.waited_ms_total, 10_000);
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_requests_count_and_their_end_starts_the_window() {
        let budget = budget(2, 10);
        let t0 = Instant::now();
        let a = budget.acquire().await;
        let b = budget.acquire().await;
        let waiter = {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move {
                budget.acquire().await.finish();
                t0.elapsed()
            })
        };
        // Both in flight for 5 s: the third may not start until one of them ended 10 s before.
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(a);
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(b);
        assert_eq!(waiter.await.unwrap(), Duration::from_secs(15));
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_never_exceeds_the_limit_in_any_window() {
        let budget = budget(5, 2);
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..23 {
            let budget = Arc::clone(&budget);
            tasks.push(tokio::spawn(async move {
                let permit = budget.acquire().await;
                let start = t0.elapsed();
                tokio::time::sleep(Duration::from_millis(300)).await; // "server time"
                permit.finish();
                start
            }));
        }
        let mut starts = Vec::new();
        for task in tasks {
            starts.push(task.await.unwrap());
        }
        starts.sort();
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|t| **t < *s + Duration::from_secs(2));
            assert!(
                in_window.count() <= 5,
                "more than 5 starts within 2 s of {s:?}"
            );
        }
        // 23 requests, 5 per (2 s + 0.3 s round trip): the last batch starts after 4 rounds.
        assert_eq!(*starts.last().unwrap(), Duration::from_millis(4 * 2300));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_on_429_pauses_everyone() {
        let budget = budget(100, 60);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        let t0 = Instant::now();
        budget.observe(&headers, 429);
        budget.acquire().await.finish();
        assert_eq!(t0.elapsed(), Duration::from_secs(3));
        assert_eq!(budget.stats().rate_limited_seen, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_with_quota_left_pauses_only_its_own_request() {
        // e.g. a service that throttles one resource (the first read of a run) while the shared
        // quota still has room: the other callers go on.
        let budget = budget(100, 60);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("42"));
        let t0 = Instant::now();
        budget.observe(&headers, 429);
        budget.acquire().await.finish();
        assert_eq!(t0.elapsed(), Duration::ZERO);
        assert_eq!(budget.stats().rate_limited_seen, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn remaining_zero_pauses_until_reset_and_lower_limit_is_adopted() {
        let budget = budget(100, 60);
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("ratelimit-reset", HeaderValue::from_static("2"));
        headers.insert("x-ratelimit-limit", HeaderValue::from_static("10, 10;w=5"));
        let t0 = Instant::now();
        budget.observe(&headers, 200);
        assert_eq!(
            budget.config(),
            BudgetConfig {
                limit: 10,
                window: Duration::from_secs(5)
            }
        );
        budget.acquire().await.finish();
        assert_eq!(t0.elapsed(), Duration::from_secs(2));
        // Remaining > 0 does not pause.
        headers.insert("ratelimit-remaining", HeaderValue::from_static("4"));
        let t1 = Instant::now();
        budget.observe(&headers, 200);
        budget.acquire().await.finish();
        assert_eq!(t1.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn raising_the_limit_wakes_waiters() {
        let budget = budget(1, 60);
        let held = budget.acquire().await;
        let waiter = {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move { budget.acquire().await.finish() })
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiter.is_finished());
        budget.set_limit(5, Duration::from_secs(60));
        tokio::time::timeout(Duration::from_millis(10), waiter)
            .await
            .unwrap()
            .unwrap();
        drop(held);
    }

    #[test]
    fn parses_header_forms() {
        assert_eq!(parse_retry_after("2".into()), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("0.5".into()),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_retry_after("soon".into()), None);
        assert_eq!(parse_retry_after("99999999".into()), Some(MAX_PAUSE));
        let future = chrono::Utc::now() + chrono::Duration::seconds(30);
        let date = future.to_rfc2822();
        let parsed = parse_retry_after(date).unwrap();
        assert!(parsed <= Duration::from_secs(30) && parsed >= Duration::from_secs(28));
        let epoch = (chrono::Utc::now().timestamp() + 5).to_string();
        assert!(parse_reset(epoch).unwrap() <= Duration::from_secs(5));
        assert_eq!(window_param("100;w=60"), Some(Duration::from_secs(60)));
        assert_eq!(leading_integer("42, 42;w=1"), Some(42));
    }
}
