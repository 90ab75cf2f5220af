//! From a brief to an app and its inputs: the words, platform and modality pick one of the
//! sample apps (and the reason is said in words); the brief, the template's and the brand's
//! directives and the platform's usual shape fill that app's inputs.

use serde_json::{Map, Value};

use super::brand::BrandProfile;
use super::templates::TemplateDef;
use crate::catalog::{
    FULL_SET_CATALOG, HERO_IMAGE, LIFESTYLE_SCENE, PRODUCT_COPY, PRODUCT_VIDEO, SOCIAL_AD_PACK,
};

/// What the brief asks for.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Brief<'a> {
    pub text: &'a str,
    pub platform: Option<&'a str>,
    pub modality: Option<&'a str>,
    pub template: Option<&'static TemplateDef>,
    pub brand: Option<&'static BrandProfile>,
}

/// The chosen app, why, and the inputs the brief maps to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selection {
    pub app_id: String,
    pub reason: String,
    pub inputs: Map<String, Value>,
}

struct Candidate {
    app_id: &'static str,
    name: &'static str,
    modality: &'static str,
    words: &'static [&'static str],
    /// The template category that favours it.
    category: &'static str,
}

/// In order of preference when nothing else decides (Virtual Try-On and Fault Lab are never
/// chosen from a brief: one always fails, the other is a developer tool).
const CANDIDATES: [Candidate; 6] = [
    Candidate {
        app_id: HERO_IMAGE,
        name: "Hero Image",
        modality: "image",
        words: &[
            "hero", "launch", "post", "photo", "picture", "image", "shot", "announce",
        ],
        category: "launch",
    },
    Candidate {
        app_id: SOCIAL_AD_PACK,
        name: "Social Ad Pack",
        modality: "image",
        words: &[
            "ad", "ads", "advert", "campaign", "banner", "story", "stories", "sale", "promo",
        ],
        category: "promotion",
    },
    Candidate {
        app_id: LIFESTYLE_SCENE,
        name: "Lifestyle Scene",
        modality: "image",
        words: &[
            "lifestyle",
            "scene",
            "kitchen",
            "café",
            "cafe",
            "beach",
            "outdoor",
            "everyday",
            "home",
            "living",
        ],
        category: "lifestyle",
    },
    Candidate {
        app_id: FULL_SET_CATALOG,
        name: "Full Set Catalog Generation",
        modality: "image",
        words: &["catalog", "catalogue", "lookbook", "front", "back", "set"],
        category: "catalog",
    },
    Candidate {
        app_id: PRODUCT_VIDEO,
        name: "Product Video",
        modality: "video",
        words: &[
            "video",
            "clip",
            "reel",
            "reels",
            "motion",
            "animation",
            "animated",
            "loop",
        ],
        category: "video",
    },
    Candidate {
        app_id: PRODUCT_COPY,
        name: "Product Copy",
        modality: "text",
        words: &[
            "description",
            "copy",
            "caption",
            "text",
            "listing",
            "write",
            "blurb",
        ],
        category: "copy",
    },
];

