//! Opening a history of 10,000 runs: time from opening the SQLite file to the first page of
//! rows (what the History screen shows first), and a few searches over the whole history.
//!
//! `cargo run --release -p lamina-core --example history_bench [-- --runs 10000]`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark fails loudly

use std::time::Instant;

use chrono::{Duration, Utc};
use lamina_api::{App, Inputs, Run};
use lamina_core::store::NewRun;
use lamina_core::{HistoryQuery, RunState, Store, StoredFile};

fn main() {
    let runs: usize = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let seeded = Instant::now();
    seed(&Store::open(&path).unwrap(), runs);
    println!(
        "seeded {runs} runs in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let page = |query: HistoryQuery| HistoryQuery {
        limit: 100,
        ..query
    };
    let mut rows = Vec::new();
    for _ in 0..7 {
        let began = Instant::now();
        let store = Store::open(&path).unwrap();
        let first = store.search(&page(HistoryQuery::default())).unwrap();
        let elapsed = began.elapsed();
        assert_eq!(first.total as usize, runs);
        assert_eq!(first.runs.len(), 100);
        rows.push(elapsed.as_secs_f64() * 1000.0);
    }
    let store = Store::open(&path).unwrap();
    let mut cases = vec![("open file + first 100 rows", median(rows))];
    for (name, query) in [
        (
            "search text \"mug 7\"",
            HistoryQuery {
                text: Some("mug 7".into()),
                ..HistoryQuery::default()
            },
        ),
        (
            "filter failed runs",
            HistoryQuery {
                states: vec![RunState::Failed],
                ..HistoryQuery::default()
            },
        ),
        (
            "page at offset 9,000",
            HistoryQuery {
                offset: 9_000,
                ..HistoryQuery::default()
            },
        ),
        ("gallery first 100", HistoryQuery::default()),
    ] {
        let gallery = name.starts_with("gallery");
        let times: Vec<f64> = (0..7)
            .map(|_| {
                let began = Instant::now();
                if gallery {
                    store.gallery(&page(query.clone())).unwrap();
                } else {
                    store.search(&page(query.clone())).unwrap();
                }
                began.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        cases.push((name, median(times)));
    }
    println!("\n| history of {runs} runs | median ms |\n|---|---:|");
    for (name, ms) in cases {
        println!("| {name} | {ms:.1} |");
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn seed(store: &Store, runs: usize) {
    let apps: Vec<App> = ["Hero Image", "Lifestyle Scene", "Social Ad Pack"]
        .iter()
        .enumerate()
        .map(|(n, name)| {
            serde_json::from_value(serde_json::json!({
                "appId": format!("app-{n}"), "name": name, "description": "", "parameters": []
            }))
            .unwrap()
        })
        .collect();
    let start = Utc::now() - Duration::days(365);
    for n in 0..runs {
        let app = &apps[n % apps.len()];
        let local_id = format!("local-{n:06}");
        let inputs: Inputs = [
            (
                "Prompt".to_owned(),
                format!("ceramic mug number {n} on a wooden table"),
            ),
            ("Aspect Ratio".to_owned(), "16:9".to_owned()),
        ]
        .into();
        store
            .insert_intent(&NewRun {
                local_id: local_id.clone(),
                app,
                inputs: &inputs,
                base_url: "http://bench",
                webhook_url: None,
                created_at: start + Duration::minutes(n as i64 * 50),
            })
            .unwrap();
        let failed = n % 10 == 0;
        let run: Run = serde_json::from_value(serde_json::json!({
            "runId": format!("run-{n:06}"),
            "status": if failed { "failed" } else { "completed" },
            "errorMessage": if failed { Some("Image generation timed out") } else { None },
            "outputs": [{"id": "n1", "label": "Hero", "type": "image",
                "value": format!("http://bench/{n}.png"),
                "status": if failed { "error" } else { "completed" }, "error": null}],
        }))
        .unwrap();
        store.record_started(&local_id, &run).unwrap();
        if !failed {
            let file = StoredFile {
                path: format!("/outputs/{local_id}/0.png").into(),
                content_type: "image/png".into(),
                bytes: 1_500_000,
                width: Some(1024),
                height: Some(1024),
                thumbnail: Some(format!("/outputs/{local_id}/0.thumb.webp").into()),
            };
            store.record_output_file(&local_id, 0, Ok(&file)).unwrap();
        }
    }
}
