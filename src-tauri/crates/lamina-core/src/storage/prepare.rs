//! A photo made ready to hand to the service: recognised by its bytes (not its name), refused
//! with a reason when it is not an image, turned upright (EXIF orientation), stripped of its
//! metadata (location, camera, software, comments), scaled down when larger than the limit,
//! converted when Lamina may not take its format (HEIC, TIFF, BMP, WebP, GIF → JPEG or PNG), and
//! named by the SHA-256 of what is sent.
//!
//! Speed: a JPEG or PNG that is upright and within the size limit is not decoded at all. Its
//! segments (JPEG) or chunks (PNG) are parsed by `img-parts`, which slices the source without
//! copying it; the metadata ones are left out, and what is sent is the remaining slices of the
//! source itself (pixels exactly as they were), hashed in one pass. Its size and orientation come
//! from the headers (SOF / IHDR, the EXIF block). Everything else is decoded, re-encoded (which
//! carries no metadata) and hashed.

use std::io::Cursor;

use bytes::Bytes;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use img_parts::{ImageEXIF as _, jpeg::Jpeg, png::Png};
use sha2::{Digest, Sha256};

use crate::outputs::DecodedImage;
use crate::outputs::thumbnail::{fit, resize};

/// Files larger than this are refused before decoding.
pub const MAX_SOURCE_BYTES: usize = 200 * 1024 * 1024;
pub(super) const JPEG_QUALITY: u8 = 90;

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
    /// What is sent, in order: slices sharing the source's memory when the photo was only
    /// stripped of metadata, or one buffer when it was re-encoded.
    pub pieces: Vec<Bytes>,
    pub content_type: &'static str,
    pub extension: &'static str,
    /// Lower-case hex SHA-256 of the pieces, in order: the object's name.
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

    /// Bytes to send.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pieces in one buffer (a copy; uploads send the pieces as they are).
    pub fn to_bytes(&self) -> Bytes {
        match self.pieces.as_slice() {
            [one] => one.clone(),
            pieces => pieces.concat().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error(
        "This file is not a picture ({what}). Choose a JPEG, PNG, HEIC, WebP, TIFF or BMP image."
    )]
    NotAnImage { what: String },
    #[error("HEIC photos can't be converted on this computer yet: export it as JPEG from Photos.")]
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

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Raster(ImageFormat),
    /// An ISO base media file whose brand says HEIF: HEIC (iPhones) or AVIF.
    Heif(&'static str),
}

/// What the first bytes say: an image format we read, or a plain name for what it is instead.
fn sniff(bytes: &[u8]) -> Result<Kind, PrepareError> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Ok(Kind::Heif("HEIC"))
            }
            b"avif" | b"avis" => Ok(Kind::Heif("AVIF")),
            _ => Err(PrepareError::NotAnImage {
                what: "a video".into(),
            }),
        };
    }
    match image::guess_format(bytes) {
        Ok(
            format @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Tiff
            | ImageFormat::Bmp),
        ) => Ok(Kind::Raster(format)),
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

/// [`prepare_bytes`] for a borrowed source (copied once).
pub fn prepare_image(
    source: &[u8],
    options: PrepareOptions,
) -> Result<PreparedImage, PrepareError> {
    prepare_bytes(Bytes::copy_from_slice(source), options)
}

/// Makes `source` ready to upload; an upright JPEG or PNG within the limit shares its memory.
/// CPU-bound: call off async workers.
pub fn prepare_bytes(
    source: Bytes,
    options: PrepareOptions,
) -> Result<PreparedImage, PrepareError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(PrepareError::TooLarge {
            megabytes: source.len() / (1024 * 1024),
        });
    }
    let format = match sniff(&source)? {
        Kind::Heif(name) => {
            let (image, had_metadata) = super::heic::decode(&source)?;
            return encode(image, ImageFormat::Jpeg, options, had_metadata, Some(name));
        }
        Kind::Raster(format) => format,
    };
    let stripped = match format {
        ImageFormat::Jpeg => strip_jpeg(&source),
        ImageFormat::Png => strip_png(&source),
        _ => None,
    };
    if let Some(stripped) = &stripped {
        let fits = options.max_long_edge == 0
            || stripped.width.max(stripped.height) <= options.max_long_edge;
        if fits && stripped.orientation == Orientation::NoTransforms {
            let (content_type, extension) = if format == ImageFormat::Png {
                ("image/png", "png")
            } else {
                ("image/jpeg", "jpg")
            };
            return Ok(finish(
                stripped.pieces.clone(),
                content_type,
                extension,
                (stripped.width, stripped.height),
                stripped.removed,
                false,
                None,
            ));
        }
    }
    let unreadable = |e: image::ImageError| PrepareError::Unreadable {
        detail: e.to_string(),
    };
    let mut decoder = ImageReader::with_format(Cursor::new(&source[..]), format)
        .into_decoder()
        .map_err(unreadable)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let had_metadata = match &stripped {
        Some(stripped) => stripped.removed,
        None => {
            decoder.exif_metadata().ok().flatten().is_some()
                || decoder.xmp_metadata().ok().flatten().is_some()
        }
    };
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let converted_from = match format {
        ImageFormat::Jpeg | ImageFormat::Png => None,
        other => Some(format_name(other)),
    };
    encode(image, format, options, had_metadata, converted_from)
}

