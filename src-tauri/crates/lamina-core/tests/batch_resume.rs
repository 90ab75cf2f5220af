//! The batch acceptance test: a 200-row CSV against the sandbox with its real limit of 100
//! requests per window (the window scaled from 60 s to 2 s so CI stays cheap: the sandbox's
//! `rate_window` and the client's budget window are the same knob). The process driving the
//! batch is killed with SIGKILL mid-batch; a new process resumes it the way the app does at
//! start-up (the tracker's resume beside the batch runner's). All 200 runs complete, the
//! sandbox saw exactly 200 POSTs, no 429 reached a row, each run was followed by one owner
//! only, and the exported files and manifest match the rows.
//!
//! It runs twice: against the full sandbox (the run list checks many runs per request), and
//! against the minimal service (no run list, `/wait` or `/stream`; a 429 on each run's first
//! status read), where runs are read one by one at the cadence and the missing list is asked at
//! most once per detection. The request counts are printed. Own harness: this binary
//! re-executes itself as the child.
//!
//! Starts are sent one at a time, so the kill can land while one row's POST is on its way. The
//! full service's run list settles that row (tied to the run the service made, or sent again if
//! the POST never arrived). A minimal service has no run list to match it against: that row is
//! left `unknown` for a person (never sent again, never counted as completed), and the test
//! accepts exactly that row, while still asserting that no row is sent twice.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use lamina_api::{ApiKey, BudgetConfig};
use lamina_core::batch::{
    BatchRowState, BatchRunner, ExportOptions, Mapping, NamePattern, SchedulerConfig, Table,
    export_batch, plan_rows,
};
use lamina_core::outputs::{ExportFormat, OutputLimits};
use lamina_core::{Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, FaultRule, SandboxConfig, catalog};

const ROWS: usize = 200;
const LIMIT: u32 = 100;
const WINDOW: Duration = Duration::from_secs(2);
const PATTERN: &str = "{sku}_{label}_{n}.{ext}";

fn workspace(base_url: &str, data: &Path) -> Workspace {
    let mut config = WorkspaceConfig::new(base_url, ApiKey::new(DEMO_KEY), data.to_owned());
    config.budget = BudgetConfig {
        limit: LIMIT,
        window: WINDOW,
    };
    Workspace::open(config).unwrap()
}

fn runner(workspace: &Workspace) -> BatchRunner {
    BatchRunner::new(
        workspace.tracker.clone(),
        SchedulerConfig {
            check_every: CHECK_EVERY,
            parallel_downloads: 8,
        },
    )
}

fn csv() -> String {
    let mut text = String::from("SKU,Prompt,aspect ratio\n");
    for i in 0..ROWS {
        let ratio = ["1:1", "16:9", "3:4"][i % 3];
        text.push_str(&format!(
            "SKU-{i:04},\"studio shot of product {i}, white\",{ratio}\n"
        ));
    }
    text
}

const CHECK_EVERY: Duration = Duration::from_millis(200);
/// Hero Image takes ~8 s at speed 1: ~1 s at the sandbox speed used here.
const SPEED: f64 = 8.0;
const RUN_TIME: Duration = Duration::from_secs(1);

#[path = "common/killed_child.rs"]
mod killed_child;

fn main() {
    killed_child::main_of_cases(
        &[
            (
                "batch_of_200_survives_sigkill_full_service",
                (false, Kill::PastRow120),
            ),
            (
                "batch_of_200_survives_sigkill_minimal_service",
                (true, Kill::PastRow120),
            ),
            (
                "batch_of_200_survives_sigkill_mid_post_minimal_service",
                (true, Kill::MidPost),
            ),
        ],
        |url, dir| async move { child(&url, &dir).await },
        |(minimal, kill)| batch_of_200_survives_sigkill(minimal, kill),
    );
}

/// When the child is killed.
#[derive(Clone, Copy)]
enum Kill {
    /// Once it has sent more than 120 rows, wherever its starts are.
    PastRow120,
    /// Then while the next row's POST has arrived and is held unanswered: the race of the other
    /// cases made certain, so the outcome they may meet is tested every time.
    MidPost,
}

