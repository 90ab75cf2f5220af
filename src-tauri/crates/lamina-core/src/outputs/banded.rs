//! Thumbnail scaling that starts before the decode ends: each band of thumbnail rows is resized
//! as soon as the source rows under its Lanczos3 window are decoded. It runs on the PNG fast
//! path's unfiltering thread, which otherwise waits for the inflater, so the resize costs the
//! end-to-end time almost nothing.
//!
//! The result equals one whole-picture resize: a band is a crop of the source, and
//! `fast_image_resize` (like Pillow) reads the pixels around a crop box too, so band edges see
//! the same neighbours.

use std::sync::OnceLock;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::OutputError;
use super::decode::DecodedImage;
use super::fast_png::{RowSink, Rows};
use super::thumbnail::fit;

/// Fewest thumbnail rows resized at once: fewer calls, each with its own set-up.
const BAND_ROWS: usize = 64;
/// Support of the Lanczos3 kernel, in source pixels per thumbnail pixel.
const LANCZOS3_SUPPORT: f64 = 3.0;

/// A [`RowSink`] scaling opaque pictures to fit `longest` px. Pictures with alpha (which must be
/// premultiplied first) or already small enough are left to a resize after decoding.
pub(crate) struct Banded {
    longest: u32,
    state: Option<State>,
    failed: bool,
}

struct State {
    width: u32,
    height: u32,
    done: usize,
    pixels: Vec<u8>,
    resizer: Resizer,
}

impl Banded {
    pub fn new(longest: u32) -> Self {
        Self {
            longest,
            state: None,
            failed: false,
        }
    }

    /// The scaled picture, if every band was made.
    pub fn finish(self) -> Option<DecodedImage> {
        let state = self
            .state
            .filter(|s| !self.failed && s.done == s.height as usize)?;
        Some(DecodedImage {
            width: state.width,
            height: state.height,
            alpha: false,
            data: state.pixels,
        })
    }

    fn advance(&mut self, rows: &Rows<'_>) -> Result<(), OutputError> {
        let (Ok(width), Ok(height)) = (u32::try_from(rows.width), u32::try_from(rows.height))
        else {
            return Err(failed("too large"));
        };
        let (thumb_width, thumb_height) = fit(width, height, self.longest);
        if rows.alpha || (thumb_width, thumb_height) == (width, height) {
            return Err(failed("not a case for bands"));
        }
        let state = self.state.get_or_insert_with(|| State {
            width: thumb_width,
            height: thumb_height,
            done: 0,
            pixels: Vec::with_capacity(thumb_width as usize * thumb_height as usize * 3),
            resizer: Resizer::new(),
        });
        let scale = rows.height as f64 / f64::from(thumb_height);
        let radius = LANCZOS3_SUPPORT * scale.max(1.0);
        // Thumbnail row `y` reads source rows up to (y + 0.5) · scale + radius.
        let ready = |y: usize| ((y as f64 + 0.5) * scale + radius).ceil() <= rows.available as f64;
        let mut end = state.done;
        while end < thumb_height as usize && (rows.available == rows.height || ready(end)) {
            end += 1;
        }
        let rows_now = end - state.done;
        if rows_now == 0 || (rows_now < BAND_ROWS && end < thumb_height as usize) {
            return Ok(());
        }
        let available = u32::try_from(rows.available).map_err(|_| failed("too large"))?;
        let source = ImageRef::new(width, available, rows.data, PixelType::U8x3)
            .map_err(|e| failed(&e.to_string()))?;
        let band_rows = u32::try_from(rows_now).map_err(|_| failed("too large"))?;
        let mut band = Image::new(thumb_width, band_rows, PixelType::U8x3);
        let top = state.done as f64 * scale;
        // Never past the rows there are (the last band's float sum may overshoot by a hair).
        let crop_height = (rows_now as f64 * scale).min(f64::from(available) - top);
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .crop(0.0, top, f64::from(width), crop_height);
        let resizer = &mut state.resizer;
        in_one_thread(|| resizer.resize(&source, &mut band, &options))
            .map_err(|e| failed(&e.to_string()))?;
        state.pixels.extend_from_slice(band.buffer());
        state.done = end;
        Ok(())
    }
}

impl RowSink for Banded {
    fn rows(&mut self, rows: &Rows<'_>) {
        // A failed band only means the thumbnail is made after decoding instead.
        if !self.failed && self.advance(rows).is_err() {
            self.failed = true;
        }
    }
}

/// Runs `job` where `fast_image_resize` sees one thread: its parallel passes would otherwise
/// take the core the inflater needs.
fn in_one_thread<T: Send>(job: impl FnOnce() -> T + Send) -> T {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok());
    match pool {
        Some(pool) => pool.install(job),
        None => job(),
    }
}

fn failed(what: &str) -> OutputError {
    OutputError::Undecodable(format!("resizing: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::fast_png;
    use crate::outputs::thumbnail::resize;

    #[test]
    fn bands_match_one_whole_resize() {
        // Sizes whose scale is not a whole number, so band edges fall between source rows.
        for (width, height) in [(1500, 1100), (700, 2900)] {
            let image = image::RgbImage::from_fn(width, height, |x, y| {
                let wave = ((x as f32 / 37.0).sin() * (y as f32 / 23.0).cos() * 120.0) as i32;
                let v = |k: u32| (128 + wave + ((x * k + y * 3) % 41) as i32).clamp(0, 255) as u8;
                image::Rgb([v(5), v(7), v(11)])
            });
            let mut png = Vec::new();
            image::DynamicImage::ImageRgb8(image)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            let layout = fast_png::layout(&png).unwrap().unwrap();
            let mut banded = Banded::new(512);
            let full = fast_png::decode(&layout, Some(&mut banded)).unwrap();
            let bands = banded.finish().expect("made in bands");
            let (w, h) = fit(width, height, 512);
            let whole = resize(full, w, h).unwrap();
            assert_eq!((bands.width, bands.height), (whole.width, whole.height));
            let worst = bands
                .data
                .iter()
                .zip(&whole.data)
                .map(|(a, b)| a.abs_diff(*b))
                .max();
            assert!(worst <= Some(1), "{width}×{height}: off by {worst:?}");
        }
    }

    #[test]
    fn leaves_alpha_and_small_pictures_to_the_whole_resize() {
        let rows = |alpha: bool, width: usize| Rows {
            width,
            height: 10,
            alpha,
            available: 10,
            data: &[],
        };
        for (alpha, width) in [(true, 2000), (false, 100)] {
            let mut banded = Banded::new(512);
            banded.rows(&rows(alpha, width));
            assert!(banded.finish().is_none());
        }
    }
}
