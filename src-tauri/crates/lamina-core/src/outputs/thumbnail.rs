//! Thumbnails: the validated picture scaled to at most [`THUMBNAIL_SIDE`] px on its longest side
//! with `fast_image_resize` (Lanczos3, SIMD) and stored as lossy WebP, alpha kept. Galleries show
//! these instead of decoding full-size originals.

use std::path::Path;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, MulDiv, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::decode::{DecodedImage, decode};
use super::{OutputError, OutputLimits, Sniffed, read_file, sniff};

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 512;
/// WebP quality of thumbnails: visually clean at gallery size, a few tens of KB.
const THUMBNAIL_QUALITY: f32 = 80.0;
/// libwebp's speed/size trade-off (0 fastest, 6 smallest); 4 is its default.
const THUMBNAIL_METHOD: i32 = 2;

/// An encoded thumbnail, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// WebP bytes.
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Thumbnail {
    pub const EXTENSION: &'static str = "webp";
    pub const CONTENT_TYPE: &'static str = "image/webp";
}

/// The whole pipeline the output cache runs on a picture: read, sniff, check the header against
/// the limits, decode fully, scale down, encode. Public so the benchmark measures this very code.
pub fn make_thumbnail(path: &Path, limits: &OutputLimits) -> Result<Thumbnail, OutputError> {
    let data = read_file(path, limits)?;
    let (_, thumbnail) = decode_with_thumbnail(&data, sniff(&data)?, limits)?;
    thumbnail
}

/// The picture's size, and its thumbnail or why there is none.
pub(crate) type Decoded = ((u32, u32), Result<Thumbnail, OutputError>);

/// The validated decode (its error refuses the file) and the thumbnail (its error only costs
/// the thumbnail).
pub(crate) fn decode_with_thumbnail(
    data: &[u8],
    kind: Sniffed,
    limits: &OutputLimits,
) -> Result<Decoded, OutputError> {
    let pixels = decode(data, kind, limits)?;
    let size = (pixels.width, pixels.height);
    Ok((size, thumbnail_of(pixels)))
}

/// Scales decoded pixels down (never up) and encodes them.
pub(crate) fn thumbnail_of(pixels: DecodedImage) -> Result<Thumbnail, OutputError> {
    let (width, height) = fit(pixels.width, pixels.height, THUMBNAIL_SIDE);
    encode_thumbnail(&resize(pixels, width, height)?)
}

fn encode_thumbnail(small: &DecodedImage) -> Result<Thumbnail, OutputError> {
    Ok(Thumbnail {
        bytes: encode_webp(small, THUMBNAIL_QUALITY, THUMBNAIL_METHOD)?,
        width: small.width,
        height: small.height,
    })
}

/// The size that fits `width`×`height` within `longest` px, keeping the aspect ratio; the same
/// size when it already fits.
pub(crate) fn fit(width: u32, height: u32, longest: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= longest || longest == 0 {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(longest) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled.max(1)).unwrap_or(longest)
    };
    (scale(width), scale(height))
}

/// Lanczos3 to `width`×`height`. Alpha is premultiplied in place (the source buffer is ours to
/// change) rather than by the resizer, which would copy the whole full-size picture to do it.
pub(crate) fn resize(
    pixels: DecodedImage,
    width: u32,
    height: u32,
) -> Result<DecodedImage, OutputError> {
    if (width, height) == (pixels.width, pixels.height) {
        return Ok(pixels);
    }
    let alpha = pixels.alpha;
    let pixel_type = if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let failed = |e: &dyn std::fmt::Display| OutputError::Undecodable(format!("resizing: {e}"));
    let mut source = Image::from_vec_u8(pixels.width, pixels.height, pixels.data, pixel_type)
        .map_err(|e| failed(&e))?;
    let mul_div = MulDiv::new();
    if alpha {
        mul_div
            .multiply_alpha_inplace(&mut source)
            .map_err(|e| failed(&e))?;
    }
    let mut target = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .use_alpha(false);
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| failed(&e))?;
    drop(source);
    if alpha {
        mul_div
            .divide_alpha_inplace(&mut target)
            .map_err(|e| failed(&e))?;
    }
    Ok(DecodedImage {
        width,
        height,
        alpha,
        data: target.into_vec(),
    })
}

/// Lossy WebP (alpha compressed too) at `quality` (0–100).
pub(crate) fn encode_webp(
    pixels: &DecodedImage,
    quality: f32,
    method: i32,
) -> Result<Vec<u8>, OutputError> {
    let failed = |what: String| OutputError::Undecodable(format!("WebP encoding: {what}"));
    let expected = super::decode::pixel_bytes(pixels.width, pixels.height, pixels.alpha);
    // The webp crate panics on a short buffer; never hand it one.
    if pixels.data.len() as u64 != expected || pixels.width == 0 || pixels.height == 0 {
        return Err(failed("no pixels".into()));
    }
    let encoder = if pixels.alpha {
        webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
    } else {
        webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
    };
    let mut config = webp::WebPConfig::new().map_err(|()| failed("no configuration".into()))?;
    config.quality = quality.clamp(0.0, 100.0);
    config.method = method;
    config.alpha_compression = 1;
    let memory = encoder
        .encode_advanced(&config)
        .map_err(|e| failed(format!("{e:?}")))?;
    Ok(memory.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(width: u32, height: u32, alpha: bool) -> DecodedImage {
        let channels = if alpha { 4 } else { 3 };
        let data = (0..width * height * channels)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        DecodedImage {
            width,
            height,
            alpha,
            data,
        }
    }

    #[test]
    fn fit_keeps_the_aspect_ratio_and_never_upscales() {
        assert_eq!(fit(4096, 4096, 512), (512, 512));
        assert_eq!(fit(1024, 576, 512), (512, 288));
        assert_eq!(fit(576, 1024, 512), (288, 512));
        assert_eq!(fit(300, 200, 512), (300, 200));
        assert_eq!(fit(20_000, 3, 512), (512, 1));
    }

    #[test]
    fn thumbnails_are_webp_of_the_fitted_size_with_alpha_kept() {
        for (alpha, expected) in [
            (false, image::ColorType::Rgb8),
            (true, image::ColorType::Rgba8),
        ] {
            let thumbnail = thumbnail_of(gradient(1024, 600, alpha)).unwrap();
            assert_eq!((thumbnail.width, thumbnail.height), (512, 300));
            let format = image::guess_format(&thumbnail.bytes).unwrap();
            assert_eq!(format, image::ImageFormat::WebP);
            let back = image::load_from_memory(&thumbnail.bytes).unwrap();
            assert_eq!((back.width(), back.height()), (512, 300));
            assert_eq!(back.color(), expected);
        }
        // Smaller than a thumbnail: re-encoded at its own size.
        let small = thumbnail_of(gradient(100, 80, false)).unwrap();
        assert_eq!((small.width, small.height), (100, 80));
    }
}
