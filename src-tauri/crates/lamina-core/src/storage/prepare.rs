//! A photo made ready to hand to the service: recognised by its bytes (not its name), refused
//! with a reason when it is not an image, turned upright (EXIF orientation), stripped of its
//! metadata (location, camera, software, comments), scaled down when larger than the limit,
//! converted when Lamina may not take its format (TIFF, BMP, WebP, GIF → JPEG or PNG), and named
//! by the SHA-256 of what is sent.
//!
//! Speed: a JPEG or PNG that is upright and within the size limit is not decoded at all: its
//! metadata segments (JPEG APPn/COM) or chunks (PNG eXIf/tEXt/zTXt/iTXt/tIME) are cut out of the
//! byte stream, which keeps the pixels exactly as they were. Everything else is decoded,
//! re-encoded (which carries no metadata) and hashed.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use sha2::{Digest, Sha256};

use crate::outputs::DecodedImage;
use crate::outputs::thumbnail::{fit, resize};

/// Files larger than this are refused before decoding.
pub const MAX_SOURCE_BYTES: usize = 200 * 1024 * 1024;
const JPEG_QUALITY: u8 = 90;

#[derive(Debug, Clone, Copy)]
pub struct PrepareOptions {
    /// Long edge above which a photo is scaled down (0 = never).
    pub max_long_edge: u32,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        Self {
            max_long_edge: super::settings::DEFAULT_MAX_LONG_EDGE,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub bytes: bytes::Bytes,
    pub content_type: &'static str,
    pub extension: &'static str,
    /// Lower-case hex SHA-256 of `bytes`: the object's name.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    /// Location, camera or other metadata was found and removed.
    pub metadata_removed: bool,
    /// Scaled down to the long-edge limit.
    pub scaled: bool,
    /// The source format when it was converted (e.g. "TIFF").
    pub converted_from: Option<&'static str>,
}

impl PreparedImage {
    /// `<sha256>.<ext>`: the same photo always gets the same name.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.sha256, self.extension)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error("This file is not a picture ({what}). Choose a JPEG, PNG, WebP, TIFF or BMP image.")]
    NotAnImage { what: String },
    #[error(
        "HEIC photos can't be used yet. Convert it to JPEG first (on a Mac: open it in Preview, File → Export → JPEG)."
    )]
    Heic,
    #[error("This picture is too large ({megabytes} MB). The limit is 200 MB.")]
    TooLarge { megabytes: usize },
    #[error("This picture could not be read: it may be damaged or incomplete.")]
    Unreadable { detail: String },
}

impl PrepareError {
    pub fn detail(&self) -> String {
        match self {
            Self::Unreadable { detail } => detail.clone(),
            other => other.to_string(),
        }
    }
}

/// What the first bytes say: an image format we decode, or a plain name for what it is instead.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, PrepareError> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        if [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Err(PrepareError::Heic);
        }
        return Err(PrepareError::NotAnImage {
            what: "a video".into(),
        });
    }
    match image::guess_format(bytes) {
        Ok(
            format @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Tiff
            | ImageFormat::Bmp),
        ) => Ok(format),
        Ok(other) => Err(PrepareError::NotAnImage {
            what: format!("a {other:?} picture, which can't be read here"),
        }),
        Err(_) => Err(PrepareError::NotAnImage {
            what: describe(bytes),
        }),
    }
}

fn describe(bytes: &[u8]) -> String {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if bytes.is_empty() {
        "the file is empty".into()
    } else if starts(b"%PDF") {
        "a PDF document".into()
    } else if starts(b"PK\x03\x04") {
        "a ZIP archive or Office document".into()
    } else if starts(b"<svg") || starts(b"<?xml") {
        "an SVG or XML file".into()
    } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        "a text file".into()
    } else {
        "an unknown kind of file".into()
    }
}

