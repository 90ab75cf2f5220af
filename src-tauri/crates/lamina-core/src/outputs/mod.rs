//! The output cache: each output downloaded once, streamed to a temporary file under a size cap,
//! recognised by its bytes (never by `Content-Type`), and for images decoded under limits before
//! it is kept, with a thumbnail beside it. SVG, HTML and anything unrecognised are refused with a
//! clear reason. The original bytes are what is kept: thumbnails and exports are made from them.

mod decode;
mod export;
mod sniff;
mod streamed;
pub(crate) mod thumbnail;

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::record::StoredFile;

pub use decode::{DecodedImage, decode_image, decode_rgba};
pub use export::{ExportFormat, StoredExport, export_image};
pub use sniff::{Sniffed, sniff};
pub use thumbnail::{THUMBNAIL_SIDE, Thumbnail, make_thumbnail};

/// What this app agrees to download and decode. The defaults keep a decompression bomb (a small
/// file claiming huge dimensions) from costing more than a few hundred MB of memory.
#[derive(Debug, Clone)]
pub struct OutputLimits {
    /// Largest download, in bytes.
    pub max_bytes: u64,
    /// Largest width or height, in pixels.
    pub max_dimension: u32,
    /// Most memory one decode may need (pixels and the decoder's own buffers), in bytes.
    pub max_alloc_bytes: u64,
}

impl Default for OutputLimits {
    fn default() -> Self {
        Self {
            max_bytes: 200 * 1024 * 1024,
            max_dimension: 16_384,
            // An 8192×8192 RGBA picture; more is refused before decoding.
            max_alloc_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    #[error("The result could not be downloaded: {0}")]
    Download(String),
    #[error("The result is larger than {limit_mb} MB and was not kept.")]
    TooLarge { limit_mb: u64 },
    #[error("The result is not a picture or video this app can show ({0}).")]
    Unsupported(String),
    #[error("The picture is damaged or too large to open safely ({0}).")]
    Undecodable(String),
    #[error("The result could not be saved on this computer: {0}")]
    Disk(String),
}

#[derive(Debug, Clone)]
pub struct OutputCache {
    dir: PathBuf,
    http: reqwest::Client,
    limits: OutputLimits,
}

impl OutputCache {
    pub fn new(dir: PathBuf, http: reqwest::Client, limits: OutputLimits) -> Self {
        Self { dir, http, limits }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn limits(&self) -> &OutputLimits {
        &self.limits
    }

    /// Downloads `url` as output `index` of run `local_id`, validates it and keeps it.
    pub async fn fetch(
        &self,
        local_id: &str,
        index: usize,
        url: &str,
    ) -> Result<StoredFile, OutputError> {
        let run_dir = self.dir.join(sanitize(local_id));
        tokio::fs::create_dir_all(&run_dir)
            .await
            .map_err(|e| OutputError::Disk(e.to_string()))?;
        let partial = run_dir.join(format!("{index}.part"));
        // A PNG is decoded while it downloads, on a blocking thread (see `streamed`).
        let (arrivals, early_decode) = streamed::start(self.limits.clone());
        let early_decode = tokio::task::spawn_blocking(early_decode);
        let result = self.download_to(url, &partial, &arrivals).await;
        if result.is_ok() {
            arrivals.finish();
        } else {
            drop(arrivals);
        }
        let early = early_decode.await.ok().flatten();
        let outcome = match result {
            Ok(bytes) => self.keep(&run_dir, index, &partial, bytes, early).await,
            Err(error) => Err(error),
        };
        if outcome.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        outcome
    }

    async fn download_to(
        &self,
        url: &str,
        path: &Path,
        arrivals: &streamed::Arrivals,
    ) -> Result<u64, OutputError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| OutputError::Download(describe(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OutputError::Download(format!(
                "the server answered HTTP {}",
                status.as_u16()
            )));
        }
        let limit = self.limits.max_bytes;
        let too_large = OutputError::TooLarge {
            limit_mb: limit / (1024 * 1024),
        };
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(too_large);
        }
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| OutputError::Disk(e.to_string()))?;
        let mut written = 0u64;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| OutputError::Download(describe(&e)))?;
            written += chunk.len() as u64;
            if written > limit {
                return Err(too_large);
            }
            arrivals.push(&chunk);
            file.write_all(&chunk)
                .await
                .map_err(|e| OutputError::Disk(e.to_string()))?;
        }
        file.sync_all()
            .await
            .map_err(|e| OutputError::Disk(e.to_string()))?;
        Ok(written)
    }

    async fn keep(
        &self,
        run_dir: &Path,
        index: usize,
        partial: &Path,
        bytes: u64,
        early: Option<streamed::EarlyDecode>,
    ) -> Result<StoredFile, OutputError> {
        let inspected = match early {
            Some(early) => Inspected {
                kind: Sniffed::Png,
                dimensions: Some(early.dimensions),
                thumbnail: early.thumbnail,
            },
            None => {
                let limits = self.limits.clone();
                let path = partial.to_owned();
                // Decoding and thumbnailing are CPU-bound: keep them off the async workers.
                tokio::task::spawn_blocking(move || inspect(&path, &limits))
                    .await
                    .map_err(|e| OutputError::Undecodable(e.to_string()))??
            }
        };
        let kind = inspected.kind;
        let final_path = run_dir.join(format!("{index}.{}", kind.extension()));
        tokio::fs::rename(partial, &final_path)
            .await
            .map_err(|e| OutputError::Disk(e.to_string()))?;
        let thumbnail = match inspected.thumbnail {
            Some(thumbnail) => save_thumbnail(run_dir, index, &thumbnail).await,
            None => None,
        };
        Ok(StoredFile {
            path: final_path,
            content_type: kind.content_type().into(),
            bytes,
            width: inspected.dimensions.map(|d| d.0),
            height: inspected.dimensions.map(|d| d.1),
            thumbnail,
        })
    }
}

