//! Batches against the sandbox over HTTP: a bad table is refused before any POST with messages
//! naming the row and the column; pause holds starts back and "cancel the rest" cancels only
//! rows not yet sent; a start whose answer is lost is reconciled with the service's own run list
//! instead of being sent again, and, on a service without the list, left "unknown — check".

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use lamina_api::ApiKey;
use lamina_core::batch::{
    BatchRowState, BatchRunner, Mapping, NamePattern, SchedulerConfig, Table, plan_rows,
};
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, FaultRule, SandboxConfig, SandboxHandle, catalog};

async fn setup(speed: f64) -> (SandboxHandle, tempfile::TempDir, Workspace, BatchRunner) {
    setup_service(speed, false).await
}

async fn setup_service(
    speed: f64,
    minimal: bool,
) -> (SandboxHandle, tempfile::TempDir, Workspace, BatchRunner) {
    let server = lamina_sandbox::start(SandboxConfig {
        speed,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().to_owned(),
    ))
    .unwrap();
    let runner = BatchRunner::new(
        workspace.tracker.clone(),
        SchedulerConfig {
            check_every: Duration::from_millis(100),
            parallel_downloads: 4,
        },
    );
    (server, data, workspace, runner)
}

#[tokio::test]
async fn a_bad_table_is_refused_before_any_post_naming_row_and_column() {
    let (server, _data, workspace, _runner) = setup(20.0).await;
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let csv = "sku,prompt,aspect ratio,notes\n\
               A1,red shoe,1:1,ok\n\
               A2,,16:9,ok\n\
               A3,blue bag,Panorama,ok\n";
    let table = Table::parse(csv).unwrap();
    let keep = NamePattern::columns_used("{sku}_{label}.{ext}");

    // The unmapped column is kept with a notice, and every bad row is reported at once with
    // its row and column.
    let mapping = Mapping::auto(&app, &table.headers, &[], &keep).unwrap();
    let notices = mapping.notices(&app);
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].column.as_deref(), Some("notes"));
    let error = plan_rows(&app, &table, &mapping).unwrap_err();
    assert!(!error.to_string().contains("notes"), "{error}");
    // `--map notes=-` stays valid and gives the same rows' problems.
    let overrides = [("notes".to_owned(), "-".to_owned())];
    let mapping = Mapping::auto(&app, &table.headers, &overrides, &keep).unwrap();
    assert!(mapping.notices(&app).is_empty());
    assert_eq!(plan_rows(&app, &table, &mapping).unwrap_err(), error);
    let text = error.to_string();
    assert!(
        text.contains("row 3, column \"prompt\": a value is required"),
        "{text}"
    );
    assert!(
        text.contains("row 4, column \"aspect ratio\": 'Panorama' must be one of: 1:1,"),
        "{text}"
    );
    assert_eq!(error.problems.len(), 2, "{text}");
    let stats = server.stats();
    assert_eq!(stats.run_start_requests, 0, "nothing was sent");
    assert_eq!(workspace.store().batches(10).unwrap().len(), 0);
}

fn hero_rows(
    app: &lamina_api::App,
    n: usize,
) -> (Vec<String>, Vec<lamina_core::batch::PlannedRow>) {
    let mut csv = String::from("sku,prompt\n");
    for i in 0..n {
        csv.push_str(&format!("S{i},shot {i}\n"));
    }
    let table = Table::parse(&csv).unwrap();
    let mapping = Mapping::auto(app, &table.headers, &[], &["sku".to_owned()]).unwrap();
    (
        table.headers.clone(),
        plan_rows(app, &table, &mapping).unwrap(),
    )
}

#[tokio::test]
async fn pause_holds_starts_and_cancel_the_rest_spares_started_runs() {
    let (server, _data, workspace, runner) = setup(20.0).await;
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let (headers, rows) = hero_rows(&app, 6);
    let batch = runner.create(&app, "six.csv", &headers, &rows).unwrap();
    runner.pause(&batch.batch_id).unwrap();
    let driver = {
        let runner = runner.clone();
        let id = batch.batch_id.clone();
        tokio::spawn(async move { runner.run(&id).await })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        server.stats().run_start_requests,
        0,
        "paused: nothing starts"
    );
    assert!(!driver.is_finished());

    // Resume, let a few start, then cancel the rest.
    let mut events = runner.subscribe();
    runner.resume(&batch.batch_id).unwrap();
    while let Ok(p) = events.recv().await {
        if p.total - p.waiting >= 2 {
            break;
        }
    }
    let after_cancel = runner.cancel_rest(&batch.batch_id).unwrap();
    let progress = tokio::time::timeout(Duration::from_secs(60), driver)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let sent = server.stats().run_start_requests as u32;
    assert!((2..6).contains(&sent), "some sent, some cancelled: {sent}");
    assert_eq!(progress.completed, sent);
    assert_eq!(progress.cancelled, 6 - sent);
    assert_eq!(after_cancel.waiting, 0);
    let rows = runner.rows(&batch.batch_id).unwrap();
    assert_eq!(
        rows.iter()
            .filter(|r| r.state == BatchRowState::Cancelled && r.run.is_none())
            .count() as u32,
        6 - sent
    );
    // Retrying failed rows finds none: cancelled rows are not failures.
    assert_eq!(runner.retry_failed(&batch.batch_id).unwrap(), 0);
}

#[tokio::test]
async fn a_start_whose_answer_is_lost_is_matched_not_resent() {
    let (server, _data, workspace, runner) = setup(20.0).await;
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let (headers, rows) = hero_rows(&app, 4);
    // The service creates the first run, but its answer never arrives.
    server.set_faults(FaultRule::parse_spec("lost@POST:/v1/apps*1").unwrap());
    let batch = runner.create(&app, "four.csv", &headers, &rows).unwrap();
    let progress = tokio::time::timeout(Duration::from_secs(60), runner.run(&batch.batch_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(progress.completed, 4, "{progress:?}");
    let stats = server.stats();
    assert_eq!(
        stats.run_start_requests, 4,
        "the lost one was not sent again"
    );
    assert_eq!(stats.runs_created, 4);
    let rows = runner.rows(&batch.batch_id).unwrap();
    assert!(rows.iter().all(|r| r.attempts == 1));
}

#[tokio::test]
async fn without_the_run_list_a_lost_start_stays_unknown_and_is_never_resent() {
    let (server, _data, workspace, runner) = setup_service(20.0, true).await;
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let (headers, rows) = hero_rows(&app, 4);
    server.set_faults(FaultRule::parse_spec("lost@POST:/v1/apps*1").unwrap());
    let batch = runner.create(&app, "four.csv", &headers, &rows).unwrap();
    let progress = tokio::time::timeout(Duration::from_secs(60), runner.run(&batch.batch_id))
        .await
        .unwrap()
        .unwrap();
    // The other three complete from per-run reads; the lost one waits for a person.
    assert_eq!(
        (progress.completed, progress.unknown),
        (3, 1),
        "{progress:?}"
    );
    let stats = server.stats();
    assert_eq!(
        stats.run_start_requests, 4,
        "the lost one was not sent again"
    );
    let list = stats.by_route.get("GET /v1/runs").copied().unwrap_or(0);
    println!("run list requests: {list}; {:?}", stats.by_route);
    assert!(list <= 1, "the missing list is asked once: {list}");
    let rows = runner.rows(&batch.batch_id).unwrap();
    let unknown: Vec<_> = rows
        .iter()
        .filter(|r| r.state == BatchRowState::Unknown)
        .collect();
    assert_eq!(unknown.len(), 1);
    assert!(rows.iter().all(|r| r.attempts == 1));
}
