//! `lamina-cli` as a script would use it, against the sandbox over real HTTP: exit codes, JSON
//! documents, downloads, the key never leaking, `resume` after a SIGKILL, and batches (their
//! table problems in one pass, and 200 rows killed mid-way and resumed). The scenarios that talk
//! to the service run twice: against the full sandbox and against the minimal service (only
//! the four required endpoints, a 429 on each run's first status read).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

/// Runs each scenario `async fn name(minimal: bool)` twice: `name::full_service` against the
/// full sandbox and `name::minimal_service` against the minimal service.
macro_rules! in_both_services {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread")]
            async fn full_service() {
                super::$scenario(false).await;
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn minimal_service() {
                super::$scenario(true).await;
            }
        }
    )*};
}

in_both_services!(
    run_goes_from_queued_to_completed_and_downloads_the_image,
    failed_run_exits_1_with_the_error_message_and_each_output_error,
    invalid_input_exits_2_and_sends_nothing,
    wrong_key_exits_3_and_the_key_appears_nowhere,
    apps_app_and_status_print_json_documents,
    batch_table_problems_come_in_one_pass,
    batch_of_200_killed_and_resumed_sends_each_row_once,
);

async fn sandbox(speed: f64, minimal: bool) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn cli(server: &SandboxHandle, data: &Path, key: &str, args: &[&str]) -> Command {
    let mut command = Command::new(CLI);
    command
        .args(args)
        .env("LAMINA_BASE_URL", server.base_url())
        .env("LAMINA_API_KEY", key)
        .env("LAMINA_DATA_DIR", data)
        .env_remove("LAMINA_LOG")
        .stdin(Stdio::null());
    command
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

async fn run_goes_from_queued_to_completed_and_downloads_the_image(minimal: bool) {
    let server = sandbox(8.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("images");
    let mut command = cli(
        &server,
        data.path(),
        DEMO_KEY,
        &[
            "run",
            catalog::HERO_IMAGE,
            "--input",
            "Prompt=A blue vase",
            "--input",
            "Aspect Ratio=16:9",
        ],
    );
    command.args(["--out", out.to_str().unwrap()]);
    let result = output(command).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );

    let stderr = String::from_utf8_lossy(&result.stderr);
    let completed = stderr.find("completed").expect("progress shows completed");
    // Live updates show the run working; polling alone (the minimal service: no `/wait`, no
    // `/stream`, reads at the documented cadence) may first see a ~1 s run finished.
    match stderr.find("running") {
        Some(running) => assert!(running < completed, "{stderr}"),
        None => assert!(minimal, "progress shows running: {stderr}"),
    }

    let stdout = String::from_utf8_lossy(&result.stdout);
    let path = stdout
        .lines()
        .find_map(|l| l.split(": ").nth(1))
        .expect("an output path");
    assert!(path.starts_with(out.to_str().unwrap()), "{stdout}");
    let image = image::open(path).unwrap();
    assert_eq!((image.width(), image.height()), (1024, 576));

    // History has it, as JSON with the documented fields.
    let history = output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await;
    let runs = json(&history);
    let run = &runs[0];
    assert_eq!(run["status"], "completed");
    assert_eq!(run["appId"], catalog::HERO_IMAGE);
    assert_eq!(run["inputs"]["Prompt"], "A blue vase");
    assert!(run["runId"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(run["outputs"][0]["file"]["path"], path);
    assert!(run["createdAt"].is_string() && run["completedAt"].is_string());
    assert_eq!(server.stats().run_start_requests, 1);
}

async fn failed_run_exits_1_with_the_error_message_and_each_output_error(minimal: bool) {
    let server = sandbox(20.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let args = ["--json", "run", catalog::VIRTUAL_TRY_ON];
    let result = output(cli(&server, data.path(), DEMO_KEY, &args)).await;
    assert_eq!(result.status.code(), Some(1));
    let run = json(&result);
    assert_eq!(run["status"], "failed");
    let message = run["errorMessage"].as_str().unwrap();
    assert!(!message.is_empty());
    let outputs = run["outputs"].as_array().unwrap();
    assert!(!outputs.is_empty());
    for output in outputs {
        assert_eq!(output["status"], "error");
        assert!(output["error"].as_str().is_some_and(|e| !e.is_empty()));
    }

    let human = output(cli(
        &server,
        data.path(),
        DEMO_KEY,
        &["run", catalog::VIRTUAL_TRY_ON],
    ))
    .await;
    assert_eq!(human.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&human.stdout).contains(message));
}

async fn invalid_input_exits_2_and_sends_nothing(minimal: bool) {
    let server = sandbox(20.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 3] = [
        &["run", catalog::HERO_IMAGE],
        &[
            "run",
            catalog::HERO_IMAGE,
            "--input",
            "Prompt=x",
            "--input",
            "Aspect Ratio=2:1",
        ],
        &[
            "run",
            catalog::HERO_IMAGE,
            "--input",
            "Prompt=x",
            "--input",
            "Reference Image=not a url",
        ],
    ];
    for args in cases {
        let result = output(cli(&server, data.path(), DEMO_KEY, args)).await;
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains("Prompt")
                || stderr.contains("Aspect Ratio")
                || stderr.contains("Reference")
        );
    }
    let bad_flag = output(cli(
        &server,
        data.path(),
        DEMO_KEY,
        &["run", catalog::HERO_IMAGE, "--input", "oops"],
    ))
    .await;
    assert_eq!(bad_flag.status.code(), Some(2));
    assert_eq!(server.stats().run_start_requests, 0);
    let history = output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await;
    assert_eq!(json(&history), serde_json::json!([]));
}

async fn wrong_key_exits_3_and_the_key_appears_nowhere(minimal: bool) {
    let server = sandbox(20.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let secret = "lma_wrong_key_7f3a9c2e11";
    for args in [
        &["apps"][..],
        &["--json", "apps"][..],
        &["run", catalog::HERO_IMAGE, "--input", "Prompt=x"][..],
    ] {
        let mut command = cli(&server, data.path(), secret, args);
        command.env("LAMINA_LOG", "trace");
        let result = output(command).await;
        assert_eq!(result.status.code(), Some(3), "{args:?}");
        for stream in [&result.stdout, &result.stderr] {
            assert!(!String::from_utf8_lossy(stream).contains(secret));
        }
    }
    assert_no_file_contains(data.path(), secret.as_bytes());
}

fn assert_no_file_contains(dir: &Path, needle: &[u8]) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_no_file_contains(&path, needle);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} holds the key",
                path.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn resume_finishes_runs_of_a_killed_process_with_one_post_each() {
    // Lifestyle Scene takes ~45 s at speed 1: ~9 s here, so the runs are surely in flight.
    let server = sandbox(5.0, false).await;
    let data = tempfile::tempdir().unwrap();
    let prompts = ["linen shirt", "oak chair", "brass lamp", "wool scarf"];
    let mut children = Vec::new();
    for prompt in prompts {
        let input = format!("Prompt={prompt}");
        let mut command = cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["run", catalog::LIFESTYLE_SCENE, "--input", &input],
        );
        command.stdout(Stdio::null()).stderr(Stdio::null());
        children.push(command.spawn().unwrap());
    }
    // Wait until every run has its service id recorded, then kill every tracker mid-flight.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let history = output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await;
        let runs = json(&history);
        let accepted = runs
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["runId"].is_string())
            .count();
        if accepted == prompts.len() {
            assert!(
                runs.as_array()
                    .unwrap()
                    .iter()
                    .all(|r| r["status"] != "completed")
            );
            break;
        }
        assert!(Instant::now() < deadline, "runs were not accepted in time");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for child in &mut children {
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }

    let result = output(cli(&server, data.path(), DEMO_KEY, &["--json", "resume"])).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let finished = json(&result);
    assert_eq!(finished.as_array().unwrap().len(), prompts.len());
    let history = json(&output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await);
    for run in history.as_array().unwrap() {
        assert_eq!(run["status"], "completed");
        for output in run["outputs"].as_array().unwrap() {
            let path = output["file"]["path"].as_str().expect("downloaded");
            assert!(Path::new(path).is_file());
        }
    }
    let stats = server.stats();
    assert_eq!(
        stats.run_start_requests,
        prompts.len() as u64,
        "exactly one POST per run"
    );
    assert_eq!(stats.runs_created, prompts.len() as u64);
}

