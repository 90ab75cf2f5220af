//! Uploads against a real S3-compatible server (`s3s-fs`, SigV4 checked): put, presigned get
//! fetched over HTTP, public base URL, dedup (0 bytes the second time), an expired link
//! re-signed, wrong secret and missing bucket in words, and the secret absent from logs, errors
//! and the data folder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "common/s3.rs"]
mod s3;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lamina_core::Store;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::check::StorageProblem;
use lamina_core::storage::uploads::UPLOAD_REF_PREFIX;
use lamina_core::storage::{
    PrepareOptions, S3Settings, UploadError, UploadProgress, UploadStage, UploadState, Uploader,
    test_storage,
};
use s3::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};
use std::sync::atomic::Ordering;

fn settings(server: &S3Server) -> S3Settings {
    S3Settings {
        endpoint: server.endpoint(),
        region: "us-east-1".into(),
        bucket: BUCKET.into(),
        prefix: "lamina/inputs".into(),
        access_key_id: ACCESS_KEY.into(),
        public_base_url: None,
        link_lifetime_secs: 24 * 3600,
        path_style: true,
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A JPEG with an EXIF segment carrying a GPS tag and a camera name; `seed` makes it distinct.
fn camera_jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x as u8).wrapping_mul(seed), y as u8, seed])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode(img.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
        .unwrap();
    let payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPSLatitude 48.8584 N; Make ACME-PhoneCam";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(payload);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[2..]);
    out
}

struct Setup {
    _data: tempfile::TempDir,
    data_dir: std::path::PathBuf,
    store: Store,
    uploader: Uploader,
    events: Arc<Mutex<Vec<UploadProgress>>>,
}

fn uploader_for(backend: Option<Backend>) -> Setup {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_path_buf();
    let store = Store::open(&data_dir.join("history.sqlite3")).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let uploader = Uploader::new(
        store.clone(),
        backend,
        Uploader::staging_dir_of(&data_dir),
        PrepareOptions::default(),
    )
    .with_progress(Arc::new(move |p| sink.lock().unwrap().push(p)));
    Setup {
        _data: data,
        data_dir,
        store,
        uploader,
        events,
    }
}

async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let response = http().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn put_presigned_get_metadata_removed_and_dedup() {
    let server = S3Server::start();
    let backend = Backend::s3(settings(&server), SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend));
    let photo = camera_jpeg(7);

    let ticket = setup
        .uploader
        .submit_bytes("My Folder/shoe.jpg", &photo)
        .unwrap();
    assert_eq!(ticket.file_name, "shoe.jpg");
    assert_eq!(ticket.state, UploadState::Queued);
    assert!(ticket.input_value.starts_with(UPLOAD_REF_PREFIX));
    let done = setup.uploader.run(&ticket.id).await.unwrap();
    assert_eq!(done.state, UploadState::Done);
    assert!(
        done.metadata_removed,
        "the EXIF segment was there and must be reported removed"
    );
    let link = done.link.clone().unwrap();
    assert!(link.url.contains("X-Amz-Signature"), "a presigned link");
    assert!(
        link.url.contains("/photos/lamina/inputs/"),
        "prefix/sha256.jpg in the bucket"
    );
    let expires = link.expires_at.unwrap();
    let hours = (expires - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!(
        (23.9..=24.1).contains(&hours),
        "24 h by default, got {hours}"
    );

    // The link the service would get gives the photo back, without metadata, over plain HTTP.
    let (status, body) = fetch(&link.url).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(&[0xFF, 0xD8]));
    let text = String::from_utf8_lossy(&body);
    assert!(!text.contains("GPSLatitude") && !text.contains("ACME-PhoneCam"));
    assert!(image::load_from_memory(&body).is_ok());
    assert_eq!(setup.uploader.counters().puts.load(Ordering::SeqCst), 1);
    let sent_first = setup.uploader.counters().bytes_sent.load(Ordering::SeqCst);
    assert_eq!(sent_first, body.len() as u64);
    {
        let events = setup.events.lock().unwrap();
        let stages: Vec<_> = events
            .iter()
            .filter(|e| e.id == ticket.id)
            .map(|e| e.stage)
            .collect();
        assert_eq!(stages.first(), Some(&UploadStage::Preparing));
        assert!(stages.contains(&UploadStage::Sending));
        assert_eq!(stages.last(), Some(&UploadStage::Done));
    }

    // The same photo again (another name): nothing sent, same object.
    let again = setup.uploader.submit_bytes("copy.jpg", &photo).unwrap();
    let again = setup.uploader.run(&again.id).await.unwrap();
    assert_eq!(again.state, UploadState::Done);
    assert_eq!(
        setup.uploader.counters().puts.load(Ordering::SeqCst),
        1,
        "no second PUT"
    );
    assert_eq!(
        setup.uploader.counters().bytes_sent.load(Ordering::SeqCst),
        sent_first,
        "0 bytes sent"
    );
    let key = |u: &str| u.split('?').next().unwrap().to_string();
    assert_eq!(key(&again.link.unwrap().url), key(&link.url));
    let sending_again = setup
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.id == again.id && e.stage == UploadStage::Sending)
        .count();
    assert_eq!(sending_again, 0);
}

