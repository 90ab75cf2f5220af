//! How the tracker learns that a run changed: which endpoints the service offers (detected once
//! per service and remembered), and the polling cadence when it offers nothing better.

use std::time::Duration;

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
/// 10–15 s, and never faster than once a second.
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
            image: Duration::from_secs(4),
            multi_step: Duration::from_secs(7),
            video: Duration::from_secs(12),
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

impl PollCadence {
    pub fn interval(&self, kind: WorkKind) -> Duration {
        let base = match kind {
            WorkKind::Image => self.image,
            WorkKind::MultiStep => self.multi_step,
            WorkKind::Video => self.video,
        };
        base.max(self.floor)
    }

    /// Adaptive polling: sparse while the run is far from its expected end, then as often as
    /// the floor allows around it. `expected` comes from earlier runs of the same app.
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
            // Aim slightly after the expected end so the first poll there usually finds it done.
            (remaining + self.floor / 4).clamp(self.floor, interval)
        } else {
            // Overdue: check often, but no faster than the floor.
            (interval / 4).max(self.floor)
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
    fn adaptive_delay_never_goes_below_the_floor_or_above_the_interval() {
        let cadence = PollCadence::default();
        let secs = Duration::from_secs;
        assert_eq!(cadence.next_delay(WorkKind::Image, secs(0), None), secs(4));
        assert_eq!(
            cadence.next_delay(WorkKind::Image, secs(0), Some(secs(30))),
            secs(4)
        );
        let near = cadence.next_delay(WorkKind::Image, secs(28), Some(secs(30)));
        assert!(near >= secs(1) && near < secs(4), "{near:?}");
        assert_eq!(
            cadence.next_delay(WorkKind::Image, secs(40), Some(secs(30))),
            secs(1)
        );
        assert_eq!(cadence.next_delay(WorkKind::Video, secs(0), None), secs(12));
    }
}
