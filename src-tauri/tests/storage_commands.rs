//! The storage commands' logic on a real account (the sandbox over HTTP), a real S3-compatible
//! server (`s3s-fs`) and the OS keychain (run under `.ci/with-keyring.sh`): saved settings keep
//! the secret in the keychain only (not SQLite, the data folder, the logs or what the window
//! gets); a photo handed over as bytes is uploaded, and starting a run resolves its
//! `lamina-upload:<id>` to the presigned link the sandbox then fetches; something that is not an
//! image is refused with a reason, and a run naming it is refused before any POST.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../crates/lamina-core/tests/common/s3.rs"]
mod s3;

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use lamina_api::{ApiKey, Inputs};
use lamina_core::credentials::Keychain;
use lamina_core::storage::settings::STORAGE_SECRET_ACCOUNT;
use lamina_core::storage::{
    S3Settings, StorageKind, StorageSettingsInput, UploadState, UploadTicket,
};
use lamina_desktop::storage::{self as storage_commands, Uploads};
use lamina_desktop::{AppErrorKind, Mode, Session, runs};
use lamina_sandbox::catalog;
use s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};

use common::fast_sandbox;
#[path = "common/leaks.rs"]
mod leaks;
use leaks::{LogBuffer, files_under};

const REFERENCE: &str = "Reference Image";