#[tokio::test]
async fn public_base_url_links_and_a_wrong_one_is_reported() {
    let server = S3Server::start();
    // A "CDN" in front of the bucket: a plain static server over the bucket's folder.
    let folder = server.bucket_dir();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let path = folder.join(uri.path().trim_start_matches('/'));
        async move {
            match std::fs::read(&path) {
                Ok(bytes) => (axum::http::StatusCode::OK, bytes),
                Err(_) => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut s3 = settings(&server);
    s3.public_base_url = Some(public.clone());
    let backend = Backend::s3(s3.clone(), SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend.clone()));
    let ticket = setup
        .uploader
        .submit_bytes("p.jpg", &camera_jpeg(3))
        .unwrap();
    let done = setup.uploader.run(&ticket.id).await.unwrap();
    let link = done.link.unwrap();
    assert!(link.url.starts_with(&format!("{public}/lamina/inputs/")));
    assert!(!link.url.contains("X-Amz"), "a public link is not signed");
    assert_eq!(link.expires_at, None);
    assert_eq!(fetch(&link.url).await.0, 200);

    let report = test_storage(&backend, &http()).await;
    assert!(report.ok, "{report:?}");
    assert!(
        !report.warnings.is_empty(),
        "a loopback bucket is flagged as unreachable for Lamina"
    );

    s3.public_base_url = Some(format!("{public}/wrong-folder"));
    let wrong = Backend::s3(s3, SECRET_KEY, http()).unwrap();
    let report = test_storage(&wrong, &http()).await;
    assert!(!report.ok);
    assert_eq!(report.problem, Some(StorageProblem::LinkNotFetchable));
    assert!(
        report.steps[1].message.contains("public address"),
        "{:?}",
        report.steps[1]
    );
}

#[tokio::test]
async fn an_expired_link_is_re_signed_with_the_object_kept() {
    let server = S3Server::start();
    let mut s3 = settings(&server);
    s3.link_lifetime_secs = 1;
    let backend = Backend::s3(s3, SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend));
    let ticket = setup
        .uploader
        .submit_bytes("old.jpg", &camera_jpeg(11))
        .unwrap();
    let old = setup.uploader.run(&ticket.id).await.unwrap().link.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, _) = fetch(&old.url).await;
    assert_eq!(status, 403, "the server refuses an expired presigned link");

    // A rerun hands the old link back: it is recognised and re-signed.
    let inputs = [("Reference".to_string(), old.url.clone())]
        .into_iter()
        .collect();
    let (resolved, files) = setup.uploader.resolve_inputs(&inputs, None).await.unwrap();
    let new = &resolved["Reference"];
    assert_ne!(new, &old.url);
    assert_eq!(
        new.split('?').next(),
        old.url.split('?').next(),
        "same object key"
    );
    assert_eq!(fetch(new).await.0, 200);
    assert_eq!(files[0].file_name, "old.jpg");
    assert_eq!(
        setup.uploader.counters().puts.load(Ordering::SeqCst),
        1,
        "not uploaded again"
    );
}

