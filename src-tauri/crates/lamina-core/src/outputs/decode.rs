//! Validated decoding. The header is read and checked against the limits (dimensions, and the
//! memory the decode would need) before any pixel buffer exists, so a decompression bomb is
//! refused for the price of reading a few bytes. The whole image is then decoded, so a truncated
//! or corrupt file fails here rather than in a viewer.
//!
//! Every format goes through `image` (and for PNG its `png` decoder), which decodes row by row
//! into the final buffer: files from the service are never read by hand-written parsing code.

use std::io::{BufRead, Cursor, Seek};
use std::path::Path;

use super::{OutputError, OutputLimits, Sniffed, read_file, sniff};
use image::{ColorType, DynamicImage, ImageDecoder, ImageFormat};

/// A validated, fully decoded picture: 8-bit RGB, or RGBA when it has an alpha channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedImage {
    pub width: u32,
    pub height: u32,
    /// `data` is RGBA (4 bytes a pixel) rather than RGB (3).
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl DecodedImage {
    pub(crate) fn from_dynamic(image: DynamicImage) -> Self {
        let (width, height) = (image.width(), image.height());
        if image.color().has_alpha() {
            let data = image.into_rgba8().into_raw();
            Self {
                width,
                height,
                alpha: true,
                data,
            }
        } else {
            let data = image.into_rgb8().into_raw();
            Self {
                width,
                height,
                alpha: false,
                data,
            }
        }
    }

    /// The pixels as RGBA, opaque where the picture has no alpha.
    pub fn into_rgba(self) -> Vec<u8> {
        if self.alpha {
            return self.data;
        }
        let mut rgba = Vec::with_capacity(self.data.len() / 3 * 4);
        for px in self.data.chunks_exact(3) {
            rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        rgba
    }
}

/// Decodes the picture at `path`: sniffed, header checked against `limits`, fully decoded.
pub fn decode_image(path: &Path, limits: &OutputLimits) -> Result<DecodedImage, OutputError> {
    let data = read_file(path, limits)?;
    decode(&data, sniff(&data)?, limits)
}

/// [`decode_image`] as 8-bit RGBA: what the clipboard takes.
pub fn decode_rgba(path: &Path, limits: &OutputLimits) -> Result<(u32, u32, Vec<u8>), OutputError> {
    let image = decode_image(path, limits)?;
    Ok((image.width, image.height, image.into_rgba()))
}

/// Reads the header only: dimensions within the limits, or an error. Cheap; allocates no pixels.
pub(crate) fn dimensions(
    data: &[u8],
    kind: Sniffed,
    limits: &OutputLimits,
) -> Result<(u32, u32), OutputError> {
    Ok(open(Cursor::new(data), image_format(kind)?, limits)?.dimensions())
}

/// Checks the header against `limits`, then decodes the whole image.
pub(crate) fn decode(
    data: &[u8],
    kind: Sniffed,
    limits: &OutputLimits,
) -> Result<DecodedImage, OutputError> {
    let decoder = open(Cursor::new(data), image_format(kind)?, limits)?;
    check_memory(&decoder, limits)?;
    if kind == Sniffed::Jpeg && !jpeg_is_complete(data) {
        return Err(OutputError::Undecodable("the file ends too early".into()));
    }
    let image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    Ok(DecodedImage::from_dynamic(image))
}

/// A PNG read from `reader` as it arrives (see `streamed`): the same limits and checks as
/// [`decode`], through `image`'s own decoder.
pub(crate) fn decode_png_stream<R: BufRead + Seek>(
    reader: R,
    limits: &OutputLimits,
) -> Result<DecodedImage, OutputError> {
    let decoder = open(reader, ImageFormat::Png, limits)?;
    check_memory(&decoder, limits)?;
    let image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    Ok(DecodedImage::from_dynamic(image))
}

/// Refuses a picture whose decode would need more memory than `limits` allow, header read only.
fn check_memory(decoder: &impl ImageDecoder, limits: &OutputLimits) -> Result<(), OutputError> {
    let (width, height) = decoder.dimensions();
    let color = decoder.color_type();
    let native = decoder.total_bytes();
    // A grey, palette-less or 16-bit picture is converted to 8-bit RGB(A) afterwards: a second
    // buffer that exists beside the first for a moment.
    let converted = if matches!(color, ColorType::Rgb8 | ColorType::Rgba8) {
        0
    } else {
        pixel_bytes(width, height, color.has_alpha())
    };
    let needed = native.saturating_add(converted);
    if needed > limits.max_alloc_bytes {
        return Err(OutputError::Undecodable(format!(
            "{width}×{height} pixels would need {} MB of memory",
            needed.div_ceil(1024 * 1024)
        )));
    }
    Ok(())
}

/// The JPEG decoder fills a cut-off picture with grey rather than failing, so completeness is
/// checked here: an end-of-image marker must follow the last start-of-scan marker. (Neither can
/// occur inside compressed data, which escapes 0xFF; an embedded EXIF thumbnail's markers come
/// before the main picture's scans.)
fn jpeg_is_complete(data: &[u8]) -> bool {
    let last_scan = data.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    last_scan.is_some_and(|at| data[at..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

pub(crate) fn pixel_bytes(width: u32, height: u32, alpha: bool) -> u64 {
    u64::from(width) * u64::from(height) * if alpha { 4 } else { 3 }
}

fn image_format(kind: Sniffed) -> Result<ImageFormat, OutputError> {
    kind.image_format().ok_or_else(|| {
        OutputError::Unsupported("a video: only pictures can be opened as pictures".into())
    })
}

/// `image`'s decoder with the limits applied: reading the header checks the dimensions (and
/// for PNG bounds what the decoder itself may allocate).
fn open<'a, R: BufRead + Seek + 'a>(
    reader: R,
    format: ImageFormat,
    limits: &OutputLimits,
) -> Result<impl ImageDecoder + use<'a, R>, OutputError> {
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_dimension);
    image_limits.max_image_height = Some(limits.max_dimension);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    let mut reader = image::ImageReader::with_format(reader, format);
    reader.limits(image_limits);
    reader.into_decoder().map_err(undecodable)
}

/// A decoder's complaint, first line only: it ends up in parentheses in a friendly message.
fn undecodable(error: impl std::fmt::Display) -> OutputError {
    let text = error.to_string();
    OutputError::Undecodable(text.lines().next().unwrap_or_default().trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, ImageEncoder, RgbaImage};

    fn png_of(image: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn decodes_what_the_image_crate_decodes() {
        let rgba = RgbaImage::from_fn(67, 41, |x, y| {
            image::Rgba([(x * 3) as u8, (y * 5) as u8, (x ^ y) as u8, (x + y) as u8])
        });
        let grey = GrayImage::from_fn(30, 20, |x, y| image::Luma([(x * y) as u8]));
        for image in [
            DynamicImage::ImageRgba8(rgba),
            DynamicImage::ImageLuma8(grey),
        ] {
            let png = png_of(&image);
            let decoded = decode(&png, Sniffed::Png, &OutputLimits::default()).unwrap();
            let reference = DecodedImage::from_dynamic(image::load_from_memory(&png).unwrap());
            assert_eq!(decoded, reference);
        }
    }

    #[test]
    fn a_truncated_picture_fails_in_every_format() {
        let rgb = image::RgbImage::from_fn(300, 200, |x, y| {
            image::Rgb([((x * 7) ^ (y * 13)) as u8, (x * y) as u8, (x + 3 * y) as u8])
        });
        let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(rgb.clone()).to_luma8());
        let rgb = DynamicImage::ImageRgb8(rgb);
        let mut files = vec![(png_of(&rgb), Sniffed::Png), (png_of(&grey), Sniffed::Png)];
        for (format, kind) in [
            (ImageFormat::Jpeg, Sniffed::Jpeg),
            (ImageFormat::Gif, Sniffed::Gif),
            (ImageFormat::WebP, Sniffed::WebP),
        ] {
            let mut bytes = Vec::new();
            rgb.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
            files.push((bytes, kind));
        }
        for (bytes, kind) in files {
            let limits = OutputLimits::default();
            assert!(decode(&bytes, kind, &limits).is_ok(), "{kind:?}");
            let cut = &bytes[..bytes.len() * 2 / 5];
            assert!(decode(cut, kind, &limits).is_err(), "{kind:?}");
        }
    }

    #[test]
    fn refuses_a_png_header_claiming_huge_dimensions() {
        // Signature + IHDR for 100000 x 100000 RGBA, no image data.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        let error = decode(&png, Sniffed::Png, &OutputLimits::default()).unwrap_err();
        assert!(matches!(error, OutputError::Undecodable(_)), "{error:?}");
    }

    #[test]
    fn refuses_before_decoding_what_would_not_fit_in_memory() {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[0; 64 * 64], 64, 64, image::ExtendedColorType::L8)
            .unwrap();
        let limits = OutputLimits {
            max_alloc_bytes: 64 * 64 * 3,
            ..OutputLimits::default()
        };
        // 4 KiB of grey plus its 12 KiB RGB copy do not fit in 12 KiB.
        let error = decode(&png, Sniffed::Png, &limits).unwrap_err();
        assert!(error.to_string().contains("memory"), "{error}");
    }
}
