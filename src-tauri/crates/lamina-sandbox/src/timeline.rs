//! A run's schedule, fixed at creation and read against the clock.
//!
//! Status is a pure function of the time elapsed since creation, so no task runs per run and
//! every reader (get, list, wait, stream, webhook) agrees on the same instant-by-instant state.

use std::time::Duration;

use lamina_api::RunStatus;

/// How long a run sits in `queued` at speed 1.
const QUEUED_SECS: f64 = 1.0;

/// The end of a run still waiting for its input photos: beyond anything that will be read.
const WHILE_FETCHING: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timeline {
    queued_for: Duration,
    /// Per output: elapsed time (from creation) at which it reaches its terminal state.
    output_ends: Vec<Duration>,
    /// Whether the run as a whole ends `failed`.
    fails: bool,
}

impl Timeline {
    /// Plans a run whose running phase takes `base_secs` (±20% jitter from `seed`) divided by
    /// `speed`. `sequential` outputs finish at evenly spaced steps; otherwise all at the end.
    pub(crate) fn plan(
        base_secs: f64,
        outputs: usize,
        sequential: bool,
        fails: bool,
        seed: u64,
        speed: f64,
    ) -> Self {
        let jitter = 0.8 + 0.4 * ((seed % 1000) as f64 / 999.0);
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let secs = |s: f64| Duration::try_from_secs_f64(s / speed).unwrap_or(Duration::ZERO);
        let queued_for = secs(QUEUED_SECS);
        let running = base_secs * jitter;
        let steps = outputs.max(1);
        let output_ends = (0..outputs)
            .map(|k| {
                let share = if sequential {
                    (k + 1) as f64 / steps as f64
                } else {
                    1.0
                };
                queued_for + secs(running * share)
            })
            .collect();
        Self {
            queued_for,
            output_ends,
            fails,
        }
    }

    /// This plan while the run's inputs are still being fetched: it leaves `queued` as planned
    /// and stays `running`, with no output done, until they arrive.
    pub(crate) fn while_fetching(&self) -> Self {
        Self {
            queued_for: self.queued_for,
            output_ends: vec![WHILE_FETCHING; self.output_ends.len()],
            fails: self.fails,
        }
    }

    /// This plan once the inputs arrived at `at`: no output is done before they were there.
    pub(crate) fn inputs_arrived(&self, at: Duration) -> Self {
        Self {
            queued_for: self.queued_for,
            output_ends: self.output_ends.iter().map(|end| (*end).max(at)).collect(),
            fails: self.fails,
        }
    }

    /// This plan when an input could not be fetched at `at`: every output fails when the first
    /// one would have finished (or at `at`, if later), and so does the run.
    pub(crate) fn inputs_failed(&self, at: Duration) -> Self {
        let first = self
            .output_ends
            .iter()
            .copied()
            .min()
            .unwrap_or(self.queued_for);
        let end = first.max(at).max(self.queued_for);
        Self {
            queued_for: self.queued_for,
            output_ends: vec![end; self.output_ends.len().max(1)],
            fails: true,
        }
    }

    /// Elapsed time at which the run leaves `queued` (its `startedAt`).
    pub(crate) fn started_after(&self) -> Duration {
        self.queued_for
    }

    /// Elapsed time at which the run is terminal (its `completedAt`).
    pub(crate) fn ends_after(&self) -> Duration {
        self.output_ends
            .iter()
            .copied()
            .max()
            .unwrap_or(self.queued_for)
    }

    pub(crate) fn status_at(&self, elapsed: Duration) -> RunStatus {
        if elapsed < self.queued_for {
            RunStatus::Queued
        } else if elapsed < self.ends_after() {
            RunStatus::Running
        } else if self.fails {
            RunStatus::Failed
        } else {
            RunStatus::Completed
        }
    }

