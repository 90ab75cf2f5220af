//! Output files: procedural stills and animations encoded with the `image` crate.

mod bomb;
mod composite;
mod draw;

use std::io::Cursor;

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::{Delay, DynamicImage, Frame, ImageFormat, RgbImage, RgbaImage};

use crate::catalog::Format;

pub(crate) use bomb::bomb;

/// Long side of generated stills, in pixels.
pub(crate) const LONG_SIDE: u32 = 1024;
/// Long side of the animated "video".
pub(crate) const VIDEO_LONG_SIDE: u32 = 320;
pub(crate) const VIDEO_FRAMES: u32 = 12;

/// Pixel size for an `a:b` aspect ratio with the given long side (1:1 for anything unparsable).
pub(crate) fn size_for(ratio: &str, long: u32) -> (u32, u32) {
    let parsed = ratio
        .split_once(':')
        .and_then(|(a, b)| Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?)))
        .filter(|(a, b)| *a > 0 && *b > 0);
    let Some((a, b)) = parsed else {
        return (long, long);
    };
    let short = |x: u32, y: u32| (u64::from(long) * u64::from(x) / u64::from(y)).max(1) as u32;
    if a >= b {
        (long, short(b, a))
    } else {
        (short(a, b), long)
    }
}

/// Encodes a still in `format` (PNG, JPEG or WebP; anything else is an error).
pub(crate) fn still(seed: u64, width: u32, height: u32, format: Format) -> Result<Vec<u8>, String> {
    encode(draw::paint(seed, width, height, 0.0), format)
}

/// The pixels of a sample photo (what [`still`] encodes for `GET /files/samples/…`).
pub(crate) fn sample_photo(seed: u64, width: u32, height: u32) -> RgbaImage {
    DynamicImage::ImageRgb8(draw::paint(seed, width, height, 0.0)).to_rgba8()
}

/// A still with `photo` placed in the scene (on the plinth, or filling it for a `close_up`).
pub(crate) fn still_with_photo(
    seed: u64,
    width: u32,
    height: u32,
    format: Format,
    photo: &RgbaImage,
    close_up: bool,
) -> Result<Vec<u8>, String> {
    let mut img = draw::paint(seed, width, height, 0.0);
    composite::place_photo(&mut img, photo, close_up);
    encode(img, format)
}

fn encode(img: RgbImage, format: Format) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let result = match format {
        Format::Png => {
            DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut buf), ImageFormat::Png)
        }
        Format::WebP => {
            DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut buf), ImageFormat::WebP)
        }
        Format::Jpeg => JpegEncoder::new_with_quality(&mut buf, 85).encode_image(&img),
        Format::Gif | Format::Text => return Err(format!("{format:?} is not a still format")),
    };
    result.map_err(|e| format!("encoding failed: {e}"))?;
    Ok(buf)
}

/// An endlessly looping animated GIF: the stand-in for video (no video encoder is available).
pub(crate) fn animation(
    seed: u64,
    width: u32,
    height: u32,
    frames: u32,
    frame_ms: u32,
) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    {
        // Speed 10 keeps quantisation quick; quality is plenty for a preview loop.
        let mut encoder = GifEncoder::new_with_speed(&mut buf, 10);
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        for i in 0..frames.max(1) {
            let phase = i as f32 / frames.max(1) as f32;
            let rgba = DynamicImage::ImageRgb8(draw::paint(seed, width, height, phase)).to_rgba8();
            let delay = Delay::from_numer_denom_ms(frame_ms, 1);
            encoder
                .encode_frame(Frame::from_parts(rgba, 0, 0, delay))
                .map_err(|e| format!("encoding failed: {e}"))?;
        }
    }
    Ok(buf)
}

