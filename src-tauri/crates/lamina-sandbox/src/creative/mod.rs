//! The sandbox's creative engine (issue 18, `lamina-api.md` §2.5–2.8): a brief picks one of the
//! sample apps from its words, platform and modality, is mapped into that app's inputs and runs
//! like any run; built-in templates and one brand profile steer the mapping, the pictures and
//! the copy; content is scored per dimension, deterministically from what was made.

pub(crate) mod brand;
pub(crate) mod score;
pub(crate) mod select;
pub(crate) mod templates;

use crate::catalog::Format;

/// What a content run remembers of its brief (kept on its [`crate::runs::RunRecord`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContentMeta {
    pub brief: String,
    pub platform: Option<String>,
    pub modality: Option<String>,
    pub template_id: Option<String>,
    /// The brand profile steering it (the workspace's one profile unless none applies).
    pub brand: Option<&'static brand::BrandProfile>,
    /// Which app was chosen, and why, in words.
    pub reason: String,
}

/// A still of a branded content run, recoloured to the brand palette; anything else unchanged.
pub(crate) fn steer_image(
    bytes: Vec<u8>,
    format: Format,
    content: Option<&ContentMeta>,
) -> Result<Vec<u8>, String> {
    match content.and_then(|c| c.brand) {
        Some(profile) if matches!(format, Format::Png | Format::Jpeg | Format::WebP) => {
            brand::recolour(&bytes, format, profile)
        }
        _ => Ok(bytes),
    }
}

/// The text of a branded content run, following the brand's guardrails and signed off in its
/// voice; anything else unchanged.
pub(crate) fn steer_copy(text: String, content: Option<&ContentMeta>) -> String {
    match content.and_then(|c| c.brand) {
        Some(profile) => brand::voice(&text, profile),
        None => text,
    }
}
