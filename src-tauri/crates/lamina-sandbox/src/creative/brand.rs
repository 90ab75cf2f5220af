//! The demo workspace's one brand profile, what `GET /v1/intelligence/brand-context` serves, and
//! how it steers content runs: its palette recolours their pictures (a tri-tone from the
//! brand's dark, accent and light colours, with a band of the accent along the bottom), its
//! guardrails and sign-off shape their copy, its directives are added to their prompts.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};

use crate::catalog::Format;

#[derive(Debug, PartialEq)]
pub(crate) struct BrandProfile {
    pub id: &'static str,
    pub name: &'static str,
    pub voice: [&'static str; 3],
    pub tone_primary: &'static str,
    pub tone_secondary: &'static str,
    pub tone_avoid: [&'static str; 2],
    /// (role, hex): dark, accent, light, in that order.
    pub palette: [(&'static str, &'static str); 3],
    pub imagery: &'static str,
    pub pillars: [&'static str; 3],
    pub audience: [&'static str; 2],
    pub guardrails: [&'static str; 3],
    /// Words the copy never uses, and what it says instead.
    pub banned_words: [(&'static str, &'static str); 2],
    pub prompt_directives: [&'static str; 2],
    pub negative_prompts: [&'static str; 2],
    pub sign_off: &'static str,
}

/// The only brand profile of the demo workspace; it applies to every content run unless the
/// request names another (unknown) one.
pub(crate) static DEMO_BRAND: BrandProfile = BrandProfile {
    id: "b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    name: "Linen & Loom",
    voice: ["warm", "plain-spoken", "quietly confident"],
    tone_primary: "warm",
    tone_secondary: "witty",
    tone_avoid: ["corporate", "hype"],
    palette: [
        ("Forest (primary)", "#1F4E3D"),
        ("Terracotta (accent)", "#E07A5F"),
        ("Linen (background)", "#F4EFE6"),
    ],
    imagery: "natural daylight, soft shadows, linen and oak textures",
    pillars: ["slow-made clothing", "care and repair", "behind the seams"],
    audience: [
        "25–45, buys fewer, better things",
        "engages most with behind-the-scenes posts",
    ],
    guardrails: [
        "No exclamation marks",
        "Never call anything cheap or a deal",
        "No prices in pictures",
    ],
    banned_words: [("cheap", "honest"), ("deal", "find")],
    prompt_directives: [
        "natural daylight and soft shadows",
        "earthy palette of forest green, terracotta and linen",
    ],
    negative_prompts: ["neon colours", "cluttered backgrounds"],
    sign_off: "Made slowly, by Linen & Loom.",
};

pub(crate) fn find(id: &str) -> Option<&'static BrandProfile> {
    (id.trim() == DEMO_BRAND.id).then_some(&DEMO_BRAND)
}

fn items(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| json!(v)).collect()
}

/// The `data` of `GET /v1/intelligence/brand-context` (the documented shape, list items as
/// `{name, value}` objects or strings).
pub(crate) fn context_json(profile: &BrandProfile) -> Value {
    let mut visual: Vec<Value> = profile
        .palette
        .iter()
        .map(|(name, hex)| json!({"name": name, "value": hex}))
        .collect();
    visual.push(json!({"name": "Imagery", "value": profile.imagery}));
    json!({
        "brandProfileId": profile.id,
        "name": profile.name,
        "brandDna": {
            "voiceAttributes": items(&profile.voice),
            "visualIdentity": visual,
            "contentPillars": items(&profile.pillars),
            "audienceSignals": items(&profile.audience),
            "guardrails": items(&profile.guardrails),
            "toneSpectrum": {
                "primary": profile.tone_primary,
                "secondary": profile.tone_secondary,
                "avoid": profile.tone_avoid,
            },
            "performanceProfile": {
                "topPatterns": ["close-ups of fabric texture", "founder voice-overs"],
                "weakPatterns": ["discount-led captions"],
                "avgEngagementTier": "high",
            },
        },
        "guidance": {
            "promptDirectives": items(&profile.prompt_directives),
            "negativePrompts": items(&profile.negative_prompts),
            "recommendedMoves": ["Show the garment being worn outdoors in daylight"],
            "testIdeas": ["Try a care-tip caption against a launch caption"],
            "winningPatterns": ["texture close-ups"],
            "weakPatterns": ["studio shots on pure white"],
            "supportingMetrics": [{"name": "Saves per post", "value": "2.4× workspace average"}],
        },
    })
}

fn rgb(hex: &str) -> [f32; 3] {
    let channel = |i: usize| {
        u8::from_str_radix(hex.get(1 + 2 * i..3 + 2 * i).unwrap_or("80"), 16).unwrap_or(128)
    };
    [0, 1, 2].map(|i| f32::from(channel(i)) / 255.0)
}

fn lerp(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t.clamp(0.0, 1.0))
}

/// How much of the tri-tone replaces the original colour.
const TONE_WEIGHT: f32 = 0.8;

/// Maps each pixel's brightness onto dark → accent → light and blends that over it; then a
/// band of the accent along the bottom edge (the "brand bar").
pub(crate) fn tint(img: &mut RgbImage, profile: &BrandProfile) {
    let [dark, accent, light] = profile.palette.map(|(_, hex)| rgb(hex));
    let h = img.height();
    let band = (h / 40).max(2);
    for (_, y, px) in img.enumerate_pixels_mut() {
        let c = px.0.map(|v| f32::from(v) / 255.0);
        let out = if y >= h.saturating_sub(band) {
            accent
        } else {
            let luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
            let tone = if luma < 0.5 {
                lerp(dark, accent, luma * 2.0)
            } else {
                lerp(accent, light, (luma - 0.5) * 2.0)
            };
            lerp(c, tone, TONE_WEIGHT)
        };
        *px = Rgb(out.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8));
    }
}

/// Decodes a generated still, tints it, encodes it again in the same format.
pub(crate) fn recolour(
    bytes: &[u8],
    format: Format,
    profile: &BrandProfile,
) -> Result<Vec<u8>, String> {
    let mut img = image::load_from_memory(bytes)
        .map_err(|e| format!("cannot read the still to brand it: {e}"))?
        .to_rgb8();
    tint(&mut img, profile);
    let mut out = Vec::new();
    let result = match format {
        Format::Png => {
            DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        }
        Format::WebP => {
            DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::WebP)
        }
        Format::Jpeg => JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img),
        Format::Gif | Format::Text => return Ok(bytes.to_vec()),
    };
    result.map_err(|e| format!("encoding failed: {e}"))?;
    Ok(out)
}

/// Copy in the brand's voice: no exclamation marks, banned words replaced, the sign-off added.
pub(crate) fn voice(text: &str, profile: &BrandProfile) -> String {
    let mut out = text.replace('!', ".");
    for (banned, instead) in profile.banned_words {
        out = replace_word(&out, banned, instead);
    }
    format!("{} {}", out.trim_end(), profile.sign_off)
}

/// Replaces `word` as a whole word, any case (keeping a capital first letter).
fn replace_word(text: &str, word: &str, instead: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.eq_ignore_ascii_case(word) {
            let capital = token.chars().next().is_some_and(char::is_uppercase);
            let mut chars = instead.chars();
            if capital && let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            } else {
                out.push_str(instead);
            }
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            token.push(ch);
        } else {
            flush(&mut token, &mut out);
            out.push(ch);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_takes_over_the_picture() {
        let seed = 42;
        let plain = crate::images::still(seed, 64, 64, Format::Png).unwrap();
        let branded = recolour(&plain, Format::Png, &DEMO_BRAND).unwrap();
        let distance = |bytes: &[u8]| {
            let img = image::load_from_memory(bytes).unwrap().to_rgb8();
            let palette = DEMO_BRAND.palette.map(|(_, hex)| rgb(hex));
            let total: f32 = img
                .pixels()
                .map(|p| {
                    let c = p.0.map(|v| f32::from(v) / 255.0);
                    palette
                        .iter()
                        .map(|q| (0..3).map(|i| (c[i] - q[i]).abs()).sum::<f32>())
                        .fold(f32::MAX, f32::min)
                })
                .sum();
            total / (img.width() * img.height()) as f32
        };
        assert!(
            distance(&branded) < distance(&plain) * 0.6,
            "{} vs {}",
            distance(&branded),
            distance(&plain)
        );
        let img = image::load_from_memory(&branded).unwrap().to_rgb8();
        assert_eq!(img.get_pixel(10, 63).0, [0xE0, 0x7A, 0x5F], "the brand bar");
    }

    #[test]
    fn copy_follows_the_guardrails() {
        let text = voice(
            "Cheap and cheerful! A real deal, not a dealer.",
            &DEMO_BRAND,
        );
        assert_eq!(
            text,
            "Honest and cheerful. A real find, not a dealer. Made slowly, by Linen & Loom."
        );
    }

    #[test]
    fn the_context_names_every_colour() {
        let value = context_json(&DEMO_BRAND);
        let visual = value["brandDna"]["visualIdentity"].as_array().unwrap();
        assert_eq!(visual[0]["value"], "#1F4E3D");
        assert_eq!(value["brandDna"]["toneSpectrum"]["avoid"][1], "hype");
        assert!(find(DEMO_BRAND.id).is_some() && find("other").is_none());
    }
}
