//! The built-in templates (`GET /v1/templates`): each steers app choice (its modality and
//! category), adds its directives to the prompt and says what it will produce.

use serde_json::{Value, json};

#[derive(Debug, PartialEq)]
pub(crate) struct TemplateDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub modalities: &'static [&'static str],
    pub platforms: &'static [&'static str],
    pub directives: &'static [&'static str],
    pub negative: &'static [&'static str],
    pub winning: &'static [&'static str],
    pub test_ideas: &'static [&'static str],
    /// (role, modality, description)
    pub composition: &'static [(&'static str, &'static str, &'static str)],
}

pub(crate) static TEMPLATES: [TemplateDef; 4] = [
    TemplateDef {
        id: "tmpl-product-launch",
        name: "Product Launch Hero",
        description: "A hero picture and a short caption announcing a new product.",
        category: "launch",
        modalities: &["image", "video"],
        platforms: &["instagram", "facebook"],
        directives: &[
            "the product alone, centred, on a simple plinth",
            "generous empty space",
        ],
        negative: &["text in the picture", "busy props"],
        winning: &["one product, one message"],
        test_ideas: &["Hero on plinth vs. hero worn outdoors"],
        composition: &[
            (
                "hero",
                "image",
                "The product on its own, ready for a feed post",
            ),
            ("caption", "text", "Two sentences announcing it"),
        ],
    },
    TemplateDef {
        id: "tmpl-lifestyle-story",
        name: "Lifestyle Story",
        description: "The product in everyday life: a scene people picture themselves in.",
        category: "lifestyle",
        modalities: &["image"],
        platforms: &["instagram", "pinterest"],
        directives: &["a lived-in everyday setting", "the product in use"],
        negative: &["studio backdrop"],
        winning: &["people in motion, faces out of frame"],
        test_ideas: &["Kitchen vs. outdoor café setting"],
        composition: &[
            ("scene", "image", "A wide lifestyle scene"),
            ("caption", "text", "A caption telling the moment"),
        ],
    },
    TemplateDef {
        id: "tmpl-seasonal-ads",
        name: "Seasonal Ad Set",
        description: "Feed, story and banner creatives for one campaign, in one go.",
        category: "promotion",
        modalities: &["image"],
        platforms: &["facebook", "instagram", "shopify"],
        directives: &["one campaign look across every size"],
        negative: &["prices in the picture"],
        winning: &["the same hero crop in every size"],
        test_ideas: &["Minimal vs. premium tone"],
        composition: &[
            ("feed", "image", "Square feed post"),
            ("story", "image", "Vertical story"),
            ("banner", "image", "Wide banner for the shop"),
        ],
    },
    TemplateDef {
        id: "tmpl-product-listing",
        name: "Product Listing Copy",
        description: "A product description for your shop listing, in your brand's voice.",
        category: "copy",
        modalities: &["text"],
        platforms: &["shopify"],
        directives: &["lead with what it feels like to wear or use"],
        negative: &["superlatives"],
        winning: &["care details near the end"],
        test_ideas: &["Short vs. long description"],
        composition: &[(
            "description",
            "text",
            "Two to four sentences for the listing",
        )],
    },
];

pub(crate) fn find(id: &str) -> Option<&'static TemplateDef> {
    TEMPLATES.iter().find(|t| t.id == id.trim())
}

pub(crate) fn to_json(t: &TemplateDef) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "category": t.category,
        "suggestedModalities": t.modalities,
        "suggestedPlatforms": t.platforms,
        "guidanceData": {
            "promptDirectives": t.directives,
            "negativePrompts": t.negative,
            "winningPatterns": t.winning,
            "testIdeas": t.test_ideas,
            "creativeStructure": null,
        },
        "multiAssetComposition": t.composition.iter()
            .map(|(role, modality, description)| json!({
                "role": role, "modality": modality, "description": description,
            }))
            .collect::<Vec<_>>(),
        "isBuiltIn": true,
    })
}
