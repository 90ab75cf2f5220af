//! HEIC/HEIF photos (what iPhones take) decoded to pixels, to be re-encoded as JPEG before upload.
//!
//! On Linux through the system libheif (`libheif-rs`), which applies the file's rotation,
//! mirroring and crop transforms while decoding, so the picture comes out upright; the JPEG made
//! from the pixels carries none of the file's metadata. Elsewhere there is no libheif to link
//! against yet, so HEIC is refused in words.

use image::DynamicImage;

use super::prepare::PrepareError;

/// The picture, upright, and whether the file carried metadata (EXIF or XMP) that is not kept.
#[cfg(target_os = "linux")]
pub(super) fn decode(source: &[u8]) -> Result<(DynamicImage, bool), PrepareError> {
    use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};

    let unreadable = |error: libheif_rs::HeifError| PrepareError::Unreadable {
        detail: format!("HEIC: {error}"),
    };
    let context = HeifContext::read_from_bytes(source).map_err(unreadable)?;
    let handle = context.primary_image_handle().map_err(unreadable)?;
    let had_metadata = handle.number_of_metadata_blocks(b"Exif") > 0
        || handle.number_of_metadata_blocks(b"mime") > 0;
    let alpha = handle.has_alpha_channel();
    let chroma = if alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    let decoded = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(chroma), None)
        .map_err(unreadable)?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or_else(|| PrepareError::Unreadable {
            detail: "HEIC: no interleaved RGB plane after decoding".into(),
        })?;
    let channels = if alpha { 4 } else { 3 };
    let row = plane.width as usize * channels;
    // Rows are `stride` apart (libheif pads them); keep `row` bytes of each.
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or_else(|| PrepareError::Unreadable {
                detail: "HEIC: decoded plane shorter than its size".into(),
            })?;
        pixels.extend_from_slice(line);
    }
    let image = if alpha {
        image::RgbaImage::from_raw(plane.width, plane.height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(plane.width, plane.height, pixels).map(DynamicImage::ImageRgb8)
    };
    let image = image.ok_or_else(|| PrepareError::Unreadable {
        detail: "HEIC: decoded size does not match its pixels".into(),
    })?;
    Ok((image, had_metadata))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn decode(_source: &[u8]) -> Result<(DynamicImage, bool), PrepareError> {
    Err(PrepareError::Heic)
}