/// The modalities some sample app produces.
pub(crate) const MODALITIES: [&str; 3] = ["image", "video", "text"];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn platform_name(platform: &str) -> String {
    let mut chars = platform.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Chooses and maps. `Err` names a modality no sample app produces (in the service's words).
/// Whether briefs can choose this app by themselves.
pub(crate) fn is_candidate(app_id: &str) -> bool {
    CANDIDATES.iter().any(|c| c.app_id == app_id)
}

pub(crate) fn select(brief: &Brief<'_>, forced: Option<&str>) -> Result<Selection, String> {
    let tokens = words(brief.text);
    let modality = brief.modality.map(str::to_lowercase).or_else(|| {
        brief
            .template
            .and_then(|t| t.modalities.first())
            .map(|m| (*m).to_owned())
    });
    if let Some(m) = &modality
        && !MODALITIES.contains(&m.as_str())
    {
        return Err(format!("No {m}-capable app found for this workspace"));
    }
    let platform = brief.platform.map(str::to_lowercase);

    let (chosen, why) = match forced.and_then(|id| CANDIDATES.iter().find(|c| c.app_id == id)) {
        Some(candidate) => (candidate, "you chose it".to_owned()),
        None => {
            let mut best: Option<(&Candidate, i32, Vec<&str>)> = None;
            for candidate in &CANDIDATES {
                if modality.as_deref().is_some_and(|m| m != candidate.modality) {
                    continue;
                }
                let hits: Vec<&str> = candidate
                    .words
                    .iter()
                    .copied()
                    .filter(|w| tokens.iter().any(|t| t == w))
                    .collect();
                let mut score = 2 * hits.len() as i32;
                if brief
                    .template
                    .is_some_and(|t| t.category == candidate.category)
                {
                    score += 3;
                }
                let tiktok = modality.is_none()
                    && platform.as_deref() == Some("tiktok")
                    && candidate.modality == "video";
                if tiktok {
                    score += 1;
                }
                if best.as_ref().is_none_or(|(_, s, _)| score > *s) {
                    best = Some((candidate, score, hits));
                }
            }
            let (candidate, _, hits) = best.ok_or("No app found for this workspace")?;
            let mut because = Vec::new();
            if !hits.is_empty() {
                let quoted: Vec<String> = hits.iter().map(|h| format!("\"{h}\"")).collect();
                because.push(format!("the brief mentions {}", quoted.join(", ")));
            }
            if modality.is_none()
                && platform.as_deref() == Some("tiktok")
                && candidate.modality == "video"
            {
                because.push("TikTok is made for short videos".into());
            }
            if let Some(template) = brief.template.filter(|t| t.category == candidate.category) {
                because.push(format!("the \"{}\" template calls for it", template.name));
            }
            if let Some(m) = &modality {
                because.push(format!(
                    "it makes {}",
                    match m.as_str() {
                        "text" => "text",
                        "video" => "a video",
                        _ => "pictures",
                    }
                ));
            }
            if because.is_empty() {
                because.push("it turns a description into a polished picture".into());
            }
            (candidate, because.join(" and "))
        }
    };

    let mut inputs = Map::new();
    let mut notes = Vec::new();
    let directives = directives(brief);
    let prompt = match directives.is_empty() {
        true => brief.text.trim().to_owned(),
        false => format!(
            "{} — {}",
            brief.text.trim().trim_end_matches('.'),
            directives.join("; ")
        ),
    };
    let has = |list: &[&str]| tokens.iter().any(|t| list.contains(&t.as_str()));
    let vertical = has(&["story", "stories", "reel", "reels", "vertical"]);
    let ratio = platform.as_deref().and_then(|p| {
        Some(match p {
            "instagram" if vertical => "9:16",
            "instagram" | "facebook" | "shopify" => "1:1",
            "tiktok" => "9:16",
            "pinterest" => "3:4",
            "youtube" => "16:9",
            _ => return None,
        })
    });
    let mut ratio_input = |inputs: &mut Map<String, Value>| {
        if let (Some(ratio), Some(p)) = (ratio, platform.as_deref()) {
            inputs.insert("Aspect Ratio".into(), Value::String(ratio.into()));
            notes.push(format!(
                "{} {} suit {ratio}, so Aspect Ratio is {ratio}",
                platform_name(p),
                if vertical { "stories" } else { "posts" }
            ));
        }
    };
    let set = |inputs: &mut Map<String, Value>, name: &str, value: String| {
        inputs.insert(name.to_owned(), Value::String(value));
    };
    match chosen.app_id {
        HERO_IMAGE => {
            set(&mut inputs, "Prompt", prompt);
            ratio_input(&mut inputs);
        }
        FULL_SET_CATALOG => {
            let background = if has(&["urban", "street", "city"]) {
                "Urban"
            } else if has(&["park", "garden", "outdoor", "outdoors"]) {
                "Park"
            } else {
                "Studio"
            };
            let style = if has(&["editorial", "magazine"]) {
                "Editorial"
            } else if has(&["warm", "cosy", "cozy"])
                || brief.brand.is_some_and(|b| b.tone_primary == "warm")
            {
                "Warm"
            } else {
                "Clean"
            };
            set(&mut inputs, "Background", background.into());
            set(&mut inputs, "Style", style.into());
            ratio_input(&mut inputs);
        }
        LIFESTYLE_SCENE => {
            let setting = if has(&["kitchen", "cooking"]) {
                "Kitchen"
            } else if has(&["café", "cafe", "coffee", "terrace"]) {
                "Outdoor Café"
            } else if has(&["beach", "sea", "summer", "holiday"]) {
                "Beach"
            } else {
                "Living Room"
            };
            set(&mut inputs, "Prompt", prompt);
            set(&mut inputs, "Setting", setting.into());
        }
        PRODUCT_VIDEO => {
            let long = has(&["10", "10s", "ten", "long", "longer"]);
            set(&mut inputs, "Prompt", prompt);
            set(
                &mut inputs,
                "Duration",
                if long { "10s" } else { "5s" }.into(),
            );
        }
        SOCIAL_AD_PACK => {
            let tone = if has(&["playful", "fun", "witty", "bold"]) {
                "Playful"
            } else if has(&["minimal", "clean", "simple"]) {
                "Minimal"
            } else {
                "Premium"
            };
            set(&mut inputs, "Product Description", prompt);
            set(&mut inputs, "Tone", tone.into());
        }
        _ => {
            let tone = if has(&["luxury", "premium", "elegant"]) {
                "Luxury"
            } else if has(&["technical", "specs", "specifications"]) {
                "Technical"
            } else {
                "Friendly"
            };
            set(&mut inputs, "Product Name", product_name(brief.text));
            if let Some(features) = features(brief.text) {
                set(&mut inputs, "Key Features", features);
            }
            set(&mut inputs, "Tone", tone.into());
        }
    }
    let mut reason = format!("Chose \"{}\" because {}.", chosen.name, why);
    if !notes.is_empty() {
        reason.push_str(&format!(" {}.", notes.join("; ")));
    }
    if let Some(brand) = brief.brand {
        reason.push_str(&format!(" {}'s palette and voice are applied.", brand.name));
    }
    Ok(Selection {
        app_id: chosen.app_id.to_owned(),
        reason,
        inputs,
    })
}

fn directives(brief: &Brief<'_>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(t) = brief.template {
        out.extend(t.directives);
    }
    if let Some(b) = brief.brand {
        out.extend(b.prompt_directives);
    }
    out
}

/// "a launch post for my new linen shirt on Instagram" → "linen shirt".
pub(crate) fn product_name(brief: &str) -> String {
    let lower = brief.to_ascii_lowercase();
    const MARKERS: [&str; 7] = [
        " for my new ",
        " for our new ",
        " for the new ",
        " for my ",
        " for our ",
        " for the ",
        " for ",
    ];
    const STOPS: [&str; 9] = ["on", "in", "at", "with", "to", "for", "this", "that", "and"];
    for marker in MARKERS {
        if let Some(at) = lower.find(marker) {
            let rest = &brief[at + marker.len()..];
            let mut name = Vec::new();
            for word in rest.split_whitespace() {
                let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric());
                if STOPS.contains(&bare.to_ascii_lowercase().as_str()) {
                    break;
                }
                name.push(bare);
                if bare.len() != word.len() {
                    break; // punctuation ends the name
                }
            }
            if !name.is_empty() {
                return name.join(" ");
            }
        }
    }
    brief.trim().chars().take(60).collect()
}

