#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use lamina_api::{App, Inputs};

use super::*;

fn hero(parameters: serde_json::Value) -> App {
    serde_json::from_value(serde_json::json!({
        "appId": "hero", "name": "Hero Image", "description": "", "parameters": parameters
    }))
    .unwrap()
}

fn hero_v1() -> App {
    hero(serde_json::json!([
        {"name": "Prompt", "type": "text", "required": true},
        {"name": "Aspect Ratio", "type": "options", "options": ["1:1", "16:9", "4:5"], "default": "1:1"},
        {"name": "Style", "type": "options", "options": ["Studio", "Lifestyle"], "default": "Studio"},
        {"name": "Reference", "type": "url", "required": false},
        {"name": "Notes", "type": "text", "required": false}
    ]))
}

fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

#[test]
fn names_are_trimmed_and_compared_without_case() {
    assert_eq!(
        normalize_name("  Summer   sale ").unwrap(),
        ("Summer sale".to_owned(), "summer sale".to_owned())
    );
    assert!(matches!(
        normalize_name(" \t "),
        Err(PresetError::EmptyName)
    ));
    assert!(matches!(
        normalize_name(&"x".repeat(MAX_NAME_CHARS + 1)),
        Err(PresetError::NameTooLong)
    ));
    assert!(normalize_name(&"é".repeat(MAX_NAME_CHARS)).is_ok());
}

#[test]
fn save_list_rename_delete() {
    let store = Store::open_in_memory().unwrap();
    let app = hero_v1();
    let saved = store
        .save_preset(
            &app,
            "Summer",
            &inputs(&[
                ("Prompt", "sandals"),
                ("Aspect Ratio", "16:9"),
                ("Colour", "red"),
            ]),
            t0(),
        )
        .unwrap();
    // Values of parameters the app does not have are not kept.
    assert_eq!(
        saved.inputs,
        inputs(&[("Prompt", "sandals"), ("Aspect Ratio", "16:9")])
    );
    store
        .save_preset(&app, "autumn", &inputs(&[("Prompt", "boots")]), t0())
        .unwrap();
    let other = hero(serde_json::json!([{"name": "Prompt", "type": "text"}]));
    let other = App {
        app_id: "other".into(),
        ..other
    };
    // The same name is fine for another app.
    store
        .save_preset(&other, "Summer", &Inputs::new(), t0())
        .unwrap();

    let names: Vec<_> = store
        .presets("hero")
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["autumn", "Summer"]);

    let renamed = store
        .rename_preset(&saved.preset_id, "Beach  days", t0() + Duration::minutes(1))
        .unwrap();
    assert_eq!(renamed.name, "Beach days");
    assert_eq!(renamed.created_at, t0());
    assert_eq!(renamed.updated_at, t0() + Duration::minutes(1));
    assert_eq!(renamed.inputs, saved.inputs);

    let deleted = store.delete_preset(&saved.preset_id).unwrap();
    assert_eq!(deleted.name, "Beach days");
    assert_eq!(store.presets("hero").unwrap().len(), 1);
    assert!(matches!(
        store.preset(&saved.preset_id),
        Err(PresetError::NotFound(_))
    ));
}

#[test]
fn names_are_unique_per_app_with_a_friendly_error() {
    let store = Store::open_in_memory().unwrap();
    let app = hero_v1();
    store
        .save_preset(&app, "Summer sale", &Inputs::new(), t0())
        .unwrap();
    let error = store
        .save_preset(&app, "  SUMMER   sale", &Inputs::new(), t0())
        .unwrap_err();
    assert!(matches!(&error, PresetError::DuplicateName(name) if name == "SUMMER sale"));
    assert_eq!(
        error.to_string(),
        "There is already a preset called \u{201c}SUMMER sale\u{201d} for this app. Pick another name."
    );

    let other = store
        .save_preset(&app, "Winter", &Inputs::new(), t0())
        .unwrap();
    assert!(matches!(
        store.rename_preset(&other.preset_id, "summer SALE", t0()),
        Err(PresetError::DuplicateName(_))
    ));
    // Renaming to itself with other capitals is fine.
    assert_eq!(
        store
            .rename_preset(&other.preset_id, "WINTER", t0())
            .unwrap()
            .name,
        "WINTER"
    );
    assert!(matches!(
        store.rename_preset("nope", "x", t0()),
        Err(PresetError::NotFound(_))
    ));
    assert!(matches!(
        store.rename_preset(&other.preset_id, "  ", t0()),
        Err(PresetError::EmptyName)
    ));
}

