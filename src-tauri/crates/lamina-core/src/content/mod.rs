//! Content runs: a brief ("a launch post for my new linen shirt on Instagram") that the service
//! turns into an app, that app's inputs and a run (`POST /v1/content/create`). A content run is
//! an ordinary run (same record, same tracker, so History, Gallery, compare, export, resume and
//! webhooks just work) plus what only a brief has: the brief itself, why that app was chosen,
//! the inputs it filled, the template and brand profile, and scores once fetched.
//!
//! - [`store`]: the `content_runs` rows beside `runs`, written before anything is shown;
//! - [`create`]: one brief or a batch of up to ten per request, each its own run;
//! - [`library`]: templates and the brand context, as the UI and the CLI show them.

pub mod create;
pub mod library;
pub mod store;

use lamina_api::Inputs;
use serde::{Deserialize, Serialize};

use crate::record::RunRecord;

pub use create::{BATCH_LIMIT, ContentRunner};
pub use library::{BrandView, TemplatePart, TemplateView};

/// What the person asked for: the brief and its optional steering.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBrief {
    pub brief: String,
    /// `instagram`, `tiktok`, `facebook`, `shopify`, ...
    #[serde(default)]
    pub platform: Option<String>,
    /// `image`, `video`, ...
    #[serde(default)]
    pub modality: Option<String>,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub brand_id: Option<String>,
    /// Inputs to use instead of what the service would fill in (by parameter name).
    #[serde(default)]
    pub inputs: Inputs,
}

/// What only a content run has, beside its run record.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentInfo {
    pub request: ContentBrief,
    /// Why the service chose this app, in its words (absent when it gives none).
    pub reason: Option<String>,
    /// The inputs the service filled in from the brief (absent when it does not say).
    pub mapped_inputs: Option<Inputs>,
    /// Scores, once fetched after the outputs exist.
    pub scores: Option<ContentScores>,
}

/// A content run as the UI and the CLI show it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentRunView {
    pub run: RunRecord,
    pub content: ContentInfo,
}

impl ContentRunView {
    /// The chosen app's name, once the service said.
    pub fn chosen_app(&self) -> Option<&str> {
        Some(self.run.app_name.as_str()).filter(|name| !name.is_empty())
    }
}

/// Scores of a run's content, per dimension (`POST /v1/content/score`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentScores {
    /// 0–100.
    pub overall: Option<f64>,
    pub dimensions: Vec<ScoreDimension>,
    pub feedback: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreDimension {
    /// The service's key (`brandAlignment`, `predictedEngagement`, ...).
    pub key: String,
    /// Plain words ("Brand fit", "Likely engagement", ...).
    pub label: String,
    /// 0–100.
    pub value: f64,
}

/// The plain label of a score dimension; unknown keys are split into words.
pub fn dimension_label(key: &str) -> String {
    match key {
        "brandAlignment" => "Brand fit".to_owned(),
        "predictedEngagement" => "Likely engagement".to_owned(),
        "visualQuality" => "Picture quality".to_owned(),
        "platformFitness" => "Fits the platform".to_owned(),
        other => {
            let mut words = String::new();
            for (i, c) in other.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    words.push(' ');
                    words.extend(c.to_lowercase());
                } else if i == 0 {
                    words.extend(c.to_uppercase());
                } else {
                    words.push(c);
                }
            }
            words
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dimension_label;

    #[test]
    fn dimensions_have_plain_labels() {
        assert_eq!(dimension_label("brandAlignment"), "Brand fit");
        assert_eq!(dimension_label("captionClarity"), "Caption clarity");
    }
}
