//! Input validation against an app's parameters, run before any request is sent.

use crate::error::{ApiError, FieldError};
use crate::models::{App, Inputs, ParameterKind};

/// Checks `inputs` against `app` and returns exactly what to send: values keyed by parameter
/// name, options as their labels, blank optional values dropped so the service applies defaults.
/// Every problem is reported at once, each naming its field.
pub fn validate_inputs(app: &App, inputs: &Inputs) -> Result<Inputs, ApiError> {
    let mut problems = Vec::new();
    let mut to_send = Inputs::new();

    for name in inputs.keys() {
        if app.parameter(name).is_none() {
            problems.push(FieldError {
                field: Some(name.clone()),
                reason: format!("is not an input of \"{}\"", app.name),
            });
        }
    }

    for param in &app.parameters {
        let value = inputs
            .get(&param.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        let Some(value) = value else {
            if param.is_mandatory() {
                problems.push(FieldError {
                    field: Some(param.name.clone()),
                    reason: "is required".into(),
                });
            }
            continue;
        };
        let problem = match param.kind {
            ParameterKind::Options if !param.options.iter().any(|o| o == value) => {
                Some(format!("must be one of: {}", param.options.join(", ")))
            }
            ParameterKind::Url => check_url(value).err(),
            _ => None,
        };
        match problem {
            Some(reason) => problems.push(FieldError {
                field: Some(param.name.clone()),
                reason,
            }),
            None => {
                to_send.insert(param.name.clone(), value.to_owned());
            }
        }
    }

    if problems.is_empty() {
        Ok(to_send)
    } else {
        Err(ApiError::invalid_input(problems))
    }
}

/// The service fetches `url` inputs itself, so only absolute http(s) addresses make sense.
pub(crate) fn check_url(value: &str) -> Result<(), String> {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        Ok(_) => Err("must be a web address starting with http:// or https://".into()),
        Err(_) => Err("is not a valid web address".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiErrorKind;
    use crate::models::Parameter;

    fn app() -> App {
        let param =
            |name: &str, kind, required, default: Option<&str>, options: &[&str]| Parameter {
                id: None,
                name: name.into(),
                kind,
                required,
                options: options.iter().map(|s| s.to_string()).collect(),
                default: default.map(str::to_owned),
                accept: vec![],
            };
        App {
            app_id: "a".into(),
            name: "Hero Image".into(),
            description: String::new(),
            parameters: vec![
                param("Prompt", ParameterKind::Text, Some(true), None, &[]),
                param(
                    "Aspect Ratio",
                    ParameterKind::Options,
                    Some(true),
                    Some("1:1"),
                    &["1:1", "16:9"],
                ),
                param("Reference", ParameterKind::Url, Some(false), None, &[]),
            ],
        }
    }

    fn inputs(pairs: &[(&str, &str)]) -> Inputs {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn fields(error: ApiError) -> Vec<(String, String)> {
        match error.kind {
            ApiErrorKind::InvalidInput { fields } => fields
                .into_iter()
                .map(|f| (f.field.unwrap_or_default(), f.reason))
                .collect(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_applied_by_omission() {
        let sent =
            validate_inputs(&app(), &inputs(&[("Prompt", "shoe"), ("Reference", " ")])).unwrap();
        assert_eq!(sent, inputs(&[("Prompt", "shoe")]));
    }

    #[test]
    fn reports_every_problem_with_its_field() {
        let error = validate_inputs(
            &app(),
            &inputs(&[
                ("Aspect Ratio", "2:1"),
                ("Reference", "ftp://x/y.png"),
                ("Colour", "red"),
            ]),
        )
        .unwrap_err();
        let fields = fields(error);
        let names: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["Colour", "Prompt", "Aspect Ratio", "Reference"]);
        assert!(fields[2].1.contains("1:1, 16:9"));
    }

    #[test]
    fn option_labels_are_matched_exactly() {
        assert!(
            validate_inputs(
                &app(),
                &inputs(&[("Prompt", "x"), ("Aspect Ratio", "16:9")])
            )
            .is_ok()
        );
        assert!(
            validate_inputs(
                &app(),
                &inputs(&[("Prompt", "x"), ("Aspect Ratio", "16:9 ")])
            )
            .is_ok()
        );
        assert!(
            validate_inputs(
                &app(),
                &inputs(&[("Prompt", "x"), ("Aspect Ratio", "16x9")])
            )
            .is_err()
        );
    }

    #[test]
    fn urls_must_be_absolute_web_addresses() {
        for bad in [
            "not a url",
            "/relative.png",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(
                validate_inputs(&app(), &inputs(&[("Prompt", "x"), ("Reference", bad)])).is_err(),
                "{bad}"
            );
        }
        assert!(
            validate_inputs(
                &app(),
                &inputs(&[
                    ("Prompt", "x"),
                    ("Reference", "https://cdn.example.com/a.png")
                ])
            )
            .is_ok()
        );
    }
}