/// The process that gets killed: plans the CSV, commits the batch, drives it and reports how
/// many rows it has sent.
async fn child(base_url: &str, data: &Path) {
    let workspace = workspace(base_url, data);
    let app = workspace
        .client()
        .get_app(catalog::HERO_IMAGE)
        .await
        .unwrap();
    let table = Table::parse(&csv()).unwrap();
    let mapping = Mapping::auto(
        &app,
        &table.headers,
        &[],
        &NamePattern::columns_used(PATTERN),
    )
    .unwrap();
    let rows = plan_rows(&app, &table, &mapping).unwrap();
    let runner = runner(&workspace);
    let batch = runner
        .create(&app, "products.csv", &table.headers, &rows)
        .unwrap();
    println!("batch {}", batch.batch_id);
    let mut events = runner.subscribe();
    tokio::spawn(async move {
        while let Ok(p) = events.recv().await {
            println!("sent {}", p.total - p.waiting);
        }
    });
    runner.run(&batch.batch_id).await.unwrap();
    // Reaching here means the parent was too slow to kill us; it notices.
    std::thread::sleep(Duration::from_secs(60));
}

async fn batch_of_200_survives_sigkill(minimal: bool, kill: Kill) {
    let config = if minimal { "minimal" } else { "full" };
    let when = match kill {
        Kill::PastRow120 => "",
        Kill::MidPost => ", killed mid-POST",
    };
    println!("--- {config} service{when}");
    let server = lamina_sandbox::start(SandboxConfig {
        speed: SPEED,
        rate_limit: LIMIT,
        rate_window: WINDOW,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let began = Instant::now();
    let mut child = killed_child::spawn_child(&server.base_url(), data.path());
    let stdout = child.stdout.take().unwrap();
    // Kill once the second window's starts are under way.
    let sent_at_kill = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| {
                l.strip_prefix("sent ")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .find(|&n| n > 120)
    })
    .await
    .unwrap()
    .expect("the child never got past 120 rows");
    if let Kill::MidPost = kill {
        server.set_faults(FaultRule::parse_spec("slow=5000@POST:/v1/apps").unwrap());
        // A POST counted after the faults were set is held for 5 s.
        let set = server.stats().run_start_requests;
        let waited = Instant::now();
        while server.stats().run_start_requests == set {
            assert!(waited.elapsed() < Duration::from_secs(10), "no more starts");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    println!(
        "killed after {sent_at_kill}+ rows were sent, at {:.1} s",
        began.elapsed().as_secs_f64()
    );
    let resume_began = Instant::now();

    let workspace = workspace(&server.base_url(), data.path());
    let runner = runner(&workspace);
    let batches = workspace.store().batches(10).unwrap();
    assert_eq!(batches.len(), 1);
    let batch_id = batches[0].batch_id.clone();
    let before = runner.progress(&batch_id).unwrap();
    assert_eq!(before.total as usize, ROWS);
    assert!(
        before.completed < ROWS as u32,
        "the kill must land mid-batch: {before:?}"
    );
    println!("at the kill: {before:?}");
    // A POST the child wrote just before it died may still be read by the server: let it land.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.set_faults(Vec::new());
    let posts_at_kill = server.stats().run_start_requests as usize;
    let rows_at_kill = runner.rows(&batch_id).unwrap();
    let started_at_kill = rows_at_kill
        .iter()
        .filter(|r| r.run.as_ref().is_some_and(|run| run.run_id.is_some()))
        .count();
    // Starts whose answer the child never read: at most one, as starts go one at a time.
    let unanswered_at_kill: Vec<String> = rows_at_kill
        .iter()
        .filter(|r| matches!(r.state, BatchRowState::Starting | BatchRowState::Unknown))
        .filter_map(|r| r.run.as_ref())
        .filter(|run| run.run_id.is_none())
        .map(|run| run.local_id.clone())
        .collect();
    assert!(unanswered_at_kill.len() <= 1, "{unanswered_at_kill:?}");
    if let Kill::MidPost = kill {
        assert_eq!(unanswered_at_kill.len(), 1, "killed mid-POST");
    }
    // Every POST the child sent is a started row's, or the unanswered one's if it arrived.
    let unanswered_arrived = posts_at_kill
        .checked_sub(started_at_kill)
        .expect("fewer POSTs than started rows");
    assert!(
        unanswered_arrived <= unanswered_at_kill.len(),
        "{posts_at_kill} POSTs for {started_at_kill} started rows and {unanswered_at_kill:?}"
    );

    let mut events = runner.subscribe();
    let watcher = tokio::spawn(async move {
        let t0 = Instant::now();
        let mut last = (u32::MAX, u32::MAX);
        while let Ok(p) = events.recv().await {
            if (p.waiting, p.completed) != last {
                last = (p.waiting, p.completed);
                if std::env::var("BATCH_TRACE").is_ok() {
                    eprintln!(
                        "{:6.2} s waiting {} in flight {} completed {}",
                        t0.elapsed().as_secs_f64(),
                        p.waiting,
                        p.in_flight,
                        p.completed
                    );
                }
            }
        }
    });
    // As the app does at start-up: the tracker's resume and the batch runner's side by side.
    let at_resume = server.stats();
    let (standalone, resumed) =
        tokio::join!(workspace.tracker.resume(), runner.resume_unfinished());
    let resumed = resumed.unwrap();
    watcher.abort();
    assert!(
        standalone.unwrap().is_empty(),
        "the tracker followed none of the batch's runs: they have one owner, the batch"
    );
    assert_eq!(resumed.len(), 1);
    let progress = resumed.into_iter().next().unwrap().unwrap();
    let resume_took = resume_began.elapsed();
    println!(
        "finished {:?}: resume {:.1} s, {:.1} s in all",
        progress,
        resume_took.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    let rows = runner.rows(&batch_id).unwrap();
    let left_for_a_person: Vec<String> = rows
        .iter()
        .filter(|r| r.state == BatchRowState::Unknown)
        .map(|r| r.run.as_ref().unwrap().local_id.clone())
        .collect();
    if minimal {
        assert_eq!(
            left_for_a_person, unanswered_at_kill,
            "only the unanswered start"
        );
    } else {
        assert!(left_for_a_person.is_empty(), "the run list settles it");
    }
    let unsettled = left_for_a_person.len();
    if unsettled > 0 {
        println!(
            "the kill landed mid-POST: {left_for_a_person:?} left for a person (its POST \
             arrived: {})",
            unanswered_arrived == 1
        );
    }
    assert_eq!(
        progress.completed as usize,
        ROWS - unsettled,
        "{progress:?}"
    );
    assert_eq!(progress.unknown as usize, unsettled, "{progress:?}");

    // Status requests while resuming, and to each missing endpoint in the whole test.
    let stats = server.stats();
    let during = |route: &str| {
        stats.by_route.get(route).copied().unwrap_or(0)
            - at_resume.by_route.get(route).copied().unwrap_or(0)
    };
    let total = |route: &str| stats.by_route.get(route).copied().unwrap_or(0);
    let (list, reads) = (during("GET /v1/runs"), during("GET /v1/runs/{id}"));
    let (wait, stream) = (
        during("GET /v1/runs/{id}/wait"),
        during("GET /v1/runs/{id}/stream"),
    );
    let left = ROWS - before.completed as usize;
    println!(
        "status requests while resuming {left} rows: {list} to the run list, {reads} run reads, \
         {wait} waits, {stream} streams; in all: run list {}, waits {}, streams {}; 429s {}",
        total("GET /v1/runs"),
        total("GET /v1/runs/{id}/wait"),
        total("GET /v1/runs/{id}/stream"),
        stats.rate_limited
    );
    assert_eq!(wait + stream, 0, "only the batch follows its runs");
    let cadence_reads = (RUN_TIME.as_millis() * 3 / 2).div_ceil(CHECK_EVERY.as_millis()) as u64;
    if minimal {
        // Missing: asked at most once per detection (one per process: the killed one, this one).
        assert!(total("GET /v1/runs") <= 2, "{:?}", stats.by_route);
        assert!(list <= 1, "{:?}", stats.by_route);
        // Each run read at the cadence: its 429 and the retry, then once per `check_every`
        // while it works (~1 s), and the read that finds it finished.
        let bound = left as u64 * (3 + cadence_reads);
        assert!(reads <= bound, "{reads} run reads > {bound}");
        // A 429 at most on each run's first status read, never more; none reached a row.
        assert!(stats.rate_limited <= ROWS as u64, "{}", stats.rate_limited);
    } else {
        // The list covers the runs in flight (one request per 100 per check); each run is read
        // once, when the list shows it finished (or before the list shows it at all).
        let checks = resume_took.as_millis().div_ceil(CHECK_EVERY.as_millis()) as u64;
        assert!(list <= 2 * checks, "{list} list requests > {}", 2 * checks);
        assert!(reads <= 2 * left as u64, "{reads} run reads > {}", 2 * left);
        assert_eq!(stats.rate_limited, 0, "no request met a 429");
        assert_eq!(workspace.client().budget().stats().rate_limited_seen, 0);
    }

    let mut run_ids = HashSet::new();
    for row in &rows {
        let run = row.run.as_ref().unwrap();
        if left_for_a_person.contains(&run.local_id) {
            assert!(run.run_id.is_none(), "never tied to a run: {run:?}");
            continue;
        }
        assert_eq!(row.state, BatchRowState::Completed, "row {}", row.line);
        assert!(run.is_settled());
        assert!(run.error.is_none(), "row {}: {:?}", row.line, run.error);
        assert!(run.outputs[0].file.as_ref().unwrap().path.is_file());
        assert!(
            run_ids.insert(run.run_id.clone().unwrap()),
            "one run per row"
        );
        assert_eq!(
            run.inputs.get("Prompt"),
            row.cells.get("Prompt"),
            "row {} ran its own prompt",
            row.line
        );
    }
    // Exactly one POST per row, but the row left for a person: at most one (none if the kill
    // landed before its POST was on the wire). The resumed process sent each row the child had
    // not, once, and, on the full service, the unanswered start the run list showed never
    // arrived.
    let resent = if minimal {
        0
    } else {
        unanswered_at_kill.len() - unanswered_arrived
    };
    assert_eq!(
        stats.run_start_requests as usize - posts_at_kill,
        ROWS - started_at_kill - unanswered_at_kill.len() + resent,
        "the resumed process sent each row not yet sent once"
    );
    let posts = ROWS - unsettled + if unsettled > 0 { unanswered_arrived } else { 0 };
    assert_eq!(
        stats.run_start_requests as usize, posts,
        "exactly one POST per row"
    );
    // A POST that arrived as its sender died may or may not have made its run (the server may
    // drop the request with the connection).
    let runs = stats.runs_created as usize;
    println!("{posts} POSTs, {runs} runs made");
    assert!(
        (ROWS - unsettled..=posts).contains(&runs),
        "{runs} runs for {posts} POSTs"
    );

    // Export: a folder of JPEGs named by SKU, and the same as a ZIP; manifests match the rows.
    let out = data.path().join("export");
    let options = ExportOptions {
        dest: out.clone(),
        zip: false,
        pattern: PATTERN.into(),
        format: ExportFormat::Jpeg { quality: 80 },
        longest_side: Some(128),
    };
    let report = export_batch(
        workspace.store(),
        &batch_id,
        &options,
        &OutputLimits::default(),
    )
    .unwrap();
    assert_eq!(report.files.len(), ROWS - unsettled);
    assert_eq!(report.skipped, left_for_a_person, "no picture to export");
    let mut manifest = csv::Reader::from_path(out.join("manifest.csv")).unwrap();
    let headers = manifest.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    // The rows with a run: the one left for a person has none, nor a line in the manifest.
    let by_sku: BTreeMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((r.cells["SKU"].clone(), r.run.as_ref()?.run_id.clone()?)))
        .collect();
    assert_eq!(by_sku.len(), ROWS - unsettled);
    let mut seen = 0;
    for record in manifest.records() {
        let record = record.unwrap();
        let file = &record[col("file")];
        let sku = &record[col("SKU")];
        assert_eq!(file, format!("{sku}_Hero Image_1.jpg"));
        assert_eq!(
            record[col("run_id")],
            by_sku[sku],
            "manifest ties {sku} to its run"
        );
        assert!(record[col("inputs")].contains(&record[col("Prompt")].replace('"', "\\\"")));
        let bytes = std::fs::read(out.join(file)).unwrap();
        let image = image::load_from_memory(&bytes).unwrap();
        assert!(image.width().max(image.height()) <= 128);
        assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
        seen += 1;
    }
    assert_eq!(seen, ROWS - unsettled);

    let zip_path = data.path().join("pack.zip");
    let zipped = export_batch(
        workspace.store(),
        &batch_id,
        &ExportOptions {
            dest: zip_path.clone(),
            zip: true,
            format: ExportFormat::Original,
            longest_side: None,
            ..options
        },
        &OutputLimits::default(),
    )
    .unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    assert_eq!(archive.len(), ROWS - unsettled + 1);
    let mut first = archive.by_name(&zipped.files[0].name).unwrap();
    let mut head = [0u8; 8];
    first.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"\x89PNG\r\n\x1a\n");
    assert!(zipped.files[0].name.ends_with("_Hero Image_1.png"));
    // Nothing more was sent by exporting.
    assert_eq!(server.stats().run_start_requests as usize, posts);
}
