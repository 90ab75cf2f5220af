//! The sample apps of the demo workspace, with fixed ids tests can reference.

mod apps;

use lamina_api::{App, AppSummary, OutputKind, Parameter, ParameterKind};

pub(crate) use apps::build;

/// "Hero Image": one PNG from a prompt (~8 s).
pub const HERO_IMAGE: &str = "5b1f6a52-9c0e-4f3a-a8d2-4e7c1b9f0a11";
/// "Full Set Catalog Generation": four JPEGs, one after another (~20 s).
pub const FULL_SET_CATALOG: &str = "c2d8e4f1-7a36-4b59-9e0d-18f5a3c6b722";
/// "Lifestyle Scene": slow three-step PNG pipeline (~45 s).
pub const LIFESTYLE_SCENE: &str = "9e4a7c13-2f58-4d61-b0a9-6c3e8d2f1b33";
/// "Product Video": one `video` output, served as an animated GIF (~35 s).
pub const PRODUCT_VIDEO: &str = "1a7f3e95-d04c-4b28-8f6e-2b9d5c7a3e44";
/// "Virtual Try-On": always fails (~6 s).
pub const VIRTUAL_TRY_ON: &str = "e6b29d07-48a1-4c3f-9d75-0f2a6e8b4c55";
/// "Social Ad Pack": three WebPs, one of which errors while the run completes (~12 s).
pub const SOCIAL_AD_PACK: &str = "4d8c1f6a-b3e7-42d0-a519-7e6f0c2b9d66";
/// "Product Copy": one text output (~4 s).
pub const PRODUCT_COPY: &str = "7c3e9a24-15fd-4e86-b2c0-9a4d6f1e8b77";
/// "Fault Lab": one PNG whose download misbehaves as chosen by its `Fault` input (~3 s).
pub const FAULT_LAB: &str = "f0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a88";

/// Every sample app id, in catalog order.
pub const ALL: [&str; 8] = [
    HERO_IMAGE,
    FULL_SET_CATALOG,
    LIFESTYLE_SCENE,
    PRODUCT_VIDEO,
    VIRTUAL_TRY_ON,
    SOCIAL_AD_PACK,
    PRODUCT_COPY,
    FAULT_LAB,
];

/// How an output's file is encoded (or that it is text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Png,
    Jpeg,
    WebP,
    /// The stand-in for video: an animated GIF.
    Gif,
    Text,
}

impl Format {
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
            Self::Gif => "gif",
            Self::Text => "txt",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    pub(crate) fn kind(self) -> OutputKind {
        match self {
            Self::Png | Self::Jpeg | Self::WebP => OutputKind::Image,
            Self::Gif => OutputKind::Video,
            Self::Text => OutputKind::Text,
        }
    }
}

/// Where an output's pixel size comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The run's `Aspect Ratio` input, or this ratio when the app has none.
    Ratio(&'static str),
    /// Always this ratio, whatever the inputs.
    Fixed(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct OutputDef {
    /// Workflow node id, reused as the output id (`<nodeType>-<epochMillis>-<random>`).
    pub node_id: String,
    pub node_type: &'static str,
    pub label: &'static str,
    pub format: Format,
    pub shape: Shape,
    /// This output always ends in `status: "error"` with this message.
    pub fails_with: Option<&'static str>,
    /// The `url` input whose photo this output shows, placed in the generated scene.
    pub photo: Option<PhotoUse>,
}

/// How an output shows a run's input photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhotoUse {
    /// The `url` parameter the photo was given for.
    pub field: &'static str,
    /// Fill most of the picture (a detail shot) rather than stand on the plinth.
    pub close_up: bool,
}

/// Per-app run behaviour beyond its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    Normal,
    /// The whole run fails with this `errorMessage`; every output ends in `error`.
    AlwaysFails(&'static str),
    /// Downloads misbehave as selected by the `Fault` input.
    FaultLab,
}

#[derive(Debug, Clone)]
pub(crate) struct AppDef {
    pub app: App,
    pub is_public: bool,
    pub outputs: Vec<OutputDef>,
    /// Running time at speed 1, before jitter.
    pub base_secs: f64,
    /// Outputs complete one after another rather than together.
    pub sequential: bool,
    pub behaviour: Behaviour,
    /// Credits charged per run.
    pub cost: f64,
}

impl AppDef {
    pub(crate) fn id(&self) -> &str {
        &self.app.app_id
    }

    pub(crate) fn summary(&self) -> AppSummary {
        let mut summary = self.app.summary();
        summary.is_public = Some(self.is_public);
        summary
    }
}

/// The choices of the Fault Lab's `Fault` parameter, in order.
pub(crate) const FAULT_LAB_OPTIONS: [&str; 6] = [
    "None",
    "Truncated image",
    "Huge image",
    "SVG instead of image",
    "Wrong content type",
    "HTML page",
];

pub(crate) fn text(name: &str, required: bool, default: Option<&str>) -> Parameter {
    param(name, ParameterKind::Text, required, &[], default, &[])
}

pub(crate) fn options(name: &str, choices: &[&str], default: &str) -> Parameter {
    param(
        name,
        ParameterKind::Options,
        true,
        choices,
        Some(default),
        &[],
    )
}

pub(crate) fn image_url(name: &str, required: bool, default: Option<String>) -> Parameter {
    let mut p = param(name, ParameterKind::Url, required, &[], None, &["image"]);
    p.default = default;
    p
}

fn param(
    name: &str,
    kind: ParameterKind,
    required: bool,
    choices: &[&str],
    default: Option<&str>,
    accept: &[&str],
) -> Parameter {
    Parameter {
        id: None,
        name: name.to_owned(),
        kind,
        required: Some(required),
        options: choices.iter().map(|s| (*s).to_owned()).collect(),
        default: default.map(str::to_owned),
        accept: accept.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// A UUID-shaped id derived from `seed`, so parameter ids stay stable across restarts.
pub(crate) fn stable_uuid(seed: &str) -> String {
    let a = crate::runs::fnv1a(seed.as_bytes());
    let b = crate::runs::fnv1a(format!("{seed}#2").as_bytes());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_every_declared_app_with_sane_parameters() {
        let apps = build("http://127.0.0.1:1");
        let ids: Vec<&str> = apps.iter().map(|a| a.id()).collect();
        assert_eq!(ids, ALL);
        for def in &apps {
            assert!(!def.app.name.is_empty() && def.app.description.len() > 40);
            assert!(!def.outputs.is_empty());
            for p in &def.app.parameters {
                let id = p.id.as_deref().unwrap();
                assert_eq!(id.len(), 36, "{id}");
                if p.kind == ParameterKind::Options {
                    let default = p.default.as_deref().unwrap();
                    assert!(p.options.iter().any(|o| o == default), "{}", p.name);
                }
            }
        }
        let hero = &apps[0].app;
        assert!(hero.parameter("Prompt").unwrap().is_mandatory());
        assert!(!hero.parameter("Reference Image").unwrap().is_mandatory());
        let front = apps[1].app.parameter("Front Image").unwrap();
        assert_eq!(
            front.default.as_deref(),
            Some("http://127.0.0.1:1/files/samples/front.png")
        );
    }

    #[test]
    fn stable_uuid_is_stable_and_uuid_shaped() {
        let a = stable_uuid("x");
        assert_eq!(a, stable_uuid("x"));
        assert_ne!(a, stable_uuid("y"));
        assert!(uuid::Uuid::parse_str(&a).is_ok(), "{a}");
    }
}
