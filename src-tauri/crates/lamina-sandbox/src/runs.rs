//! Run records and their state at any instant.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lamina_api::{Inputs, Output, OutputKind, OutputStatus, Run, RunStatus};

use crate::catalog::{AppDef, Behaviour, Format, OutputDef};
use crate::flavor::Flavor;
use crate::input_fetch::{InputsGate, InputsState};
use crate::timeline::Timeline;

/// 64-bit FNV-1a: a stable hash (std's hasher is randomised per process).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The seed of a run: its app and its (default-resolved) inputs, so equal inputs look alike.
pub(crate) fn input_seed(app_id: &str, inputs: &Inputs) -> u64 {
    let mut text = String::from(app_id);
    for (k, v) in inputs {
        text.push('\n');
        text.push_str(k);
        text.push('=');
        text.push_str(v);
    }
    fnv1a(text.as_bytes())
}

/// Mixes an output index into a seed (splitmix64 finaliser).
pub(crate) fn mix(seed: u64, salt: u64) -> u64 {
    let mut z = seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Debug)]
pub(crate) struct RunRecord {
    pub id: String,
    pub app: Arc<AppDef>,
    /// Inputs with defaults applied.
    pub inputs: Inputs,
    pub seed: u64,
    pub created_at: DateTime<Utc>,
    pub created: Instant,
    /// The schedule fixed at creation; [`RunRecord::timeline`] adjusts it to the input fetch.
    pub planned: Timeline,
    /// Fetching of the run's `url` inputs (see [`crate::input_fetch`]).
    pub inputs_gate: InputsGate,
    pub webhook_url: Option<String>,
    /// The generation the run was started on (shapes its webhook body).
    pub flavor: Flavor,
}

fn offset(base: DateTime<Utc>, by: Duration) -> Option<DateTime<Utc>> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|d| base.checked_add_signed(d))
}

impl RunRecord {
    pub(crate) fn elapsed(&self) -> Duration {
        self.created.elapsed()
    }

    /// The schedule as it stands: the plan, held while input photos are fetched, failing if one
    /// could not be.
    pub(crate) fn timeline(&self) -> Timeline {
        match self.inputs_gate.get() {
            InputsState::Fetching => self.planned.while_fetching(),
            InputsState::Ready { at, .. } => self.planned.inputs_arrived(at),
            InputsState::Failed { at, .. } => self.planned.inputs_failed(at),
        }
    }

    /// Why the whole run fails, if it does: an input that could not be fetched, or the app's
    /// own behaviour.
    pub(crate) fn failure(&self) -> Option<String> {
        if let InputsState::Failed { message, .. } = self.inputs_gate.get() {
            return Some(message);
        }
        match self.app.behaviour {
            Behaviour::AlwaysFails(msg) => Some(msg.to_owned()),
            _ => None,
        }
    }

    /// The fetched photo given for the `url` input `field`, if any.
    pub(crate) fn photo(&self, field: &str) -> Option<Arc<image::RgbaImage>> {
        match self.inputs_gate.get() {
            InputsState::Ready { photos, .. } => photos
                .into_iter()
                .find(|(name, _)| name == field)
                .map(|(_, photo)| photo),
            _ => None,
        }
    }

    /// The full run object at `elapsed` after creation.
    pub(crate) fn view(&self, base_url: &str, elapsed: Duration) -> Run {
        let mut run = self.summary(elapsed);
        run.source = None;
        run.workflow_name = Some(self.app.app.name.clone());
        run.webhook_url = self.webhook_url.clone();
        run.outputs = (self.app.outputs.iter().enumerate())
            .map(|(i, def)| self.output(i, def, base_url, elapsed))
            .collect();
        run
    }

    /// The list-view object: no outputs, with `source`.
    pub(crate) fn summary(&self, elapsed: Duration) -> Run {
        let timeline = self.timeline();
        let status = timeline.status_at(elapsed);
        let started = elapsed >= timeline.started_after();
        Run {
            run_id: self.id.clone(),
            workflow_id: Some(self.app.id().to_owned()),
            workflow_name: None,
            status,
            webhook_url: None,
            outputs: Vec::new(),
            error_message: (status == RunStatus::Failed)
                .then(|| self.failure())
                .flatten(),
            started_at: started
                .then(|| offset(self.created_at, timeline.started_after()))
                .flatten(),
            completed_at: status
                .is_terminal()
                .then(|| offset(self.created_at, timeline.ends_after()))
                .flatten(),
            created_at: Some(self.created_at),
            source: Some("api_app".into()),
        }
    }

