#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use lamina_api::{App, Inputs, Run};

use super::*;
use crate::store::NewRun;

fn app(id: &str, name: &str) -> App {
    serde_json::from_value(serde_json::json!({
        "appId": id, "name": name, "description": "", "parameters": []
    }))
    .unwrap()
}

fn completed_run(run_id: &str, with_image: bool) -> Run {
    let outputs = if with_image {
        serde_json::json!([{"id": "n1", "label": "Hero", "type": "image",
            "value": "http://x/1.png", "status": "completed", "error": null}])
    } else {
        serde_json::json!([])
    };
    serde_json::from_value(serde_json::json!({
        "runId": run_id, "status": "completed", "outputs": outputs,
        "errorMessage": null, "createdAt": "2026-01-01T00:00:00Z"
    }))
    .unwrap()
}

/// Inserts a run `minutes` after a fixed instant; completed runs get one image output.
fn add(store: &Store, app: &App, prompt: &str, minutes: i64, complete: bool) -> String {
    let local_id = uuid::Uuid::new_v4().to_string();
    let inputs: Inputs = [("Prompt".to_owned(), prompt.to_owned())].into();
    let created = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes);
    store
        .insert_intent(&NewRun {
            local_id: local_id.clone(),
            app,
            inputs: &inputs,
            base_url: "http://sandbox",
            webhook_url: None,
            created_at: created,
        })
        .unwrap();
    if complete {
        let run_id = format!("run-{local_id}");
        store
            .record_started(&local_id, &completed_run(&run_id, true))
            .unwrap();
        let file = StoredFile {
            path: format!("/tmp/{local_id}/0.png").into(),
            content_type: "image/png".into(),
            bytes: 10,
            width: Some(4),
            height: Some(2),
            thumbnail: None,
        };
        store.record_output_file(&local_id, 0, Ok(&file)).unwrap();
    }
    local_id
}

fn query() -> HistoryQuery {
    HistoryQuery {
        limit: 50,
        ..HistoryQuery::default()
    }
}

#[test]
fn pages_newest_first_with_the_total() {
    let store = Store::open_in_memory().unwrap();
    let hero = app("a1", "Hero Image");
    let ids: Vec<String> = (0..7)
        .map(|m| add(&store, &hero, "cup", m, false))
        .collect();
    let page = store
        .search(&HistoryQuery {
            limit: 3,
            offset: 2,
            ..query()
        })
        .unwrap();
    assert_eq!(page.total, 7);
    let got: Vec<&str> = page.runs.iter().map(|r| r.local_id.as_str()).collect();
    assert_eq!(got, vec![&ids[4], &ids[3], &ids[2]]);
}

#[test]
fn filters_by_words_app_state_dates_and_stars() {
    let store = Store::open_in_memory().unwrap();
    let hero = app("a1", "Hero Image");
    let scene = app("a2", "Lifestyle Scene");
    let red = add(&store, &hero, "Red ceramic mug", 0, true);
    let blue = add(&store, &scene, "Blue mug on a table", 10, false);
    let _shoe = add(&store, &scene, "Running shoe 100%", 20, true);

    let words = |text: &str| HistoryQuery {
        text: Some(text.into()),
        ..query()
    };
    let ids =
        |page: HistoryPage| -> Vec<String> { page.runs.into_iter().map(|r| r.local_id).collect() };
    assert_eq!(
        ids(store.search(&words("MUG red")).unwrap()),
        vec![red.clone()]
    );
    assert_eq!(store.search(&words("mug")).unwrap().total, 2);
    assert_eq!(store.search(&words("lifestyle")).unwrap().total, 2);
    // LIKE wildcards in the text are literal.
    assert_eq!(store.search(&words("100%")).unwrap().total, 1);
    assert_eq!(store.search(&words("10_%")).unwrap().total, 0);

    let by_app = HistoryQuery {
        app_id: Some("a2".into()),
        states: vec![RunState::Starting],
        ..query()
    };
    assert_eq!(ids(store.search(&by_app).unwrap()), vec![blue.clone()]);

    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 5, 0).unwrap();
    let window = HistoryQuery {
        from: Some(start),
        to: Some(start + Duration::minutes(10)),
        ..query()
    };
    assert_eq!(ids(store.search(&window).unwrap()), vec![blue]);

    let starred = HistoryQuery {
        starred_only: true,
        ..query()
    };
    assert_eq!(store.search(&starred).unwrap().total, 0);
    let record = store.set_starred(&red, 0, true).unwrap();
    assert!(record.outputs[0].starred);
    assert_eq!(ids(store.search(&starred).unwrap()), vec![red.clone()]);
    assert!(store.set_starred(&red, 5, true).is_err(), "no such output");
}

#[test]
fn gallery_lists_kept_images_with_filters() {
    let store = Store::open_in_memory().unwrap();
    let hero = app("a1", "Hero Image");
    let first = add(&store, &hero, "mug", 0, true);
    let _pending = add(&store, &hero, "mug", 1, false);
    let second = add(&store, &hero, "vase", 2, true);

    let all = store.gallery(&query()).unwrap();
    assert_eq!(all.total, 2);
    let got: Vec<&str> = all.items.iter().map(|i| i.local_id.as_str()).collect();
    assert_eq!(got, vec![second.as_str(), first.as_str()]);
    assert_eq!(all.items[0].file.width, Some(4));
    assert_eq!(all.items[0].app_name, "Hero Image");

    store.set_starred(&first, 0, true).unwrap();
    let starred = store
        .gallery(&HistoryQuery {
            starred_only: true,
            ..query()
        })
        .unwrap();
    assert_eq!(starred.total, 1);
    assert!(starred.items[0].starred);
    let vase = store
        .gallery(&HistoryQuery {
            text: Some("vase".into()),
            ..query()
        })
        .unwrap();
    assert_eq!(vase.items.len(), 1);
    assert_eq!(vase.items[0].local_id, second);
}

#[test]
fn history_apps_counts_runs_per_app() {
    let store = Store::open_in_memory().unwrap();
    let hero = app("a1", "Hero Image");
    let scene = app("a2", "Lifestyle Scene");
    add(&store, &hero, "x", 0, false);
    add(&store, &scene, "x", 1, false);
    add(&store, &scene, "y", 2, false);
    let apps = store.history_apps().unwrap();
    assert_eq!(apps[0].app_id, "a2");
    assert_eq!(apps[0].runs, 2);
    assert_eq!(apps[1].runs, 1);
}
