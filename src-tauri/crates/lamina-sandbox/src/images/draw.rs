//! Procedural "product shots": a gradient backdrop, soft accent shapes, a plinth and a product.
//!
//! Everything is seeded, so the same inputs give the same picture and different inputs visibly
//! differ (hue, product shape, layout). No fonts or assets are needed.

use image::{Rgb, RgbImage};

type Color = [f32; 3];

/// A small deterministic generator (splitmix64), independent of `rand`'s versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        crate::runs::mix(self.0, 0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

fn hsv(h: f32, s: f32, v: f32) -> Color {
    let h = h.rem_euclid(1.0) * 6.0;
    let c = v * s;
    let x = c * (1.0 - ((h % 2.0) - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    [r + m, g + m, b + m]
}

fn lerp(a: Color, b: Color, t: f32) -> Color {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale(c: Color, k: f32) -> Color {
    [c[0] * k, c[1] * k, c[2] * k]
}

fn to_px(c: Color) -> Rgb<u8> {
    Rgb(c.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8))
}

/// Paints into the pixels of `bbox` (x0, y0, x1, y1) where `shade` returns a colour and alpha.
fn fill(img: &mut RgbImage, bbox: [f32; 4], shade: impl Fn(f32, f32) -> Option<(Color, f32)>) {
    let (w, h) = img.dimensions();
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let (x0, y0) = (clamp(bbox[0].floor(), w), clamp(bbox[1].floor(), h));
    let (x1, y1) = (clamp(bbox[2].ceil(), w), clamp(bbox[3].ceil(), h));
    for y in y0..y1 {
        for x in x0..x1 {
            if let Some((color, alpha)) = shade(x as f32 + 0.5, y as f32 + 0.5) {
                let px = img.get_pixel_mut(x, y);
                let old = px.0.map(|v| f32::from(v) / 255.0);
                *px = to_px(lerp(old, color, alpha));
            }
        }
    }
}

fn in_ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

/// Cylindrical lighting across a horizontal span: bright left of centre, dark at the edges.
fn cylinder(x: f32, cx: f32, half: f32) -> f32 {
    // Light from the front-left: the brightest line sits left of centre, the right edge is dimmest.
    let t = (((x - cx) / half) * 0.75 + 0.25).clamp(-1.0, 1.0);
    0.62 + 0.38 * (1.0 - t * t).sqrt()
}

/// A still of `w`×`h`. `phase` in [0, 1) moves the product (for animation frames).
pub(crate) fn paint(seed: u64, w: u32, h: u32, phase: f32) -> RgbImage {
    let mut rng = Rng(seed);
    let hue = rng.unit();
    let top = hsv(hue, rng.range(0.25, 0.5), 0.96);
    let bottom = hsv(hue + rng.range(0.05, 0.2), rng.range(0.4, 0.65), 0.78);
    let floor = hsv(hue + 0.04, 0.3, 0.5);
    let product = hsv(
        hue + rng.range(0.4, 0.6),
        rng.range(0.55, 0.85),
        rng.range(0.7, 0.95),
    );
    let accent = lerp(top, [1.0, 1.0, 1.0], 0.55);

    let mut img = RgbImage::new(w, h);
    let (wf, hf) = (w as f32, h as f32);
    let s = wf.min(hf);
    let horizon = hf * 0.74;

    // Backdrop: vertical gradient to the horizon, then a darker floor; a slight diagonal falloff.
    for (_, y, px) in img.enumerate_pixels_mut() {
        let yf = y as f32;
        let base = if yf < horizon {
            lerp(top, bottom, yf / horizon)
        } else {
            lerp(scale(bottom, 0.85), floor, (yf - horizon) / (hf - horizon))
        };
        *px = to_px(base);
    }
    fill(&mut img, [0.0, 0.0, wf, hf], |x, _| {
        Some(([0.0, 0.0, 0.0], 0.12 * (x / wf)))
    });

    // Soft accent discs in the backdrop.
    for _ in 0..(3 + rng.next() % 3) {
        let (cx, cy) = (rng.range(0.08, 0.92) * wf, rng.range(0.06, 0.55) * hf);
        let r = rng.range(0.05, 0.16) * s;
        fill(&mut img, [cx - r, cy - r, cx + r, cy + r], |x, y| {
            in_ellipse(x, y, cx, cy, r, r).then_some((accent, 0.35))
        });
    }

    // The plinth: a cylinder whose top sits near the horizon.
    let drift = (phase * std::f32::consts::TAU).sin() * 0.18 * wf;
    let cx = wf * rng.range(0.45, 0.55) + drift;
    let (half, top_y, depth, ry) = (s * 0.27, hf * 0.72, s * 0.15, s * 0.05);
    let stone = [0.93, 0.92, 0.9];
    fill(
        &mut img,
        [cx - half, top_y, cx + half, top_y + depth + ry],
        |x, y| {
            let inside = (y <= top_y + depth && (x - cx).abs() <= half)
                || in_ellipse(x, y, cx, top_y + depth, half, ry);
            inside.then(|| (scale(stone, cylinder(x, cx, half) * 0.9), 1.0))
        },
    );
    fill(
        &mut img,
        [cx - half, top_y - ry, cx + half, top_y + ry],
        |x, y| in_ellipse(x, y, cx, top_y, half, ry).then_some((stone, 1.0)),
    );
    fill(
        &mut img,
        [cx - half, top_y - ry, cx + half, top_y + ry],
        |x, y| {
            in_ellipse(x, y, cx + s * 0.02, top_y, half * 0.55, ry * 0.6)
                .then_some(([0.2, 0.2, 0.22], 0.3))
        },
    );

    draw_product(&mut img, product_kind(seed), cx, top_y, s, product);
    img
}

/// Which silhouette a seed shows (0 bottle, 1 box, 2 sphere, 3 vase).
fn product_kind(seed: u64) -> u64 {
    crate::runs::mix(seed, 0x5eed) % 4
}

/// One of four silhouettes standing on the plinth at (`cx`, `base`).
fn draw_product(img: &mut RgbImage, kind: u64, cx: f32, base: f32, s: f32, color: Color) {
    match kind {
        0 => {
            // Bottle: body, shoulder, neck and cap.
            let (half, body) = (s * 0.08, s * 0.3);
            let top = base - body;
            fill(img, [cx - half, top - half, cx + half, base], |x, y| {
                let inside = (y >= top && (x - cx).abs() <= half)
                    || in_ellipse(x, y, cx, top, half, half * 0.7);
                inside.then(|| (scale(color, cylinder(x, cx, half)), 1.0))
            });
            let neck = half * 0.38;
            let cap = scale(color, 0.45);
            fill(img, [cx - neck, top - s * 0.12, cx + neck, top], |x, y| {
                let c = if y < top - s * 0.09 { cap } else { color };
                Some((scale(c, cylinder(x, cx, neck)), 1.0))
            });
        }
        1 => {
            // Box in three-quarter view: front, top and side faces.
            let (half, tall, d) = (s * 0.13, s * 0.22, s * 0.05);
            let (x0, x1, y0) = (cx - half - d * 0.5, cx + half - d * 0.5, base - tall);
            fill(img, [x0, y0, x1, base], |_, _| Some((color, 1.0)));
            fill(img, [x0, y0 - d, x1 + d, y0], |x, y| {
                let shift = y0 - y;
                (x >= x0 + shift && x <= x1 + shift).then(|| (lerp(color, [1.0; 3], 0.35), 1.0))
            });
            fill(img, [x1, y0 - d, x1 + d, base], |x, y| {
                let shift = x - x1;
                (y >= y0 - shift && y <= base - shift).then(|| (scale(color, 0.65), 1.0))
            });
        }
        2 => {
            // Sphere with an off-centre highlight.
            let r = s * 0.14;
            let cy = base - r * 0.95;
            fill(img, [cx - r, cy - r, cx + r, cy + r], |x, y| {
                let (dx, dy) = ((x - cx) / r, (y - cy) / r);
                let d2 = dx * dx + dy * dy;
                (d2 <= 1.0).then(|| {
                    let (hx, hy) = (dx + 0.35, dy + 0.4);
                    let light = (1.0 - (hx * hx + hy * hy) * 0.35).clamp(0.45, 1.0);
                    (scale(color, light), 1.0)
                })
            });
        }
        _ => {
            // Vase: a round body, a slim neck and a lip.
            let (rx, ry) = (s * 0.11, s * 0.14);
            let cy = base - ry;
            let neck_top = cy - ry * 1.7;
            fill(img, [cx - rx, neck_top, cx + rx, base], |x, y| {
                let neck_half = if y < neck_top + ry * 0.18 {
                    rx * 0.42
                } else {
                    rx * 0.26
                };
                let inside = in_ellipse(x, y, cx, cy, rx, ry)
                    || (y < cy && y >= neck_top && (x - cx).abs() <= neck_half);
                inside.then(|| (scale(color, cylinder(x, cx, rx)), 1.0))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_silhouette_shows_up_across_seeds() {
        let mut seen = [false; 4];
        for seed in 0..64 {
            seen[product_kind(seed) as usize] = true;
        }
        assert_eq!(seen, [true; 4]);
    }

    #[test]
    fn paint_fills_the_requested_size_without_panicking_on_tiny_images() {
        for (w, h) in [(1, 1), (3, 200), (200, 3), (64, 48)] {
            assert_eq!(paint(5, w, h, 0.5).dimensions(), (w, h));
        }
    }
}
