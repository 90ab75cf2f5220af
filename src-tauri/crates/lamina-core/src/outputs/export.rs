//! "Save as…": a kept output written elsewhere, as its original bytes or converted (PNG, JPEG,
//! WebP), optionally scaled down. The destination is replaced atomically, so a failed or
//! interrupted export never leaves a half-written file under the user's chosen name.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use serde::{Deserialize, Serialize};

use super::decode::{DecodedImage, decode, dimensions};
use super::thumbnail::{encode_webp, fit, resize};
use super::{OutputError, OutputLimits, Sniffed, read_file, sniff};

/// libwebp's default speed/size trade-off: exports favour size over speed.
const EXPORT_WEBP_METHOD: i32 = 4;

/// The file format of an export.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "camelCase")]
pub enum ExportFormat {
    Png,
    /// `quality` 1–100.
    Jpeg {
        quality: u8,
    },
    /// Lossy WebP, `quality` 0–100; alpha is kept.
    Webp {
        quality: u8,
    },
    /// The bytes as downloaded, unchanged (the size option does not apply).
    Original,
}

impl ExportFormat {
    /// The file kind an export in this format produces; `None` keeps the source's own kind.
    pub fn kind(self) -> Option<Sniffed> {
        match self {
            Self::Png => Some(Sniffed::Png),
            Self::Jpeg { .. } => Some(Sniffed::Jpeg),
            Self::Webp { .. } => Some(Sniffed::WebP),
            Self::Original => None,
        }
    }
}

/// What an export wrote.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredExport {
    pub path: PathBuf,
    pub content_type: String,
    pub bytes: u64,
    /// `None` only for an original video.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Writes `source` (a kept output) to `dest` in `format`, scaled down to `longest_side` px on its
/// longest side if it is larger (never up). Decoding is validated and limited like downloads.
pub fn export_image(
    source: &Path,
    dest: &Path,
    format: ExportFormat,
    longest_side: Option<u32>,
    limits: &OutputLimits,
) -> Result<StoredExport, OutputError> {
    let kind = sniff(&read_head(source)?)?;
    if format == ExportFormat::Original && !kind.is_image() {
        // A video can be hundreds of MB: stream it rather than hold it in memory.
        let bytes = write_atomically(dest, |file| {
            std::io::copy(&mut std::fs::File::open(source)?, file)?;
            Ok(())
        })?;
        return Ok(StoredExport {
            path: dest.to_owned(),
            content_type: kind.content_type().into(),
            bytes,
            width: None,
            height: None,
        });
    }
    let data = read_file(source, limits)?;
    let (bytes, content_type, size) = match format {
        ExportFormat::Original => {
            let size = if kind.is_image() {
                Some(dimensions(&data, kind, limits)?)
            } else {
                None
            };
            (data, kind.content_type(), size)
        }
        converted => {
            let pixels = decode(&data, kind, limits)?;
            drop(data);
            let (width, height) = match longest_side {
                Some(side) => fit(pixels.width, pixels.height, side.max(1)),
                None => (pixels.width, pixels.height),
            };
            let pixels = resize(pixels, width, height)?;
            let (bytes, content_type) = encode(&pixels, converted)?;
            (bytes, content_type, Some((width, height)))
        }
    };
    let written = write_atomically(dest, |file| file.write_all(&bytes))?;
    Ok(StoredExport {
        path: dest.to_owned(),
        content_type: content_type.into(),
        bytes: written,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    })
}

fn encode(
    pixels: &DecodedImage,
    format: ExportFormat,
) -> Result<(Vec<u8>, &'static str), OutputError> {
    let failed = |e: image::ImageError| OutputError::Undecodable(format!("encoding: {e}"));
    let mut out = Vec::new();
    let (width, height) = (pixels.width, pixels.height);
    match format {
        ExportFormat::Png => {
            let color = if pixels.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            PngEncoder::new(&mut out)
                .write_image(&pixels.data, width, height, color)
                .map_err(failed)?;
            Ok((out, Sniffed::Png.content_type()))
        }
        ExportFormat::Jpeg { quality } => {
            // JPEG has no alpha: composite on white, as a viewer would show it on a page.
            let flat;
            let rgb = if pixels.alpha {
                flat = on_white(&pixels.data);
                &flat
            } else {
                &pixels.data
            };
            JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .write_image(rgb, width, height, image::ExtendedColorType::Rgb8)
                .map_err(failed)?;
            Ok((out, Sniffed::Jpeg.content_type()))
        }
        ExportFormat::Webp { quality } => Ok((
            encode_webp(pixels, f32::from(quality.min(100)), EXPORT_WEBP_METHOD)?,
            Sniffed::WebP.content_type(),
        )),
        ExportFormat::Original => Err(OutputError::Unsupported("no conversion".into())),
    }
}

/// RGBA over an opaque white background, as RGB.
fn on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        let alpha = u32::from(px[3]);
        for &c in &px[..3] {
            let blended = (u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255;
            rgb.push(u8::try_from(blended).unwrap_or(u8::MAX));
        }
    }
    rgb
}