#[test]
fn updating_values_keeps_name_and_id() {
    let store = Store::open_in_memory().unwrap();
    let app = hero_v1();
    let saved = store
        .save_preset(&app, "Look", &inputs(&[("Style", "Studio")]), t0())
        .unwrap();
    let updated = store
        .update_preset_inputs(
            &saved.preset_id,
            &app,
            &inputs(&[("Style", "Lifestyle"), ("Notes", "")]),
            t0() + Duration::hours(1),
        )
        .unwrap();
    assert_eq!(updated.preset_id, saved.preset_id);
    assert_eq!(updated.name, "Look");
    assert_eq!(
        updated.inputs,
        inputs(&[("Style", "Lifestyle"), ("Notes", "")])
    );
}

#[test]
fn applying_to_an_unchanged_app_gives_every_value_back() {
    let app = hero_v1();
    let saved = inputs(&[
        ("Prompt", "sandals on sand"),
        ("Aspect Ratio", "16:9"),
        ("Reference", "https://cdn.example.com/a.png"),
        ("Notes", ""),
    ]);
    let preset = preset_of(&saved);
    let applied = apply_preset(preset, &app.parameters, &app);
    assert_eq!(applied.values, saved);
    assert!(applied.issues.is_empty(), "{:?}", applied.issues);
}

#[test]
fn what_no_longer_fits_is_reported_and_the_rest_applied() {
    let before = hero_v1();
    let saved = inputs(&[
        ("Prompt", "sandals"),
        ("Aspect Ratio", "4:5"),
        ("Style", "Lifestyle"),
        ("Reference", "https://cdn.example.com/a.png"),
        ("Notes", "matte"),
    ]);
    // Now: 4:5 is gone, Notes removed, Reference became an options parameter, Style became
    // free text (the old value still fits), and a new mandatory Background appeared.
    let now = hero(serde_json::json!([
        {"name": "Prompt", "type": "text", "required": true},
        {"name": "Aspect Ratio", "type": "options", "options": ["1:1", "16:9"], "default": "1:1"},
        {"name": "Style", "type": "text", "required": false},
        {"name": "Reference", "type": "options", "options": ["None", "Mannequin"], "default": "None"},
        {"name": "Background", "type": "options", "options": ["White", "Grey"], "required": true}
    ]));
    let applied = apply_preset(preset_of(&saved), &before.parameters, &now);
    assert_eq!(
        applied.values,
        inputs(&[("Prompt", "sandals"), ("Style", "Lifestyle")])
    );
    let issues: Vec<_> = applied
        .issues
        .iter()
        .map(|i| (i.field.as_str(), i.kind, i.applied))
        .collect();
    assert_eq!(
        issues,
        [
            ("Aspect Ratio", PresetIssueKind::OptionGone, false),
            ("Style", PresetIssueKind::KindChanged, true),
            ("Reference", PresetIssueKind::Invalid, false),
            ("Background", PresetIssueKind::NewRequired, false),
            ("Notes", PresetIssueKind::Removed, false),
        ]
    );
    assert_eq!(applied.issues[0].value.as_deref(), Some("4:5"));
    assert_eq!(applied.issues[0].reason, "must be one of: 1:1, 16:9");
    assert!(applied.issues[4].reason.contains("Hero Image"));
}

#[test]
fn a_web_address_that_no_longer_passes_is_left_out() {
    let app = hero_v1();
    let applied = apply_preset(
        preset_of(&inputs(&[
            ("Prompt", "x"),
            ("Reference", "file:///etc/passwd"),
        ])),
        &app.parameters,
        &app,
    );
    assert_eq!(applied.values, inputs(&[("Prompt", "x")]));
    assert_eq!(applied.issues.len(), 1);
    assert_eq!(applied.issues[0].kind, PresetIssueKind::Invalid);
    assert!(applied.issues[0].reason.contains("http"));
}

fn preset_of(values: &Inputs) -> Preset {
    Preset {
        preset_id: "p".into(),
        app_id: "hero".into(),
        name: "p".into(),
        inputs: values.clone(),
        created_at: t0(),
        updated_at: t0(),
    }
}
