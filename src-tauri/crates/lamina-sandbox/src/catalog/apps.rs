//! The app definitions themselves.

use lamina_api::App;

use super::{
    AppDef, Behaviour, FAULT_LAB_OPTIONS, Format, OutputDef, PhotoUse, Shape, image_url, options,
    stable_uuid, text,
};
use super::{
    FAULT_LAB, FULL_SET_CATALOG, HERO_IMAGE, LIFESTYLE_SCENE, PRODUCT_COPY, PRODUCT_VIDEO,
    SOCIAL_AD_PACK, VIRTUAL_TRY_ON,
};

const RATIOS: [&str; 5] = ["1:1", "4:3", "3:4", "16:9", "9:16"];

/// Builds the catalog; `base_url` is needed because some defaults are sandbox-hosted samples.
pub(crate) fn build(base_url: &str) -> Vec<AppDef> {
    let sample = |name: &str| Some(format!("{base_url}/files/samples/{name}.png"));
    vec![
        def(
            HERO_IMAGE,
            "Hero Image",
            "Turn a one-line idea into a polished hero shot for your storefront banner or \
             product page. Optionally add a reference photo to match your product's look.",
            true,
            vec![
                text("Prompt", true, None),
                options("Aspect Ratio", &RATIOS, "1:1"),
                image_url("Reference Image", false, None),
            ],
            vec![showing(
                "Reference Image",
                false,
                out(
                    HERO_IMAGE,
                    0,
                    "aiDesignerNode",
                    "Hero Image",
                    Format::Png,
                    Shape::Ratio("1:1"),
                ),
            )],
            8.0,
            1.0,
        ),
        AppDef {
            sequential: true,
            ..def(
                FULL_SET_CATALOG,
                "Full Set Catalog Generation",
                "Upload a front and a back photo of a garment and get a consistent four-shot \
                 catalog set (front, back, detail close-up and lifestyle) on the background and \
                 style of your choice.",
                false,
                vec![
                    image_url("Front Image", true, sample("front")),
                    image_url("Back Image", true, sample("back")),
                    options("Background", &["Studio", "Urban", "Park"], "Studio"),
                    options("Style", &["Clean", "Editorial", "Warm"], "Clean"),
                    options("Aspect Ratio", &RATIOS, "3:4"),
                ],
                ["Front", "Back", "Detail", "Lifestyle"]
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let ratio = Shape::Ratio("3:4");
                        let shot = out(
                            FULL_SET_CATALOG,
                            i,
                            "catalogShotNode",
                            label,
                            Format::Jpeg,
                            ratio,
                        );
                        match *label {
                            "Back" => showing("Back Image", false, shot),
                            "Detail" => showing("Front Image", true, shot),
                            _ => showing("Front Image", false, shot),
                        }
                    })
                    .collect(),
                20.0,
                4.0,
            )
        },
        AppDef {
            sequential: true,
            ..def(
                LIFESTYLE_SCENE,
                "Lifestyle Scene",
                "Place your product in a believable everyday setting. Three passes (composition, \
                 lighting, final render) take about a minute, so it's ideal for queuing up and \
                 coming back to.",
                false,
                vec![
                    text("Prompt", true, None),
                    options(
                        "Setting",
                        &["Living Room", "Kitchen", "Outdoor Café", "Beach"],
                        "Living Room",
                    ),
                ],
                ["Scene Composition", "Lighting Pass", "Final Render"]
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let ratio = Shape::Fixed("16:9");
                        out(
                            LIFESTYLE_SCENE,
                            i,
                            "sceneComposerNode",
                            label,
                            Format::Png,
                            ratio,
                        )
                    })
                    .collect(),
                45.0,
                3.0,
            )
        },
        def(
            PRODUCT_VIDEO,
            "Product Video",
            "A short looping product clip for social feeds and product pages. Describe the \
             motion you want and pick a length.",
            true,
            vec![
                text("Prompt", true, None),
                options("Duration", &["5s", "10s"], "5s"),
            ],
            vec![out(
                PRODUCT_VIDEO,
                0,
                "klingVideoNode",
                "Product Video",
                Format::Gif,
                Shape::Fixed("16:9"),
            )],
            35.0,
            5.0,
        ),
        AppDef {
            behaviour: Behaviour::AlwaysFails("Model capacity exceeded, please retry later"),
            ..def(
                VIRTUAL_TRY_ON,
                "Virtual Try-On",
                "Show a garment on a model photo without a photo shoot. Provide a model photo \
                 and a flat-lay of the garment.",
                false,
                vec![
                    image_url("Model Image", true, sample("person")),
                    image_url("Garment Image", true, sample("garment")),
                ],
                vec![showing(
                    "Garment Image",
                    false,
                    out(
                        VIRTUAL_TRY_ON,
                        0,
                        "tryOnNode",
                        "Try-On Result",
                        Format::Png,
                        Shape::Fixed("3:4"),
                    ),
                )],
                6.0,
                1.0,
            )
        },
        AppDef {
            sequential: true,
            ..def(
                SOCIAL_AD_PACK,
                "Social Ad Pack",
                "Three ready-to-post ad creatives for one product: a square feed post, a \
                 vertical story and a wide banner, in the tone you choose.",
                true,
                vec![
                    text("Product Description", true, None),
                    options("Tone", &["Playful", "Premium", "Minimal"], "Premium"),
                ],
                vec![
                    out(
                        SOCIAL_AD_PACK,
                        0,
                        "adCreativeNode",
                        "Feed Post",
                        Format::WebP,
                        Shape::Fixed("1:1"),
                    ),
                    OutputDef {
                        fails_with: Some(
                            "Safety filter blocked the story layout; try a different description",
                        ),
                        ..out(
                            SOCIAL_AD_PACK,
                            1,
                            "adCreativeNode",
                            "Story",
                            Format::WebP,
                            Shape::Fixed("9:16"),
                        )
                    },
                    out(
                        SOCIAL_AD_PACK,
                        2,
                        "adCreativeNode",
                        "Banner",
                        Format::WebP,
                        Shape::Fixed("16:9"),
                    ),
                ],
                12.0,
                3.0,
            )
        },
        def(
            PRODUCT_COPY,
            "Product Copy",
            "Write a product description for your listing from the product name and a few key \
             features, in your brand's tone.",
            true,
            vec![
                text("Product Name", true, None),
                text("Key Features", false, None),
                options("Tone", &["Friendly", "Luxury", "Technical"], "Friendly"),
            ],
            vec![out(
                PRODUCT_COPY,
                0,
                "copyWriterNode",
                "Product Description",
                Format::Text,
                Shape::Fixed("1:1"),
            )],
            4.0,
            0.5,
        ),
        AppDef {
            behaviour: Behaviour::FaultLab,
            ..def(
                FAULT_LAB,
                "Fault Lab",
                "A developer tool of the sandbox: generates one image whose download misbehaves \
                 the way you choose (truncated, huge, SVG, wrong content type, an HTML page or a \
                 decompression bomb), to check how your integration copes.",
                false,
                vec![options("Fault", &fault_lab_choices(), "None")],
                vec![out(
                    FAULT_LAB,
                    0,
                    "aiDesignerNode",
                    "Test Image",
                    Format::Png,
                    Shape::Fixed("1:1"),
                )],
                3.0,
                1.0,
            )
        },
    ]
}

