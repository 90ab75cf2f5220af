//! What the delivery benchmarks share (`delivery_bench`, `webhook_bench`): the time scale, the mix of apps, the docs' fixed polling as the baseline, the sandbox
//! they run against and the arithmetic of their tables.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lamina_api::{Inputs, LaminaClient, Run};
use lamina_core::PollCadence;
use lamina_sandbox::{SandboxConfig, SandboxHandle, catalog};

/// Time divided by this: the sandbox runs this many times faster, and every window and polling
/// interval is shortened to match (event-driven latencies are not scaled).
pub struct Scale(pub f64);

impl Scale {
    /// `real` seconds at this scale.
    pub fn secs(&self, real: f64) -> Duration {
        Duration::from_secs_f64(real / self.0)
    }

    /// The tracker's default polling cadence at this scale.
    pub fn cadence(&self) -> PollCadence {
        let default = PollCadence::default();
        PollCadence {
            image: default.image.div_f64(self.0),
            multi_step: default.multi_step.div_f64(self.0),
            video: default.video.div_f64(self.0),
            floor: default.floor.div_f64(self.0),
        }
    }
}

/// The apps the runs cycle through, and the text field each is given (none for "").
pub const MIX: [(&str, &str); 6] = [
    (catalog::HERO_IMAGE, "Prompt"),
    (catalog::PRODUCT_COPY, "Product Name"),
    (catalog::SOCIAL_AD_PACK, "Product Description"),
    (catalog::FULL_SET_CATALOG, ""),
    (catalog::PRODUCT_VIDEO, "Prompt"),
    (catalog::LIFESTYLE_SCENE, "Prompt"),
];

/// The app and inputs of run number `index` in the mix.
pub fn inputs_for(index: usize) -> (&'static str, Inputs) {
    let (app, field) = MIX[index % MIX.len()];
    let mut inputs = Inputs::new();
    if !field.is_empty() {
        inputs.insert(field.to_owned(), format!("bench item {index}"));
    }
    (app, inputs)
}

/// The number after `name` on the command line, if any.
pub fn flag(args: &[String], name: &str) -> Option<f64> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// The `q` quantile (0 to 1) of sorted values, nearest rank; 0 when there are none.
pub fn percentile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank]
}

/// A sandbox at `scale`, its rate-limit window scaled, with or without `/wait` and `/stream`, or
/// as a minimal service (only the four required endpoints).
pub async fn server(scale: &Scale, long_poll: bool, minimal: bool) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: scale.0,
        rate_window: scale.secs(60.0),
        long_poll,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The docs' JavaScript example: POST, then GET every `interval` until terminal. Returns the
/// terminal run and the moment the poll saw it.
pub async fn fixed_polling(
    client: &LaminaClient,
    app_id: &str,
    inputs: &Inputs,
    interval: Duration,
) -> (Run, DateTime<Utc>) {
    let run = client.start_run(app_id, inputs, None).await.unwrap();
    loop {
        tokio::time::sleep(interval).await;
        let now = client.get_run(&run.run_id).await.unwrap();
        if now.status.is_terminal() {
            return (now, Utc::now());
        }
    }
}
