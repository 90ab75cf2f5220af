//! `lamina-cli doctor` against the sandbox over real HTTP: a full and a minimal service, a
//! wrong key, a dead port and a clock 10 minutes off; its lines, `--json`, its exit codes, and
//! the key appearing nowhere in what it prints.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::{Command, Output, Stdio};

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    lamina_sandbox::start(config).await.unwrap()
}

/// Runs `lamina-cli doctor` (plus `extra`) and checks the key is in neither stream.
async fn doctor(base_url: &str, key: &str, extra: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(CLI);
    command
        .arg("doctor")
        .args(extra)
        .env("LAMINA_BASE_URL", base_url)
        .env("LAMINA_API_KEY", key)
        .env("LAMINA_DATA_DIR", data.path())
        .env_remove("LAMINA_LOG")
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(key), "the key was printed: {text}");
    }
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", stdout(output)))
}

/// `check` → `status` of every line of a `--json` report.
fn statuses(report: &Value) -> Vec<(String, String)> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["check"].as_str().unwrap().to_owned(),
                l["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of(report: &Value, check: &str) -> String {
    statuses(report)
        .into_iter()
        .find(|(c, _)| c == check)
        .unwrap()
        .1
}

#[tokio::test(flavor = "multi_thread")]
async fn a_healthy_service_exits_0_with_a_line_per_check() {
    let server = sandbox(SandboxConfig::default()).await;
    let output = doctor(&server.base_url(), DEMO_KEY, &[]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for (mark, title) in [
        ("ok", "Key"),
        ("ok", "Encryption"),
        ("ok", "API"),
        ("ok", "Features"),
        ("ok", "Rate limit"),
        ("ok", "Clock"),
        ("skipped", "Webhook"),
        ("ok", "Keychain"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(mark) && l[8..].trim_start().starts_with(title)),
            "no `{mark} {title}` line in:\n{text}"
        );
    }
    assert!(text.contains("Everything is fine."), "{text}");

    let output = doctor(&server.base_url(), DEMO_KEY, &["--json"]).await;
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["verdict"], "healthy");
    assert_eq!(statuses(&report).len(), 8);
    // One line per optional endpoint a plain GET can probe (the POST ones are learned on use).
    let probed = lamina_api::OptionalEndpoint::ALL
        .iter()
        .filter(|endpoint| endpoint.is_read())
        .count();
    assert_eq!(report["endpoints"].as_array().unwrap().len(), probed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_minimal_service_exits_0_and_names_what_it_leaves_out() {
    let server = sandbox(SandboxConfig {
        minimal: true,
        ..SandboxConfig::default()
    })
    .await;
    let output = doctor(&server.base_url(), DEMO_KEY, &["--json"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(status_of(&report, "endpoints"), "ok");
    assert!(
        report["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["offered"] == false),
        "{report:#}"
    );
    let output = doctor(&server.base_url(), DEMO_KEY, &[]).await;
    assert!(
        stdout(&output).contains("leaves out a list of your runs"),
        "{}",
        stdout(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_exits_3() {
    let server = sandbox(SandboxConfig::default()).await;
    let wrong = "lma_wrong_key_for_the_doctor_9f3k";
    let output = doctor(&server.base_url(), wrong, &[]).await;
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    assert!(stdout(&output).contains("ending in 9f3k"));
    let output = doctor(&server.base_url(), wrong, &["--json"]).await;
    assert_eq!(output.status.code(), Some(3));
    let report = json(&output);
    assert_eq!(report["verdict"], "keyRefused");
    assert_eq!(status_of(&report, "key"), "problem");
    assert_eq!(status_of(&report, "endpoints"), "skipped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_port_exits_4() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let output = doctor(&base, DEMO_KEY, &["--json"]).await;
    assert_eq!(output.status.code(), Some(4), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(report["verdict"], "unreachable");
    assert_eq!(status_of(&report, "key"), "problem");
    assert_eq!(status_of(&report, "clock"), "skipped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_ten_minutes_off_exits_1_and_says_what_to_do() {
    let server = sandbox(SandboxConfig {
        clock_offset_s: -600,
        ..SandboxConfig::default()
    })
    .await;
    let output = doctor(&server.base_url(), DEMO_KEY, &[]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let clock = text
        .lines()
        .find(|l| l.starts_with("PROBLEM") && l.contains("Clock"))
        .unwrap_or_else(|| panic!("no clock problem in:\n{text}"));
    assert!(clock.contains("10 minutes ahead of Lamina's"), "{clock}");
    assert!(
        clock.contains("Set your computer's clock automatically"),
        "{clock}"
    );
    let report = json(&doctor(&server.base_url(), DEMO_KEY, &["--json"]).await);
    assert_eq!(report["verdict"], "problems");
    assert_eq!(status_of(&report, "clock"), "problem");
}