/// Scales a decoded picture to the limit and encodes it: PNG when it has alpha or came as PNG
/// or GIF, JPEG otherwise. The encoders write no metadata.
fn encode(
    image: DynamicImage,
    source_format: ImageFormat,
    options: PrepareOptions,
    had_metadata: bool,
    converted_from: Option<&'static str>,
) -> Result<PreparedImage, PrepareError> {
    use image::ImageEncoder as _;
    let pixels = DecodedImage::from_dynamic(image);
    let (w, h) = fit(pixels.width, pixels.height, options.max_long_edge);
    let scaled = (w, h) != (pixels.width, pixels.height);
    let pixels = resize(pixels, w, h).map_err(|e| PrepareError::Unreadable {
        detail: e.to_string(),
    })?;
    let keep_png = pixels.alpha || matches!(source_format, ImageFormat::Png | ImageFormat::Gif);
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
        vec![out.into()],
        content_type,
        extension,
        (w, h),
        had_metadata,
        scaled,
        converted_from,
    ))
}

fn finish(
    pieces: Vec<Bytes>,
    content_type: &'static str,
    extension: &'static str,
    (width, height): (u32, u32),
    metadata_removed: bool,
    scaled: bool,
    converted_from: Option<&'static str>,
) -> PreparedImage {
    let mut hasher = Sha256::new();
    for piece in &pieces {
        hasher.update(piece);
    }
    PreparedImage {
        pieces,
        content_type,
        extension,
        sha256: hex::encode(hasher.finalize()),
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

/// A JPEG or PNG without its metadata, as slices of the source, with what its headers say.
#[derive(Debug)]
struct Stripped {
    pieces: Vec<Bytes>,
    removed: bool,
    width: u32,
    height: u32,
    orientation: Orientation,
}

/// The JPEG without its metadata segments: APP1 (EXIF: location, camera, date; XMP), APP3–APP13
/// and APP15 (IPTC, maker data), APP2 unless it is the ICC colour profile (MPF, FlashPix), COM
/// (comments), and anything after the end of the picture (a second, embedded picture with its
/// own EXIF). Kept: APP0 (JFIF), the ICC profile and APP14 (Adobe colour transform), which change
/// how the pixels look, and every coding segment. `None` when `img-parts` can't parse it or
/// there is no end of picture (then it is decoded instead, which says what is wrong).
fn strip_jpeg(source: &Bytes) -> Option<Stripped> {
    const ICC: &[u8] = b"ICC_PROFILE\0";
    let mut jpeg = Jpeg::from_bytes(source.clone()).ok()?;
    let (width, height) = jpeg.dimensions()?;
    let orientation = jpeg
        .exif()
        .and_then(|exif| Orientation::from_exif_chunk(&exif))
        .unwrap_or(Orientation::NoTransforms);
    jpeg.segments_mut()
        .retain(|segment| match segment.marker() {
            0xE2 => segment.contents().starts_with(ICC),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        });
    let mut pieces: Vec<Bytes> = jpeg.encoder().collect();
    // The first scan's entropy runs to the end of the file (img-parts keeps what follows the
    // scans as is); the picture ends at the first FF D9, since inside scan data FF is always
    // followed by 00 or a restart marker.
    let rest = pieces.pop()?;
    let end = memchr::memmem::find(&rest, &[0xFF, 0xD9])? + 2;
    pieces.push(rest.slice(..end));
    let sent: usize = pieces.iter().map(Bytes::len).sum();
    Some(Stripped {
        pieces,
        removed: sent < source.len(),
        width: u32::from(width),
        height: u32::from(height),
        orientation,
    })
}

/// The PNG without its metadata chunks (eXIf, tEXt, zTXt, iTXt, tIME) nor anything after IEND;
/// `None` when `img-parts` can't parse it (a bad chunk checksum included).
fn strip_png(source: &Bytes) -> Option<Stripped> {
    let mut png = Png::from_bytes(source.clone()).ok()?;
    let (width, height) = png.dimensions()?;
    let orientation = png
        .exif()
        .and_then(|exif| Orientation::from_exif_chunk(&exif))
        .unwrap_or(Orientation::NoTransforms);
    for kind in [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"] {
        png.remove_chunks_by_type(*kind);
    }
    let pieces: Vec<Bytes> = png.encoder().collect();
    let sent: usize = pieces.iter().map(Bytes::len).sum();
    Some(Stripped {
        pieces,
        removed: sent < source.len(),
        width,
        height,
        orientation,
    })
}

/// A small JPEG `data:` URL of the picture, for a preview in the web view (which never gets a
/// path). `None` when it can't be decoded.
pub fn preview_of(source: &[u8]) -> Option<String> {
    use base64::Engine as _;
    let image = match sniff(source).ok()? {
        Kind::Heif(_) => super::heic::decode(source).ok()?.0,
        Kind::Raster(format) => {
            let mut decoder = ImageReader::with_format(Cursor::new(source), format)
                .into_decoder()
                .ok()?;
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            let mut image = DynamicImage::from_decoder(decoder).ok()?;
            image.apply_orientation(orientation);
            image
        }
    };
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
            prepared.to_bytes().as_ref(),
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
        let decoded = image::load_from_memory(&prepared.to_bytes()).unwrap();
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
        let chunk = img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"Comment\0home"))
            .encoder()
            .bytes();
        let mut tagged = png[..33].to_vec();
        tagged.extend_from_slice(&chunk);
        tagged.extend_from_slice(&png[33..]);
        let prepared = prepare_image(&tagged, PrepareOptions::default()).unwrap();
        assert!(prepared.metadata_removed);
        assert_eq!(prepared.to_bytes().as_ref(), png.as_slice());
    }

    #[test]
    fn a_cut_heic_is_refused_in_words_and_non_images_with_a_reason() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        let error = prepare_image(heic, PrepareOptions::default()).unwrap_err();
        if cfg!(target_os = "linux") {
            assert!(
                matches!(error, PrepareError::Unreadable { .. }),
                "{error:?}"
            );
        } else {
            assert_eq!(error, PrepareError::Heic);
        }
        assert!(
            PrepareError::Heic
                .to_string()
                .contains("export it as JPEG from Photos")
        );
        let error = prepare_image(b"name,price\nshoe,10\n", PrepareOptions::default()).unwrap_err();
        assert!(error.to_string().contains("text file"), "{error}");
        let video = b"\0\0\0\x18ftypisom\0\0\0\0isomavc1";
        let error = prepare_image(video, PrepareOptions::default()).unwrap_err();
        assert!(error.to_string().contains("a video"), "{error}");
    }

    #[test]
    fn a_jpeg_cut_before_its_end_is_not_sent_as_is() {
        let jpeg = encode(&photo(64, 48), ImageFormat::Jpeg);
        let cut = &jpeg[..jpeg.len() - 200];
        match prepare_image(cut, PrepareOptions::default()) {
            // Decoded instead (zune-jpeg fills the missing rows) and re-encoded whole.
            Ok(prepared) => {
                assert_ne!(prepared.to_bytes().as_ref(), cut);
                let back = image::load_from_memory(&prepared.to_bytes()).unwrap();
                assert_eq!((back.width(), back.height()), (64, 48));
            }
            Err(error) => assert!(matches!(error, PrepareError::Unreadable { .. })),
        }
    }

    #[test]
    fn trailing_data_after_the_picture_is_cut() {
        let jpeg = encode(&photo(40, 30), ImageFormat::Jpeg);
        let mut with_tail = jpeg.clone();
        with_tail.extend_from_slice(b"\xFF\xD8\xFF\xE1 embedded preview with its own EXIF");
        let prepared = prepare_image(&with_tail, PrepareOptions::default()).unwrap();
        assert!(prepared.metadata_removed);
        assert_eq!(prepared.to_bytes().as_ref(), jpeg.as_slice());
        assert!(
            prepared.pieces.len() > 1,
            "slices of the source, not a copy"
        );
    }
}
