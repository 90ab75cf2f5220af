//! `lamina-cli` as a script would use it, against the sandbox over real HTTP: exit codes, JSON
//! documents, downloads, the key never leaking, and `resume` after a SIGKILL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

async fn sandbox(speed: f64) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed,
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

#[tokio::test(flavor = "multi_thread")]
async fn run_goes_from_queued_to_completed_and_downloads_the_image() {
    let server = sandbox(8.0).await;
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
    let running = stderr.find("running").expect("progress shows running");
    let completed = stderr.find("completed").expect("progress shows completed");
    assert!(running < completed, "{stderr}");

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

#[tokio::test(flavor = "multi_thread")]
async fn failed_run_exits_1_with_the_error_message_and_each_output_error() {
    let server = sandbox(20.0).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_exits_2_and_sends_nothing() {
    let server = sandbox(20.0).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn wrong_key_exits_3_and_the_key_appears_nowhere() {
    let server = sandbox(20.0).await;
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
    let server = sandbox(5.0).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn apps_app_and_status_print_json_documents() {
    let server = sandbox(20.0).await;
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
    foreground.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = foreground.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let history =
            json(&output(cli(&server, data.path(), DEMO_KEY, &["--json", "history"])).await);
        if history
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["runId"].is_string())
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the foreground run was not accepted"
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