/// A PNG as the window sends it: a `data:` URL.
fn png_data_url() -> String {
    let img = image::RgbImage::from_fn(240, 180, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

async fn settled(session: &Session, uploads: &Uploads, id: &str) -> UploadTicket {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ticket = storage_commands::status(session, uploads, id)
            .await
            .unwrap();
        if matches!(ticket.state, UploadState::Done | UploadState::Failed) {
            return ticket;
        }
        assert!(Instant::now() < deadline, "upload stuck: {ticket:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_upload_and_start_run_on_an_account_with_a_bucket() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let key = format!("lma_storage_commands_{}", std::process::id());
    let sandbox = fast_sandbox(Some(&key)).await;
    let bucket = S3Server::start();
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::new(
        &format!("lamina-desktop-storage-{}", std::process::id()),
        "lamina-api-key",
    );
    let session =
        Session::with_keychain(data.path().to_owned(), Arc::new(|_| {}), keychain.clone())
            .with_service_url(sandbox.base_url());
    session.restore().await.unwrap();
    let status = session.connect(ApiKey::new(key.clone())).await.unwrap();
    assert_eq!(status.mode, Mode::Account);
    let uploads = Uploads::with_progress(Arc::new(|_| {}));
    let mut to_window = Vec::new();

    // Nothing set up yet: no storage.
    let before = storage_commands::view(&session).await.unwrap();
    assert_eq!(before.active, StorageKind::None);

    // Save: the secret goes to the keychain, the rest to SQLite.
    let saved = storage_commands::save(
        &session,
        &uploads,
        StorageSettingsInput {
            s3: S3Settings {
                endpoint: bucket.endpoint(),
                region: "us-east-1".into(),
                bucket: BUCKET.into(),
                prefix: "lamina/inputs".into(),
                access_key_id: ACCESS_KEY.into(),
                public_base_url: None,
                link_lifetime_secs: 24 * 3600,
                path_style: true,
            },
            secret_access_key: Some(format!("  {SECRET_KEY} ")),
            max_long_edge: None,
        },
    )
    .await
    .unwrap();
    to_window.push(serde_json::to_string(&saved).unwrap());
    assert_eq!(saved.active, StorageKind::S3);
    assert!(saved.has_secret);
    assert_eq!(saved.s3.as_ref().unwrap().access_key_id, ACCESS_KEY);
    let secret_entry = keychain.sibling(STORAGE_SECRET_ACCOUNT);
    assert_eq!(
        secret_entry.load_secret().unwrap().as_deref(),
        Some(SECRET_KEY),
        "the secret is in the keychain, trimmed"
    );
    let read_back = storage_commands::view(&session).await.unwrap();
    to_window.push(serde_json::to_string(&read_back).unwrap());
    assert_eq!(read_back, saved);

    // A photo dropped on the Reference field: uploaded to the bucket.
    let ticket =
        storage_commands::upload_bytes(&session, &uploads, "shirt.png".into(), png_data_url())
            .await
            .unwrap();
    to_window.push(serde_json::to_string(&ticket).unwrap());
    assert!(ticket.input_value.starts_with("lamina-upload:"));
    let done = settled(&session, &uploads, &ticket.id).await;
    to_window.push(serde_json::to_string(&done).unwrap());
    assert_eq!(done.state, UploadState::Done, "{done:?}");
    let link = done.link.clone().unwrap().url;
    assert!(link.starts_with(&bucket.endpoint()), "{link}");
    assert!(link.contains("X-Amz-Signature="), "presigned: {link}");

    // Generate: the upload reference becomes the link before anything is sent.
    let mut inputs = Inputs::new();
    inputs.insert("Prompt".into(), "a linen shirt on a chair".into());
    inputs.insert(REFERENCE.into(), ticket.input_value.clone());
    let record = runs::start(&session, &uploads, catalog::HERO_IMAGE, inputs)
        .await
        .unwrap();
    to_window.push(serde_json::to_string(&record).unwrap());
    assert_eq!(record.inputs[REFERENCE], link, "sent as the link");
    let workspace = session.workspace().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let finished = loop {
        let now = workspace.store().get(&record.local_id).unwrap().unwrap();
        if now.state.is_terminal() {
            break now;
        }
        assert!(Instant::now() < deadline, "run stuck: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        finished.state,
        lamina_core::RunState::Completed,
        "{finished:?}"
    );
    assert!(
        sandbox.stats().fetched_inputs.contains(&link),
        "the sandbox fetched the presigned link"
    );
    let files = storage_commands::run_input_files_of(&session, &record.local_id)
        .await
        .unwrap();
    assert_eq!(files[0].file_name, "shirt.png");

    // Not an image: refused with a reason; a run naming it is refused before any POST.
    let notes = storage_commands::upload_bytes(
        &session,
        &uploads,
        "notes.txt".into(),
        base64::engine::general_purpose::STANDARD.encode("shopping list: linen, thread"),
    )
    .await
    .unwrap();
    let refused = settled(&session, &uploads, &notes.id).await;
    to_window.push(serde_json::to_string(&refused).unwrap());
    assert_eq!(refused.state, UploadState::Failed);
    let reason = refused.error.clone().unwrap();
    assert!(reason.contains("not a picture"), "a reason: {reason}");
    let starts_before = sandbox.stats().run_start_requests;
    let mut inputs = Inputs::new();
    inputs.insert("Prompt".into(), "a tote bag".into());
    inputs.insert(REFERENCE.into(), notes.input_value.clone());
    let error = runs::start(&session, &uploads, catalog::HERO_IMAGE, inputs)
        .await
        .unwrap_err();
    to_window.push(serde_json::to_string(&error).unwrap());
    assert_eq!(error.kind, AppErrorKind::InvalidInput, "{error:?}");
    assert_eq!(error.fields[0].field.as_deref(), Some(REFERENCE));
    assert_eq!(
        sandbox.stats().run_start_requests,
        starts_before,
        "0 POST /v1/runs for a run whose upload failed"
    );

    // The secret is nowhere but the keychain.
    for text in &to_window {
        assert!(
            !text.contains(SECRET_KEY),
            "the secret reached the window: {text}"
        );
    }
    for file in files_under(data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes
                .windows(SECRET_KEY.len())
                .any(|w| w == SECRET_KEY.as_bytes()),
            "{} holds the secret",
            file.display()
        );
    }
    let log_text = logs.text();
    assert!(!log_text.is_empty(), "trace logging was captured");
    assert!(
        !log_text.contains(SECRET_KEY),
        "the secret reached the logs"
    );

    // Forget: settings and secret gone.
    let forgotten = storage_commands::forget(&session, &uploads).await.unwrap();
    assert_eq!(forgotten.active, StorageKind::None);
    assert!(!forgotten.has_secret);
    assert!(secret_entry.load_secret().unwrap().is_none());
    keychain.forget().unwrap();
}