#[allow(clippy::too_many_arguments)]
fn def(
    id: &str,
    name: &str,
    description: &str,
    is_public: bool,
    mut parameters: Vec<lamina_api::Parameter>,
    outputs: Vec<OutputDef>,
    base_secs: f64,
    cost: f64,
) -> AppDef {
    for p in &mut parameters {
        p.id = Some(stable_uuid(&format!("{id}/{}", p.name)));
    }
    AppDef {
        app: App {
            app_id: id.to_owned(),
            name: name.to_owned(),
            description: description.to_owned(),
            parameters,
        },
        is_public,
        outputs,
        base_secs,
        sequential: false,
        behaviour: Behaviour::Normal,
        cost,
    }
}

fn out(
    app_id: &str,
    index: usize,
    node_type: &'static str,
    label: &'static str,
    format: Format,
    shape: Shape,
) -> OutputDef {
    let app_hash = crate::runs::mix(crate::runs::fnv1a(app_id.as_bytes()), 0);
    let hash = crate::runs::mix(app_hash, index as u64 + 1);
    // A fixed "creation time" in March 2026, as in the docs' examples: later nodes were added
    // later, so ids sort in pipeline order.
    let millis = 1_773_051_929_782 + app_hash % 80_000_000 + index as u64 * 61_127 + hash % 997;
    let suffix: String = (0..9)
        .map(|i| {
            let digit = ((hash >> (i * 7)) % 36) as u32;
            char::from_digit(digit, 36).unwrap_or('x')
        })
        .collect();
    OutputDef {
        node_id: format!("{node_type}-{millis}-{suffix}"),
        node_type,
        label,
        format,
        shape,
        fails_with: None,
        photo: None,
    }
}

/// `output` with the photo given for `field` placed in its scene.
fn showing(field: &'static str, close_up: bool, output: OutputDef) -> OutputDef {
    OutputDef {
        photo: Some(PhotoUse { field, close_up }),
        ..output
    }
}

/// The Fault Lab's `Fault` choices: the shared list, then the decompression bomb (a small PNG
/// claiming 16000×16000 pixels, which a client must refuse before allocating them).
fn fault_lab_choices() -> Vec<&'static str> {
    let mut choices = FAULT_LAB_OPTIONS.to_vec();
    choices.push("Decompression bomb");
    choices
}
