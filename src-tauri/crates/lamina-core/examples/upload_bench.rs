//! Drop → link ready for a 12-megapixel camera JPEG (EXIF with GPS and camera), beside a plain
//! PUT of the same bytes, both to a real S3 server (s3s-fs) on loopback, in the same run.
//!
//! ```sh
//! make s3-server
//! cargo run -p lamina-core --example upload_bench            # or --release
//! ```
//! Goal: drop → link ready ≤ 1.5 × the plain PUT (metadata stripping and scaling included).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

#[path = "../tests/common/s3.rs"]
mod s3;

use std::time::{Duration, Instant};

use lamina_core::Store;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::{PrepareOptions, S3Settings, UploadState, Uploader};

const ROUNDS: usize = 7;

/// A 4000×3000 JPEG with texture (so it weighs what a phone photo does) and an EXIF segment.
fn camera_photo() -> Vec<u8> {
    let mut state = 0x2545_F491_u32;
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 31) as u8;
        image::Rgb([
            ((x / 16) as u8).wrapping_add(n),
            ((y / 12) as u8).wrapping_add(n),
            (((x + y) / 28) as u8).wrapping_add(n / 2),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode(img.as_raw(), 4000, 3000, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut payload =
        b"Exif\0\0MM\0*\0\0\0\x08\0\0GPSLatitude 48.8584 N; Make ACME-PhoneCam ".to_vec();
    payload.resize(12_000, b' '); // a camera's EXIF with its thumbnail is ~10-60 KB
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let server = s3::S3Server::start();
    let settings = S3Settings {
        endpoint: server.endpoint(),
        region: "us-east-1".into(),
        bucket: s3::BUCKET.into(),
        prefix: "bench".into(),
        access_key_id: s3::ACCESS_KEY.into(),
        public_base_url: None,
        link_lifetime_secs: 86_400,
        path_style: true,
    };
    let http = reqwest::Client::new();
    let backend = Backend::s3(settings, s3::SECRET_KEY, http).unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("history.sqlite3")).unwrap();
    let uploader = Uploader::new(
        store,
        Some(backend.clone()),
        Uploader::staging_dir_of(data.path()),
        PrepareOptions::default(),
    );
    let photo = camera_photo();
    println!(
        "photo: 4000×3000 JPEG, {:.2} MB, EXIF with GPS and camera",
        photo.len() as f64 / 1e6
    );
    let started = Instant::now();
    let prepared = lamina_core::storage::prepare_image(&photo, PrepareOptions::default()).unwrap();
    println!(
        "preparation alone: {:.1} ms ({} bytes out, metadata removed: {})",
        started.elapsed().as_secs_f64() * 1e3,
        prepared.bytes.len(),
        prepared.metadata_removed
    );
    {
        use sha2::Digest as _;
        let started = Instant::now();
        let _ = sha2::Sha256::digest(&photo);
        println!(
            "  of which SHA-256: {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
        let started = Instant::now();
        let mut decoder =
            image::ImageReader::with_format(std::io::Cursor::new(&photo), image::ImageFormat::Jpeg)
                .into_decoder()
                .unwrap();
        let _ = image::ImageDecoder::orientation(&mut decoder);
        println!(
            "  of which header + orientation: {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
        let started = Instant::now();
        std::fs::write(data.path().join("probe"), &photo).unwrap();
        let _ = std::fs::read(data.path().join("probe")).unwrap();
        println!(
            "(a staged copy's write + read, off the critical path: {:.1} ms)",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    let bytes = bytes::Bytes::from(photo.clone());
    let (mut plain, mut pipeline) = (Vec::new(), Vec::new());
    let mut object_key = String::new();
    for round in 0..ROUNDS {
        let key = format!("bench/plain-{round}.jpg");
        let started = Instant::now();
        backend
            .put(&key, bytes.clone(), "image/jpeg", |_, _| {})
            .await
            .unwrap();
        plain.push(started.elapsed());

        // No dedup between rounds: the object is removed first (not timed).
        if !object_key.is_empty() {
            backend.delete(&object_key).await.unwrap();
        }
        let started = Instant::now();
        let ticket = uploader.submit_bytes("IMG_0001.JPG", &photo).unwrap();
        let done = uploader.run(&ticket.id).await.unwrap();
        pipeline.push(started.elapsed());
        assert_eq!(done.state, UploadState::Done);
        assert!(done.metadata_removed);
        let link = done.link.unwrap().url;
        object_key = link
            .split('?')
            .next()
            .unwrap()
            .split("/photos/")
            .nth(1)
            .unwrap()
            .to_string();
    }
    let (plain, pipeline) = (median(plain), median(pipeline));
    println!(
        "plain PUT of the same bytes:            {:>7.1} ms (median of {ROUNDS})",
        plain.as_secs_f64() * 1e3
    );
    println!(
        "drop → link ready (journal, strip, hash, HEAD, PUT, sign): {:>7.1} ms",
        pipeline.as_secs_f64() * 1e3
    );
    println!(
        "ratio: {:.2}× (goal ≤ 1.5×)",
        pipeline.as_secs_f64() / plain.as_secs_f64()
    );
}
