//! Fetching a run's `url` inputs, as the service does before generating: every photo a run is
//! given is downloaded (http/https, time and size limits) when the run starts, and a run whose
//! photo cannot be fetched fails with an output error naming the field. Fetched photos are kept
//! (scaled down) for the outputs to draw with.

use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use image::RgbaImage;
use lamina_api::ParameterKind;
use tokio::sync::watch;

use crate::images::{self, LONG_SIDE};
use crate::runs::{RunRecord, fnv1a};
use crate::state::AppState;

/// The largest input file fetched.
pub(crate) const MAX_INPUT_BYTES: usize = 50 * 1024 * 1024;
/// Decoding refuses pictures claiming more than this per side (decompression bombs).
const MAX_INPUT_SIDE: u32 = 16_384;
/// Photos are kept at most this large: outputs are 1024 px on their long side.
const KEPT_LONG_SIDE: u32 = LONG_SIDE;
const SAMPLES: [&str; 4] = ["front", "back", "person", "garment"];

/// Where a run's input photos stand.
#[derive(Debug, Clone)]
pub(crate) enum InputsState {
    /// Still downloading (the run shows `queued`, then `running`, until this settles).
    Fetching,
    /// Every photo arrived `at` (elapsed since the run's creation).
    Ready {
        at: Duration,
        photos: Vec<(String, Arc<RgbaImage>)>,
    },
    /// One could not be fetched: the run fails with `message`.
    Failed { at: Duration, message: String },
}

/// A run's input state, which readers watch to wake up when fetching settles.
#[derive(Debug)]
pub(crate) struct InputsGate(watch::Sender<InputsState>);

impl InputsGate {
    pub(crate) fn new(state: InputsState) -> Self {
        Self(watch::Sender::new(state))
    }

    /// Nothing to fetch: ready from the start.
    #[cfg(test)]
    pub(crate) fn ready() -> Self {
        Self::new(InputsState::Ready {
            at: Duration::ZERO,
            photos: Vec::new(),
        })
    }

    pub(crate) fn get(&self) -> InputsState {
        self.0.borrow().clone()
    }

    pub(crate) fn is_fetching(&self) -> bool {
        matches!(*self.0.borrow(), InputsState::Fetching)
    }

    /// A run with no `url` input: ready at its creation.
    pub(crate) fn settle_now_ready(&self) {
        self.settle(InputsState::Ready {
            at: Duration::ZERO,
            photos: Vec::new(),
        });
    }

    fn settle(&self, state: InputsState) {
        self.0.send_replace(state);
    }

    /// Resolves once fetching is over (at once if it already is).
    pub(crate) async fn settled(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|s| !matches!(s, InputsState::Fetching)).await;
    }
}

/// The `url` inputs of a run (field, address), in parameter order.
pub(crate) fn url_inputs(record: &RunRecord) -> Vec<(String, String)> {
    record
        .app
        .app
        .parameters
        .iter()
        .filter(|p| p.kind == ParameterKind::Url)
        .filter_map(|p| {
            let value = record.inputs.get(&p.name)?.trim();
            (!value.is_empty()).then(|| (p.name.clone(), value.to_owned()))
        })
        .collect()
}

/// Fetches every `url` input of a freshly created run in the background and settles its gate.
pub(crate) fn spawn(state: Arc<AppState>, record: Arc<RunRecord>) {
    let inputs = url_inputs(&record);
    tokio::spawn(async move {
        let mut photos = Vec::new();
        for (field, url) in inputs {
            let result = tokio::select! {
                result = fetch_photo(&state, &url) => result,
                () = state.shutdown_requested() => return,
            };
            state.stats.input_fetched(&url, result.is_ok());
            match result {
                Ok(photo) => photos.push((field, Arc::new(photo))),
                Err(reason) => {
                    let message = format!("Couldn't fetch the image given for {field}: {reason}");
                    tracing::info!(run = %record.id, %url, %message, "input fetch failed");
                    record.inputs_gate.settle(InputsState::Failed {
                        at: record.elapsed(),
                        message,
                    });
                    return;
                }
            }
        }
        record.inputs_gate.settle(InputsState::Ready {
            at: record.elapsed(),
            photos,
        });
    });
}