/// "... with pockets, a relaxed fit" → "pockets, a relaxed fit".
fn features(brief: &str) -> Option<String> {
    let lower = brief.to_ascii_lowercase();
    let at = lower.find(" with ")?;
    let rest = brief[at + 6..].trim().trim_end_matches('.');
    (!rest.is_empty()).then(|| rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::{brand::DEMO_BRAND, templates};
    use super::*;

    fn pick(text: &str, platform: Option<&str>, modality: Option<&str>) -> Selection {
        select(
            &Brief {
                text,
                platform,
                modality,
                ..Default::default()
            },
            None,
        )
        .unwrap()
    }

    #[test]
    fn words_platform_and_modality_choose_the_app() {
        let s = pick(
            "A launch post for my new linen shirt",
            Some("instagram"),
            None,
        );
        assert_eq!(s.app_id.as_str(), HERO_IMAGE);
        assert_eq!(s.inputs["Aspect Ratio"], "1:1");
        assert!(s.reason.contains("\"launch\", \"post\""), "{}", s.reason);
        assert!(
            s.reason.contains("Instagram posts suit 1:1"),
            "{}",
            s.reason
        );
        assert_eq!(
            &*pick("a short clip of the shirt", None, None).app_id,
            PRODUCT_VIDEO
        );
        assert_eq!(
            &*pick("the linen shirt", Some("tiktok"), None).app_id,
            PRODUCT_VIDEO
        );
        assert_eq!(
            &*pick("the linen shirt", None, Some("text")).app_id,
            PRODUCT_COPY
        );
        assert_eq!(
            &*pick("ads for the summer sale", None, None).app_id,
            SOCIAL_AD_PACK
        );
        let s = pick("the shirt in a kitchen scene", None, None);
        assert_eq!(
            (s.app_id.as_str(), s.inputs["Setting"].as_str()),
            (LIFESTYLE_SCENE, Some("Kitchen"))
        );
        assert_eq!(
            pick("catalog shots, urban", None, None).inputs["Background"],
            "Urban"
        );
        let s = pick("a 10s reel of the scarf", Some("instagram"), None);
        assert_eq!(
            (s.app_id.as_str(), s.inputs["Duration"].as_str()),
            (PRODUCT_VIDEO, Some("10s"))
        );
        let error = select(
            &Brief {
                text: "x",
                modality: Some("audio"),
                ..Default::default()
            },
            None,
        );
        assert_eq!(
            error.unwrap_err(),
            "No audio-capable app found for this workspace"
        );
    }

    #[test]
    fn template_and_brand_steer_the_mapping() {
        let brief = Brief {
            text: "my new linen shirt",
            template: templates::find("tmpl-lifestyle-story"),
            brand: Some(&DEMO_BRAND),
            ..Default::default()
        };
        let s = select(&brief, None).unwrap();
        assert_eq!(s.app_id.as_str(), LIFESTYLE_SCENE);
        let prompt = s.inputs["Prompt"].as_str().unwrap();
        assert!(
            prompt.starts_with("my new linen shirt — a lived-in everyday setting"),
            "{prompt}"
        );
        assert!(
            prompt.contains("forest green, terracotta and linen"),
            "{prompt}"
        );
        assert!(s.reason.contains("Lifestyle Story"), "{}", s.reason);
        assert!(s.reason.contains("Linen & Loom"), "{}", s.reason);
        let forced = select(&brief, Some(PRODUCT_COPY)).unwrap();
        assert_eq!(forced.app_id.as_str(), PRODUCT_COPY);
        assert!(forced.reason.contains("you chose it"));
    }

    #[test]
    fn copy_inputs_come_from_the_brief() {
        let s = pick(
            "Write a listing for our new linen shirt, with pockets and a relaxed fit",
            None,
            None,
        );
        assert_eq!(s.app_id.as_str(), PRODUCT_COPY);
        assert_eq!(s.inputs["Product Name"], "linen shirt");
        assert_eq!(s.inputs["Key Features"], "pockets and a relaxed fit");
        assert_eq!(product_name("Autumn scarf"), "Autumn scarf");
    }
}
