//! Placing a run's input photo in a generated scene, so a user sees their own product come back.

use image::imageops::FilterType;
use image::{RgbImage, RgbaImage};

/// Where the plinth's top sits, as a share of the height (matches [`super::draw::paint`]).
const PLINTH_TOP: f32 = 0.72;
/// The photo's box, as a share of the picture's short side: standing on the plinth, or filling
/// most of the picture for a close-up.
const ON_PLINTH: f32 = 0.56;
const CLOSE_UP: f32 = 0.9;

/// The rectangle (left, top, width, height) the photo occupies in a `w`×`h` scene.
pub(crate) fn photo_rect(w: u32, h: u32, photo: (u32, u32), close_up: bool) -> [u32; 4] {
    let short = w.min(h) as f32;
    let side = short * if close_up { CLOSE_UP } else { ON_PLINTH };
    let (pw, ph) = (photo.0.max(1) as f32, photo.1.max(1) as f32);
    let k = (side / pw).min(side / ph);
    let nw = ((pw * k).round() as u32).clamp(1, w);
    let nh = ((ph * k).round() as u32).clamp(1, h);
    let left = (w - nw) / 2;
    let top = if close_up {
        (h - nh) / 2
    } else {
        // Standing on the plinth, as the drawn product does.
        ((h as f32 * PLINTH_TOP) as u32).saturating_sub(nh)
    };
    [left, top, nw, nh]
}

/// Draws `photo` scaled into `scene`, blending by its alpha.
pub(crate) fn place_photo(scene: &mut RgbImage, photo: &RgbaImage, close_up: bool) {
    let (w, h) = scene.dimensions();
    let [left, top, nw, nh] = photo_rect(w, h, photo.dimensions(), close_up);
    let scaled = image::imageops::resize(photo, nw, nh, FilterType::Triangle);
    for (x, y, px) in scaled.enumerate_pixels() {
        let (sx, sy) = (left + x, top + y);
        if sx >= w || sy >= h {
            continue;
        }
        let alpha = u32::from(px.0[3]);
        let under = scene.get_pixel_mut(sx, sy);
        for c in 0..3 {
            let blended =
                (u32::from(px.0[c]) * alpha + u32::from(under.0[c]) * (255 - alpha) + 127) / 255;
            under.0[c] = blended as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, Rgba};

    #[test]
    fn the_photo_stands_on_the_plinth_or_fills_a_close_up() {
        let [left, top, w, h] = photo_rect(1024, 1024, (200, 400), false);
        assert_eq!((w, h), (287, 573));
        assert_eq!(left, (1024 - 287) / 2);
        assert_eq!(top + h, (1024.0 * PLINTH_TOP) as u32);
        let [_, top, _, h] = photo_rect(768, 1024, (100, 100), true);
        assert_eq!(h, 691);
        assert_eq!(top, (1024 - 691) / 2);
    }

    #[test]
    fn opaque_pixels_replace_the_scene_and_transparent_ones_keep_it() {
        let mut scene = RgbImage::from_pixel(100, 100, Rgb([0, 0, 0]));
        let mut photo = RgbaImage::from_pixel(10, 10, Rgba([250, 10, 20, 255]));
        for y in 0..10 {
            photo.put_pixel(0, y, Rgba([255, 255, 255, 0]));
        }
        place_photo(&mut scene, &photo, true);
        let [left, top, w, h] = photo_rect(100, 100, (10, 10), true);
        assert_eq!(scene.get_pixel(left + w / 2, top + h / 2).0, [250, 10, 20]);
        assert_eq!(scene.get_pixel(left, top + h / 2).0, [0, 0, 0]);
        assert_eq!(scene.get_pixel(0, 0).0, [0, 0, 0]);
    }
}
