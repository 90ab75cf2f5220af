//! `GET /v1/intelligence/brand-context` (`lamina-api.md` §2.8). The docs' example shows only
//! empty lists, so their items are read leniently: a string, or an object whose label and value
//! are picked from the usual names (`{"name": "Primary", "value": "#1F4E3D"}`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::client::{Ask, LaminaClient, decode_value};
use crate::content::non_blank;
use crate::error::ApiError;
use crate::models::{lenient_strings, lenient_text, text_of};
use crate::optional::OptionalEndpoint;

/// Which profile to read (the service's default profile when neither is given).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandContext {
    /// The profile's id and name, when the service says.
    #[serde(default, alias = "profileId", deserialize_with = "lenient_text")]
    pub brand_profile_id: Option<String>,
    #[serde(
        default,
        alias = "brandName",
        alias = "profileName",
        deserialize_with = "lenient_text"
    )]
    pub name: Option<String>,
    #[serde(default, alias = "dna")]
    pub brand_dna: BrandDna,
    #[serde(default)]
    pub guidance: BrandGuidance,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandDna {
    #[serde(default, deserialize_with = "lenient_items")]
    pub voice_attributes: Vec<BrandItem>,
    /// Colours, type, imagery: `{"name": "Primary", "value": "#1F4E3D"}` and the like.
    #[serde(default, deserialize_with = "lenient_items")]
    pub visual_identity: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub content_pillars: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub audience_signals: Vec<BrandItem>,
    /// What the brand never does.
    #[serde(default, deserialize_with = "lenient_items")]
    pub guardrails: Vec<BrandItem>,
    #[serde(default)]
    pub tone_spectrum: Option<ToneSpectrum>,
    #[serde(default)]
    pub performance_profile: Option<PerformanceProfile>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToneSpectrum {
    #[serde(default, deserialize_with = "lenient_text")]
    pub primary: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub secondary: Option<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub avoid: Vec<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceProfile {
    #[serde(default, deserialize_with = "lenient_items")]
    pub top_patterns: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub weak_patterns: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub avg_engagement_tier: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandGuidance {
    #[serde(default, deserialize_with = "lenient_items")]
    pub prompt_directives: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub negative_prompts: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub recommended_moves: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub test_ideas: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub winning_patterns: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub weak_patterns: Vec<BrandItem>,
    #[serde(default, deserialize_with = "lenient_items")]
    pub supporting_metrics: Vec<BrandItem>,
}

/// One entry of a brand list: `"energetic"`, or a label and a value.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub value: String,
}

const LABEL_KEYS: [&str; 7] = ["label", "name", "attribute", "type", "key", "role", "title"];
const VALUE_KEYS: [&str; 9] = [
    "value",
    "hex",
    "color",
    "colour",
    "description",
    "text",
    "rule",
    "directive",
    "detail",
];

impl BrandItem {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => None,
            Value::Object(map) => {
                let pick = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| map.get(*k).and_then(text_of))
                        .filter(|t| !t.trim().is_empty())
                };
                let label = pick(&LABEL_KEYS);
                match pick(&VALUE_KEYS) {
                    Some(value) => Some(Self { label, value }),
                    // A label alone is the value ("{name: 'Warm'}").
                    None => Some(match label {
                        Some(value) => Self { label: None, value },
                        None => Self {
                            label: None,
                            value: value.to_string(),
                        },
                    }),
                }
            }
            other => text_of(other).map(|value| Self { label: None, value }),
        }
    }
}

fn lenient_items<'de, D>(deserializer: D) -> Result<Vec<BrandItem>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items.iter().filter_map(BrandItem::from_value).collect(),
        Value::Null => Vec::new(),
        one => BrandItem::from_value(&one).into_iter().collect(),
    })
}

impl LaminaClient {
    /// `GET /v1/intelligence/brand-context[?brandProfileId=&campaignId=]`.
    pub async fn brand_context(&self, query: &BrandQuery) -> Result<BrandContext, ApiError> {
        let mut url = self.v1_url(&["intelligence", "brand-context"]);
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(id) = non_blank(&query.brand_profile_id) {
                pairs.append_pair("brandProfileId", &id);
            }
            if let Some(id) = non_blank(&query.campaign_id) {
                pairs.append_pair("campaignId", &id);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        self.ask_optional(OptionalEndpoint::BrandContext, url, Ask::Get, decode_value)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let context: BrandContext = decode_value(&serde_json::json!({"data": {
          "brandDna": {"voiceAttributes": [], "visualIdentity": [], "contentPillars": [],
                       "audienceSignals": [], "guardrails": [],
                       "toneSpectrum": {"primary": "energetic", "secondary": "witty",
                                        "avoid": ["corporate"]},
                       "performanceProfile": {"topPatterns": [], "weakPatterns": [],
                                              "avgEngagementTier": "high"}},
          "guidance": {"promptDirectives": [], "negativePrompts": [], "recommendedMoves": [],
                       "testIdeas": [], "winningPatterns": [], "weakPatterns": [],
                       "supportingMetrics": [], "...": "..."}}}))
        .unwrap();
        let tone = context.brand_dna.tone_spectrum.unwrap();
        assert_eq!(tone.primary.as_deref(), Some("energetic"));
        assert_eq!(tone.avoid, ["corporate"]);
        assert_eq!(
            context
                .brand_dna
                .performance_profile
                .unwrap()
                .avg_engagement_tier
                .as_deref(),
            Some("high")
        );
        assert!(context.guidance.prompt_directives.is_empty());
    }

    #[test]
    fn list_items_of_any_shape_are_read() {
        let dna: BrandDna = serde_json::from_value(serde_json::json!({
            "voiceAttributes": ["warm", {"attribute": "plain-spoken", "description": "short words"}],
            "visualIdentity": [{"name": "Primary", "hex": "#1F4E3D"}, {"name": "Linen"}, {"x": 1}, null],
            "guardrails": "never mention prices",
            "contentPillars": null
        }))
        .unwrap();
        assert_eq!(
            dna.voice_attributes[0],
            BrandItem {
                label: None,
                value: "warm".into()
            }
        );
        assert_eq!(
            dna.voice_attributes[1].label.as_deref(),
            Some("plain-spoken")
        );
        assert_eq!(dna.visual_identity[0].value, "#1F4E3D");
        assert_eq!(
            dna.visual_identity[1],
            BrandItem {
                label: None,
                value: "Linen".into()
            }
        );
        assert_eq!(dna.visual_identity[2].value, r#"{"x":1}"#);
        assert_eq!(dna.visual_identity.len(), 3);
        assert_eq!(dna.guardrails[0].value, "never mention prices");
        assert!(dna.content_pillars.is_empty());
    }
}
