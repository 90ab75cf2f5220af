//! The API key reaches the keychain and Rust memory only: never the data folder, the logs, or
//! anything handed to the web view (command results and run events). Real parts: the sandbox
//! over HTTP and the OS keychain (a Secret Service in a D-Bus session under `make test`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::sync::{Arc, Mutex};

use lamina_api::Inputs;
use lamina_core::RunRecord;
use lamina_core::credentials::Keychain;
use lamina_desktop::{Mode, Session};
use lamina_sandbox::catalog;

mod common;
use common::fast_sandbox;
#[path = "common/leaks.rs"]
mod leaks;
use leaks::{LogBuffer, files_under};

#[tokio::test(flavor = "multi_thread")]
async fn the_key_appears_nowhere_but_the_keychain() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let secret = format!("lma_privacy_{}_c0ffee", std::process::id());
    let server = fast_sandbox(Some(&secret)).await;
    let data = tempfile::tempdir().unwrap();
    let events: Arc<Mutex<Vec<RunRecord>>> = Arc::default();
    let recorder = events.clone();
    let keychain = Keychain::new(
        &format!("lamina-desktop-privacy-{}", std::process::id()),
        "lamina-api-key",
    );
    let session = Session::with_keychain(
        data.path().to_owned(),
        Arc::new(move |record| recorder.lock().unwrap().push(record)),
        keychain.clone(),
    )
    .with_service_url(server.base_url());
    session.restore().await.unwrap();
    assert_eq!(
        session.status().await.mode,
        Mode::None,
        "first launch: onboarding"
    );

    let mut to_web_view = Vec::new();
    // A wrong key is refused by a real request and not saved.
    let refused = session
        .connect(lamina_api::ApiKey::new("lma_not_this_one"))
        .await
        .unwrap_err();
    to_web_view.push(serde_json::to_string(&refused).unwrap());
    assert!(keychain.load().unwrap().is_none());

    let status = session
        .connect(lamina_api::ApiKey::new(secret.clone()))
        .await
        .unwrap();
    assert_eq!(status.mode, Mode::Account);
    assert_eq!(
        status.key_last_four.as_deref(),
        Some(&secret[secret.len() - 4..])
    );
    to_web_view.push(serde_json::to_string(&status).unwrap());
    assert_eq!(keychain.load().unwrap().unwrap().expose(), secret);

    // What the commands return for the catalog and a run.
    let workspace = session.workspace().await.unwrap();
    let apps = workspace.client().list_apps(None).await.unwrap();
    to_web_view.push(serde_json::to_string(&apps).unwrap());
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let mut inputs = Inputs::new();
    inputs.insert("Prompt".into(), "a linen tote bag".into());
    let record = workspace.tracker.run(&app, &inputs, None).await.unwrap();
    to_web_view.push(serde_json::to_string(&record).unwrap());
    to_web_view.push(serde_json::to_string(&workspace.store().list(50, 0).unwrap()).unwrap());
    let failed = workspace.client().get_run("no-such-run").await.unwrap_err();
    to_web_view.push(serde_json::to_string(&lamina_desktop::AppError::from(failed)).unwrap());
    for event in events.lock().unwrap().iter() {
        to_web_view.push(serde_json::to_string(event).unwrap());
    }
    assert!(
        events
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.state == lamina_core::RunState::Completed)
    );

    for text in &to_web_view {
        assert!(
            !text.contains(&secret),
            "the key reached the web view: {text}"
        );
    }
    for file in files_under(data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the key",
            file.display()
        );
    }
    let log_text = logs.text();
    assert!(!log_text.is_empty(), "trace logging was captured");
    assert!(!log_text.contains(&secret), "the key reached the logs");

    let forgotten = session.forget_key().await.unwrap();
    assert_eq!(forgotten.mode, Mode::None);
    assert!(!forgotten.has_key);
    assert!(keychain.load().unwrap().is_none());
}