/// Makes `source` ready to upload. CPU-bound: call off async workers.
pub fn prepare_image(
    source: &[u8],
    options: PrepareOptions,
) -> Result<PreparedImage, PrepareError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(PrepareError::TooLarge {
            megabytes: source.len() / (1024 * 1024),
        });
    }
    let format = sniff(source)?;
    let unreadable = |e: image::ImageError| PrepareError::Unreadable {
        detail: e.to_string(),
    };
    let mut decoder = ImageReader::with_format(Cursor::new(source), format)
        .into_decoder()
        .map_err(unreadable)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = decoder.dimensions();
    let fits = options.max_long_edge == 0 || width.max(height) <= options.max_long_edge;
    if fits && orientation == Orientation::NoTransforms {
        let stripped = match format {
            ImageFormat::Jpeg => {
                strip_jpeg(source).map(|(b, removed)| (b, removed, "image/jpeg", "jpg"))
            }
            ImageFormat::Png => {
                strip_png(source).map(|(b, removed)| (b, removed, "image/png", "png"))
            }
            _ => None,
        };
        if let Some((bytes, metadata_removed, content_type, extension)) = stripped {
            return Ok(finish(
                bytes,
                content_type,
                extension,
                (width, height),
                metadata_removed,
                false,
                None,
            ));
        }
    }
    let had_metadata = decoder.exif_metadata().ok().flatten().is_some()
        || decoder.xmp_metadata().ok().flatten().is_some()
        || match format {
            ImageFormat::Jpeg => strip_jpeg(source).is_none_or(|(_, removed)| removed),
            ImageFormat::Png => strip_png(source).is_none_or(|(_, removed)| removed),
            _ => false,
        };
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let pixels = DecodedImage::from_dynamic(image);
    let (w, h) = fit(pixels.width, pixels.height, options.max_long_edge);
    let scaled = (w, h) != (pixels.width, pixels.height);
    let pixels = resize(pixels, w, h).map_err(|e| PrepareError::Unreadable {
        detail: e.to_string(),
    })?;
    let keep_png = pixels.alpha || matches!(format, ImageFormat::Png | ImageFormat::Gif);
    let converted_from = match format {
        ImageFormat::Jpeg | ImageFormat::Png => None,
        other => Some(format_name(other)),
    };
    let encode_failed = |e: image::ImageError| PrepareError::Unreadable {
        detail: format!("encoding: {e}"),
    };
    let mut out = Vec::new();
    let color = if pixels.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let (content_type, extension) = if keep_png {
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels.data, w, h, color)
            .map_err(encode_failed)?;
        ("image/png", "png")
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .encode(&pixels.data, w, h, color)
            .map_err(encode_failed)?;
        ("image/jpeg", "jpg")
    };
    Ok(finish(
        out,
        content_type,
        extension,
        (w, h),
        had_metadata,
        scaled,
        converted_from,
    ))
}

use image::ImageEncoder as _;

fn finish(
    bytes: Vec<u8>,
    content_type: &'static str,
    extension: &'static str,
    (width, height): (u32, u32),
    metadata_removed: bool,
    scaled: bool,
    converted_from: Option<&'static str>,
) -> PreparedImage {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    PreparedImage {
        bytes: bytes.into(),
        content_type,
        extension,
        sha256,
        width,
        height,
        metadata_removed,
        scaled,
        converted_from,
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Tiff => "TIFF",
        ImageFormat::Bmp => "BMP",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        _ => "image",
    }
}

/// The JPEG without its metadata segments: APP1 (EXIF: location, camera, date; XMP), APP3–APP13
/// and APP15 (IPTC, maker data), COM (comments), and anything after the end of the picture (a
/// second, embedded picture with its own EXIF). Kept: APP0 (JFIF), APP2 only when it is the
/// ICC colour profile, APP14 (Adobe colour transform), which change how the pixels look.
/// `None` when the segment structure is not what a JPEG's is (then it is decoded instead).
fn strip_jpeg(data: &[u8]) -> Option<(Vec<u8>, bool)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut removed = false;
    let mut at = 2;
    loop {
        if data.get(at)? != &0xFF {
            return None;
        }
        let marker = *data.get(at + 1)?;
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let length = usize::from(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
        if length < 2 {
            return None;
        }
        let end = at + 2 + length;
        let segment = data.get(at..end)?;
        if marker == 0xDA {
            // Start of scan: entropy-coded data follows, where 0xFF is always followed by 0x00
            // or a restart marker, so the first FF D9 is the end of the picture.
            let rest = &data[at..];
            let eoi = memchr::memmem::find(rest, &[0xFF, 0xD9])?;
            out.extend_from_slice(&rest[..eoi + 2]);
            removed |= at + eoi + 2 < data.len();
            return Some((out, removed));
        }
        let payload = &segment[4..];
        let keep = match marker {
            0xE0 | 0xEE => true,
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        } else {
            removed = true;
        }
        at = end;
    }
}

/// The PNG without its metadata chunks (eXIf, tEXt, zTXt, iTXt, tIME); `None` when it is not a
/// well-formed chunk sequence.
fn strip_png(data: &[u8]) -> Option<(Vec<u8>, bool)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !data.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(SIGNATURE);
    let mut removed = false;
    let mut at = SIGNATURE.len();
    while at < data.len() {
        let length = u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = data.get(at + 4..at + 8)?;
        let end = at.checked_add(12)?.checked_add(length)?;
        let chunk = data.get(at..end)?;
        if matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            removed = true;
        } else {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            removed |= at < data.len();
            return Some((out, removed));
        }
    }
    None
}

