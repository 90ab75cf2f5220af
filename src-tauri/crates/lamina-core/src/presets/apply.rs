//! Checking a saved preset against the app as it is now. Pure: no store, no network.

use lamina_api::{ApiErrorKind, App, Inputs, Parameter, validate_inputs};
use serde::{Deserialize, Serialize};

use super::Preset;

/// Why a value of a preset was not applied as saved, or what else needs attention.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PresetIssueKind {
    /// The app no longer has this parameter: the value was left out.
    Removed,
    /// The saved choice is no longer one of the parameter's options: the field keeps its default.
    OptionGone,
    /// The value no longer passes the parameter's checks (e.g. a web address): left out.
    Invalid,
    /// The parameter changed kind since the preset was saved; the value still fits and was applied.
    KindChanged,
    /// The app has a new mandatory parameter the preset knows nothing of: fill it in.
    NewRequired,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetIssue {
    /// The parameter's name.
    pub field: String,
    pub kind: PresetIssueKind,
    /// The value the preset holds for it, if any.
    pub value: Option<String>,
    /// Whether the preset's value was put in the form anyway.
    pub applied: bool,
    /// Why, in plain words (the same rule the form checks with before a run).
    pub reason: String,
}

/// What applying a preset gives the form.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedPreset {
    pub preset: Preset,
    /// The values to put in the form (parameters not listed keep their defaults).
    pub values: Inputs,
    /// Everything that did not fit, in the app's parameter order (removed ones last).
    pub issues: Vec<PresetIssue>,
}

/// Checks each saved value against the app's current parameter with the same validation a run
/// gets; blank values are applied as blank (the preset cleared that field).
pub fn apply_preset(preset: Preset, saved_parameters: &[Parameter], app: &App) -> AppliedPreset {
    let mut values = Inputs::new();
    let mut issues = Vec::new();
    let saved = |name: &str| saved_parameters.iter().find(|p| p.name == name);

    for param in &app.parameters {
        let Some(value) = preset.inputs.get(&param.name) else {
            if saved(&param.name).is_none() && param.is_mandatory() {
                issues.push(PresetIssue {
                    field: param.name.clone(),
                    kind: PresetIssueKind::NewRequired,
                    value: None,
                    applied: false,
                    reason: "is new in this app and needs a value".into(),
                });
            }
            continue;
        };
        let kind_changed = saved(&param.name).is_some_and(|old| old.kind != param.kind);
        match value_problem(param, value) {
            None => {
                values.insert(param.name.clone(), value.clone());
                if kind_changed {
                    issues.push(PresetIssue {
                        field: param.name.clone(),
                        kind: PresetIssueKind::KindChanged,
                        value: Some(value.clone()),
                        applied: true,
                        reason: "changed since the preset was saved; check the value".into(),
                    });
                }
            }
            Some(reason) => issues.push(PresetIssue {
                field: param.name.clone(),
                kind: if matches!(param.kind, lamina_api::ParameterKind::Options) && !kind_changed {
                    PresetIssueKind::OptionGone
                } else {
                    PresetIssueKind::Invalid
                },
                value: Some(value.clone()),
                applied: false,
                reason,
            }),
        }
    }
    for (name, value) in &preset.inputs {
        if app.parameter(name).is_none() {
            issues.push(PresetIssue {
                field: name.clone(),
                kind: PresetIssueKind::Removed,
                value: Some(value.clone()),
                applied: false,
                reason: format!("is no longer an input of \u{201c}{}\u{201d}", app.name),
            });
        }
    }
    AppliedPreset {
        preset,
        values,
        issues,
    }
}

/// The run validation's verdict on one non-blank value, or `None` when it fits.
fn value_problem(param: &Parameter, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let single = App {
        app_id: String::new(),
        name: String::new(),
        description: String::new(),
        parameters: vec![param.clone()],
    };
    let inputs: Inputs = [(param.name.clone(), value.to_owned())].into();
    match validate_inputs(&single, &inputs) {
        Ok(_) => None,
        Err(error) => match error.kind {
            ApiErrorKind::InvalidInput { fields } => Some(
                fields
                    .into_iter()
                    .map(|f| f.reason)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => Some(error.message),
        },
    }
}
