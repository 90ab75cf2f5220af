//! The output cache: each output downloaded once, streamed to a temporary file under a size cap,
//! recognised by its bytes (never by `Content-Type`), and for images decoded under limits before
//! it is kept. SVG, HTML and anything unrecognised are refused with a clear reason.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::record::StoredFile;

#[derive(Debug, Clone)]
pub struct OutputLimits {
    pub max_bytes: u64,
    pub max_dimension: u32,
    pub max_alloc_bytes: u64,
}

impl Default for OutputLimits {
    fn default() -> Self {
        Self {
            max_bytes: 200 * 1024 * 1024,
            max_dimension: 16_384,
            max_alloc_bytes: 512 * 1024 * 1024,
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

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Png,
    Jpeg,
    WebP,
    Gif,
    Mp4,
    WebM,
}

impl Sniffed {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
            Self::Gif => "gif",
            Self::Mp4 => "mp4",
            Self::WebM => "webm",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Mp4 => "video/mp4",
            Self::WebM => "video/webm",
        }
    }

    fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::WebP | Self::Gif)
    }
}

pub fn sniff(head: &[u8]) -> Result<Sniffed, OutputError> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Ok(Sniffed::Png)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Ok(Sniffed::Jpeg)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Ok(Sniffed::WebP)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Ok(Sniffed::Gif)
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Ok(Sniffed::Mp4)
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Ok(Sniffed::WebM)
    } else {
        let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
        let what = if text.contains("<svg") {
            "an SVG drawing"
        } else if text.contains("<html") || text.contains("<!doctype") {
            "a web page"
        } else {
            "an unknown kind of file"
        };
        Err(OutputError::Unsupported(what.into()))
    }
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
        let result = self.download_to(url, &partial).await;
        let outcome = match result {
            Ok(bytes) => self.keep(&run_dir, index, &partial, bytes).await,
            Err(error) => Err(error),
        };
        if outcome.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        outcome
    }

    async fn download_to(&self, url: &str, path: &Path) -> Result<u64, OutputError> {
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
    ) -> Result<StoredFile, OutputError> {
        let limits = self.limits.clone();
        let path = partial.to_owned();
        // Decoding is CPU-bound: keep it off the async workers.
        let (kind, dimensions) = tokio::task::spawn_blocking(move || inspect(&path, &limits))
            .await
            .map_err(|e| OutputError::Undecodable(e.to_string()))??;
        let final_path = run_dir.join(format!("{index}.{}", kind.extension()));
        tokio::fs::rename(partial, &final_path)
            .await
            .map_err(|e| OutputError::Disk(e.to_string()))?;
        Ok(StoredFile {
            path: final_path,
            content_type: kind.content_type().into(),
            bytes,
            width: dimensions.map(|d| d.0),
            height: dimensions.map(|d| d.1),
        })
    }
}

/// Sniffs the file and, for images, decodes it fully under limits (a truncated or bomb image
/// fails here rather than in a viewer).
fn inspect(
    path: &Path,
    limits: &OutputLimits,
) -> Result<(Sniffed, Option<(u32, u32)>), OutputError> {
    let data = std::fs::read(path).map_err(|e| OutputError::Disk(e.to_string()))?;
    let kind = sniff(&data)?;
    if !kind.is_image() {
        return Ok((kind, None));
    }
    let mut reader = image::ImageReader::new(Cursor::new(&data));
    reader.set_format(match kind {
        Sniffed::Png => image::ImageFormat::Png,
        Sniffed::Jpeg => image::ImageFormat::Jpeg,
        Sniffed::WebP => image::ImageFormat::WebP,
        _ => image::ImageFormat::Gif,
    });
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_dimension);
    image_limits.max_image_height = Some(limits.max_dimension);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);
    let decoded = reader
        .decode()
        .map_err(|e| OutputError::Undecodable(e.to_string()))?;
    Ok((kind, Some((decoded.width(), decoded.height()))))
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
    fn sniffs_by_bytes_and_names_what_it_refuses() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), Sniffed::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Sniffed::WebP);
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42").unwrap(), Sniffed::Mp4);
        let svg = sniff(b"<?xml version=\"1.0\"?><svg xmlns=").unwrap_err();
        assert_eq!(svg, OutputError::Unsupported("an SVG drawing".into()));
        let html = sniff(b"<!DOCTYPE html><html>").unwrap_err();
        assert_eq!(html, OutputError::Unsupported("a web page".into()));
    }

    #[test]
    fn refuses_a_png_header_claiming_huge_dimensions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.png");
        // Signature + IHDR for 100000 x 100000 RGBA, no image data.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        std::fs::write(&path, png).unwrap();
        let error = inspect(&path, &OutputLimits::default()).unwrap_err();
        assert!(matches!(error, OutputError::Undecodable(_)), "{error:?}");
    }
}