async fn apps_app_and_status_print_json_documents(minimal: bool) {
    let server = sandbox(20.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let apps = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--json", "apps", "--search", "hero"],
        ))
        .await,
    );
    assert_eq!(apps.as_array().unwrap().len(), 1);
    assert_eq!(apps[0]["appId"], catalog::HERO_IMAGE);

    let app = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--json", "app", catalog::HERO_IMAGE],
        ))
        .await,
    );
    assert_eq!(app["parameters"][0]["name"], "Prompt");

    let detached = output(cli(
        &server,
        data.path(),
        DEMO_KEY,
        &[
            "--json",
            "run",
            catalog::PRODUCT_COPY,
            "--detach",
            "--input",
            "Product Name=Trail Boot",
        ],
    ))
    .await;
    assert_eq!(
        detached.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&detached.stderr)
    );
    let run = json(&detached);
    assert_eq!(run["status"], "queued");
    let run_id = run["runId"].as_str().unwrap().to_owned();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let status = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--json", "status", &run_id],
        ))
        .await,
    );
    assert_eq!(status["runId"], run_id.as_str());
    assert_eq!(status["status"], "completed");
    assert!(
        status["outputs"][0]["value"]
            .as_str()
            .is_some_and(|text| text.contains("Trail Boot"))
    );

    let legacy = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--api", "legacy", "--json", "apps"],
        ))
        .await,
    );
    assert_eq!(legacy.as_array().unwrap().len(), catalog::ALL.len());
}

