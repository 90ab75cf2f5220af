//! The image pipeline against the `image`-only baseline on a photo-like 4096×4096 PNG.
//!
//! Run: `cargo run --release -p lamina-core --example image_bench`
//!
//! Prints a markdown table of median times (ms) over several iterations: `image`'s decode and
//! Lanczos3 resize to 512 px, `fast_image_resize`'s Lanczos3 to 512 px, our validated decode,
//! and our whole thumbnail pipeline (`outputs::make_thumbnail`, the code the app runs) next to
//! the baseline (decode + resize with `image`).
//!
//! Then the same picture arrives over HTTP (a local server pacing its writes to a given
//! bandwidth): the app's `OutputCache::fetch`, which decodes while the download streams, against
//! downloading to a file and then decoding and resizing with `image`. "After the last byte" is
//! what a person waits once the network has delivered the file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly by design

use std::path::Path;
use std::time::{Duration, Instant};

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::imageops::FilterType as ImageFilter;
use image::{DynamicImage, RgbImage};
use lamina_core::outputs::{OutputLimits, THUMBNAIL_SIDE, decode_image, make_thumbnail};

const SIDE: u32 = 4096;
const ITERATIONS: usize = 7;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    // IMAGE_BENCH_SOURCE=path keeps the generated PNG there (or reuses it) to compare runs.
    let path = std::env::var_os("IMAGE_BENCH_SOURCE")
        .map_or_else(|| dir.path().join("photo.png"), Into::into);
    let started = Instant::now();
    if !path.exists() {
        photo_like(SIDE, SIDE).save(&path).expect("encode PNG");
    }
    let png_mb = std::fs::metadata(&path).expect("stat").len() as f64 / 1e6;
    println!(
        "Source: {SIDE}×{SIDE} RGB PNG, {png_mb:.1} MB (made in {:.1} s), {ITERATIONS} iterations, \
         median\n",
        started.elapsed().as_secs_f64()
    );
    let limits = OutputLimits::default();
    let decoded = image::open(&path).expect("decode");
    let rgb = decoded.to_rgb8().into_raw();

    let image_decode = median(|| drop(image::open(&path).unwrap()));
    let image_resize = median(|| drop(decoded.resize(512, 512, ImageFilter::Lanczos3)));
    let fir_resize = median(|| drop(fir_lanczos3(&rgb, SIDE, SIDE, THUMBNAIL_SIDE)));
    let our_decode = median(|| drop(decode_image(&path, &limits).unwrap()));
    let ours = median(|| drop(make_thumbnail(&path, &limits).unwrap()));
    let baseline = median(|| drop(image_only_thumbnail(&path)));

    let thumbnail = make_thumbnail(&path, &limits).unwrap();
    assert_eq!((thumbnail.width, thumbnail.height), (512, 512));

    println!("| step | ms |");
    println!("|---|---:|");
    row("(a) image: decode PNG", image_decode);
    row("(b) image: resize to 512, Lanczos3", image_resize);
    row("(c) fast_image_resize: resize to 512, Lanczos3", fir_resize);
    row(
        "(d) ours: validated decode (read, header check, image/png decode)",
        our_decode,
    );
    row(
        "(e) ours: make_thumbnail end to end (read, check, decode, resize, WebP)",
        ours,
    );
    row("baseline: image decode + image Lanczos3 resize", baseline);
    println!();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "- resize speed-up (b)/(c): {:.1}× (goal ≥ 10×)",
        ratio(image_resize, fir_resize)
    );
    println!(
        "- decode (a)/(d): {:.2}× (the same decoder: the difference is reading and checks)",
        ratio(image_decode, our_decode)
    );
    println!(
        "- end to end: {:.0} ms vs baseline {:.0} ms, {:.1}× faster (goal ≤ 150 ms: {})",
        ms(ours),
        ms(baseline),
        ratio(baseline, ours),
        if ms(ours) <= 150.0 { "met" } else { "missed" }
    );
    println!(
        "- thumbnail: {}×{}, {} KB WebP",
        thumbnail.width,
        thumbnail.height,
        thumbnail.bytes.len() / 1024
    );
    println!();
    download::compare(&path);
}

mod download;

fn row(what: &str, time: Duration) {
    println!("| {what} | {:.1} |", ms(time));
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn median(mut run: impl FnMut()) -> Duration {
    run(); // warm-up: page cache, allocator, CPU feature detection
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn image_only_thumbnail(path: &Path) -> DynamicImage {
    image::open(path)
        .unwrap()
        .resize(512, 512, ImageFilter::Lanczos3)
}

fn fir_lanczos3(rgb: &[u8], width: u32, height: u32, side: u32) -> Image<'static> {
    let source = ImageRef::new(width, height, rgb, PixelType::U8x3).unwrap();
    let mut target = Image::new(side, side, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .unwrap();
    target
}

/// Smooth gradients and soft shapes with sensor-like noise: compresses like a photo (a few
/// bits a pixel), not like a flat test card.
fn photo_like(width: u32, height: u32) -> DynamicImage {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 17) as f32 - 8.0
    };
    let (w, h) = (width as f32, height as f32);
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / w, y as f32 / h);
        let d = ((u - 0.55).powi(2) + (v - 0.45).powi(2)).sqrt();
        let blob = (1.0 - d * 2.5).clamp(0.0, 1.0);
        let wave = ((u * 9.0).sin() * (v * 7.0).cos()) * 20.0;
        let base = [
            60.0 + 120.0 * u + 70.0 * blob + wave,
            40.0 + 100.0 * v + 90.0 * blob,
            150.0 - 80.0 * u * v + 40.0 * blob - wave,
        ];
        image::Rgb(base.map(|c| (c + noise()).clamp(0.0, 255.0) as u8))
    });
    DynamicImage::ImageRgb8(image)
}
