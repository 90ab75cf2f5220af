//! Uploaded photos in runs, end to end over HTTP (the sandbox fetches what it is given, the S3
//! server checks signatures): a rerun of an old run whose presigned link expired sends a
//! re-signed link the sandbox can fetch; a link the service cannot fetch fails the run with a
//! plain message naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "common/demo_workspace.rs"]
mod demo_workspace;
#[path = "common/s3.rs"]
mod s3;

use std::time::Duration;

use demo_workspace::{sandbox, workspace};
use lamina_api::Inputs;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::{PrepareOptions, S3Settings, Uploader};
use lamina_core::{RunRecord, RunState, Workspace};
use lamina_sandbox::{FaultRule, catalog};
use s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};

const REFERENCE: &str = "Reference Image";

fn s3_settings(server: &S3Server, link_lifetime_secs: u32) -> S3Settings {
    S3Settings {
        endpoint: server.endpoint(),
        region: "us-east-1".into(),
        bucket: BUCKET.into(),
        prefix: "lamina/inputs".into(),
        access_key_id: ACCESS_KEY.into(),
        public_base_url: None,
        link_lifetime_secs,
        path_style: true,
    }
}

fn s3_uploader(workspace: &Workspace, server: &S3Server, link_lifetime_secs: u32) -> Uploader {
    let backend = Backend::s3(
        s3_settings(server, link_lifetime_secs),
        SECRET_KEY,
        workspace.client().http().clone(),
    )
    .unwrap();
    Uploader::new(
        workspace.store().clone(),
        Some(backend),
        Uploader::staging_dir_of(workspace.data_dir()),
        PrepareOptions::default(),
    )
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(200, 160, |x, y| image::Rgb([x as u8, 120, y as u8]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// Starts Hero Image with `inputs` and follows it to the end.
async fn run_to_end(workspace: &Workspace, inputs: &Inputs) -> RunRecord {
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let started = workspace.tracker.start(&hero, inputs, None).await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        workspace.tracker.follow(&started.local_id),
    )
    .await
    .unwrap()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rerun_of_an_old_run_re_signs_its_expired_presigned_link() {
    let server = S3Server::start();
    let sb = sandbox(20.0, false).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workspace(&sb.base_url(), data.path());

    // The old run: its photo's link was signed for one second.
    let short = s3_uploader(&ws, &server, 1);
    let ticket = short.submit_bytes("mug.png", &photo()).unwrap();
    let old_link = short.run(&ticket.id).await.unwrap().link.unwrap().url;
    let old_inputs: Inputs = [
        ("Prompt".to_owned(), "a mug on a shelf".to_owned()),
        (REFERENCE.to_owned(), old_link.clone()),
    ]
    .into();
    let hero = ws.client().get_app(catalog::HERO_IMAGE).await.unwrap();
    let old_run = ws.tracker.start(&hero, &old_inputs, None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = reqwest::get(&old_link).await.unwrap().status().as_u16();
    assert_eq!(expired, 403, "the old link no longer works");

    // Rerun: the old run's inputs as history kept them, resolved as the app does at start
    // (the settings now sign links for a day).
    let kept = ws.store().get(&old_run.local_id).unwrap().unwrap().inputs;
    assert_eq!(kept[REFERENCE], old_link);
    let now = s3_uploader(&ws, &server, 24 * 3600);
    let (sent, files) = now.resolve_inputs(&kept, None).await.unwrap();
    let new_link = sent[REFERENCE].clone();
    assert_ne!(new_link, old_link, "re-signed");
    assert_eq!(
        new_link.split('?').next(),
        old_link.split('?').next(),
        "same object"
    );
    assert_eq!(files[0].file_name, "mug.png");
    let rerun = run_to_end(&ws, &sent).await;
    assert_eq!(rerun.state, RunState::Completed, "{rerun:?}");
    assert_eq!(rerun.inputs[REFERENCE], new_link);
    let fetched = sb.stats().fetched_inputs;
    assert_eq!(
        fetched.last(),
        Some(&new_link),
        "the sandbox fetched the re-signed link"
    );
    assert_eq!(
        now.counters()
            .puts
            .load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the photo is not uploaded again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_the_service_cannot_fetch_fails_the_run_naming_the_field() {
    let sb = sandbox(20.0, false).await;
    let data = tempfile::tempdir().unwrap();
    let ws = workspace(&sb.base_url(), data.path());
    let uploader = Uploader::new(
        ws.store().clone(),
        Some(Backend::built_in(
            &sb.base_url(),
            ws.client().http().clone(),
        )),
        Uploader::staging_dir_of(ws.data_dir()),
        PrepareOptions::default(),
    );
    let ticket = uploader.submit_bytes("tote.png", &photo()).unwrap();
    let link = uploader.run(&ticket.id).await.unwrap().link.unwrap().url;
    sb.set_faults(FaultRule::parse_spec("unfetchable-input=404@/_sandbox/files*1").unwrap());

    let inputs: Inputs = [
        ("Prompt".to_owned(), "a tote bag".to_owned()),
        (REFERENCE.to_owned(), link.clone()),
    ]
    .into();
    let run = run_to_end(&ws, &inputs).await;
    assert_eq!(run.state, RunState::Failed, "{run:?}");
    let shown = run
        .error_message
        .clone()
        .or_else(|| run.outputs.iter().find_map(|o| o.error.clone()))
        .unwrap();
    assert!(
        shown.contains("Couldn't fetch the image given for Reference Image"),
        "{shown}"
    );
    assert!(shown.contains("404"), "{shown}");
    assert!(!shown.contains('{'), "plain words, not JSON: {shown}");
    assert_eq!(sb.stats().fetched_inputs, vec![link]);
    assert_eq!(sb.stats().input_fetch_failures, 1);
}