#[test]
fn batch_help_shows_every_name_placeholder() {
    let help = Command::new(CLI)
        .args(["batch", "--help"])
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    let name_help: String = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("--name"))
        .take_while(|l| !l.trim_start().starts_with("--format"))
        .collect::<Vec<_>>()
        .join("\n");
    for placeholder in [
        "{COLUMN}", "{app}", "{label}", "{n}", "{row}", "{date}", "{run}", "{ext}",
    ] {
        assert!(
            name_help.contains(placeholder),
            "{placeholder} in {name_help}"
        );
    }
    assert!(
        !name_help
            .lines()
            .any(|l| l.trim().is_empty() || l.trim() == ","),
        "no line break where {{n}} belongs: {name_help}"
    );
}

/// An extra `sku` column and two bad rows: both rows named by row and column in one answer,
/// the column only a notice; `--map sku=-` stays valid; nothing is sent.
async fn batch_table_problems_come_in_one_pass(minimal: bool) {
    let server = sandbox(20.0, minimal).await;
    let data = tempfile::tempdir().unwrap();
    let bad = data.path().join("bad.csv");
    std::fs::write(
        &bad,
        "sku,Prompt,Aspect Ratio\nA1,shoe,1:1\nA2,,1:1\nA3,bag,2:1\n",
    )
    .unwrap();
    let args = [
        "batch",
        catalog::HERO_IMAGE,
        "--check",
        "--csv",
        bad.to_str().unwrap(),
        "--map",
        "nope=Prompt",
    ];
    let result = output(cli(&server, data.path(), DEMO_KEY, &args)).await;
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    for expected in [
        "3 problems in the table; nothing was sent",
        "column \"nope\": --map names a column the table does not have",
        "row 3, column \"Prompt\": a value is required",
        "row 4, column \"Aspect Ratio\": '2:1' must be one of",
    ] {
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    }
    assert!(!stderr.contains("column \"sku\""), "{stderr}");

    let good = data.path().join("good.csv");
    std::fs::write(&good, "sku,Prompt\nA1,shoe\nA2,bag\n").unwrap();
    let check = ["batch", catalog::HERO_IMAGE, "--check", "--csv"];
    let mut command = cli(&server, data.path(), DEMO_KEY, &check);
    command.arg(&good);
    let noticed = output(command).await;
    assert_eq!(noticed.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&noticed.stderr);
    assert!(
        stderr.contains("note: column \"sku\": is not a parameter of \"Hero Image\"")
            && stderr.contains("kept for file names and the manifest"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&noticed.stdout).contains("2 rows are valid"));
    let mut command = cli(&server, data.path(), DEMO_KEY, &check);
    command.arg(&good).args(["--map", "sku=-"]);
    let kept = output(command).await;
    assert_eq!(kept.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&kept.stderr).contains("note:"));
    assert_eq!(server.stats().run_start_requests, 0, "nothing was sent");
}