/// What a downloaded file turned out to be.
struct Inspected {
    kind: Sniffed,
    dimensions: Option<(u32, u32)>,
    thumbnail: Option<Thumbnail>,
}

/// Sniffs the file and, for images, decodes it fully under limits (a truncated or bomb image
/// fails here rather than in a viewer), then makes the thumbnail from the same decode.
fn inspect(path: &Path, limits: &OutputLimits) -> Result<Inspected, OutputError> {
    let data = read_file(path, limits)?;
    let kind = sniff(&data)?;
    if !kind.is_image() {
        return Ok(Inspected {
            kind,
            dimensions: None,
            thumbnail: None,
        });
    }
    let (dimensions, thumbnail) = thumbnail::decode_with_thumbnail(&data, kind, limits)?;
    // The picture itself is fine: a thumbnail that fails only costs the gallery a fallback.
    let thumbnail = thumbnail
        .inspect_err(|e| tracing::warn!(path = %path.display(), "no thumbnail: {e}"))
        .ok();
    Ok(Inspected {
        kind,
        dimensions: Some(dimensions),
        thumbnail,
    })
}

/// Writes `<index>.thumb.webp` beside the output (via a temporary name, so a reader never sees
/// half a thumbnail); `None`, logged, if it cannot.
async fn save_thumbnail(run_dir: &Path, index: usize, thumbnail: &Thumbnail) -> Option<PathBuf> {
    let path = run_dir.join(format!("{index}.thumb.{}", Thumbnail::EXTENSION));
    let partial = run_dir.join(format!("{index}.thumb.part"));
    let written = match tokio::fs::write(&partial, &thumbnail.bytes).await {
        Ok(()) => tokio::fs::rename(&partial, &path).await,
        Err(e) => Err(e),
    };
    match written {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!(path = %path.display(), "thumbnail not saved: {e}");
            let _ = tokio::fs::remove_file(&partial).await;
            None
        }
    }
}

/// The whole file, refused unread if it is larger than the limits allow.
pub(crate) fn read_file(path: &Path, limits: &OutputLimits) -> Result<Vec<u8>, OutputError> {
    let disk = |e: std::io::Error| OutputError::Disk(e.to_string());
    let len = std::fs::metadata(path).map_err(disk)?.len();
    if len > limits.max_bytes {
        return Err(OutputError::TooLarge {
            limit_mb: limits.max_bytes / (1024 * 1024),
        });
    }
    std::fs::read(path).map_err(disk)
}

fn sanitize(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "it took too long".into()
    } else if error.is_connect() {
        "the server could not be reached".into()
    } else {
        "the connection broke off".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_keeps_dimensions_and_makes_a_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.part");
        let image = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([x as u8, y as u8, 7]));
        image::DynamicImage::ImageRgb8(image)
            .save_with_format(&path, image::ImageFormat::Png)
            .unwrap();
        let inspected = inspect(&path, &OutputLimits::default()).unwrap();
        assert_eq!(inspected.kind, Sniffed::Png);
        assert_eq!(inspected.dimensions, Some((800, 600)));
        let thumbnail = inspected.thumbnail.unwrap();
        assert_eq!((thumbnail.width, thumbnail.height), (512, 384));
    }

    #[test]
    fn a_video_is_kept_without_decoding_or_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.part");
        std::fs::write(&path, b"\0\0\0\x18ftypmp42 and then some frames").unwrap();
        let inspected = inspect(&path, &OutputLimits::default()).unwrap();
        assert_eq!(inspected.kind, Sniffed::Mp4);
        assert!(inspected.dimensions.is_none() && inspected.thumbnail.is_none());
    }

    #[test]
    fn stored_files_from_before_thumbnails_still_parse() {
        let old = r#"{"path":"/x/0.png","contentType":"image/png","bytes":3,"width":1,"height":1}"#;
        let file: StoredFile = serde_json::from_str(old).unwrap();
        assert_eq!(file.thumbnail, None);
    }
}
