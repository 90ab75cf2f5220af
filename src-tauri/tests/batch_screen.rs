//! The batch screen's backend against the sandbox over HTTP: a table with bad rows is previewed
//! with row/column problems and nothing is sent (and `create` refuses it too); a good one with a
//! SKU column kept for names runs to the end, shows per-row status and outputs, names the first
//! file from the pattern and exports files and manifest.csv; a batch left unfinished when the
//! app quit is driven to the end when the workspace opens again (real keychain: run under
//! `.ci/with-keyring.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lamina_api::{ApiKey, App};
use lamina_core::batch::{
    BatchProgress, BatchRowState, BatchRunner, BatchState, ColumnTarget, SchedulerConfig,
};
use lamina_core::credentials::Keychain;
use lamina_core::outputs::ExportFormat;
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_desktop::Session;
use lamina_desktop::batches::{self, BatchExportRequest};
use lamina_sandbox::{DEMO_KEY, SandboxHandle, catalog};

mod common;
use common::fast_sandbox;

const GOOD: &str = "sku,Prompt,Aspect Ratio\n\
    TEE-01,a white t-shirt on a wooden table,1:1\n\
    MUG-02,a blue mug on a shelf,16:9\n\
    BAG-03,a tote bag against a pastel wall,3:4\n";

fn workspace(base_url: &str, data: &std::path::Path) -> Workspace {
    Workspace::open(WorkspaceConfig::new(
        base_url,
        ApiKey::new(DEMO_KEY),
        data.to_owned(),
    ))
    .unwrap()
}

/// The demo workspace on a sandbox running 20× faster, and Hero Image as the service describes
/// it (the sandbox and the data folder live as long as the caller keeps them).
async fn hero_on_fast_sandbox() -> (SandboxHandle, tempfile::TempDir, Workspace, App) {
    let server = fast_sandbox(None).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server.base_url(), data.path());
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    (server, data, workspace, app)
}

fn runner(workspace: &Workspace) -> BatchRunner {
    BatchRunner::new(
        workspace.tracker.clone(),
        SchedulerConfig {
            check_every: Duration::from_millis(100),
            parallel_downloads: 4,
        },
    )
}

