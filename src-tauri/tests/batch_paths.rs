//! Local photos in the Batch screen's backend (issue 17 item 6), against the sandbox and its
//! built-in storage over HTTP: 20 local paths with one missing are refused by row before any
//! request (no run started, no file sent); fixed, they make 20 uploads and 20 completed runs,
//! and History keeps each run's file name. A folder gives one row per picture (sorted, the
//! rest skipped with a reason), and a row whose upload fails is not started and says why.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::time::Duration;

use lamina_api::{ApiKey, App};
use lamina_core::batch::{BatchRowState, BatchRunner, SchedulerConfig, fixed_uploader};
use lamina_core::storage::backend::Backend;
use lamina_core::storage::batch_files::{UploadTally, folder_table};
use lamina_core::storage::uploads::input_files;
use lamina_core::storage::{PrepareOptions, Uploader};
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_desktop::batches;
use lamina_sandbox::{DEMO_KEY, SandboxHandle, catalog};

mod common;
use common::fast_sandbox;

const FIELD: &str = "Reference Image";

/// A small PNG whose pixels depend on `seed` (so every photo is its own upload).
fn photo(path: &Path, seed: u32) {
    let img = image::RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([(x * 5 + seed) as u8, (y * 7 + seed * 3) as u8, seed as u8])
    });
    img.save(path).unwrap();
}

struct Setup {
    server: SandboxHandle,
    _data: tempfile::TempDir,
    workspace: Workspace,
    app: App,
    runner: BatchRunner,
    uploader: Uploader,
}

/// The demo workspace on a fast sandbox, with the built-in storage as the app sets it up.
async fn setup() -> Setup {
    let server = fast_sandbox(None).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(WorkspaceConfig::new(
        server.base_url(),
        ApiKey::new(DEMO_KEY),
        data.path().join("app"),
    ))
    .unwrap();
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let uploader = Uploader::new(
        workspace.store().clone(),
        Some(Backend::built_in(
            &server.base_url(),
            workspace.client().http().clone(),
        )),
        Uploader::staging_dir_of(workspace.data_dir()),
        PrepareOptions::default(),
    );
    let runner = BatchRunner::new(
        workspace.tracker.clone(),
        SchedulerConfig {
            check_every: Duration::from_millis(100),
            parallel_downloads: 4,
        },
    );
    runner.set_uploaders(fixed_uploader(uploader.clone()));
    Setup {
        server,
        _data: data,
        workspace,
        app,
        runner,
        uploader,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_local_paths_one_missing_named_by_row_then_twenty_uploads_and_runs() {
    let s = setup().await;
    // The table's file lives in `table/`; its paths are relative to that folder.
    let table_dir = s._data.path().join("table");
    let shoot = table_dir.join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    let mut csv = format!("Prompt,{FIELD}\n");
    for i in 0..20 {
        let name = format!("photo-{i:02}.png");
        if i != 6 {
            photo(&shoot.join(&name), i);
        }
        csv.push_str(&format!("product {i},shoot/{name}\n"));
    }

    // Missing: named by row (header is row 1, so photo-06 is row 8) and column; nothing sent.
    let preview = batches::preview(&s.app, &csv, None, Some(&table_dir));
    let found: Vec<_> = preview
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(found, [(Some(8), Some(FIELD))], "{:?}", preview.problems);
    assert_eq!(
        preview.problems[0].message,
        "the file shoot/photo-06.png isn't there"
    );
    assert_eq!(preview.runs, 0);
    let refused = batches::create(
        &s.runner,
        &s.app,
        "shoot",
        &csv,
        &preview.mapping,
        Some(&table_dir),
        Some(&s.uploader),
    )
    .unwrap_err();
    assert_eq!(refused.kind, lamina_desktop::AppErrorKind::InvalidInput);
    assert!(refused.detail.contains("row 8"), "{}", refused.detail);
    // Pasted (no file, so no folder): relative paths can't be found, and say so.
    let pasted = batches::preview(&s.app, &csv, None, None);
    assert_eq!(pasted.problems.len(), 20, "{:?}", pasted.problems);
    assert!(pasted.problems[0].message.contains("full path"));
    let stats = s.server.stats();
    assert_eq!(stats.run_start_requests, 0, "no run started");
    assert_eq!(
        (stats.files_stored, stats.stored_bytes_received),
        (0, 0),
        "no file sent"
    );
    assert!(s.store_batches().is_empty(), "no batch committed");

    // Fixed: every path checks out, 20 uploads, then 20 runs.
    photo(&shoot.join("photo-06.png"), 6);
    let preview = batches::preview(&s.app, &csv, None, Some(&table_dir));
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!((preview.runs, preview.local_files), (20, 20));
    let created = batches::create(
        &s.runner,
        &s.app,
        "shoot",
        &csv,
        &preview.mapping,
        Some(&table_dir),
        Some(&s.uploader),
    )
    .unwrap();
    assert_eq!(created.uploads.len(), 20);
    assert_eq!(s.server.stats().files_stored, 0, "journaled, not sent yet");
    let batch_id = created.summary.batch_id;
    let mut events = s.runner.subscribe();
    batches::upload_photos(&s.runner, &s.uploader, &batch_id, &created.uploads).await;
    let mut heard = 0;
    while events.try_recv().is_ok() {
        heard += 1;
    }
    assert_eq!(heard, 20, "the screen hears of each photo uploaded");
    let detail = batches::detail(&s.runner, s.workspace.store(), &batch_id).unwrap();
    assert_eq!(
        detail.uploads,
        Some(UploadTally {
            total: 20,
            done: 20,
            failed: 0
        })
    );
    assert_eq!(s.server.stats().files_stored, 20, "20 uploads");
    assert_eq!(s.server.stats().run_start_requests, 0, "uploads come first");

    let done = tokio::time::timeout(Duration::from_secs(90), s.runner.run(&batch_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.completed, done.total), (20, 20), "{done:?}");
    let stats = s.server.stats();
    assert_eq!(stats.run_start_requests, 20);
    assert_eq!(stats.files_stored, 20, "no photo sent twice");
    let fetched: std::collections::BTreeSet<_> = stats
        .fetched_inputs
        .iter()
        .filter(|u| u.contains("/_sandbox/files/"))
        .collect();
    assert_eq!(fetched.len(), 20, "the service fetched each uploaded photo");

    // History keeps each run's local file name beside its link.
    let detail = batches::detail(&s.runner, s.workspace.store(), &batch_id).unwrap();
    for row in &detail.rows {
        let run = row.run.as_ref().unwrap();
        let files = input_files(s.workspace.store(), &run.local_id).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].field, FIELD);
        assert_eq!(files[0].file_name, format!("photo-{:02}.png", row.line - 2));
        assert_eq!(
            run.inputs.get(FIELD),
            Some(&files[0].link),
            "the link was sent"
        );
    }
}