/// `lamina-cli batch` of 200 rows under the real limit of 100 requests a window (the window
/// scaled to 2 s on both sides), SIGKILLed mid-way, then `lamina-cli resume`: 200 completed,
/// exactly 200 POSTs, no 429 surfaced, and each missing endpoint asked at most once per
/// process. The request counts are printed.
async fn batch_of_200_killed_and_resumed_sends_each_row_once(minimal: bool) {
    const ROWS: usize = 200;
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 8.0, // Hero Image takes ~1 s
        rate_limit: 100,
        rate_window: Duration::from_secs(2),
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let table = data.path().join("products.csv");
    let mut csv = String::from("sku,Prompt\n");
    for i in 0..ROWS {
        csv.push_str(&format!("SKU-{i:03},studio shot of product {i}\n"));
    }
    std::fs::write(&table, csv).unwrap();
    let scaled = |mut command: Command| {
        command.env("LAMINA_RATE_WINDOW_MS", "2000");
        command
    };

    let mut command = scaled(cli(
        &server,
        data.path(),
        DEMO_KEY,
        &["batch", catalog::HERO_IMAGE, "--csv"],
    ));
    command
        .arg(&table)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    // Progress lines end "..., N waiting)": kill once more than 120 rows were sent.
    let waiting_at_kill = tokio::task::spawn_blocking(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| {
                let (head, _) = line.split_once(" waiting)")?;
                head.rsplit(' ').next()?.parse::<usize>().ok()
            })
            .find(|&waiting| waiting < ROWS - 120)
    })
    .await
    .unwrap()
    .expect("the batch never got past 120 rows");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = server.stats();
    assert!(at_kill.run_start_requests < ROWS as u64, "killed mid-way");

    let resumed = output(scaled(cli(
        &server,
        data.path(),
        DEMO_KEY,
        &["--json", "resume"],
    )))
    .await;
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    // A kill that lands while a POST is in flight leaves that start unconfirmed. A minimal
    // service has no run list to match it against, so resume leaves it for a person (never
    // re-sent) and says so with exit 1; the full service's run list finds it.
    let unconfirmed = usize::from(minimal && stderr.contains("no run list to match it"));
    assert_eq!(
        resumed.status.code(),
        Some(if unconfirmed == 0 { 0 } else { 1 }),
        "{stderr}"
    );
    assert!(!stderr.contains("429") && !stderr.to_lowercase().contains("too many"));
    if unconfirmed == 0 {
        let runs = json(&resumed);
        let runs = runs.as_array().unwrap();
        assert_eq!(runs.len(), ROWS);
        assert!(runs.iter().all(|r| r["status"] == "completed"), "{runs:?}");
    }

    let stats = server.stats();
    let count = |route: &str| stats.by_route.get(route).copied().unwrap_or(0);
    println!(
        "{} service: killed with {waiting_at_kill} rows waiting; run list {} (resume {}), \
         waits {}, streams {}, run reads {}, 429s {}",
        if minimal { "minimal" } else { "full" },
        count("GET /v1/runs"),
        count("GET /v1/runs") - at_kill.by_route.get("GET /v1/runs").copied().unwrap_or(0),
        count("GET /v1/runs/{id}/wait"),
        count("GET /v1/runs/{id}/stream"),
        count("GET /v1/runs/{id}"),
        stats.rate_limited,
    );
    // One POST per row, never two. The start left for a person may not have reached the service
    // (a kill before it was sent, or a connection the sandbox dropped with the process).
    let unconfirmed = unconfirmed as u64;
    assert!(
        (ROWS as u64 - unconfirmed..=ROWS as u64).contains(&stats.run_start_requests),
        "one POST per row: {} for {ROWS} rows, {unconfirmed} unconfirmed",
        stats.run_start_requests
    );
    assert!(
        (stats.run_start_requests - unconfirmed..=stats.run_start_requests)
            .contains(&stats.runs_created),
        "{} runs from {} POSTs",
        stats.runs_created,
        stats.run_start_requests
    );
    // Batches follow their runs themselves: never a long poll or a stream per run.
    assert_eq!(
        count("GET /v1/runs/{id}/wait") + count("GET /v1/runs/{id}/stream"),
        0
    );
    if minimal {
        // Missing, asked at most once per detection: once by each process.
        assert!(count("GET /v1/runs") <= 2, "{:?}", stats.by_route);
        assert!(
            stats.rate_limited <= ROWS as u64,
            "at most each run's first read"
        );
    } else {
        assert_eq!(stats.rate_limited, 0);
    }
}

