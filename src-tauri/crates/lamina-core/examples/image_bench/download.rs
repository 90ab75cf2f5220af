//! The picture served over loopback HTTP at a paced bandwidth, fetched by the app's output cache
//! (decoding while it downloads) and by a download-then-`image` baseline.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use image::imageops::FilterType as ImageFilter;
use lamina_core::outputs::{OutputCache, OutputLimits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ITERATIONS: usize = 5;
/// Bandwidths compared, in Mbit/s (`None`: as fast as loopback goes).
const RATES: [Option<u64>; 3] = [None, Some(1000), Some(300)];
const PIECE: usize = 64 * 1024;

/// When the server wrote the last byte of the latest response.
type LastByte = Arc<Mutex<Option<Instant>>>;

pub fn compare(path: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(compare_async(path));
}

async fn compare_async(path: &Path) {
    let body = Arc::new(std::fs::read(path).unwrap());
    println!("Over HTTP, median of {ITERATIONS} (ms): total from request, and after the last byte");
    println!();
    println!(
        "| bandwidth | baseline total | baseline after last byte | ours total | ours after last byte |"
    );
    println!("|---|---:|---:|---:|---:|");
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let cache = OutputCache::new(
        dir.path().join("cache"),
        http.clone(),
        OutputLimits::default(),
    );
    for rate in RATES {
        let last_byte = LastByte::default();
        let url = serve(body.clone(), rate, last_byte.clone()).await;
        let mut baseline = Vec::new();
        let mut ours = Vec::new();
        for i in 0..=ITERATIONS {
            let start = Instant::now();
            let file = dir.path().join("baseline.png");
            download_to_file(&http, &url, &file).await;
            let small = tokio::task::spawn_blocking(move || {
                image::open(&file)
                    .unwrap()
                    .resize(512, 512, ImageFilter::Lanczos3)
            })
            .await
            .unwrap();
            assert_eq!(small.width(), 512);
            let b = measured(start, &last_byte);

            let start = Instant::now();
            let stored = cache.fetch(&format!("run{i}"), 0, &url).await.unwrap();
            assert!(stored.thumbnail.is_some());
            let o = measured(start, &last_byte);
            // The first round warms the page cache and the allocator.
            if i > 0 {
                baseline.push(b);
                ours.push(o);
            }
        }
        let (bt, ba) = medians(&mut baseline);
        let (ot, oa) = medians(&mut ours);
        let label = rate.map_or_else(|| "loopback".to_owned(), |r| format!("{r} Mbit/s"));
        println!("| {label} | {bt:.0} | {ba:.0} | {ot:.0} | {oa:.0} |");
    }
    println!();
    println!("- goal ≤ 150 ms from the file's arrival to its thumbnail");
}

/// (total, after the last byte) in ms.
fn measured(start: Instant, last_byte: &LastByte) -> (f64, f64) {
    let end = Instant::now();
    let last = last_byte.lock().unwrap().unwrap_or(start);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(end - start), ms(end.saturating_duration_since(last)))
}

fn medians(samples: &mut [(f64, f64)]) -> (f64, f64) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (
        median(samples.iter().map(|s| s.0).collect()),
        median(samples.iter().map(|s| s.1).collect()),
    )
}

async fn download_to_file(http: &reqwest::Client, url: &str, file: &Path) {
    let response = http.get(url).send().await.unwrap();
    let mut out = tokio::fs::File::create(file).await.unwrap();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        out.write_all(&chunk.unwrap()).await.unwrap();
    }
    out.sync_all().await.unwrap();
}

/// A one-route HTTP/1.1 server answering every request with `body`, written in pieces paced
/// to `rate_mbit`.
async fn serve(body: Arc<Vec<u8>>, rate_mbit: Option<u64>, last_byte: LastByte) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            let last_byte = last_byte.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    body.len()
                );
                socket.write_all(head.as_bytes()).await.unwrap();
                let start = Instant::now();
                let mut sent = 0usize;
                for piece in body.chunks(PIECE) {
                    socket.write_all(piece).await.unwrap();
                    sent += piece.len();
                    if let Some(rate) = rate_mbit {
                        let due = Duration::from_secs_f64(sent as f64 * 8.0 / (rate as f64 * 1e6));
                        if let Some(wait) = due.checked_sub(start.elapsed()) {
                            tokio::time::sleep(wait).await;
                        }
                    }
                }
                socket.flush().await.unwrap();
                *last_byte.lock().unwrap() = Some(Instant::now());
            });
        }
    });
    format!("http://{address}/photo.png")
}