/// The preview's mapping with `column` kept for file names only.
fn keep(mut mapping: lamina_core::batch::Mapping, column: &str) -> lamina_core::batch::Mapping {
    for c in &mut mapping.columns {
        if c.column == column {
            c.target = Some(ColumnTarget::Keep);
        }
    }
    mapping
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_rows_are_named_and_nothing_is_sent() {
    let (server, _data, workspace, app) = hero_on_fast_sandbox().await;

    // An unmapped column is kept for names with a notice; every row is checked in the same
    // pass: a missing mandatory value and an unknown option label, by row and column.
    let text = "Prompt,Aspect Ratio,Colour\nshoe,1:1,red\n,1:1,red\nmug,2:1,blue\n";
    let preview = batches::preview(&app, text, None, None);
    assert_eq!(preview.headers, ["Prompt", "Aspect Ratio", "Colour"]);
    assert_eq!(preview.row_count, 3);
    assert_eq!(preview.runs, 0);
    assert_eq!(preview.kept_columns, ["Colour"]);
    let found = |preview: &batches::BatchPreview| -> Vec<(Option<u32>, Option<String>)> {
        preview
            .problems
            .iter()
            .map(|p| (p.row, p.column.clone()))
            .collect()
    };
    let expected = [
        (Some(3), Some("Prompt".to_owned())),
        (Some(4), Some("Aspect Ratio".to_owned())),
    ];
    assert_eq!(found(&preview), expected, "{:?}", preview.problems);
    assert!(preview.problems[1].message.contains("'2:1' must be one of"));
    assert!(
        preview
            .problems
            .iter()
            .all(|p| !p.message.contains("--map")),
        "no CLI flags in the window: {:?}",
        preview.problems
    );
    // Auto-mapped by header.
    assert_eq!(
        preview.mapping.columns[1].target,
        Some(ColumnTarget::Parameter {
            name: "Aspect Ratio".into()
        })
    );

    // Marked "file names only": the same problems, no notice.
    let mapping = keep(preview.mapping.clone(), "Colour");
    let preview = batches::preview(&app, text, Some(&mapping), None);
    assert!(preview.kept_columns.is_empty());
    assert_eq!(found(&preview), expected, "{:?}", preview.problems);

    // Starting it anyway is refused in Rust too, and the service saw no start.
    let runner = runner(&workspace);
    let refused = batches::create(&runner, &app, "bad", text, &mapping, None, None).unwrap_err();
    assert_eq!(refused.kind, lamina_desktop::AppErrorKind::InvalidInput);
    assert!(
        refused.detail.contains("row 3, column \"Prompt\""),
        "{}",
        refused.detail
    );
    // A ragged table names its row.
    let ragged = batches::preview(&app, "Prompt,Aspect Ratio\nshoe,1:1\nbag\n", None, None);
    assert_eq!(ragged.problems[0].row, Some(3));
    assert_eq!(server.stats().run_start_requests, 0, "nothing was sent");
    assert!(workspace.store().batches(10).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_table_runs_to_the_end_and_exports_named_files() {
    let (server, _data, workspace, app) = hero_on_fast_sandbox().await;
    let preview = batches::preview(&app, GOOD, None, None);
    let mapping = keep(preview.mapping, "sku");
    let preview = batches::preview(&app, GOOD, Some(&mapping), None);
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(preview.runs, 3);

    // The balance shown before Run.
    let credits = workspace
        .client()
        .usage()
        .await
        .unwrap()
        .credits
        .map(|c| c.balance);
    assert!(credits.is_some_and(|c| c > 0.0), "{credits:?}");

    let runner = runner(&workspace);
    let mut events = runner.subscribe();
    let batch = batches::create(&runner, &app, "  ", GOOD, &preview.mapping, None, None)
        .unwrap()
        .summary;
    assert_eq!(
        batch.name, "Hero Image batch",
        "a blank name gets the app's"
    );
    let done = tokio::time::timeout(Duration::from_secs(60), runner.run(&batch.batch_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.completed, done.total), (3, 3));
    let mut seen: Vec<BatchProgress> = Vec::new();
    while let Ok(p) = events.try_recv() {
        seen.push(p);
    }
    assert!(
        seen.iter().any(|p| p.in_flight > 0),
        "live progress while running"
    );
    assert_eq!(seen.last().unwrap().state, Some(BatchState::Finished));

    let detail = batches::detail(&runner, workspace.store(), &batch.batch_id).unwrap();
    assert_eq!(detail.progress.completed, 3);
    assert!(
        detail
            .rows
            .iter()
            .all(|r| r.state == BatchRowState::Completed
                && r.run.as_ref().unwrap().outputs[0].file.is_some())
    );
    assert_eq!(detail.rows[1].cells["sku"], "MUG-02");
    let listed = batches::list(&runner, workspace.store()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].progress.completed, 3);

    // The live example name, and a pattern naming an unknown column.
    let example = batches::example_name(
        workspace.store(),
        &batch.batch_id,
        "{sku}_{n}.{ext}",
        ExportFormat::Png,
    )
    .unwrap();
    assert_eq!(example, "TEE-01_1.png");
    let jpeg = batches::example_name(
        workspace.store(),
        &batch.batch_id,
        "{sku}_{label}",
        ExportFormat::Jpeg { quality: 80 },
    )
    .unwrap();
    assert_eq!(jpeg, "TEE-01_Hero Image.jpg");
    let bad = batches::example_name(
        workspace.store(),
        &batch.batch_id,
        "{colour}",
        ExportFormat::Png,
    )
    .unwrap_err();
    assert_eq!(bad.kind, lamina_desktop::AppErrorKind::InvalidInput);

    // Export into <root>/<batch name>.
    let root = tempfile::tempdir().unwrap();
    let request = BatchExportRequest {
        zip: false,
        pattern: "{sku}_{n}.png".into(),
        format: ExportFormat::Png,
        longest_side: Some(256),
        choose_folder: false,
    };
    let result = batches::export(
        workspace.store(),
        &batch.batch_id,
        &request,
        root.path(),
        false,
    )
    .unwrap();
    let folder = root.path().join("Hero Image batch");
    assert_eq!(result.files, 3);
    assert_eq!(result.location.as_deref(), Some(folder.to_str().unwrap()));
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "BAG-03_1.png",
            "MUG-02_1.png",
            "TEE-01_1.png",
            "manifest.csv"
        ]
    );
    assert_eq!(result.paths.len(), 4);
    for path in &result.paths {
        assert!(std::path::Path::new(path).is_file(), "{path}");
    }
    // Scaled to the longest side (PNG header: width and height at bytes 16..24).
    let png = std::fs::read(folder.join("MUG-02_1.png")).unwrap();
    let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(side(16).max(side(20)), 256, "16:9 scaled to 256 px wide");
    let manifest = std::fs::read_to_string(folder.join("manifest.csv")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(lines.len(), 4, "{manifest}");
    assert!(
        lines[0].starts_with("file,row,run_id,local_id,app,label,n,sku"),
        "{manifest}"
    );
    assert!(lines[1].starts_with("TEE-01_1.png,2,"), "{manifest}");

    // As a ZIP.
    let zipped = BatchExportRequest {
        zip: true,
        ..request
    };
    let result = batches::export(
        workspace.store(),
        &batch.batch_id,
        &zipped,
        root.path(),
        false,
    )
    .unwrap();
    let zip_path = root.path().join("Hero Image batch.zip");
    assert_eq!(result.paths, [zip_path.display().to_string()]);
    assert!(std::fs::metadata(&zip_path).unwrap().len() > 0);
    assert_eq!(server.stats().run_start_requests, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unfinished_batch_resumes_when_the_workspace_opens() {
    let secret = format!("lma_batch_resume_{}_beef", std::process::id());
    let server = fast_sandbox(Some(&secret)).await;
    let data = tempfile::tempdir().unwrap();

    // A batch committed but never driven: as if the app quit right after Run.
    let batch_id = {
        let mut config = WorkspaceConfig::new(
            server.base_url(),
            ApiKey::new(secret.clone()),
            data.path().to_owned(),
        );
        config.tracker = Default::default();
        let workspace = Workspace::open(config).unwrap();
        let app = workspace
            .client()
            .get_app(catalog::HERO_IMAGE)
            .await
            .unwrap();
        let preview = batches::preview(&app, GOOD, None, None);
        let mapping = keep(preview.mapping, "sku");
        let runner = runner(&workspace);
        batches::create(&runner, &app, "Interrupted", GOOD, &mapping, None, None)
            .unwrap()
            .summary
            .batch_id
    };
    assert_eq!(server.stats().run_start_requests, 0);

    let keychain = Keychain::new(
        &format!("lamina-desktop-batch-{}", std::process::id()),
        "lamina-api-key",
    );
    let progress: Arc<Mutex<Vec<BatchProgress>>> = Arc::default();
    let recorder = progress.clone();
    let session =
        Session::with_keychain(data.path().to_owned(), Arc::new(|_| {}), keychain.clone())
            .with_service_url(server.base_url())
            .with_batch_sink(Arc::new(move |p| recorder.lock().unwrap().push(p)));
    session.connect(ApiKey::new(secret)).await.unwrap();

    let (workspace, runner) = session.batches().await.unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(90), async {
        loop {
            let p = runner.progress(&batch_id).unwrap();
            if p.state == Some(BatchState::Finished) {
                return p;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("the batch was resumed and finished");
    assert_eq!(finished.completed, 3);
    assert_eq!(server.stats().run_start_requests, 3, "each row sent once");
    let detail = batches::detail(&runner, workspace.store(), &batch_id).unwrap();
    assert!(
        detail
            .rows
            .iter()
            .all(|r| r.state == BatchRowState::Completed)
    );
    assert!(
        progress
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.batch_id == batch_id && p.state == Some(BatchState::Finished)),
        "the window heard the end"
    );
    session.forget_key().await.unwrap();
}
