//! `GET /v1/templates` and `GET /v1/templates/{id}` (`lamina-api.md` §2.7). Template ids are
//! slugs (`tmpl-product-launch`), never checked as UUIDs.

use serde::{Deserialize, Serialize};

use crate::client::{Ask, LaminaClient, decode_value, list_from_value};
use crate::error::{ApiError, ApiErrorKind};
use crate::models::{lenient_strings, lenient_text, null_as_default};
use crate::optional::OptionalEndpoint;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    #[serde(alias = "templateId")]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub category: Option<String>,
    /// `image`, `video`, ...
    #[serde(default, deserialize_with = "lenient_strings")]
    pub suggested_modalities: Vec<String>,
    /// `instagram`, `facebook`, ...
    #[serde(default, deserialize_with = "lenient_strings")]
    pub suggested_platforms: Vec<String>,
    #[serde(default, alias = "guidance")]
    pub guidance_data: Option<TemplateGuidance>,
    /// What the template produces, piece by piece (a hero image and a caption, say).
    #[serde(default, deserialize_with = "null_as_default")]
    pub multi_asset_composition: Vec<CompositionPart>,
    #[serde(default)]
    pub is_built_in: Option<bool>,
}

/// How a template steers generation.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateGuidance {
    #[serde(default, deserialize_with = "lenient_strings")]
    pub prompt_directives: Vec<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub negative_prompts: Vec<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub winning_patterns: Vec<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub test_ideas: Vec<String>,
    /// Free form in the docs (`null` in the example): kept as text (JSON for objects).
    #[serde(default, deserialize_with = "lenient_text")]
    pub creative_structure: Option<String>,
}

/// One piece of a multi-asset template.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositionPart {
    /// `hero`, `caption`, ...
    #[serde(default, deserialize_with = "null_as_default")]
    pub role: String,
    /// `image`, `text`, ...
    #[serde(default, deserialize_with = "lenient_text")]
    pub modality: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub description: Option<String>,
}

impl LaminaClient {
    /// `GET /v1/templates`: every template (`{data: [...]}` or `{data: {templates: [...]}}`).
    pub async fn list_templates(&self) -> Result<Vec<Template>, ApiError> {
        let url = self.v1_url(&["templates"]);
        self.ask_optional(OptionalEndpoint::Templates, url, Ask::Get, |value| {
            list_from_value::<Template>(value, &["templates"]).map(|page| page.items)
        })
        .await
    }

    /// `GET /v1/templates/{id}`. An unknown template is `NotFound` (in words about templates);
    /// a service without templates is `Unsupported`.
    pub async fn get_template(&self, id: &str) -> Result<Template, ApiError> {
        let id = id.trim();
        if id.is_empty() || id == "." || id == ".." {
            let mut error = ApiError::new(
                ApiErrorKind::NotFound,
                format!("no template id given ({id:?})"),
            );
            error.message = TEMPLATE_NOT_FOUND.into();
            return Err(error);
        }
        let url = self.v1_url(&["templates", id]);
        self.ask_optional(OptionalEndpoint::Templates, url, Ask::Get, decode_value)
            .await
            .map_err(|mut error| {
                if error.kind == ApiErrorKind::NotFound {
                    error.message = TEMPLATE_NOT_FOUND.into();
                }
                error
            })
    }
}

const TEMPLATE_NOT_FOUND: &str = "This template could not be found. It may have been removed.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_template_parses() {
        let template: Template = decode_value(&serde_json::json!({"data": {
            "id": "tmpl-product-launch", "name": "Product Launch Hero", "description": "...",
            "category": "launch",
            "suggestedModalities": ["image", "video"], "suggestedPlatforms": ["instagram", "facebook"],
            "guidanceData": {"promptDirectives": ["..."], "negativePrompts": ["..."],
                             "winningPatterns": ["..."], "testIdeas": ["..."],
                             "creativeStructure": null},
            "multiAssetComposition": [
                {"role": "hero", "modality": "image", "description": "..."},
                {"role": "caption", "modality": "text", "description": "..."}],
            "isBuiltIn": true, "futureField": {"x": 1}}}))
        .unwrap();
        assert_eq!(template.id, "tmpl-product-launch");
        assert_eq!(template.suggested_platforms, ["instagram", "facebook"]);
        let guidance = template.guidance_data.unwrap();
        assert_eq!(guidance.prompt_directives, ["..."]);
        assert_eq!(guidance.creative_structure, None);
        assert_eq!(template.multi_asset_composition[1].role, "caption");
        assert_eq!(template.is_built_in, Some(true));
    }

    #[test]
    fn a_list_in_either_envelope_and_a_structured_creative_structure() {
        let item = serde_json::json!({"id": "t1", "name": "A",
            "guidanceData": {"creativeStructure": {"beats": 3}}, "suggestedPlatforms": "tiktok"});
        for value in [
            serde_json::json!({"data": [item.clone()]}),
            serde_json::json!({"data": {"templates": [item.clone()]}}),
            serde_json::json!([item.clone()]),
        ] {
            let list = list_from_value::<Template>(&value, &["templates"])
                .unwrap()
                .items;
            assert_eq!(list[0].id, "t1");
            assert_eq!(list[0].suggested_platforms, ["tiktok"]);
            assert_eq!(
                list[0]
                    .guidance_data
                    .as_ref()
                    .unwrap()
                    .creative_structure
                    .as_deref(),
                Some(r#"{"beats":3}"#)
            );
        }
    }
}
