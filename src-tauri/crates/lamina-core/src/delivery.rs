//! How the tracker learns that a run changed: which endpoints the service offers (detected once
//! per service and remembered), and the polling cadence when it offers nothing better.

use std::time::Duration;

use lamina_api::{EndpointMemory, EndpointStatus, OptionalEndpoint};
use serde::{Deserialize, Serialize};

/// Which mechanism to use. `Auto` prefers the SSE stream (one request, live progress), then the
/// `/wait` long-poll, then polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    #[default]
    Auto,
    Stream,
    Wait,
    Poll,
}

/// What a service was found to support; `None` = not tried yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub stream: Option<bool>,
    pub wait: Option<bool>,
}

impl Capabilities {
    /// What the client's memory of the service knows (see [`lamina_api::optional`]).
    pub fn of(memory: &EndpointMemory) -> Self {
        let known = |endpoint| match memory.status(endpoint) {
            EndpointStatus::Unknown => None,
            EndpointStatus::Offered { .. } => Some(true),
            EndpointStatus::Missing { .. } => Some(false),
        };
        Self {
            stream: known(OptionalEndpoint::Stream),
            wait: known(OptionalEndpoint::Wait),
        }
    }

    pub fn choose(&self, mode: DeliveryMode) -> DeliveryMode {
        let stream = self.stream != Some(false);
        let wait = self.wait != Some(false);
        match mode {
            DeliveryMode::Auto | DeliveryMode::Stream if stream => DeliveryMode::Stream,
            DeliveryMode::Auto | DeliveryMode::Stream | DeliveryMode::Wait if wait => {
                DeliveryMode::Wait
            }
            _ => DeliveryMode::Poll,
        }
    }
}

/// The documented cadence per kind of app: images every 3–5 s, multi-step 5–10 s, video
/// 10–15 s. The fields are each range's lower bound: the shortest gap between two status reads
/// of one run (only a `Retry-After` may shorten it), and the interval for an app never seen
/// before, so that with polling alone the result shows at most about one lower bound after it
/// is ready (p95 ≈ 0.95 × lower ≤ 0.6 × upper). `floor` is the least time between any two
/// requests of one kind (list snapshots, stream reconnects).
#[derive(Debug, Clone, PartialEq)]
pub struct PollCadence {
    pub image: Duration,
    pub multi_step: Duration,
    pub video: Duration,
    pub floor: Duration,
}

impl Default for PollCadence {
    fn default() -> Self {
        Self {
            image: Duration::from_secs(3),
            multi_step: Duration::from_secs(5),
            video: Duration::from_secs(10),
            floor: Duration::from_secs(1),
        }
    }
}

/// Kind of work a run is, inferred from its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    Image,
    MultiStep,
    Video,
}

impl WorkKind {
    /// Upper bound over lower bound of the documented range (5/3, 10/5, 15/10).
    fn range_ratio(self) -> f64 {
        match self {
            Self::Image => 5.0 / 3.0,
            Self::MultiStep => 2.0,
            Self::Video => 1.5,
        }
    }
}

impl PollCadence {
    /// The lower bound of the kind's documented range: the gap between two reads of one run.
    pub fn interval(&self, kind: WorkKind) -> Duration {
        let base = match kind {
            WorkKind::Image => self.image,
            WorkKind::MultiStep => self.multi_step,
            WorkKind::Video => self.video,
        };
        base.max(self.floor)
    }

    /// The upper bound of the kind's documented range.
    pub fn upper(&self, kind: WorkKind) -> Duration {
        self.interval(kind).mul_f64(kind.range_ratio())
    }

    /// The wait before the next read. Cold apps (no `expected` duration from earlier runs) are
    /// read at the lower bound; warm ones sparsely (up to the upper bound) while far from their
    /// expected end, aiming just after it, and at the lower bound once near or past it. Never
    /// below the lower bound.
    pub fn next_delay(
        &self,
        kind: WorkKind,
        elapsed: Duration,
        expected: Option<Duration>,
    ) -> Duration {
        let interval = self.interval(kind);
        let Some(expected) = expected else {
            return interval;
        };
        if elapsed < expected {
            let remaining = expected - elapsed;
            // Aim slightly after the expected end so the read there usually finds it done.
            (remaining + self.floor / 4).clamp(interval, self.upper(kind))
        } else {
            interval
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_falls_back_in_order() {
        let mut caps = Capabilities::default();
        assert_eq!(caps.choose(DeliveryMode::Auto), DeliveryMode::Stream);
        caps.stream = Some(false);
        assert_eq!(caps.choose(DeliveryMode::Auto), DeliveryMode::Wait);
        caps.wait = Some(false);
        assert_eq!(caps.choose(DeliveryMode::Auto), DeliveryMode::Poll);
        assert_eq!(caps.choose(DeliveryMode::Poll), DeliveryMode::Poll);
        let fresh = Capabilities::default();
        assert_eq!(fresh.choose(DeliveryMode::Stream), DeliveryMode::Stream);
        assert_eq!(fresh.choose(DeliveryMode::Wait), DeliveryMode::Wait);
        assert_eq!(fresh.choose(DeliveryMode::Poll), DeliveryMode::Poll);
    }

    #[test]
    fn cold_apps_are_read_at_the_lower_bound_and_no_read_comes_sooner() {
        let cadence = PollCadence::default();
        let secs = Duration::from_secs;
        // Cold: the lower bound of each documented range (3–5 s, 5–10 s, 10–15 s).
        assert_eq!(cadence.next_delay(WorkKind::Image, secs(0), None), secs(3));
        assert_eq!(
            cadence.next_delay(WorkKind::MultiStep, secs(0), None),
            secs(5)
        );
        assert_eq!(cadence.next_delay(WorkKind::Video, secs(0), None), secs(10));
        // p95 of completion -> observed with polling alone is ~0.95 × the gap: within 0.6 ×
        // the upper bound for images and multi-step. Video cannot have both: 0.95 × 10 s is
        // 9.5 s against 0.6 × 15 s = 9 s, and reading more often than every 10 s would break
        // the documented range, so the range wins (0.63 × the upper bound).
        for (kind, share) in [
            (WorkKind::Image, 0.6),
            (WorkKind::MultiStep, 0.6),
            (WorkKind::Video, 0.64),
        ] {
            let p95 = cadence.interval(kind).mul_f64(0.95);
            assert!(p95 <= cadence.upper(kind).mul_f64(share), "{kind:?}");
        }
        assert_eq!(cadence.upper(WorkKind::Image), secs(5));
        assert_eq!(cadence.upper(WorkKind::MultiStep), secs(10));
        assert_eq!(cadence.upper(WorkKind::Video), secs(15));
    }

    #[test]
    fn warm_apps_are_read_sparsely_far_from_their_end_never_below_the_lower_bound() {
        let cadence = PollCadence::default();
        let secs = Duration::from_secs;
        let far = cadence.next_delay(WorkKind::Image, secs(0), Some(secs(30)));
        assert_eq!(far, secs(5), "the upper bound while far from the end");
        let near = cadence.next_delay(WorkKind::Image, secs(26), Some(secs(30)));
        assert!(near > secs(3) && near < secs(5), "{near:?}");
        assert_eq!(
            cadence.next_delay(WorkKind::Image, secs(29), Some(secs(30))),
            secs(3)
        );
        assert_eq!(
            cadence.next_delay(WorkKind::Image, secs(40), Some(secs(30))),
            secs(3)
        );
        assert_eq!(
            cadence.next_delay(WorkKind::Video, secs(100), Some(secs(30))),
            secs(10)
        );
    }
}
