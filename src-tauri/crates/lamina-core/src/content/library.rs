//! Templates and the brand context as the Describe screen and `lamina-cli templates` / `brand`
//! show them: the service's lists flattened into what a merchant reads.

use lamina_api::{BrandContext, BrandItem, LaminaClient, Template};
use serde::{Deserialize, Serialize};

use crate::offer::{Offered, offered};
use crate::tracker::CoreError;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub suggested_platforms: Vec<String>,
    pub suggested_modalities: Vec<String>,
    /// What it will produce, piece by piece.
    pub produces: Vec<TemplatePart>,
    /// What it steers towards and away from.
    pub directives: Vec<String>,
    pub avoid: Vec<String>,
    pub built_in: bool,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePart {
    /// `hero`, `caption`, ...
    pub role: String,
    pub modality: Option<String>,
    pub description: Option<String>,
}

impl From<Template> for TemplateView {
    fn from(template: Template) -> Self {
        let guidance = template.guidance_data.unwrap_or_default();
        Self {
            id: template.id,
            name: template.name,
            description: template.description,
            category: template.category,
            suggested_platforms: template.suggested_platforms,
            suggested_modalities: template.suggested_modalities,
            produces: template
                .multi_asset_composition
                .into_iter()
                .map(|part| TemplatePart {
                    role: part.role,
                    modality: part.modality,
                    description: part.description,
                })
                .collect(),
            directives: guidance.prompt_directives,
            avoid: guidance.negative_prompts,
            built_in: template.is_built_in.unwrap_or(false),
        }
    }
}

/// What Lamina follows for this brand: read-only beside the brief.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandView {
    pub profile_id: Option<String>,
    pub name: Option<String>,
    pub voice: Vec<String>,
    pub tone_primary: Option<String>,
    pub tone_secondary: Option<String>,
    pub tone_avoid: Vec<String>,
    /// Colours, type, style: each "label: value" or just the value.
    pub visual_identity: Vec<BrandEntry>,
    pub content_pillars: Vec<String>,
    pub audience: Vec<String>,
    pub guardrails: Vec<String>,
    pub directives: Vec<String>,
    pub avoid: Vec<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandEntry {
    pub label: Option<String>,
    pub value: String,
    /// `#RRGGBB` when the value is a colour, for a swatch.
    pub color: Option<String>,
}

fn texts(items: Vec<BrandItem>) -> Vec<String> {
    items
        .into_iter()
        .map(|item| match item.label {
            Some(label) if !label.is_empty() => format!("{label}: {}", item.value),
            _ => item.value,
        })
        .collect()
}

fn hex_colour(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = text.strip_prefix('#')?;
    (matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| text.to_owned())
}

impl From<BrandContext> for BrandView {
    fn from(context: BrandContext) -> Self {
        let dna = context.brand_dna;
        let tone = dna.tone_spectrum.unwrap_or_default();
        Self {
            profile_id: context.brand_profile_id,
            name: context.name,
            voice: texts(dna.voice_attributes),
            tone_primary: tone.primary,
            tone_secondary: tone.secondary,
            tone_avoid: tone.avoid,
            visual_identity: dna
                .visual_identity
                .into_iter()
                .map(|item| BrandEntry {
                    color: hex_colour(&item.value),
                    label: item.label,
                    value: item.value,
                })
                .collect(),
            content_pillars: texts(dna.content_pillars),
            audience: texts(dna.audience_signals),
            guardrails: texts(dna.guardrails),
            directives: texts(context.guidance.prompt_directives),
            avoid: texts(context.guidance.negative_prompts),
        }
    }
}

pub async fn templates(client: &LaminaClient) -> Result<Offered<Vec<TemplateView>>, CoreError> {
    offered(
        client
            .list_templates()
            .await
            .map(|list| list.into_iter().map(TemplateView::from).collect())
            .map_err(CoreError::from),
    )
}

pub async fn template(client: &LaminaClient, id: &str) -> Result<Offered<TemplateView>, CoreError> {
    offered(
        client
            .get_template(id)
            .await
            .map(TemplateView::from)
            .map_err(CoreError::from),
    )
}

pub async fn brand(
    client: &LaminaClient,
    brand_id: Option<&str>,
) -> Result<Offered<BrandView>, CoreError> {
    let query = lamina_api::BrandQuery {
        brand_profile_id: brand_id.map(str::to_owned),
        campaign_id: None,
    };
    offered(
        client
            .brand_context(&query)
            .await
            .map(BrandView::from)
            .map_err(CoreError::from),
    )
}

#[cfg(test)]
mod tests {
    use super::hex_colour;

    #[test]
    fn colours_become_swatches() {
        assert_eq!(hex_colour(" #1F6F5C ").as_deref(), Some("#1F6F5C"));
        assert_eq!(hex_colour("sage green"), None);
        assert_eq!(hex_colour("#12345"), None);
    }
}
