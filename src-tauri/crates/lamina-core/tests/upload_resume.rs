//! An upload interrupted by SIGKILL finishes on the next start: the process uploading a photo
//! (to storage that accepts the connection and never answers) is killed mid-upload; the next
//! process finds the journaled upload, uploads the staged copy to the sandbox's built-in storage
//! and the link serves the photo. Its own harness: the binary re-executes itself as the process
//! that gets killed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lamina_core::Store;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::{PrepareOptions, UploadStage, UploadState, Uploader};
use lamina_sandbox::SandboxConfig;

#[path = "common/killed_child.rs"]
mod killed_child;

const SENDING: &str = "sending";

fn main() {
    killed_child::main_of(
        "an_upload_killed_mid_way_finishes_on_the_next_start",
        |url, dir| async move { child(&url, &dir).await },
        an_upload_killed_mid_way_finishes_on_the_next_start,
    );
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// The process that gets killed: uploads a photo to `storage_url`, which never answers, and
/// says when the upload reached storage.
async fn child(storage_url: &str, data: &Path) {
    let store = Store::open(&data.join("history.sqlite3")).unwrap();
    let uploader = Uploader::new(
        store,
        Some(Backend::built_in(storage_url, http())),
        Uploader::staging_dir_of(data),
        PrepareOptions::default(),
    )
    .with_progress(Arc::new(|progress| {
        if matches!(progress.stage, UploadStage::Checking | UploadStage::Sending) {
            println!("{SENDING} {}", progress.id);
        }
    }));
    let ticket = uploader.submit_bytes("shirt.png", &photo()).unwrap();
    let _ = uploader.run(&ticket.id).await;
    // Reaching here means storage answered after all; the parent notices.
    std::thread::sleep(Duration::from_secs(60));
}

/// Storage that accepts connections, reads what comes and never answers.
fn silent_storage() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut sink = [0_u8; 4096];
                while stream.read(&mut sink).is_ok_and(|n| n > 0) {}
            });
        }
    });
    format!("http://{address}")
}

async fn an_upload_killed_mid_way_finishes_on_the_next_start() {
    let sandbox = lamina_sandbox::start(SandboxConfig::default())
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut child = killed_child::spawn_child(&silent_storage(), data.path());
    let stdout = child.stdout.take().unwrap();
    let upload_id = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix(&format!("{SENDING} ")).map(str::to_owned))
    })
    .await
    .unwrap()
    .expect("the child never reached storage");
    // The crash-safety copy of dropped bytes is written once an upload has gone on for 250 ms
    // (a faster one never needs it); this storage never answers, so it comes: kill after it,
    // mid-upload. (A kill inside those first 250 ms asks for the photo again: README "Uploads".)
    let staged = Uploader::staging_dir_of(data.path()).join(format!("{upload_id}.source"));
    for _ in 0..200 {
        if staged.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(staged.exists(), "the upload's source was never staged");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = Store::open(&data.path().join("history.sqlite3")).unwrap();
    let next = Uploader::new(
        store,
        Some(Backend::built_in(&sandbox.base_url(), http())),
        Uploader::staging_dir_of(data.path()),
        PrepareOptions::default(),
    );
    let left = next.status(&upload_id).unwrap();
    assert!(
        !matches!(left.state, UploadState::Done | UploadState::Failed),
        "the kill landed mid-upload: {left:?}"
    );
    assert_eq!(sandbox.stats().files_stored, 0);

    assert_eq!(next.resume_unfinished().await, 1, "one upload to finish");
    let done = next.status(&upload_id).unwrap();
    assert_eq!(done.state, UploadState::Done, "{done:?}");
    assert_eq!(done.file_name, "shirt.png");
    let link = done.link.unwrap().url;
    assert!(link.starts_with(&sandbox.base_url()), "{link}");
    let served = http().get(&link).send().await.unwrap();
    assert_eq!(served.status().as_u16(), 200);
    let bytes = served.bytes().await.unwrap();
    assert_eq!(
        image::load_from_memory(&bytes)
            .unwrap()
            .to_rgb8()
            .dimensions(),
        (320, 240),
        "the photo itself"
    );
    assert_eq!(sandbox.stats().files_stored, 1);
    let staged: Vec<_> = std::fs::read_dir(Uploader::staging_dir_of(data.path()))
        .map(|entries| entries.flatten().collect())
        .unwrap_or_default();
    assert!(staged.is_empty(), "the staged copy is removed: {staged:?}");
    assert_eq!(
        next.resume_unfinished().await,
        0,
        "nothing left the time after"
    );
}