/// Downloads and decodes one photo; the error is the reason in plain words.
async fn fetch_photo(state: &AppState, url: &str) -> Result<RgbaImage, String> {
    let parsed = url::Url::parse(url).map_err(|_| "the address is not a web address".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("the address does not start with http:// or https://".into());
    }
    if let Some(status) = state.faults.take_input_fetch(parsed.path()) {
        return Err(format!("the address answered {status}"));
    }
    if let Some(seed) = own_sample(state, url) {
        // The very picture `GET /files/samples/…` serves, without encoding it only to decode it.
        let (w, h) = images::size_for("3:4", LONG_SIDE);
        return tokio::task::spawn_blocking(move || images::sample_photo(seed, w, h))
            .await
            .map_err(|e| format!("the sample could not be drawn: {e}"));
    }
    let bytes = download(state, url).await?;
    tokio::task::spawn_blocking(move || decode(&bytes))
        .await
        .map_err(|e| format!("the image could not be read: {e}"))?
}

/// The sandbox's own sample photos (app defaults) are drawn in place rather than downloaded, so
/// download faults aimed at `/files` keep hitting only the client's downloads.
fn own_sample(state: &AppState, url: &str) -> Option<u64> {
    let rest = url
        .strip_prefix(&state.base_url)?
        .strip_prefix("/files/samples/")?;
    let stem = rest.strip_suffix(".png").filter(|s| SAMPLES.contains(s))?;
    Some(fnv1a(stem.as_bytes()))
}

async fn download(state: &AppState, url: &str) -> Result<Vec<u8>, String> {
    let limit = state.config.input_fetch_timeout;
    let started = Instant::now();
    let timed_out = || {
        format!(
            "the address did not answer within {}",
            seconds_in_words(limit)
        )
    };
    let response = state
        .http
        .get(url)
        .timeout(limit)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                timed_out()
            } else {
                "the address could not be reached".to_owned()
            }
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the address answered {}", status.as_u16()));
    }
    let too_big = || {
        format!(
            "the file is larger than {} MB",
            MAX_INPUT_BYTES / (1024 * 1024)
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_INPUT_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            if e.is_timeout() || started.elapsed() >= limit {
                timed_out()
            } else {
                "the download broke off".to_owned()
            }
        })?;
        if body.len() + chunk.len() > MAX_INPUT_BYTES {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn seconds_in_words(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs} seconds")
    } else {
        format!("{secs:.1} seconds")
    }
}

/// Decodes by content (the Content-Type is not trusted), refusing bombs, and scales down to the
/// size outputs draw with.
fn decode(bytes: &[u8]) -> Result<RgbaImage, String> {
    let Ok(format) = image::guess_format(bytes) else {
        return Err("the address gave a file that is not an image".into());
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_INPUT_SIDE);
    limits.max_image_height = Some(MAX_INPUT_SIDE);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|e| format!("the image could not be read ({e})"))?;
    let (w, h) = (picture.width(), picture.height());
    let picture = if w.max(h) > KEPT_LONG_SIDE {
        picture.thumbnail(KEPT_LONG_SIDE, KEPT_LONG_SIDE)
    } else {
        picture
    };
    Ok(picture.to_rgba8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_sniffs_content_and_scales_down() {
        let big = image::RgbImage::from_pixel(2048, 1024, image::Rgb([10, 200, 30]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(big)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let photo = decode(&png).unwrap();
        assert_eq!(photo.dimensions(), (1024, 512));
        assert_eq!(photo.get_pixel(10, 10).0, [10, 200, 30, 255]);
        let err = decode(b"<!DOCTYPE html><html></html>").unwrap_err();
        assert!(err.contains("not an image"), "{err}");
        let err = decode(&png[..png.len() / 3]).unwrap_err();
        assert!(err.contains("could not be read"), "{err}");
        let bomb = images::png_prefix(50_000, 50_000, 16);
        assert!(decode(&bomb).is_err());
    }
}