/// A standalone SVG "product shot" (served where a raster image is expected, as a fault).
pub(crate) fn svg(seed: u64) -> String {
    let hue = seed % 360;
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="hsl({hue},45%,92%)"/><stop offset="1" stop-color="hsl({hue},50%,70%)"/>
  </linearGradient></defs>
  <rect width="1024" height="1024" fill="url(#bg)"/>
  <ellipse cx="512" cy="760" rx="280" ry="50" fill="#eeeae4"/>
  <rect x="232" y="760" width="560" height="150" fill="#e0dcd6"/>
  <circle cx="512" cy="620" r="140" fill="hsl({},60%,55%)"/>
</svg>
"##,
        (hue + 180) % 360
    )
}

/// The first bytes of a PNG claiming `width`×`height`: signature, a valid IHDR chunk and the
/// header of an IDAT chunk of `idat_len` bytes (which the caller then streams).
pub(crate) fn png_prefix(width: u32, height: u32, idat_len: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // 8-bit RGB, deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = png_signature();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out.extend_from_slice(&idat_len.to_be_bytes());
    out.extend_from_slice(b"IDAT");
    out
}

fn png_signature() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n".to_vec()
}

/// A whole PNG chunk: length, type, data, CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// CRC-32 (IEEE), bitwise: only ever run over small chunks (at most a few hundred KB, once).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{AnimationDecoder, GenericImageView};

    #[test]
    fn sizes_follow_the_aspect_ratio() {
        assert_eq!(size_for("16:9", 1024), (1024, 576));
        assert_eq!(size_for("9:16", 1024), (576, 1024));
        assert_eq!(size_for("4:3", 1024), (1024, 768));
        assert_eq!(size_for("3:4", 1024), (768, 1024));
        assert_eq!(size_for("1:1", 1024), (1024, 1024));
        assert_eq!(size_for("wide", 1024), (1024, 1024));
        assert_eq!(size_for("0:5", 1024), (1024, 1024));
    }

    #[test]
    fn stills_decode_with_the_right_format_and_size() {
        for (format, expected) in [
            (Format::Png, ImageFormat::Png),
            (Format::Jpeg, ImageFormat::Jpeg),
            (Format::WebP, ImageFormat::WebP),
        ] {
            let bytes = still(42, 320, 180, format).unwrap();
            assert_eq!(image::guess_format(&bytes).unwrap(), expected);
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!(img.dimensions(), (320, 180));
        }
        assert!(still(1, 10, 10, Format::Gif).is_err());
    }

    #[test]
    fn different_seeds_give_visibly_different_pictures() {
        let a = image::load_from_memory(&still(1, 128, 128, Format::Png).unwrap()).unwrap();
        let b = image::load_from_memory(&still(2, 128, 128, Format::Png).unwrap()).unwrap();
        let (a, b) = (a.to_rgb8(), b.to_rgb8());
        let differing = a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count();
        assert!(differing > 128 * 128 / 2, "only {differing} pixels differ");
        // Same seed, same bytes.
        assert_eq!(
            still(1, 64, 64, Format::Png).unwrap(),
            still(1, 64, 64, Format::Png).unwrap()
        );
    }

    #[test]
    fn animation_is_a_multi_frame_gif() {
        let bytes = animation(9, 160, 90, 4, 100).unwrap();
        assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Gif);
        let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(bytes)).unwrap();
        let frames = decoder.into_frames().collect_frames().unwrap();
        assert_eq!(frames.len(), 4);
        assert_eq!(frames[0].buffer().dimensions(), (160, 90));
    }

    #[test]
    fn png_prefix_is_read_as_a_huge_png() {
        let mut bytes = png_prefix(50_000, 50_000, 1 << 20);
        assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Png);
        // Known CRC of the IHDR of a 1x1 8-bit RGB PNG.
        assert_eq!(crc32(&png_prefix(1, 1, 0)[12..29]), 0x9077_53de);
        bytes.extend_from_slice(&[0; 4096]);
        let reader = image::ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
        assert_eq!(reader.into_dimensions().unwrap(), (50_000, 50_000));
    }
}
