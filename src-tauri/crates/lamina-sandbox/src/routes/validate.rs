//! Input validation of a run start: the server-side twin of the documented rules, written
//! independently of `lamina_api::validate_inputs`.

use lamina_api::{App, Inputs, ParameterKind};
use serde_json::Value;

use crate::errors::ApiError;

/// Checks `inputs` (the JSON object of the request) against the app's parameters and returns
/// them as strings with defaults applied, or the per-field problems in the documented wording.
pub(super) fn resolve(
    app: &App,
    inputs: &serde_json::Map<String, Value>,
) -> Result<Inputs, ApiError> {
    let mut details = Vec::new();
    let mut resolved = Inputs::new();

    for (name, value) in inputs {
        let Some(param) = app.parameter(name) else {
            details.push(format!("\"{name}\": unknown input"));
            continue;
        };
        let text = match value {
            Value::String(s) => s.clone(),
            // Lenient with scalars a client may not have stringified.
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                details.push(format!("\"{name}\": must be a string"));
                continue;
            }
        };
        // An empty value counts as omitted: the default applies, or it is missing.
        if text.trim().is_empty() {
            continue;
        }
        match param.kind {
            ParameterKind::Options if !param.options.contains(&text) => {
                details.push(format!(
                    "\"{name}\": invalid option \"{text}\". Must be one of: {}",
                    param.options.join(", ")
                ));
                continue;
            }
            ParameterKind::Url if !is_http_url(&text) => {
                details.push(format!(
                    "\"{name}\": invalid url \"{text}\". Must be an http or https URL"
                ));
                continue;
            }
            _ => {}
        }
        resolved.insert(name.clone(), text);
    }

    for param in &app.parameters {
        if resolved.contains_key(&param.name) || details.iter().any(|d| mentions(d, &param.name)) {
            continue;
        }
        match &param.default {
            Some(default) => {
                resolved.insert(param.name.clone(), default.clone());
            }
            None if param.is_mandatory() => {
                details.push(format!("\"{}\": missing_no_default", param.name));
            }
            None => {}
        }
    }

    if details.is_empty() {
        Ok(resolved)
    } else {
        Err(ApiError::validation("Invalid inputs", details))
    }
}

fn mentions(detail: &str, name: &str) -> bool {
    detail.starts_with(&format!("\"{name}\":"))
}

/// An absolute http(s) URL with a host.
pub(super) fn is_http_url(text: &str) -> bool {
    url::Url::parse(text.trim()).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use serde_json::json;

    fn app(id: &str) -> App {
        catalog::build("http://h")
            .into_iter()
            .find(|a| a.id() == id)
            .unwrap()
            .app
    }

    fn check(id: &str, inputs: Value) -> Result<Inputs, Vec<String>> {
        resolve(&app(id), inputs.as_object().unwrap()).map_err(|e| e.details)
    }

    #[test]
    fn defaults_fill_in_and_mandatory_inputs_are_required() {
        let ok = check(catalog::HERO_IMAGE, json!({"Prompt": "a red shoe"})).unwrap();
        assert_eq!(ok["Aspect Ratio"], "1:1");
        assert!(!ok.contains_key("Reference Image"));
        let err = check(catalog::HERO_IMAGE, json!({})).unwrap_err();
        assert_eq!(err, ["\"Prompt\": missing_no_default"]);
        let err = check(catalog::HERO_IMAGE, json!({"Prompt": "  "})).unwrap_err();
        assert_eq!(err, ["\"Prompt\": missing_no_default"]);
    }

    #[test]
    fn options_urls_and_unknown_names_are_reported_per_field() {
        let err = check(
            catalog::FULL_SET_CATALOG,
            json!({"Background": "Mars", "Front Image": "ftp://x/y.png", "Colour": "red"}),
        )
        .unwrap_err();
        assert!(
            err.contains(&"\"Colour\": unknown input".to_owned()),
            "{err:?}"
        );
        assert!(
            err.contains(
                &"\"Background\": invalid option \"Mars\". Must be one of: Studio, Urban, Park"
                    .to_owned()
            )
        );
        assert!(
            err.iter()
                .any(|d| d.starts_with("\"Front Image\": invalid url"))
        );
        assert_eq!(err.len(), 3);
        // Labels are exact: case matters.
        assert!(check(catalog::FULL_SET_CATALOG, json!({"Background": "studio"})).is_err());
    }

    #[test]
    fn url_syntax_requires_http_and_a_host() {
        assert!(is_http_url("https://cdn.example.com/a.png"));
        assert!(is_http_url("http://127.0.0.1:9/x"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(!is_http_url("not a url"));
        assert!(!is_http_url("https://"));
    }
}
