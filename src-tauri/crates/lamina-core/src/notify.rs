//! When to tell the person that work finished (an OS notification) and how many runs are in
//! flight (the dock/taskbar badge). Pure decisions: the app crate sends what these return.

use std::collections::HashMap;

use crate::record::{RunRecord, RunState};

/// What a notification says, in a shop owner's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// A run reached a state. Notify only when it *became* completed or failed (not on a repeat of
/// the same state, not for a run first seen already settled, e.g. history loaded at start-up)
/// and only while the window is not focused (the person is looking elsewhere).
pub fn run_notice(
    previous: Option<RunState>,
    now: &RunRecord,
    window_focused: bool,
) -> Option<Notice> {
    if window_focused {
        return None;
    }
    let was_in_flight = previous.is_some_and(|p| !p.is_terminal());
    if !was_in_flight {
        return None;
    }
    let outputs = now.outputs.len();
    match now.state {
        RunState::Completed => Some(Notice {
            title: format!("{} is ready", now.app_name),
            body: match outputs {
                1 => "Your result is ready to look at.".to_owned(),
                n => format!("{n} results are ready to look at."),
            },
        }),
        RunState::Failed => Some(Notice {
            title: format!("{} didn't finish", now.app_name),
            body: now
                .failure_summary()
                .unwrap_or_else(|| "Something went wrong with this run. Try again.".to_owned()),
        }),
        _ => None,
    }
}

/// A batch ended: always worth a notification while the window is not focused.
pub fn batch_notice(
    name: &str,
    succeeded: usize,
    failed: usize,
    window_focused: bool,
) -> Option<Notice> {
    if window_focused {
        return None;
    }
    let total = succeeded + failed;
    let body = match failed {
        0 => format!("All {total} runs finished."),
        f => format!("{succeeded} of {total} runs finished; {f} didn't."),
    };
    Some(Notice {
        title: format!("Batch \u{201c}{name}\u{201d} is done"),
        body,
    })
}

/// Follows every run update and answers "what changed for the person": a notice to show (if
/// any) and the number of runs in flight for the badge.
#[derive(Debug, Default)]
pub struct RunWatch {
    states: HashMap<String, RunState>,
}

impl RunWatch {
    pub fn observe(&mut self, record: &RunRecord, window_focused: bool) -> Option<Notice> {
        let previous = self.states.insert(record.local_id.clone(), record.state);
        if record.state.is_terminal() {
            // Settled runs are forgotten once seen; a later repeat has no previous state.
            self.states.remove(&record.local_id);
        }
        run_notice(previous, record, window_focused)
    }

    /// Runs seen in flight and not yet settled.
    pub fn in_flight(&self) -> usize {
        self.states.values().filter(|s| !s.is_terminal()).count()
    }

    /// A workspace switch: nothing of the old one is in flight any more.
    pub fn clear(&mut self) {
        self.states.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, state: RunState) -> RunRecord {
        let mut record: RunRecord = serde_json::from_value(serde_json::json!({
            "localId": id, "runId": null, "appId": "a", "appName": "Hero Image",
            "inputs": {}, "baseUrl": "http://x", "webhookUrl": null, "status": "queued",
            "outputs": [], "error": null, "errorMessage": null,
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "startedAt": null, "completedAt": null
        }))
        .unwrap_or_else(|e| panic!("record fixture: {e}"));
        record.state = state;
        record
    }

    #[test]
    fn notifies_once_when_a_run_finishes_or_fails_while_unfocused() {
        let mut watch = RunWatch::default();
        assert_eq!(watch.observe(&record("r1", RunState::Queued), false), None);
        assert_eq!(watch.in_flight(), 1);
        let notice = watch
            .observe(&record("r1", RunState::Completed), false)
            .unwrap();
        assert_eq!(notice.title, "Hero Image is ready");
        assert_eq!(watch.in_flight(), 0);
        // A repeat of the settled state (a refresh, a duplicate delivery): no second notice.
        assert_eq!(
            watch.observe(&record("r1", RunState::Completed), false),
            None
        );

        watch.observe(&record("r2", RunState::Running), false);
        let failed = watch
            .observe(&record("r2", RunState::Failed), false)
            .unwrap();
        assert_eq!(failed.title, "Hero Image didn't finish");
    }

    #[test]
    fn stays_quiet_while_focused_and_for_runs_first_seen_settled() {
        let mut watch = RunWatch::default();
        watch.observe(&record("r1", RunState::Running), true);
        assert_eq!(
            watch.observe(&record("r1", RunState::Completed), true),
            None
        );
        assert_eq!(
            watch.observe(&record("old", RunState::Completed), false),
            None
        );
        watch.observe(&record("r3", RunState::Starting), false);
        assert_eq!(watch.observe(&record("r3", RunState::Unknown), false), None);
        assert_eq!(
            watch.observe(&record("r4", RunState::Cancelled), false),
            None
        );
    }

    #[test]
    fn the_badge_counts_runs_in_flight() {
        let mut watch = RunWatch::default();
        for id in ["a", "b", "c"] {
            watch.observe(&record(id, RunState::Starting), true);
        }
        watch.observe(&record("b", RunState::Running), true);
        assert_eq!(watch.in_flight(), 3);
        watch.observe(&record("a", RunState::Failed), true);
        assert_eq!(watch.in_flight(), 2);
        watch.clear();
        assert_eq!(watch.in_flight(), 0);
    }

    #[test]
    fn batch_notices_say_how_many_did_not_finish() {
        assert_eq!(batch_notice("Spring", 3, 0, true), None);
        let all = batch_notice("Spring", 3, 0, false).unwrap();
        assert_eq!(all.body, "All 3 runs finished.");
        let some = batch_notice("Spring", 118, 2, false).unwrap();
        assert_eq!(some.body, "118 of 120 runs finished; 2 didn't.");
    }
}