/// The first bytes of a file: enough to sniff it.
fn read_head(path: &Path) -> Result<Vec<u8>, OutputError> {
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|file| file.take(512).read_to_end(&mut head))
        .map_err(|e| OutputError::Disk(e.to_string()))?;
    Ok(head)
}

/// Writes a temporary file in `dest`'s folder (same file system, so the rename is atomic) and
/// renames it over `dest`; returns the size written. The temporary file is removed if anything
/// fails.
fn write_atomically(
    dest: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<u64, OutputError> {
    let disk = |e: std::io::Error| OutputError::Disk(e.to_string());
    let dir = match dest.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".lamina-export-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(disk)?;
    write(file.as_file_mut()).map_err(disk)?;
    file.as_file().sync_all().map_err(disk)?;
    let written = file.as_file().metadata().map_err(disk)?.len();
    file.persist(dest).map_err(|e| disk(e.error))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GenericImageView, ImageFormat, RgbaImage};

    /// A 640×400 PNG with a transparent left half.
    fn source(dir: &Path) -> PathBuf {
        let image = RgbaImage::from_fn(640, 400, |x, y| {
            let alpha = if x < 320 { 0 } else { 255 };
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, alpha])
        });
        let path = dir.join("0.png");
        DynamicImage::ImageRgba8(image).save(&path).unwrap();
        path
    }

    fn export(
        format: ExportFormat,
        side: Option<u32>,
    ) -> (StoredExport, DynamicImage, ImageFormat) {
        let dir = tempfile::tempdir().unwrap();
        let src = source(dir.path());
        let dest = dir.path().join("out").join("export.file");
        std::fs::create_dir(dest.parent().unwrap()).unwrap();
        let stored = export_image(&src, &dest, format, side, &OutputLimits::default()).unwrap();
        let bytes = std::fs::read(&dest).unwrap();
        assert_eq!(stored.bytes, bytes.len() as u64);
        // Only the result is left in the destination folder.
        assert_eq!(
            std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
            1
        );
        let format = image::guess_format(&bytes).unwrap();
        (stored, image::load_from_memory(&bytes).unwrap(), format)
    }

    #[test]
    fn png_export_keeps_alpha_and_scales_down() {
        let (stored, image, format) = export(ExportFormat::Png, Some(320));
        assert_eq!(format, ImageFormat::Png);
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(image.dimensions(), (320, 200));
        assert_eq!((stored.width, stored.height), (Some(320), Some(200)));
        assert_eq!(image.get_pixel(10, 10).0[3], 0);
    }

    #[test]
    fn jpeg_export_composites_alpha_on_white() {
        let (stored, image, format) = export(ExportFormat::Jpeg { quality: 90 }, None);
        assert_eq!(format, ImageFormat::Jpeg);
        assert_eq!(stored.content_type, "image/jpeg");
        assert_eq!(image.dimensions(), (640, 400));
        let px = image.get_pixel(100, 100).0;
        assert!(px[..3].iter().all(|&c| c > 245), "{px:?}");
    }

    #[test]
    fn webp_export_is_lossy_webp_and_never_upscales() {
        let (stored, image, format) = export(ExportFormat::Webp { quality: 85 }, Some(4000));
        assert_eq!(format, ImageFormat::WebP);
        assert_eq!(stored.content_type, "image/webp");
        assert_eq!(image.dimensions(), (640, 400));
        assert!(image.color().has_alpha());
    }

    #[test]
    fn original_export_copies_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let src = source(dir.path());
        let dest = dir.path().join("copy.png");
        std::fs::write(&dest, b"old").unwrap();
        let limits = OutputLimits::default();
        let stored = export_image(&src, &dest, ExportFormat::Original, Some(10), &limits).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), std::fs::read(&src).unwrap());
        assert_eq!((stored.width, stored.height), (Some(640), Some(400)));
    }

    #[test]
    fn refuses_what_is_not_a_picture_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("page.html");
        std::fs::write(&src, "<!DOCTYPE html><html></html>").unwrap();
        let dest = dir.path().join("out.png");
        let limits = OutputLimits::default();
        let error = export_image(&src, &dest, ExportFormat::Png, None, &limits).unwrap_err();
        assert!(matches!(error, OutputError::Unsupported(_)));
        assert!(!dest.exists());
    }

    #[test]
    fn formats_serialise_as_tagged_objects() {
        let json = serde_json::to_string(&ExportFormat::Jpeg { quality: 85 }).unwrap();
        assert_eq!(json, r#"{"format":"jpeg","quality":85}"#);
        let webp: ExportFormat = serde_json::from_str(r#"{"format":"webp","quality":70}"#).unwrap();
        assert_eq!(webp, ExportFormat::Webp { quality: 70 });
        let original: ExportFormat = serde_json::from_str(r#"{"format":"original"}"#).unwrap();
        assert_eq!(original, ExportFormat::Original);
        assert_eq!(
            serde_json::to_string(&ExportFormat::Png).unwrap(),
            r#"{"format":"png"}"#
        );
    }
}