/// A small JPEG `data:` URL of the picture, for a preview in the web view (which never gets a
/// path). `None` when it can't be decoded.
pub fn preview_of(source: &[u8]) -> Option<String> {
    use base64::Engine as _;
    let format = sniff(source).ok()?;
    let mut decoder = ImageReader::with_format(Cursor::new(source), format)
        .into_decoder()
        .ok()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    let small = image.thumbnail(320, 320).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode(
            small.as_raw(),
            small.width(),
            small.height(),
            image::ExtendedColorType::Rgb8,
        )
        .ok()?;
    Some(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn photo(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([x as u8, y as u8, 128])
        }))
    }

    /// A minimal big-endian EXIF block with one Orientation entry.
    fn exif_orientation(value: u16) -> Vec<u8> {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
        tiff.extend_from_slice(&value.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        payload
    }

    fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn an_upright_jpeg_keeps_its_pixels_and_loses_its_exif() {
        let jpeg = encode(&photo(40, 30), ImageFormat::Jpeg);
        let tagged = with_app1(&jpeg, &exif_orientation(1));
        let prepared = prepare_image(&tagged, PrepareOptions::default()).unwrap();
        assert!(prepared.metadata_removed);
        assert_eq!(
            prepared.bytes.as_ref(),
            jpeg.as_slice(),
            "bytes as before the EXIF was added"
        );
        let clean = prepare_image(&jpeg, PrepareOptions::default()).unwrap();
        assert!(!clean.metadata_removed);
        assert_eq!(clean.sha256, prepared.sha256, "same photo, same name");
        assert_eq!(prepared.file_name(), format!("{}.jpg", prepared.sha256));
    }

    #[test]
    fn exif_orientation_is_applied() {
        let jpeg = encode(&photo(40, 30), ImageFormat::Jpeg);
        let rotated = with_app1(&jpeg, &exif_orientation(6)); // 90° clockwise
        let prepared = prepare_image(&rotated, PrepareOptions::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (30, 40));
        assert!(prepared.metadata_removed);
        let decoded = image::load_from_memory(&prepared.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (30, 40));
    }

    #[test]
    fn large_photos_are_scaled_to_the_long_edge() {
        let jpeg = encode(&photo(400, 200), ImageFormat::Jpeg);
        let prepared = prepare_image(&jpeg, PrepareOptions { max_long_edge: 100 }).unwrap();
        assert!(prepared.scaled);
        assert_eq!((prepared.width, prepared.height), (100, 50));
    }

    #[test]
    fn tiff_and_bmp_are_converted_and_alpha_stays_png() {
        for format in [ImageFormat::Tiff, ImageFormat::Bmp] {
            let prepared =
                prepare_image(&encode(&photo(20, 10), format), PrepareOptions::default()).unwrap();
            assert_eq!(prepared.content_type, "image/jpeg");
            assert!(prepared.converted_from.is_some());
        }
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            8,
            8,
            image::Rgba([1, 2, 3, 100]),
        ));
        let webp = encode(&rgba, ImageFormat::WebP);
        let prepared = prepare_image(&webp, PrepareOptions::default()).unwrap();
        assert_eq!(prepared.extension, "png");
    }

    #[test]
    fn png_text_chunks_are_removed() {
        let png = encode(&photo(10, 10), ImageFormat::Png);
        // Insert a tEXt chunk after IHDR (8 + 25 bytes).
        let mut chunk = Vec::new();
        let data = b"Comment\0taken at home";
        chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(data);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let mut tagged = png[..33].to_vec();
        tagged.extend_from_slice(&chunk);
        tagged.extend_from_slice(&png[33..]);
        let prepared = prepare_image(&tagged, PrepareOptions::default()).unwrap();
        assert!(prepared.metadata_removed);
        assert_eq!(prepared.bytes.as_ref(), png.as_slice());
    }

    #[test]
    fn heic_and_non_images_are_refused_with_a_reason() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(
            prepare_image(heic, PrepareOptions::default()).unwrap_err(),
            PrepareError::Heic
        );
        assert!(
            PrepareError::Heic
                .to_string()
                .contains("Convert it to JPEG")
        );
        let error = prepare_image(b"name,price\nshoe,10\n", PrepareOptions::default()).unwrap_err();
        assert!(error.to_string().contains("text file"), "{error}");
    }
}