impl Setup {
    fn store_batches(&self) -> Vec<lamina_core::batch::BatchSummary> {
        self.workspace.store().batches(10).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_fills_one_row_per_photo_and_a_failed_upload_is_not_started() {
    let s = setup().await;
    let folder = s._data.path().join("spring shoot");
    std::fs::create_dir_all(folder.join("older")).unwrap();
    photo(&folder.join("b-bag.png"), 2);
    photo(&folder.join("a-shoe.png"), 1);
    photo(&folder.join("c-mug.jpg"), 3);
    std::fs::write(folder.join("notes.txt"), "shot on tuesday").unwrap();
    std::fs::write(folder.join(".DS_Store"), [0u8, 1, 2]).unwrap();
    // Starts like a PNG (so it is listed) but is cut short: its upload fails.
    std::fs::write(
        folder.join("d-broken.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();

    let listed = folder_table(&folder, FIELD).unwrap();
    let names: Vec<_> = listed
        .table
        .rows
        .iter()
        .map(|r| r.cells[0].as_str())
        .collect();
    assert_eq!(
        names,
        ["a-shoe.png", "b-bag.png", "c-mug.jpg", "d-broken.png"]
    );
    let skipped: Vec<_> = listed.skipped.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(skipped, ["notes.txt", "older"], "hidden files are left out");
    assert!(listed.skipped[0].reason.contains("text file"));

    // The other fields are shared: a constant.
    let text = listed.csv_text();
    assert!(text.starts_with("Reference Image\n"), "{text}");
    let mut mapping = batches::preview(&s.app, &text, None, Some(&folder)).mapping;
    mapping
        .constants
        .insert("Prompt".into(), "on a marble plinth".into());
    let preview = batches::preview(&s.app, &text, Some(&mapping), Some(&folder));
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(preview.runs, 4);

    let created = batches::create(
        &s.runner,
        &s.app,
        "spring shoot",
        &text,
        &mapping,
        Some(&folder),
        Some(&s.uploader),
    )
    .unwrap();
    let batch_id = created.summary.batch_id;
    batches::upload_photos(&s.runner, &s.uploader, &batch_id, &created.uploads).await;
    let done = tokio::time::timeout(Duration::from_secs(60), s.runner.run(&batch_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.completed, done.failed), (3, 1), "{done:?}");
    assert_eq!(
        s.server.stats().run_start_requests,
        3,
        "the broken row is never sent"
    );
    let detail = batches::detail(&s.runner, s.workspace.store(), &batch_id).unwrap();
    assert_eq!(
        detail.uploads,
        Some(UploadTally {
            total: 4,
            done: 3,
            failed: 1
        })
    );
    let broken = &detail.rows[3];
    assert_eq!(broken.state, BatchRowState::Failed);
    let error = broken.error().unwrap();
    assert_eq!(error.kind, "uploadFailed");
    assert!(
        error.message.contains(FIELD) && error.message.contains("not started"),
        "{}",
        error.message
    );
    assert!(
        broken.run.as_ref().unwrap().run_id.is_none(),
        "no run id: never sent"
    );

    // The file fixed, "Retry failed" uploads it again and starts that row only.
    photo(&folder.join("d-broken.png"), 4);
    let requeued = batches::requeue_failed_photos(&s.runner, s.workspace.store(), &batch_id);
    assert_eq!(requeued.unwrap(), 1);
    assert_eq!(s.runner.retry_failed(&batch_id).unwrap(), 1);
    let done = tokio::time::timeout(Duration::from_secs(60), s.runner.run(&batch_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.completed, done.failed), (4, 0), "{done:?}");
    assert_eq!(s.server.stats().run_start_requests, 4);
    assert_eq!(s.server.stats().files_stored, 4);
}
