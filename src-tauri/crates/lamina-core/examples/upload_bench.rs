//! Drop → link ready for a 12-megapixel camera JPEG (EXIF with GPS and camera), beside a plain
//! PUT of the same bytes, both to a real S3 server (s3s-fs) on loopback, in the same run, on the
//! same shared `reqwest` client. Prints where the pipeline's time goes, that a second upload of
//! the same photo sends 0 bytes, and what a photo that must be turned or scaled costs.
//!
//! ```sh
//! make s3-server
//! cargo run -p lamina-core --example upload_bench             # debug, pixel/hash crates optimised
//! cargo run -p lamina-core --example upload_bench --release
//! ```
//! Goal: drop → link ready ≤ 1.5 × the plain PUT (metadata stripping and scaling included).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

#[path = "../tests/common/s3.rs"]
mod s3;

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use bytes::Bytes;
use lamina_core::Store;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::{PrepareOptions, S3Settings, UploadState, Uploader};

const ROUNDS: usize = 9;

/// A 4000×3000 JPEG with texture (so it weighs what a phone photo does) and an EXIF segment
/// (12 KB, as a camera's with its thumbnail) whose orientation entry is `orientation`.
fn camera_photo(orientation: u16) -> Vec<u8> {
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
    // Big-endian TIFF, one IFD with the Orientation entry, then camera and GPS text as padding.
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08\0\x01".to_vec();
    payload.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    payload.extend_from_slice(&orientation.to_be_bytes());
    payload.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    payload.extend_from_slice(b"GPSLatitude 48.8584 N; Make ACME-PhoneCam ");
    payload.resize(12_000, b' ');
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn micros(counter: &std::sync::atomic::AtomicU64) -> Duration {
    Duration::from_micros(counter.load(Relaxed))
}

/// Where one pipeline round's time went.
#[derive(Default, Clone, Copy)]
struct Split {
    total: Duration,
    submit: Duration,
    prepare: Duration,
    head: Duration,
    put: Duration,
    journal: Duration,
}

/// One drop → link ready, with the object removed first (not timed) so nothing is deduplicated.
async fn drop_to_link(uploader: &Uploader, backend: &Backend, photo: &Bytes) -> Split {
    if let Some(key) = last_key(uploader) {
        backend.delete(&key).await.unwrap();
    }
    // What a drop hands over: the bytes decoded from the web view, owned by this process.
    let owned = Bytes::from(photo.to_vec());
    let started = Instant::now();
    let ticket = uploader.submit_owned("IMG_0001.JPG", owned).unwrap();
    let submit = started.elapsed();
    let done = uploader.run(&ticket.id).await.unwrap();
    let total = started.elapsed();
    assert_eq!(done.state, UploadState::Done);
    assert!(done.metadata_removed);
    LAST_LINK.with(|l| *l.borrow_mut() = done.link.map(|l| l.url));
    let counters = uploader.counters();
    Split {
        total,
        submit,
        prepare: micros(&counters.last_prepare_us),
        head: micros(&counters.last_head_us),
        put: micros(&counters.last_put_us),
        journal: micros(&counters.last_journal_us),
    }
}

thread_local! {
    static LAST_LINK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn last_key(_uploader: &Uploader) -> Option<String> {
    LAST_LINK.with(|l| {
        l.borrow().as_ref().map(|link| {
            let path = link.split('?').next().unwrap();
            format!("bench/{}", path.rsplit('/').next().unwrap())
        })
    })
}

fn uploader(backend: &Backend, data: &std::path::Path, options: PrepareOptions) -> Uploader {
    let store = Store::open(&data.join("history.sqlite3")).unwrap();
    Uploader::new(
        store,
        Some(backend.clone()),
        Uploader::staging_dir_of(data),
        options,
    )
}

#[tokio::main]
async fn main() {
    let profile = if cfg!(debug_assertions) {
        "debug (pixel, hash and parsing crates at opt-level 3)"
    } else {
        "release"
    };
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
    // One client for the plain PUT and the pipeline, as the app shares one.
    let http = reqwest::Client::new();
    let backend = Backend::s3(settings, s3::SECRET_KEY, http).unwrap();
    let data = tempfile::tempdir().unwrap();
    let uploads = uploader(&backend, data.path(), PrepareOptions::default());
    let photo = Bytes::from(camera_photo(1));
    println!("build: {profile}");
    println!(
        "photo: 4000×3000 JPEG, {:.2} MB, EXIF (orientation 1) with GPS and camera",
        photo.len() as f64 / 1e6
    );

    // Preparation alone, and its steps, on the same bytes.
    let (mut prepare, mut hash) = (Vec::new(), Vec::new());
    let mut out = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let prepared =
            lamina_core::storage::prepare_bytes(photo.clone(), PrepareOptions::default()).unwrap();
        prepare.push(started.elapsed());
        out = prepared.len();
        let started = Instant::now();
        {
            use sha2::Digest as _;
            let mut hasher = sha2::Sha256::new();
            for piece in &prepared.pieces {
                hasher.update(piece);
            }
            let _ = hasher.finalize();
        }
        hash.push(started.elapsed());
    }
    let (prepare, hash) = (median(prepare), median(hash));
    println!(
        "preparation alone: {:.1} ms ({out} bytes out, not decoded): SHA-256 {:.1} ms, \
         sniff + segments + headers {:.1} ms",
        ms(prepare),
        ms(hash),
        ms(prepare.saturating_sub(hash))
    );

    let (mut plain, mut splits) = (Vec::new(), Vec::new());
    // In turns, which one goes first alternating, so neither always follows the other's writes.
    for round in 0..ROUNDS {
        if round % 2 == 1 {
            splits.push(drop_to_link(&uploads, &backend, &photo).await);
        }
        let key = format!("bench/plain-{round}.jpg");
        let started = Instant::now();
        backend
            .put(&key, photo.clone(), "image/jpeg", |_, _| {})
            .await
            .unwrap();
        plain.push(started.elapsed());
        if round % 2 == 0 {
            splits.push(drop_to_link(&uploads, &backend, &photo).await);
        }
    }
    // Round by round (same load on the machine for both), then the median of those ratios.
    let mut ratios: Vec<f64> = plain
        .iter()
        .zip(&splits)
        .map(|(plain, split)| split.total.as_secs_f64() / plain.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    splits.sort_by_key(|s| s.total);
    let split = splits[splits.len() / 2];
    let plain = median(plain);
    // The pipeline's sending apart from the rest: slices of the source as the body, and a HEAD
    // before a PUT.
    {
        let prepared =
            lamina_core::storage::prepare_bytes(photo.clone(), PrepareOptions::default()).unwrap();
        let (mut pieces_put, mut head_put) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let started = Instant::now();
            backend
                .put_pieces(
                    &format!("bench/pieces-{round}.jpg"),
                    prepared.pieces.clone(),
                    "image/jpeg",
                    |_, _| {},
                )
                .await
                .unwrap();
            pieces_put.push(started.elapsed());
            let key = format!("bench/head-{round}.jpg");
            let started = Instant::now();
            assert!(!backend.exists(&key).await.unwrap());
            backend
                .put(&key, photo.clone(), "image/jpeg", |_, _| {})
                .await
                .unwrap();
            head_put.push(started.elapsed());
        }
        println!(
            "apart from the pipeline: PUT of the prepared pieces {:.1} ms, HEAD + plain PUT {:.1} ms \
             (medians of {ROUNDS})",
            ms(median(pieces_put)),
            ms(median(head_put))
        );
    }
    println!(
        "plain PUT of the same bytes:      {:>7.1} ms (median of {ROUNDS})",
        ms(plain)
    );
    println!(
        "drop → link ready:                {:>7.1} ms (median of {ROUNDS}; that round: submit \
         (journal write, preparing begins) {:.1}, preparing left {:.1}, journal writes {:.1}, \
         HEAD {:.1}, PUT {:.1}, rest {:.1})",
        ms(split.total),
        ms(split.submit),
        ms(split.prepare),
        ms(split.journal),
        ms(split.head),
        ms(split.put),
        ms(split
            .total
            .saturating_sub(split.submit + split.prepare + split.journal + split.head + split.put))
    );
    println!(
        "ratio: {:.2}× (medians; goal ≤ 1.5×); round by round: median {:.2}×, best {:.2}×, worst {:.2}×",
        split.total.as_secs_f64() / plain.as_secs_f64(),
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );

    // Dedup: the same photo dropped again sends nothing.
    let before = uploads.counters().bytes_sent.load(Relaxed);
    let started = Instant::now();
    let ticket = uploads
        .submit_owned("IMG_0001 copy.JPG", photo.clone())
        .unwrap();
    let again = uploads.run(&ticket.id).await.unwrap();
    assert_eq!(again.state, UploadState::Done);
    let resent = uploads.counters().bytes_sent.load(Relaxed) - before;
    println!(
        "same photo again: {:.1} ms, bytes sent: {resent}",
        ms(started.elapsed())
    );
    assert_eq!(resent, 0);

    // Beside the goal case: a photo that must be turned (EXIF orientation 6), and one scaled
    // down (limit 2048 px). Both are decoded and re-encoded.
    let turned = Bytes::from(camera_photo(6));
    let turned_data = tempfile::tempdir().unwrap();
    let turned_uploads = uploader(&backend, turned_data.path(), PrepareOptions::default());
    let scaled_data = tempfile::tempdir().unwrap();
    let scaled_uploads = uploader(
        &backend,
        scaled_data.path(),
        PrepareOptions {
            max_long_edge: 2048,
        },
    );
    for (name, uploads, photo) in [
        ("turned (orientation 6)", &turned_uploads, &turned),
        ("scaled to 2048 px", &scaled_uploads, &photo),
    ] {
        LAST_LINK.with(|l| *l.borrow_mut() = None);
        let rounds: Vec<Split> = {
            let mut v = Vec::new();
            for _ in 0..3 {
                v.push(drop_to_link(uploads, &backend, photo).await);
            }
            v
        };
        let mut rounds = rounds;
        rounds.sort_by_key(|s| s.total);
        let s = rounds[1];
        println!(
            "{name}: drop → link ready {:.1} ms (prepare {:.1}, PUT {:.1}) = {:.2}× the plain PUT",
            ms(s.total),
            ms(s.prepare),
            ms(s.put),
            s.total.as_secs_f64() / plain.as_secs_f64()
        );
    }
}