/// Issue 16's acceptance: a service with every optional endpoint missing (no run list, no
/// `/wait`, no `/stream`, no usage, no signing key, a 429 on each run's first status read).
/// 49 runs started detached and one whose `run` process is killed mid-way are all finished by
/// one `resume`, which exits 0; each missing endpoint is asked at most once (one detection).
#[tokio::test(flavor = "multi_thread")]
async fn resume_of_fifty_runs_on_a_minimal_service_finishes_all_and_asks_each_missing_endpoint_once()
 {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 5.0,
        minimal: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let total = 50;

    // One run in the foreground, killed once the service has accepted it.
    let mut foreground = cli(
        &server,
        data.path(),
        DEMO_KEY,
        &[
            "run",
            catalog::LIFESTYLE_SCENE,
            "--input",
            "Prompt=killed lamp",
        ],
    );
    // Its own words are kept: if it never gets its run accepted, the failure says why.
    let foreground_log = data.path().join("foreground.log");
    let log_file = std::fs::File::create(&foreground_log).unwrap();
    foreground.stdout(Stdio::null()).stderr(log_file);
    let mut child = foreground.spawn().unwrap();
    // Generous: the batch tests beside it keep both cores busy in CI.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let history =
            json(&output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await);
        // While the foreground process is still creating the data folder, `history` may answer
        // with an error document instead of the list: ask again.
        match history.as_array() {
            Some(runs) if runs.iter().any(|r| r["runId"].is_string()) => break,
            Some(_) => {}
            None => println!("history not readable yet: {history}"),
        }
        assert!(
            Instant::now() < deadline,
            "the foreground run was not accepted; it said: {}",
            std::fs::read_to_string(&foreground_log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let it go on following for a moment (and meet the missing long-polls), then SIGKILL.
    tokio::time::sleep(Duration::from_millis(500)).await;
    child.kill().unwrap();
    child.wait().unwrap();

    for n in 1..total {
        let input = format!("Prompt=product {n}");
        let started = output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &[
                "--json",
                "run",
                catalog::HERO_IMAGE,
                "--input",
                &input,
                "--detach",
            ],
        ))
        .await;
        assert_eq!(
            started.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
    }
    let history = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--json", "history", "--limit", "100"],
        ))
        .await,
    );
    let unfinished = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !matches!(r["status"].as_str(), Some("completed" | "failed")))
        .count();
    assert_eq!(
        unfinished, total,
        "every run is unfinished before the resume"
    );

    let result = output(cli(&server, data.path(), DEMO_KEY, &["--json", "resume"])).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(json(&result).as_array().unwrap().len(), total);
    let history = json(
        &output(cli(
            &server,
            data.path(),
            DEMO_KEY,
            &["--json", "history", "--limit", "100"],
        ))
        .await,
    );
    let runs = history.as_array().unwrap();
    assert_eq!(runs.len(), total);
    assert!(runs.iter().all(|r| r["status"] == "completed"), "{history}");

    let stats = server.stats();
    assert_eq!(
        stats.run_start_requests, total as u64,
        "exactly one POST per run"
    );
    let missing = [
        "GET /v1/runs",
        "GET /v1/runs/{id}/wait",
        "GET /v1/runs/{id}/stream",
        "GET /v1/account/usage",
        "GET /v1/webhooks/signing-key",
    ];
    for route in missing {
        let asked = stats.by_route.get(route).copied().unwrap_or(0);
        println!("requests to the missing {route}: {asked}");
        assert!(
            asked <= 1,
            "{route} asked {asked} times: {:?}",
            stats.by_route
        );
    }
    println!(
        "status reads: {}, 429s: {}",
        stats
            .by_route
            .get("GET /v1/runs/{id}")
            .copied()
            .unwrap_or(0),
        stats.rate_limited
    );
}
