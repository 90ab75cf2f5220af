//! Presets in a real history file, checked against the app as the sandbox serves it over HTTP:
//! saved presets survive reopening the file, names stay unique per app, applying gives back
//! values the service accepts (a run started from them completes with exactly those inputs),
//! and when the app has changed, what no longer fits is reported while the rest is applied.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::Utc;
use lamina_api::{ApiKey, Inputs};
use lamina_core::store::Store;
use lamina_core::workspace::history_path;
use lamina_core::{PresetError, PresetIssueKind, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, catalog};

fn inputs(pairs: &[(&str, &str)]) -> Inputs {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn presets_live_in_the_history_file_and_apply_against_the_served_app() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 40.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().to_owned(),
    );
    let workspace = Workspace::open(config.clone()).unwrap();
    let hero = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();

    let wide = inputs(&[
        ("Prompt", "linen shirt on a beach"),
        ("Aspect Ratio", "16:9"),
    ]);
    let saved = workspace
        .store()
        .save_preset(&hero, "Wide banner", &wide, Utc::now())
        .unwrap();
    workspace
        .store()
        .save_preset(
            &hero,
            "Square",
            &inputs(&[("Aspect Ratio", "1:1")]),
            Utc::now(),
        )
        .unwrap();
    let taken = workspace
        .store()
        .save_preset(&hero, "wide BANNER", &Inputs::new(), Utc::now())
        .unwrap_err();
    assert!(matches!(taken, PresetError::DuplicateName(_)), "{taken}");

    // Another process (the CLI, the app after a restart) sees them in the same file.
    let reopened = Store::open(&history_path(data.path())).unwrap();
    let names: Vec<_> = reopened
        .presets(catalog::HERO_IMAGE)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Square", "Wide banner"]);
    assert!(
        reopened
            .presets(catalog::FULL_SET_CATALOG)
            .unwrap()
            .is_empty()
    );

    // Applied to the app as served now: every value back, and the service takes them.
    let applied = reopened.apply_preset(&saved.preset_id, &hero).unwrap();
    assert!(applied.issues.is_empty(), "{:?}", applied.issues);
    assert_eq!(applied.values, wide);
    let run = workspace
        .tracker
        .start(&hero, &applied.values, None)
        .await
        .unwrap();
    let done = workspace.tracker.follow(&run.local_id).await.unwrap();
    assert_eq!(done.state, RunState::Completed);
    assert_eq!(done.inputs, wide);

    // The app changes on the service (the 16:9 option and the reference field are gone, a new
    // mandatory field appears): the rest is applied, the rest reported by name.
    let mut changed = hero.clone();
    changed.parameters.retain(|p| p.name != "Reference Image");
    for param in &mut changed.parameters {
        if param.name == "Aspect Ratio" {
            param.options.retain(|o| o != "16:9");
        }
    }
    let mut background = changed.parameters[0].clone();
    background.name = "Background".into();
    changed.parameters.push(background);
    let with_reference = reopened
        .update_preset_inputs(
            &saved.preset_id,
            &hero,
            &inputs(&[
                ("Prompt", "linen shirt on a beach"),
                ("Aspect Ratio", "16:9"),
                ("Reference Image", "https://cdn.example.com/shirt.png"),
            ]),
            Utc::now(),
        )
        .unwrap();
    assert_eq!(with_reference.name, "Wide banner");
    let applied = reopened.apply_preset(&saved.preset_id, &changed).unwrap();
    assert_eq!(
        applied.values,
        inputs(&[("Prompt", "linen shirt on a beach")])
    );
    let issues: Vec<_> = applied
        .issues
        .iter()
        .map(|i| (i.field.as_str(), i.kind))
        .collect();
    assert_eq!(
        issues,
        [
            ("Aspect Ratio", PresetIssueKind::OptionGone),
            ("Background", PresetIssueKind::NewRequired),
            ("Reference Image", PresetIssueKind::Removed),
        ]
    );

    // Rename and delete go to the file too.
    reopened
        .rename_preset(&saved.preset_id, "Beach banner", Utc::now())
        .unwrap();
    let square = workspace.store().presets(catalog::HERO_IMAGE).unwrap();
    assert_eq!(square[0].name, "Beach banner");
    reopened.delete_preset(&square[1].preset_id).unwrap();
    drop(reopened);
    let again = Store::open(&history_path(data.path())).unwrap();
    let left: Vec<_> = again
        .presets(catalog::HERO_IMAGE)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(left, ["Beach banner"]);
}