    pub(crate) fn output_done(&self, index: usize, elapsed: Duration) -> bool {
        self.output_ends
            .get(index)
            .is_some_and(|end| elapsed >= *end)
    }

    /// The next instant (elapsed) at which anything visible changes, if any is left.
    pub(crate) fn next_change_after(&self, elapsed: Duration) -> Option<Duration> {
        std::iter::once(self.queued_for)
            .chain(self.output_ends.iter().copied())
            .filter(|t| *t > elapsed)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn sequential_run_moves_through_each_state() {
        // seed 0 => jitter 0.8: queued 1 s, running 8 s, four steps of 2 s each.
        let t = Timeline::plan(10.0, 4, true, false, 0, 1.0);
        assert_eq!(t.started_after(), ms(1000));
        assert_eq!(t.ends_after(), ms(9000));
        assert_eq!(t.status_at(ms(0)), RunStatus::Queued);
        assert_eq!(t.status_at(ms(999)), RunStatus::Queued);
        assert_eq!(t.status_at(ms(1000)), RunStatus::Running);
        assert!(!t.output_done(0, ms(2999)));
        assert!(t.output_done(0, ms(3000)));
        assert!(!t.output_done(1, ms(3000)));
        assert!(t.output_done(2, ms(7000)));
        assert_eq!(t.status_at(ms(8999)), RunStatus::Running);
        assert_eq!(t.status_at(ms(9000)), RunStatus::Completed);
        assert!(t.output_done(3, ms(9000)));
        assert!(!t.output_done(4, ms(99_000)), "no such output");
    }

    #[test]
    fn next_change_walks_every_transition_then_stops() {
        let t = Timeline::plan(10.0, 2, true, true, 0, 2.0);
        let mut at = Duration::ZERO;
        let mut seen = vec![];
        while let Some(next) = t.next_change_after(at) {
            seen.push(next);
            at = next;
        }
        assert_eq!(seen, vec![ms(500), ms(2500), ms(4500)]);
        assert_eq!(t.status_at(at), RunStatus::Failed);
    }

    #[test]
    fn fetching_inputs_holds_the_run_running_then_arrival_or_failure_decides() {
        let t = Timeline::plan(10.0, 2, true, false, 0, 1.0);
        let waiting = t.while_fetching();
        assert_eq!(waiting.status_at(ms(999)), RunStatus::Queued);
        assert_eq!(waiting.status_at(ms(60_000)), RunStatus::Running);
        assert!(!waiting.output_done(0, ms(60_000)));

        let late = t.inputs_arrived(ms(7000));
        assert!(!late.output_done(0, ms(6999)));
        assert!(late.output_done(0, ms(7000)));
        assert_eq!(late.ends_after(), ms(9000));
        assert_eq!(t.inputs_arrived(ms(10)), t);

        let failed = t.inputs_failed(ms(10));
        assert_eq!(failed.status_at(ms(500)), RunStatus::Queued);
        assert_eq!(failed.status_at(ms(4999)), RunStatus::Running);
        assert_eq!(failed.status_at(ms(5000)), RunStatus::Failed);
        assert_eq!(t.inputs_failed(ms(20_000)).ends_after(), ms(20_000));
    }

    #[test]
    fn speed_divides_and_jitter_stays_within_twenty_percent() {
        for seed in [0, 1, 499, 998, 999, 123_456_789] {
            let t = Timeline::plan(8.0, 1, false, false, seed, 50.0);
            let running = (t.ends_after() - t.started_after()).as_secs_f64();
            assert!((0.8 * 8.0 / 50.0 - 1e-9..=1.2 * 8.0 / 50.0 + 1e-9).contains(&running));
            assert_eq!(t.started_after(), ms(20));
        }
        let parallel = Timeline::plan(8.0, 3, false, false, 0, 1.0);
        assert!(parallel.output_done(0, parallel.ends_after()));
        assert!(!parallel.output_done(0, parallel.ends_after() - ms(1)));
    }
}