    fn output(&self, index: usize, def: &OutputDef, base_url: &str, elapsed: Duration) -> Output {
        let mut out = Output {
            id: def.node_id.clone(),
            label: Some(def.label.to_owned()),
            kind: OutputKind::Pending,
            value: None,
            status: OutputStatus::Pending,
            error: None,
        };
        if !self.timeline().output_done(index, elapsed) {
            return out;
        }
        let failure = self.failure().or_else(|| def.fails_with.map(str::to_owned));
        if let Some(msg) = failure {
            // As the docs warn: a failed output keeps `type: pending`, only `status` changes.
            out.status = OutputStatus::Error;
            out.error = Some(msg);
            return out;
        }
        out.kind = def.format.kind();
        out.status = OutputStatus::Completed;
        out.value = Some(match def.format {
            Format::Text => crate::copy::product_copy(&self.inputs, self.seed),
            other => format!("{base_url}/files/{}/{index}.{}", self.id, other.ext()),
        });
        out
    }

    /// Whether output `index` exists, is a file, and is ready at `elapsed`.
    pub(crate) fn file_ready(&self, index: usize, elapsed: Duration) -> Option<Format> {
        let def = self.app.outputs.get(index)?;
        let failed =
            def.fails_with.is_some() || self.failure().is_some() || def.format == Format::Text;
        (!failed && self.timeline().output_done(index, elapsed)).then_some(def.format)
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// Oldest first; listing reverses.
    order: Vec<Arc<RunRecord>>,
    by_id: HashMap<String, Arc<RunRecord>>,
    spent: f64,
}

#[derive(Debug, Default)]
pub(crate) struct RunStore {
    inner: RwLock<Inner>,
}

impl RunStore {
    pub(crate) fn insert(&self, record: Arc<RunRecord>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.spent += record.app.cost;
        inner.by_id.insert(record.id.clone(), Arc::clone(&record));
        inner.order.push(record);
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<RunRecord>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.by_id.get(id).cloned()
    }

    /// Every run, newest first.
    pub(crate) fn newest_first(&self) -> Vec<Arc<RunRecord>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.order.iter().rev().cloned().collect()
    }

    pub(crate) fn credits_spent(&self) -> f64 {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn record(app_id: &str, speed: f64) -> RunRecord {
        let app = catalog::build("http://h")
            .into_iter()
            .find(|a| a.id() == app_id)
            .unwrap();
        let timeline = Timeline::plan(
            app.base_secs,
            app.outputs.len(),
            app.sequential,
            matches!(app.behaviour, Behaviour::AlwaysFails(_)),
            0,
            speed,
        );
        RunRecord {
            id: "run-1".into(),
            app: Arc::new(app),
            inputs: Inputs::new(),
            seed: 7,
            created_at: Utc::now(),
            created: Instant::now(),
            planned: timeline,
            inputs_gate: InputsGate::ready(),
            webhook_url: None,
            flavor: Flavor::V1Runs,
        }
    }

    #[test]
    fn view_fills_outputs_and_timestamps_as_time_passes() {
        let r = record(catalog::HERO_IMAGE, 1.0);
        let queued = r.view("http://h", Duration::ZERO);
        assert_eq!(queued.status, RunStatus::Queued);
        assert!(queued.started_at.is_none() && queued.completed_at.is_none());
        assert_eq!(queued.outputs[0].kind, OutputKind::Pending);
        let done = r.view("http://h", Duration::from_secs(60));
        assert_eq!(done.status, RunStatus::Completed);
        assert!(done.started_at.unwrap() < done.completed_at.unwrap());
        assert_eq!(
            done.outputs[0].value.as_deref(),
            Some("http://h/files/run-1/0.png")
        );
        assert_eq!(done.outputs[0].kind, OutputKind::Image);
        assert!(r.file_ready(0, Duration::from_secs(60)).is_some());
    }

    #[test]
    fn failing_and_partial_apps_mark_outputs_as_errors() {
        let r = record(catalog::VIRTUAL_TRY_ON, 1.0);
        let failed = r.view("http://h", Duration::from_secs(60));
        assert_eq!(failed.status, RunStatus::Failed);
        assert!(failed.error_message.is_some());
        assert_eq!(failed.outputs[0].status, OutputStatus::Error);
        assert_eq!(failed.outputs[0].kind, OutputKind::Pending);
        assert!(r.file_ready(0, Duration::from_secs(60)).is_none());

        let r = record(catalog::SOCIAL_AD_PACK, 1.0);
        let done = r.view("http://h", Duration::from_secs(60));
        assert_eq!(done.status, RunStatus::Completed);
        let statuses: Vec<_> = done.outputs.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            [
                OutputStatus::Completed,
                OutputStatus::Error,
                OutputStatus::Completed
            ]
        );
        assert!(done.outputs[1].error.is_some());
    }
}
