//! Settings → Delivery over real HTTP: turning webhooks on makes the sandbox's signed delivery
//! settle a run (logged and relayed live), a port already in use is refused without breaking
//! the running receiver or the saved settings, and turning it off stops listening.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use lamina_core::RunState;
use lamina_core::webhook::{
    DeliveryControl, DeliveryOutcome, DeliverySettings, KeySource, SettingsError,
};
use lamina_sandbox::SandboxConfig;

#[path = "common/webhook_workspace.rs"]
mod webhook_workspace;
use webhook_workspace::{run_hero, workspace};

const DEADLINE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn enabling_delivers_by_webhook_a_busy_port_breaks_nothing_and_disabling_stops() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let control = DeliveryControl::new(
        workspace.tracker.clone(),
        KeySource::Service(workspace.client().clone()),
        DeliverySettings::demo_default(),
    );

    // Nothing saved yet: the demo default (on, any free port) starts.
    let status = control.start_saved().await.unwrap();
    assert!(status.settings.enabled);
    let listening = status.listening.clone().expect("listening");
    let url = status.webhook_url.clone().unwrap();
    assert!(url.starts_with(&format!("http://{listening}")), "{url}");
    assert_eq!(
        workspace.tracker.webhook_url().as_deref(),
        Some(url.as_str())
    );

    // A run is settled by the signed delivery, relayed live.
    let mut live = control.subscribe();
    let done = run_hero(&workspace, "a teapot", None).await;
    assert_eq!(done.state, RunState::Completed);
    assert_eq!(done.webhook_url.as_deref(), Some(url.as_str()));
    let entry = tokio::time::timeout(DEADLINE, live.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.outcome, DeliveryOutcome::Accepted);
    assert_eq!(entry.run_id, done.run_id);

    // Another program holds a port: asking for it is refused, the receiver keeps running.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = squatter.local_addr().unwrap().port();
    let error = control
        .apply(DeliverySettings {
            enabled: true,
            port: Some(busy),
            public_url: None,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(error, SettingsError::PortInUse { port, .. } if port == busy),
        "{error:?}"
    );
    let after = control.status().await.unwrap();
    assert_eq!(after.settings, DeliverySettings::demo_default());
    assert!(after.listening.is_some());
    assert!(workspace.tracker.webhook_url().is_some());
    // ... and still answers.
    let answer = reqwest::Client::new()
        .post(after.webhook_url.clone().unwrap())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400, "missing headers are refused");

    // Invalid settings are refused with the fields named, nothing saved.
    let Err(SettingsError::Invalid(problems)) = control
        .apply(DeliverySettings {
            enabled: true,
            port: Some(22),
            public_url: Some("relay.example".into()),
        })
        .await
    else {
        panic!("invalid settings accepted");
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(
        control.settings().unwrap(),
        DeliverySettings::demo_default()
    );

    // A public URL: runs carry it (the receiver still listens locally).
    let status = control
        .apply(DeliverySettings {
            enabled: true,
            port: None,
            public_url: Some("https://relay.example".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        status.webhook_url.as_deref(),
        Some("https://relay.example/lamina/webhook")
    );
    assert_eq!(
        workspace.tracker.webhook_url().as_deref(),
        Some("https://relay.example/lamina/webhook")
    );

    // Off: nothing listens, runs start without a webhook, the choice is saved.
    let old = status.listening.clone().unwrap();
    let status = control
        .apply(DeliverySettings {
            enabled: false,
            port: None,
            public_url: None,
        })
        .await
        .unwrap();
    assert_eq!(status.listening, None);
    assert_eq!(workspace.tracker.webhook_url(), None);
    assert!(!control.settings().unwrap().enabled);
    let refused = reqwest::Client::new()
        .post(format!("http://{old}/lamina/webhook"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "the receiver still answers");

    // A fresh control on the same store reads the saved choice and starts nothing.
    let again = DeliveryControl::new(
        workspace.tracker.clone(),
        KeySource::Service(workspace.client().clone()),
        DeliverySettings::demo_default(),
    );
    assert_eq!(again.start_saved().await.unwrap().listening, None);
    drop(squatter);
    server.shutdown().await;
}