#[tokio::test]
async fn wrong_secret_missing_bucket_and_no_server_are_reported_in_words() {
    let server = S3Server::start();
    let wrong = Backend::s3(settings(&server), "not-the-secret", http()).unwrap();
    let report = test_storage(&wrong, &http()).await;
    assert!(!report.ok);
    assert_eq!(report.problem, Some(StorageProblem::WrongKey), "{report:?}");
    assert!(
        report.steps[0]
            .message
            .contains("access key or the secret key")
    );

    let mut missing = settings(&server);
    missing.bucket = "no-such-bucket".into();
    let report = test_storage(&Backend::s3(missing, SECRET_KEY, http()).unwrap(), &http()).await;
    assert_eq!(
        report.problem,
        Some(StorageProblem::NoSuchBucket),
        "{report:?}"
    );
    assert!(report.steps[0].message.contains("bucket does not exist"));

    let mut closed = settings(&server);
    closed.endpoint = "http://127.0.0.1:9".into();
    let report = test_storage(&Backend::s3(closed, SECRET_KEY, http()).unwrap(), &http()).await;
    assert_eq!(report.problem, Some(StorageProblem::Unreachable));

    let good = Backend::s3(settings(&server), SECRET_KEY, http()).unwrap();
    let report = test_storage(&good, &http()).await;
    assert!(report.ok, "{report:?}");
    assert_eq!(report.steps.len(), 3);
    let left: Vec<_> = walk(&server.bucket_dir())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("lamina-storage-check"))
        .collect();
    assert!(left.is_empty(), "the test picture is deleted: {left:?}");
}

#[tokio::test]
async fn a_failed_upload_refuses_the_run_naming_the_field() {
    let server = S3Server::start();
    let wrong = Backend::s3(settings(&server), "not-the-secret", http()).unwrap();
    let setup = uploader_for(Some(wrong));
    let ticket = setup
        .uploader
        .submit_bytes("a.jpg", &camera_jpeg(5))
        .unwrap();
    let error = setup.uploader.run(&ticket.id).await.unwrap_err();
    assert!(
        error.to_string().contains("access key or secret"),
        "{error}"
    );
    assert_eq!(
        setup.uploader.status(&ticket.id).unwrap().state,
        UploadState::Failed
    );
    let inputs = [("Reference".to_string(), ticket.input_value.clone())]
        .into_iter()
        .collect();
    let error = setup
        .uploader
        .resolve_inputs(&inputs, None)
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("Reference"));

    // Not an image: refused before anything is sent, with a reason.
    let text = setup
        .uploader
        .submit_bytes("notes.pdf", b"%PDF-1.7 hello")
        .unwrap();
    let error = setup.uploader.run(&text.id).await.unwrap_err();
    assert!(matches!(error, UploadError::Prepare(_)));
    assert!(error.to_string().contains("PDF"), "{error}");
    // No storage set up: a plain reason.
    let none = uploader_for(None);
    let t = none
        .uploader
        .submit_bytes("a.jpg", &camera_jpeg(1))
        .unwrap();
    assert_eq!(
        none.uploader.run(&t.id).await.unwrap_err(),
        UploadError::NoStorage
    );
}

#[tokio::test]
async fn an_upload_interrupted_by_a_kill_finishes_on_the_next_start() {
    let server = S3Server::start();
    let backend = Backend::s3(settings(&server), SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend.clone()));
    // Journaled and staged, then the process "dies" before sending.
    let ticket = setup
        .uploader
        .submit_bytes("late.jpg", &camera_jpeg(9))
        .unwrap();
    let staged = Uploader::staging_dir_of(&setup.data_dir).join(format!("{}.source", ticket.id));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !staged.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(setup.uploader);
    let store = Store::open(&setup.data_dir.join("history.sqlite3")).unwrap();
    let next = Uploader::new(
        store,
        Some(backend),
        Uploader::staging_dir_of(&setup.data_dir),
        PrepareOptions::default(),
    );
    assert_eq!(next.resume_unfinished().await, 1);
    let done = next.status(&ticket.id).unwrap();
    assert_eq!(done.state, UploadState::Done);
    assert_eq!(fetch(&done.link.unwrap().url).await.0, 200);
    assert!(!staged.exists(), "the staged copy is removed once uploaded");
    drop(setup.store);
}

