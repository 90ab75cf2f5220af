//! `POST /v1/content/score`: four dimensions per content item, deterministic from the content
//! itself (its app, inputs and output), so the same picture always scores the same and a
//! branded one scores higher on brand alignment.

use serde_json::{Value, json};

use crate::catalog::Format;
use crate::runs::{RunRecord, fnv1a, mix};

/// One scorable piece of content: output `index` of `run`.
pub(crate) struct Item<'a> {
    pub id: String,
    pub run: &'a RunRecord,
    pub index: usize,
}

/// 0–100 from a seed, within `lo..=hi`.
fn spread(seed: u64, salt: u64, lo: f64, hi: f64) -> f64 {
    let unit = (mix(seed, salt) >> 11) as f64 / (1u64 << 53) as f64;
    (lo + (hi - lo) * unit).round()
}

/// The platforms' favourite shapes.
fn fits(platform: &str, ratio: &str) -> bool {
    matches!(
        (platform, ratio),
        ("instagram", "1:1" | "3:4" | "9:16")
            | ("facebook", "1:1" | "4:3" | "16:9")
            | ("tiktok", "9:16")
            | ("pinterest", "3:4" | "9:16")
            | ("youtube", "16:9")
            | ("shopify", "1:1" | "3:4")
    )
}

fn ratio_of<'a>(item: &Item<'a>) -> &'a str {
    use crate::catalog::Shape;
    match item.run.app.outputs.get(item.index).map(|o| o.shape) {
        Some(Shape::Ratio(fallback)) => item
            .run
            .inputs
            .get("Aspect Ratio")
            .map_or(fallback, String::as_str),
        Some(Shape::Fixed(ratio)) => ratio,
        None => "1:1",
    }
}

pub(crate) fn score(item: &Item<'_>, platform: Option<&str>) -> Value {
    let seed = mix(item.run.seed, item.index as u64 + 1) ^ fnv1a(item.id.as_bytes());
    let content = item.run.content.as_deref();
    let branded = content.and_then(|c| c.brand).is_some();
    let brand = if branded {
        spread(seed, 1, 86.0, 97.0)
    } else {
        spread(seed, 1, 55.0, 72.0)
    };
    let engagement = spread(seed, 2, 62.0, 92.0);
    let is_text = item
        .run
        .app
        .outputs
        .get(item.index)
        .is_some_and(|o| o.format == Format::Text);
    let quality = if is_text {
        spread(seed, 3, 70.0, 88.0)
    } else {
        spread(seed, 3, 78.0, 96.0)
    };
    let target = platform.map(str::to_lowercase).or_else(|| {
        content
            .and_then(|c| c.platform.clone())
            .map(|p| p.to_lowercase())
    });
    let fitness = match target.as_deref() {
        Some(p) if is_text => spread(seed, 4, if p == "shopify" { 85.0 } else { 65.0 }, 90.0),
        Some(p) if fits(p, ratio_of(item)) => spread(seed, 4, 86.0, 97.0),
        Some(_) => spread(seed, 4, 48.0, 66.0),
        None => spread(seed, 4, 70.0, 85.0),
    };
    let overall =
        ((brand * 0.3 + engagement * 0.3 + quality * 0.2 + fitness * 0.2) * 2.0).round() / 2.0;
    let dims = [
        (
            "brandAlignment",
            brand,
            "it drifts from your brand's look and voice",
        ),
        (
            "predictedEngagement",
            engagement,
            "people may scroll past it",
        ),
        ("visualQuality", quality, "the finish could be sharper"),
        (
            "platformFitness",
            fitness,
            "its shape doesn't suit the platform",
        ),
    ];
    let weakest = dims
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or("", |d| d.2);
    let feedback = if overall >= 85.0 {
        "Ready to post.".to_owned()
    } else {
        format!("Worth a second look: {weakest}.")
    };
    json!({
        "contentItemId": item.id,
        "runId": item.run.id,
        "overallScore": overall,
        "dimensions": dims.iter().map(|(k, v, _)| ((*k).to_owned(), json!(v)))
            .collect::<serde_json::Map<_, _>>(),
        "feedback": feedback,
    })
}
