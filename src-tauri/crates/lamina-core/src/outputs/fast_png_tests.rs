//! Tests of the pipelined PNG decoder (a file of their own to keep `fast_png.rs` short).

use super::*;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

/// Big enough to span several inflate buffers, with rows split across them.
fn encoded(width: u32, height: u32, channels: usize, filter: FilterType) -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..width as usize * height as usize * channels)
        .map(|i| ((i * 31) ^ ((i / 997) * 7)) as u8)
        .collect();
    let color = if channels == 4 {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, filter)
        .write_image(&pixels, width, height, color)
        .unwrap();
    (png, pixels)
}

#[test]
fn every_filter_decodes_exactly() {
    for channels in [3, 4] {
        for filter in [
            FilterType::NoFilter,
            FilterType::Sub,
            FilterType::Up,
            FilterType::Avg,
            FilterType::Paeth,
            FilterType::Adaptive,
        ] {
            let (png, pixels) = encoded(613, 301, channels, filter);
            let layout = layout(&png).unwrap().expect("8-bit RGB(A)");
            let decoded = decode(&layout).unwrap();
            assert_eq!((decoded.width, decoded.height), (613, 301));
            assert_eq!(decoded.alpha, channels == 4);
            assert!(decoded.data == pixels, "{channels} channels, {filter:?}");
        }
    }
}

#[test]
fn damage_anywhere_is_an_error() {
    let (png, _) = encoded(300, 200, 3, FilterType::Adaptive);
    let check = |bytes: &[u8]| layout(bytes).and_then(|l| decode(&l.expect("layout")));
    // Cut inside the image data.
    let error = check(&png[..png.len() * 2 / 5]).unwrap_err();
    assert!(error.to_string().contains("ends too early"), "{error}");
    // A changed byte in the image data: its CRC no longer matches.
    let mut flipped = png.clone();
    let middle = png.len() / 2;
    flipped[middle] ^= 0x55;
    assert!(check(&flipped).is_err());
    // A header whose CRC is wrong.
    let mut bad_header = png.clone();
    bad_header[29] ^= 1;
    let error = check(&bad_header).unwrap_err();
    assert!(error.to_string().contains("checksum"), "{error}");
}

#[test]
fn other_kinds_of_png_are_left_to_image() {
    let mut grey = Vec::new();
    PngEncoder::new(&mut grey)
        .write_image(&[0; 16], 4, 4, image::ExtendedColorType::L8)
        .unwrap();
    assert!(layout(&grey).unwrap().is_none());
}