/// An iPhone-style HEIC (see tests/fixtures/README.md) becomes a JPEG of the same size in the
/// bucket, without its Exif block; a cut one is refused in words, never a panic.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_heic_photo_is_stored_as_a_jpeg_and_a_cut_one_is_refused() {
    let server = S3Server::start();
    let backend = Backend::s3(settings(&server), SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend));
    let heic = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/photo.heic"
    ))
    .unwrap();
    assert!(
        String::from_utf8_lossy(&heic).contains("ACME"),
        "the fixture carries Exif"
    );

    let ticket = setup.uploader.submit_bytes("IMG_0042.HEIC", &heic).unwrap();
    let done = setup.uploader.run(&ticket.id).await.unwrap();
    assert_eq!(done.state, UploadState::Done, "{:?}", done.error);
    assert!(done.metadata_removed, "the Exif block is not carried over");
    let link = done.link.unwrap().url;
    assert!(link.split('?').next().unwrap().ends_with(".jpg"), "{link}");
    let (status, body) = fetch(&link).await;
    assert_eq!(status, 200);
    assert_eq!(
        image::guess_format(&body).unwrap(),
        image::ImageFormat::Jpeg,
        "stored as a JPEG"
    );
    let stored = image::load_from_memory(&body).unwrap();
    assert_eq!((stored.width(), stored.height()), (96, 64));
    // Left of the white box is the gradient's red end (top rows), so colours survived.
    let pixel = stored.to_rgb8().get_pixel(2, 2).0;
    assert!(pixel[0] > 150 && pixel[2] < 100, "red stays red: {pixel:?}");
    assert!(!String::from_utf8_lossy(&body).contains("ACME"));

    let cut = setup
        .uploader
        .submit_bytes("IMG_0043.HEIC", &heic[..heic.len() / 2])
        .unwrap();
    let error = setup.uploader.run(&cut.id).await.unwrap_err();
    assert!(
        error.to_string().contains("could not be read"),
        "plain words: {error}"
    );
    assert!(
        error.detail().contains("HEIC"),
        "detail says why: {}",
        error.detail()
    );
    assert_eq!(
        setup.uploader.status(&cut.id).unwrap().state,
        UploadState::Failed
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Log lines written during the test, to search for the secret.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_secret_is_absent_from_logs_errors_and_the_data_folder() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = S3Server::start();
    let backend = Backend::s3(settings(&server), SECRET_KEY, http()).unwrap();
    let setup = uploader_for(Some(backend.clone()));
    let ok = setup
        .uploader
        .submit_bytes("ok.jpg", &camera_jpeg(21))
        .unwrap();
    setup.uploader.run(&ok.id).await.unwrap();
    lamina_core::storage::uploads::record_input_files(&setup.store, "run-1", &[]).unwrap();
    let report = test_storage(&backend, &http()).await;
    let mut texts = vec![format!("{report:?}"), format!("{backend:?}")];

    // A failing upload logs its detail: that must not carry the secret either.
    let wrong_secret = format!("{SECRET_KEY}-wrong");
    let failing = uploader_for(Some(
        Backend::s3(settings(&server), &wrong_secret, http()).unwrap(),
    ));
    let bad = failing
        .uploader
        .submit_bytes("bad.jpg", &camera_jpeg(22))
        .unwrap();
    let error = failing.uploader.run(&bad.id).await.unwrap_err();
    texts.push(error.to_string());
    texts.push(error.detail());
    texts.push(format!("{error:?}"));
    texts.push(String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned());
    assert!(
        texts.last().unwrap().contains("upload failed"),
        "the failure was logged"
    );
    for text in &texts {
        assert!(!text.contains(SECRET_KEY), "secret leaked into: {text}");
        assert!(!text.contains(&wrong_secret));
        assert!(
            !text.contains("X-Amz-Signature"),
            "a signed link leaked into: {text}"
        );
    }
    for dir in [&setup.data_dir, &failing.data_dir] {
        let files = walk(dir);
        assert!(!files.is_empty());
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET_KEY), "secret in {}", file.display());
            assert!(
                !text.contains(&wrong_secret),
                "secret in {}",
                file.display()
            );
        }
    }
}
